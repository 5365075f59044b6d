package e2e

// Inputs that are Outputs (SCENARIOS #8 and #11, issue 11), end to end in Go,
// TypeScript and Python: the component reads every input as a value whatever wraps
// it. Each case runs the variant of the same name in every language's test program
// (goOutputsProgram below, testdata/program.ts outputsProgram, testdata/program.py
// outputs_program), in a workspace of its own, through the real engine and the
// simulated cloud:
//
//   - VpcInProgram: a VPC and four subnets made in the same program; preview of a new
//     stack succeeds while the subnet IDs are unknown (the component plans no subnet
//     tag then), one up builds everything with every subnet tagged before the cluster,
//     a second up changes nothing, destroy removes it all.
//   - StackReference: one stack exports subnet IDs, a second reads them with a
//     StackReference and builds the platform on them.
//   - SecretTag: tag values from pulumi.secret and from a secret config value: up
//     succeeds, the cluster carries them, and `pulumi stack export` holds them only as
//     ciphertext.
//   - ProgramRoles: roles made in the program as admins and in accessEntries, and a
//     helmReleases entry with iamPolicy and serviceAccount: the access entries are
//     named from the role ARNs, and the release's values name the service account and
//     annotate it with the release role's ARN.
//   - RemoveOutputAdmin: admins [roleA.arn, roleB.arn], then [roleB.arn]: only roleA's
//     entry and its policy association are deleted; nothing else changes.
//   - ServiceAccountRename: catalogue values given as an Output that rename
//     ExternalDNS's service account fail the up, naming the input, before anything of
//     the platform is created.

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

const (
	tVpc    = "aws:ec2/vpc:Vpc"
	tSubnet = "aws:ec2/subnet:Subnet"

	// awsVersion is the aws plugin version the component's resources ask for; the
	// programs' own aws resources use it too, so they share one default provider.
	awsVersion = "6.83.4"

	// Roles the ProgramRoles and RemoveOutputAdmin programs make.
	roleAdminA  = "e2e-admin-a"
	roleViewerB = "e2e-viewer-b"
	roleAdminB  = "e2e-admin-b"

	// The helmReleases entry of ProgramRoles.
	edgeNamespace = "ingress"
	edgeSA        = "edge-controller"

	// Secret tag values of SecretTag: distinctive, so finding them in the state means
	// they leaked.
	secretTeam       = "s3cret-team-7f3a91"
	secretCostCenter = "s3cret-cc-42d0e8"
)

var subnetIDPattern = regexp.MustCompile(`^subnet-[0-9a-f]{17}$`)

func roleArn(name string) string { return "arn:aws:iam::" + "123456789012" + ":role/" + name }

// variantOpts is what some variants read besides their name.
type variantOpts struct {
	ref          string            // StackReference name (stackref)
	secret       string            // the pulumi.secret tag value (secret-tag)
	secretConfig map[string]string // secret config of the project's namespace (secret-tag)
}

// outputsLang makes a driver running a variant of one language's test program.
type outputsLang struct {
	project string
	stack   func(t *testing.T, ctx context.Context, ws *runner.Workspace, stack, variant string, o variantOpts) driver
}

func procOutputsLang(project string, mk func(t *testing.T, ws *runner.Workspace, stack, variant string) procDriver) outputsLang {
	return outputsLang{project: project, stack: func(t *testing.T, _ context.Context, ws *runner.Workspace, stack, variant string, o variantOpts) driver {
		d := mk(t, ws, stack, variant)
		d.env = map[string]string{}
		if o.ref != "" {
			d.env["E2E_REF"] = o.ref
		}
		if o.secret != "" {
			d.env["E2E_SECRET"] = o.secret
		}
		if len(o.secretConfig) > 0 {
			cfg := map[string]string{}
			for k, v := range o.secretConfig {
				cfg[project+":"+k] = v
			}
			b, err := json.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			d.env["E2E_SECRET_CONFIG"] = string(b)
		}
		return d
	}}
}

var goOutputsLang = outputsLang{project: "e2e-go", stack: func(t *testing.T, ctx context.Context, ws *runner.Workspace, stack, variant string, o variantOpts) driver {
	t.Helper()
	s, err := ws.GoStack(ctx, "e2e-go", stack, goOutputsProgram(variant, o))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range o.secretConfig {
		if err := s.Stack.SetConfig(ctx, k, auto.ConfigValue{Value: v, Secret: true}); err != nil {
			t.Fatal(err)
		}
	}
	return goDriver{s}
}}

// runOutputsCases runs every case for one language, each in parallel in a workspace of its own.
func runOutputsCases(t *testing.T, lang outputsLang) {
	t.Run("VpcInProgram", func(t *testing.T) { t.Parallel(); caseVpcInProgram(t, lang) })
	t.Run("StackReference", func(t *testing.T) { t.Parallel(); caseStackReference(t, lang) })
	t.Run("SecretTag", func(t *testing.T) { t.Parallel(); caseSecretTag(t, lang) })
	t.Run("ProgramRoles", func(t *testing.T) { t.Parallel(); caseProgramRoles(t, lang) })
	t.Run("RemoveOutputAdmin", func(t *testing.T) { t.Parallel(); caseRemoveOutputAdmin(t, lang) })
	t.Run("ServiceAccountRename", func(t *testing.T) { t.Parallel(); caseServiceAccountRename(t, lang) })
}

// TestGoOutputInputs: the cases above from a Go inline program.
func TestGoOutputInputs(t *testing.T) {
	t.Parallel()
	runOutputsCases(t, goOutputsLang)
}

// TestTypeScriptOutputInputs: the cases above from TypeScript (testdata/program.ts).
func TestTypeScriptOutputInputs(t *testing.T) {
	t.Parallel()
	nodeProject(t)
	runOutputsCases(t, procOutputsLang("e2e-node", nodeDriver))
}

// TestPythonOutputInputs: the cases above from Python (testdata/program.py).
func TestPythonOutputInputs(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	runOutputsCases(t, procOutputsLang("e2e-python", pythonDriver))
}

// upStep runs an up, failing the test on error, and returns its summary, the
// journal entries of that up and the state after it.
func upStep(t *testing.T, ctx context.Context, ws *runner.Workspace, d driver, step string) (runner.Summary, *journal.Journal, *journal.Graph) {
	t.Helper()
	n := readJournal(t, ws).Len()
	sum, err := d.up(ctx)
	if err != nil {
		t.Fatalf("%s: up: %v", step, tailStr(err.Error(), 6000))
	}
	t.Logf("%s: %s", step, sum)
	j := readJournal(t, ws).Since(n)
	_, g, err := d.state(ctx)
	if err != nil {
		t.Fatalf("%s: state: %v", step, err)
	}
	return sum, j, g
}

// requireNoChange runs an up that must change nothing, in the summary and in the cloud.
func requireNoChange(t *testing.T, ctx context.Context, ws *runner.Workspace, d driver, step string) {
	t.Helper()
	sum, j, _ := upStep(t, ctx, ws, d, step)
	if sum.Changed() != 0 || sum.Count("same") == 0 {
		t.Errorf("%s: want every resource unchanged, got %s", step, sum)
	}
	for _, e := range j.Mutations().Entries {
		t.Errorf("%s: touched the cloud: %s", step, journal.Label(e))
	}
}

// outputStrings reads a stack output that is a list of strings.
func outputStrings(t *testing.T, sum runner.Summary, name string) []string {
	t.Helper()
	o, ok := sum.Outputs[name]
	if !ok {
		t.Fatalf("no stack output %s (outputs: %v)", name, keys(sum.Outputs))
	}
	l, ok := o.Value.([]any)
	if !ok {
		t.Fatalf("stack output %s = %#v, want a list", name, o.Value)
	}
	var out []string
	for _, v := range l {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// subnetIDs reads the public and private subnet IDs a program exported, checking
// they look like EC2's and are four distinct subnets.
func subnetIDs(t *testing.T, sum runner.Summary) (public, private []string) {
	t.Helper()
	public, private = outputStrings(t, sum, "publicSubnetIds"), outputStrings(t, sum, "privateSubnetIds")
	all := append(append([]string{}, public...), private...)
	seen := map[string]bool{}
	for _, id := range all {
		if !subnetIDPattern.MatchString(id) {
			t.Errorf("subnet ID %q is not subnet- and 17 hex digits", id)
		}
		seen[id] = true
	}
	if len(public) != 2 || len(private) != 2 || len(seen) != 4 {
		t.Fatalf("want 2 public and 2 private distinct subnets, got %v / %v", public, private)
	}
	return public, private
}

// requireSubnetTags asserts the up tagged exactly the given subnets (cluster tag on
// each, elb on public, internal-elb on private), every tag created before the cluster
// and after its subnet, and that the cluster runs in those subnets.
func requireSubnetTags(t *testing.T, up *journal.Journal, g *journal.Graph, public, private []string) {
	t.Helper()
	want := map[string]bool{}
	for _, id := range public {
		want[id+" kubernetes.io/cluster/"+component] = true
		want[id+" kubernetes.io/role/elb"] = true
	}
	for _, id := range private {
		want[id+" kubernetes.io/cluster/"+component] = true
		want[id+" kubernetes.io/role/internal-elb"] = true
	}
	got := map[string]bool{}
	for _, n := range g.OfType(tTag) {
		got[str(n.Res.Inputs, "resourceId")+" "+str(n.Res.Inputs, "key")] = true
	}
	if fmt.Sprint(keys(got)) != fmt.Sprint(keys(want)) {
		t.Errorf("subnet tags in the state:\n  got  %v\n  want %v", keys(got), keys(want))
	}
	cr := up.Creates()
	tags := cr.Type(tTag).Entries
	requireCount(t, "subnet tags", tags, len(want), false)
	requireBefore(t, "rule 1", "subnet tags before the cluster", tags, cr.Type(tCluster).Entries)
	if subnets := cr.Type(tSubnet).Entries; len(subnets) > 0 {
		requireBefore(t, "data flow", "subnets before their tags", subnets, tags)
	}
	if c := g.OfType(tCluster); len(c) == 1 {
		var ids []string
		ids = append(ids, strs(c[0].Res.Inputs, "vpcConfig", "subnetIds")...)
		all := append(append([]string{}, public...), private...)
		sort.Strings(ids)
		sort.Strings(all)
		if !slices.Equal(ids, all) {
			t.Errorf("cluster subnets %v, want %v", ids, all)
		}
	}
}

// strs reads a list of strings at a path of a state property map.
func strs(m map[string]any, path ...string) []string {
	var cur any = m
	for _, k := range path {
		mm, ok := unsecret(cur).(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	l, _ := unsecret(cur).([]any)
	var out []string
	for _, v := range l {
		out = append(out, fmt.Sprint(unsecret(v)))
	}
	return out
}

func caseVpcInProgram(t *testing.T, lang outputsLang) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	d := lang.stack(t, ctx, ws, "vpc", "vpc", variantOpts{})

	prev, err := d.preview(ctx)
	if err != nil {
		t.Fatalf("preview of a new stack whose subnets do not exist yet: %v", tailStr(err.Error(), 6000))
	}
	t.Logf("%s", prev)
	if prev.Count("create") == 0 {
		t.Errorf("preview plans no create: %s", prev)
	}
	if n := readJournal(t, ws).Mutations().Len(); n != 0 {
		t.Errorf("preview touched the cloud (%d journal mutations)", n)
	}

	sum, j, g := upStep(t, ctx, ws, d, "up")
	requireFirstUpClean(t, "up", j, g)
	requireCount(t, "VPC", j.Creates().Type(tVpc).Entries, 1, false)
	requireCount(t, "subnets", j.Creates().Type(tSubnet).Entries, 4, false)
	public, private := subnetIDs(t, sum)
	requireSubnetTags(t, j, g, public, private)
	requireCount(t, "node groups", j.Creates().Type(tNodeGroup).Entries, 1, false)

	requireNoChange(t, ctx, ws, d, "second up")

	n := readJournal(t, ws).Len()
	if _, err := d.destroy(ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	all := readJournal(t, ws)
	checkDestroy(t, all, all.Since(n), g)
	del := all.Since(n).Deletes()
	requireBefore(t, "destroy", "subnet tags deleted before the subnets", del.Type(tTag).Entries, del.Type(tSubnet).Entries)
	requireBefore(t, "destroy", "the cluster deleted before the subnets", del.Type(tCluster).Entries, del.Type(tSubnet).Entries)
}

func caseStackReference(t *testing.T, lang outputsLang) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	net := lang.stack(t, ctx, ws, "network", "network", variantOpts{})
	netSum, netJ, _ := upStep(t, ctx, ws, net, "network up")
	requireClean(t, "network up", netJ)
	public, private := subnetIDs(t, netSum)

	// The local backend names a stack organization/<project>/<stack>.
	ref := "organization/" + lang.project + "/network"
	app := lang.stack(t, ctx, ws, "app", "stackref", variantOpts{ref: ref})
	sum, j, g := upStep(t, ctx, ws, app, "app up")
	requireFirstUpClean(t, "app up", j, g)
	if n := j.Creates().Filter(func(e journal.Entry) bool { return e.Type == tVpc || e.Type == tSubnet }).Len(); n != 0 {
		t.Errorf("the app stack created %d VPCs or subnets; they belong to the network stack", n)
	}
	gotPub, gotPriv := subnetIDs(t, sum)
	if !slices.Equal(gotPub, public) || !slices.Equal(gotPriv, private) {
		t.Errorf("the app stack read subnets %v / %v, the network stack exported %v / %v", gotPub, gotPriv, public, private)
	}
	requireSubnetTags(t, j, g, public, private)
	requireNoChange(t, ctx, ws, app, "app second up")

	if _, err := app.destroy(ctx); err != nil {
		t.Fatalf("app destroy: %v", err)
	}
	if _, err := net.destroy(ctx); err != nil {
		t.Fatalf("network destroy: %v", err)
	}
	requireAllDeleted(t, readJournal(t, ws))
}

func caseSecretTag(t *testing.T, lang outputsLang) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	d := lang.stack(t, ctx, ws, "secret", "secret-tag", variantOpts{
		secret:       secretTeam,
		secretConfig: map[string]string{"costCenter": secretCostCenter},
	})
	_, j, g := upStep(t, ctx, ws, d, "up")
	requireFirstUpClean(t, "up", j, g)

	// The cloud got the values (the Automation API's export decrypts them).
	c := mustNode(t, g, tCluster, child("cluster"))
	if got := str(c.Res.Inputs, "tags", "team"); got != secretTeam {
		t.Errorf("cluster tag team = %q, want the secret's value", got)
	}
	if got := str(c.Res.Inputs, "tags", "costCenter"); got != secretCostCenter {
		t.Errorf("cluster tag costCenter = %q, want the secret config's value", got)
	}

	// What `pulumi stack export` prints holds them only as ciphertext.
	project, stack := d.names()
	out, err := ws.CLI(ctx, "stack", "export", "--stack", "organization/"+project+"/"+stack)
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{secretTeam, secretCostCenter} {
		if n := strings.Count(out, plain); n > 0 {
			t.Errorf("pulumi stack export holds the secret %q in plain text %d times", plain, n)
		}
	}
	var exp struct {
		Deployment json.RawMessage `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(out), &exp); err != nil {
		t.Fatalf("pulumi stack export: %v", err)
	}
	var dep struct {
		Resources []struct {
			URN    string         `json:"urn"`
			Type   string         `json:"type"`
			Inputs map[string]any `json:"inputs"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(exp.Deployment, &dep); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range dep.Resources {
		if r.Type != tCluster {
			continue
		}
		found++
		tags, _ := r.Inputs["tags"].(map[string]any)
		for _, k := range []string{"team", "costCenter"} {
			v, _ := tags[k].(map[string]any)
			if v[secretSig] == nil || v["ciphertext"] == nil {
				if w, _ := r.Inputs["tags"].(map[string]any); w[secretSig] != nil && w["ciphertext"] != nil {
					continue // the whole tag map is one secret: as good
				}
				t.Errorf("exported cluster inputs: tag %s is %v, want a secret with ciphertext", k, tags[k])
			}
		}
	}
	if found != 1 {
		t.Errorf("exported state: want one cluster, found %d", found)
	}
}

func caseProgramRoles(t *testing.T, lang outputsLang) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	d := lang.stack(t, ctx, ws, "roles", "roles", variantOpts{})
	sum, j, g := upStep(t, ctx, ws, d, "up")
	requireFirstUpClean(t, "up", j, g)
	if got := fmt.Sprint(sum.Outputs["adminArn"].Value); got != roleArn(roleAdminA) {
		t.Errorf("adminArn output %q, want %q", got, roleArn(roleAdminA))
	}

	// Access entries named from the role ARNs, with their policies.
	for _, e := range []struct{ role, policy string }{
		{roleAdminA, "AmazonEKSClusterAdminPolicy"},
		{roleViewerB, "AmazonEKSViewPolicy"},
	} {
		part := "access-role-" + e.role
		entry := node(g, tAccessEntry, child(part))
		if entry == nil {
			var have []string
			for _, n := range g.OfType(tAccessEntry) {
				have = append(have, n.URN)
			}
			t.Errorf("no access entry whose URN ends in %s; access entries: %v", child(part), have)
			continue
		}
		if !strings.Contains(entry.URN, part) {
			t.Errorf("access entry URN %s does not contain %s", entry.URN, part)
		}
		if got := str(entry.Res.Inputs, "principalArn"); got != roleArn(e.role) {
			t.Errorf("access entry %s: principalArn %q, want %q", entry.Name, got, roleArn(e.role))
		}
		assoc := node(g, tAssociation, child(part+"-"+e.policy))
		if assoc == nil {
			t.Errorf("no access policy association %s", child(part+"-"+e.policy))
		} else if got := str(assoc.Res.Inputs, "principalArn"); got != roleArn(e.role) {
			t.Errorf("association %s: principalArn %q, want %q", assoc.Name, got, roleArn(e.role))
		}
	}
	for _, n := range g.OfType(tAccessEntry) {
		if regexp.MustCompile(`access-(admins|accessEntries)-\d+$`).MatchString(n.Name) {
			t.Errorf("access entry %s is named by its list position, not its principal", n.Name)
		}
	}

	// The release runs as the service account its role trusts, annotated with the role.
	part := "release-" + edgeNamespace + "-edge"
	rel := mustNode(t, g, tRelease, child(part))
	role := mustNode(t, g, tRole, child(part+"-role"))
	arn := str(role.Res.Outputs, "arn")
	in := rel.Res.Inputs
	if got := str(in, "values", "serviceAccount", "name"); got != edgeSA {
		t.Errorf("release %s: values.serviceAccount.name %q, want %q (inputs %s)", rel.Name, got, edgeSA, str(in))
	}
	if got := str(in, "values", "serviceAccount", "annotations", "eks.amazonaws.com/role-arn"); arn == "" || got != arn {
		t.Errorf("release %s: values.serviceAccount.annotations[eks.amazonaws.com/role-arn] %q, want the release role's ARN %q (values %s)",
			rel.Name, got, arn, str(in, "values"))
	}
	if got := str(in, "values", "serviceAccount", "create"); got != "true" {
		t.Errorf("release %s: values.serviceAccount.create %q, want true", rel.Name, got)
	}
	if want := "system:serviceaccount:" + edgeNamespace + ":" + edgeSA; !strings.Contains(str(role.Res.Inputs, "assumeRolePolicy"), want) {
		t.Errorf("role %s does not trust %s:\n%s", role.Name, want, str(role.Res.Inputs, "assumeRolePolicy"))
	}
	requireBefore(t, "rule 6", "the release's role before the release",
		j.Creates().Type(tRole).Name(child(part+"-role")).Entries, j.Creates().Type(tRelease).Name(child(part)).Entries)
	if arns, ok := sum.Outputs["addonRoleArns"].Value.(map[string]any); !ok || arns["edge"] != arn {
		t.Errorf("addonRoleArns output %v, want edge: %s", sum.Outputs["addonRoleArns"].Value, arn)
	}
}

func caseRemoveOutputAdmin(t *testing.T, lang outputsLang) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	_, j, g := upStep(t, ctx, ws, lang.stack(t, ctx, ws, "admins", "admins-ab", variantOpts{}), "up with two admins")
	requireFirstUpClean(t, "up with two admins", j, g)
	entryB := mustNode(t, g, tAccessEntry, child("access-role-"+roleAdminB))
	mustNode(t, g, tAccessEntry, child("access-role-"+roleAdminA))

	sum, j2, g2 := upStep(t, ctx, ws, lang.stack(t, ctx, ws, "admins", "admins-b", variantOpts{}), "up without admin a")
	requireClean(t, "up without admin a", j2)
	requireMutations(t, "up without admin a", j2,
		mut("delete", tAssociation, "access-role-"+roleAdminA+"-AmazonEKSClusterAdminPolicy"),
		mut("delete", tAccessEntry, "access-role-"+roleAdminA))
	if sum.Count("delete") != 2 || sum.Changed() != 2 {
		t.Errorf("up without admin a: want exactly 2 deletes and nothing else changed, got %s", sum)
	}
	after := node(g2, tAccessEntry, child("access-role-"+roleAdminB))
	if after == nil {
		t.Fatalf("admin b's access entry is gone")
	}
	if after.Res.ID != entryB.Res.ID || after.URN != entryB.URN {
		t.Errorf("admin b's access entry changed: %s %s → %s %s", entryB.URN, entryB.Res.ID, after.URN, after.Res.ID)
	}
	if n := node(g2, tAccessEntry, child("access-role-"+roleAdminA)); n != nil {
		t.Errorf("admin a's access entry is still in the state")
	}
}

func caseServiceAccountRename(t *testing.T, lang outputsLang) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	d := lang.stack(t, ctx, ws, "rename", "bad-sa-rename", variantOpts{})
	_, err := d.up(ctx)
	const want = "addons.externalDns.values.serviceAccount.name: "
	if err == nil {
		t.Fatalf("up succeeded, want an error containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error does not contain %q:\n%s", want, tailStr(err.Error(), 3000))
	}
	for _, e := range readJournal(t, ws).Mutations().Entries {
		t.Errorf("the rejected platform still reached the cloud: %s", journal.Label(e))
	}
	if _, g, err := d.state(ctx); err == nil {
		for _, n := range g.Nodes {
			if n.Simulated() {
				t.Errorf("the rejected platform left %s %s in the state", n.Type, n.Name)
			}
		}
	}
}

// --- the Go test program of these cases ---

// awsResource is a resource of the aws provider made by type token (the tools module
// does not import the aws SDK): the engine sends it to the simulated cloud.
type awsResource struct {
	pulumi.CustomResourceState
	Arn pulumi.StringOutput `pulumi:"arn"`
}

func newAwsResource(ctx *pulumi.Context, typ, name string, props pulumi.Map) (*awsResource, error) {
	var r awsResource
	if err := ctx.RegisterResource(typ, name, props, &r, pulumi.Version(awsVersion)); err != nil {
		return nil, err
	}
	return &r, nil
}

// goNetwork makes a VPC with two public and two private subnets.
func goNetwork(ctx *pulumi.Context) (public, private pulumi.StringArray, err error) {
	vpc, err := newAwsResource(ctx, tVpc, "e2e-vpc", pulumi.Map{
		"cidrBlock": pulumi.String("10.0.0.0/16"), "enableDnsHostnames": pulumi.Bool(true),
		"enableDnsSupport": pulumi.Bool(true), "tags": pulumi.StringMap{"Name": pulumi.String("e2e")},
	})
	if err != nil {
		return nil, nil, err
	}
	subnet := func(name, cidr, az string, pub bool) (pulumi.StringInput, error) {
		s, err := newAwsResource(ctx, tSubnet, name, pulumi.Map{
			"vpcId": vpc.ID(), "cidrBlock": pulumi.String(cidr), "availabilityZone": pulumi.String(az),
			"mapPublicIpOnLaunch": pulumi.Bool(pub), "tags": pulumi.StringMap{"Name": pulumi.String(name)},
		})
		if err != nil {
			return nil, err
		}
		return s.ID().ToStringOutput(), nil
	}
	for _, sn := range []struct {
		name, cidr, az string
		pub            bool
	}{
		{"e2e-public-a", "10.0.0.0/20", "us-west-2a", true},
		{"e2e-public-b", "10.0.16.0/20", "us-west-2b", true},
		{"e2e-private-a", "10.0.128.0/20", "us-west-2a", false},
		{"e2e-private-b", "10.0.144.0/20", "us-west-2b", false},
	} {
		id, err := subnet(sn.name, sn.cidr, sn.az, sn.pub)
		if err != nil {
			return nil, nil, err
		}
		if sn.pub {
			public = append(public, id)
		} else {
			private = append(private, id)
		}
	}
	return public, private, nil
}

func goRole(ctx *pulumi.Context, name string) (pulumi.StringOutput, error) {
	r, err := newAwsResource(ctx, tRole, name, pulumi.Map{
		"name":             pulumi.String(name),
		"assumeRolePolicy": pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return r.Arn, nil
}

func goSmallPlatform(public, private pulumi.StringArrayInput) *eksplatform.EksPlatformArgs {
	return &eksplatform.EksPlatformArgs{
		PublicSubnetIds:  public,
		PrivateSubnetIds: private,
		NodeGroups: eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
			Name:          pulumi.String("general"),
			InstanceTypes: pulumi.StringArray{pulumi.String("t3.large")},
			Scaling:       eksplatform.NodeGroupScalingArgs{MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(1), MaxSize: pulumi.Int(2)},
		}},
	}
}

func literalSubnets() (pulumi.StringArray, pulumi.StringArray) {
	return pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)}, pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)}
}

// goOutputsProgram is the Go program of a variant of these cases.
func goOutputsProgram(variant string, o variantOpts) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		platform := func(a *eksplatform.EksPlatformArgs) (*eksplatform.EksPlatform, error) {
			p, err := eksplatform.NewEksPlatform(ctx, component, a)
			if err != nil {
				return nil, err
			}
			ctx.Export("clusterName", p.ClusterName)
			return p, nil
		}
		switch variant {
		case "network", "vpc":
			public, private, err := goNetwork(ctx)
			if err != nil {
				return err
			}
			ctx.Export("publicSubnetIds", public.ToStringArrayOutput())
			ctx.Export("privateSubnetIds", private.ToStringArrayOutput())
			if variant == "vpc" {
				_, err = platform(goSmallPlatform(public, private))
			}
			return err
		case "stackref":
			ref, err := pulumi.NewStackReference(ctx, o.ref, nil)
			if err != nil {
				return err
			}
			public := ref.GetOutput(pulumi.String("publicSubnetIds")).AsStringArrayOutput()
			private := ref.GetOutput(pulumi.String("privateSubnetIds")).AsStringArrayOutput()
			ctx.Export("publicSubnetIds", public)
			ctx.Export("privateSubnetIds", private)
			_, err = platform(goSmallPlatform(public, private))
			return err
		case "secret-tag":
			a := goSmallPlatform(literalSubnets())
			a.Tags = pulumi.StringMap{
				"team":       pulumi.ToSecret(pulumi.String(o.secret)).(pulumi.StringOutput),
				"costCenter": config.RequireSecret(ctx, "costCenter"),
			}
			_, err := platform(a)
			return err
		case "roles":
			admin, err := goRole(ctx, roleAdminA)
			if err != nil {
				return err
			}
			viewer, err := goRole(ctx, roleViewerB)
			if err != nil {
				return err
			}
			a := goSmallPlatform(literalSubnets())
			a.Admins = pulumi.StringArray{admin}
			a.AccessEntries = eksplatform.AccessEntryArray{eksplatform.AccessEntryArgs{
				PrincipalArn:   viewer,
				AccessPolicies: eksplatform.AccessPolicyArray{eksplatform.AccessPolicyArgs{Policy: pulumi.String("View")}},
			}}
			a.HelmReleases = eksplatform.HelmReleaseArray{eksplatform.HelmReleaseArgs{
				Name:           pulumi.String("edge"),
				Repository:     pulumi.String("https://kubernetes.github.io/ingress-nginx"),
				Chart:          pulumi.String("ingress-nginx"),
				Version:        pulumi.String("4.12.1"),
				Namespace:      pulumi.String(edgeNamespace),
				ServiceAccount: pulumi.String(edgeSA),
				IamPolicy:      pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["elasticloadbalancing:DescribeLoadBalancers"],"Resource":"*"}]}`),
			}}
			p, err := platform(a)
			if err != nil {
				return err
			}
			ctx.Export("adminArn", admin)
			ctx.Export("viewerArn", viewer)
			ctx.Export("addonRoleArns", p.AddonRoleArns)
			return nil
		case "admins-ab", "admins-b":
			ra, err := goRole(ctx, roleAdminA)
			if err != nil {
				return err
			}
			rb, err := goRole(ctx, roleAdminB)
			if err != nil {
				return err
			}
			a := goSmallPlatform(literalSubnets())
			a.Admins = pulumi.StringArray{ra, rb}
			if variant == "admins-b" {
				a.Admins = pulumi.StringArray{rb}
			}
			_, err = platform(a)
			return err
		case "bad-sa-rename":
			a := goSmallPlatform(literalSubnets())
			a.Addons = eksplatform.HelmAddonsArgs{ExternalDns: eksplatform.ExternalDnsAddonArgs{
				Enabled:       pulumi.Bool(true),
				HostedZoneIds: pulumi.StringArray{pulumi.String(zoneID)},
				Values:        pulumi.Map{"serviceAccount": pulumi.Map{"name": pulumi.String("other")}}.ToMapOutput(),
			}}
			_, err := platform(a)
			return err
		}
		return fmt.Errorf("unknown variant %q", variant)
	}
}
