package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// scenarioArgs is the part every scenario shares: the subnets.
func scenarioArgs() *eksplatform.EksPlatformArgs {
	return &eksplatform.EksPlatformArgs{
		PublicSubnetIds:  pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
		PrivateSubnetIds: pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
	}
}

// scenarioStack makes a workspace of its own with a stack whose program is the
// platform of args.
func scenarioStack(t *testing.T, name string, args *eksplatform.EksPlatformArgs) (*runner.Workspace, *runner.Stack) {
	t.Helper()
	return scenarioStackIn(t, newWorkspace(t, runner.Options{}), name, args)
}

// scenarioStackIn is scenarioStack in a given workspace.
func scenarioStackIn(t *testing.T, ws *runner.Workspace, name string, args *eksplatform.EksPlatformArgs) (*runner.Workspace, *runner.Stack) {
	t.Helper()
	s, err := ws.GoStack(testCtx(t), "e2e-scenario", name, func(ctx *pulumi.Context) error {
		p, err := eksplatform.NewEksPlatform(ctx, component, args)
		if err != nil {
			return err
		}
		ctx.Export("nodeRoleArn", p.NodeRoleArn)
		ctx.Export("addonRoleArns", p.AddonRoleArns)
		ctx.Export("oidcProviderArn", p.OidcProviderArn)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws, s
}

// TestGoScenarios: SCENARIOS #3, #5 and #6, and the platform teams' next add-ons
// (cert-manager, external-secrets), each in a workspace of its own:
// up, the scenario's assertions, destroy.
func TestGoScenarios(t *testing.T) {
	t.Parallel()
	t.Run("FargateOnly", func(t *testing.T) { t.Parallel(); scenarioFargateOnly(t) })
	t.Run("PodIdentity", func(t *testing.T) { t.Parallel(); scenarioPodIdentity(t) })
	t.Run("BringYourOwnChart", func(t *testing.T) { t.Parallel(); scenarioOwnChart(t) })
	t.Run("CertificatesAndSecrets", func(t *testing.T) { t.Parallel(); scenarioCertificatesAndSecrets(t) })
}

// SCENARIOS #3: no node group, profiles kube-system and apps, coredns on
// Fargate (after the kube-system profile that runs it, not after apps), no Pod
// Identity agent (a DaemonSet Fargate does not run), the ALB controller with IP
// targets after every profile.
func scenarioFargateOnly(t *testing.T) {
	ctx := testCtx(t)
	a := scenarioArgs()
	a.FargateProfiles = eksplatform.FargateProfileArray{
		eksplatform.FargateProfileArgs{
			Name:      pulumi.String("kube-system"),
			Selectors: eksplatform.FargateSelectorArray{eksplatform.FargateSelectorArgs{Namespace: pulumi.String("kube-system")}},
		},
		eksplatform.FargateProfileArgs{
			Name: pulumi.String("apps"),
			Selectors: eksplatform.FargateSelectorArray{eksplatform.FargateSelectorArgs{
				Namespace: pulumi.String("apps"),
				Labels:    pulumi.StringMap{"compute": pulumi.String("fargate")},
			}},
		},
	}
	a.Addons = eksplatform.HelmAddonsArgs{AwsLoadBalancerController: eksplatform.HelmAddonArgs{
		Enabled: pulumi.Bool(true),
		// The chart's option for the default of the target-type annotations:
		// Fargate pods can only be IP targets.
		Values: pulumi.Map{"defaultTargetType": pulumi.String("ip")},
	}}
	ws, s := scenarioStack(t, "fargate", a)
	sum, j, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", j, g)
	cr := j.Creates()

	profiles := cr.Type(tFargate).Entries
	requireCount(t, "Fargate profiles", profiles, 2, false)
	for _, p := range journal.Overlaps(profiles) {
		t.Errorf("rule 5: Fargate profiles overlap: %s", p)
	}

	// coredns runs on Fargate, on the kube-system profile: it comes after that
	// profile, and waits for no profile that does not select kube-system (apps).
	one(t, "coredns add-on create", cr.Type(tAddon).Name(child("coredns")).Entries)
	coredns := mustNode(t, g, tAddon, child("coredns"))
	checkRunsOn(t, cr, g, coredns, "fargate-kube-system")
	if g.DependsOn(urnOf(g, tFargate, child("fargate-kube-system")), urnOf(g, tFargate, child("fargate-apps"))) {
		t.Errorf("rule 5: the kube-system profile, first in input order, waits for apps, the second")
	}
	cv := str(mustNode(t, g, tAddon, child("coredns")).Res.Inputs, "configurationValues")
	var conf map[string]any
	if err := json.Unmarshal([]byte(cv), &conf); err != nil || conf["computeType"] != "Fargate" {
		t.Errorf("coredns configurationValues %q: want computeType Fargate (err %v)", cv, err)
	}

	// The ALB controller: on the kube-system profile too, so after it and not after
	// apps; after coredns (rule 9); IP targets in its values.
	alb := cr.Type(tRelease).Name(child("aws-load-balancer-controller")).Entries
	requireCount(t, "ALB controller release", alb, 1, false)
	albN := mustNode(t, g, tRelease, child("aws-load-balancer-controller"))
	checkRunsOn(t, cr, g, albN, "fargate-kube-system", coredns)
	requireBefore(t, "rule 9", "coredns before the ALB controller", cr.Type(tAddon).Name(coredns.Name).Entries, alb)
	if v := str(mustNode(t, g, tRelease, child("aws-load-balancer-controller")).Res.Inputs, "values", "defaultTargetType"); v != "ip" {
		t.Errorf("ALB controller values: defaultTargetType %q, want ip", v)
	}

	// No Pod Identity agent: it is a DaemonSet, and Fargate runs none (nor has Pod Identity).
	if n := node(g, tAddon, child("eks-pod-identity-agent")); n != nil {
		t.Errorf("Fargate-only platform has the Pod Identity agent add-on %s", n.Name)
	}
	if n := len(g.OfType(tPodIdentity)); n != 0 {
		t.Errorf("Fargate-only platform has %d pod identity associations", n)
	}

	// No node group, launch template or node role.
	for _, typ := range []string{tNodeGroup, tLaunchTemplate} {
		if n := len(g.OfType(typ)); n != 0 {
			t.Errorf("Fargate-only platform has %d %s", n, typ)
		}
	}
	if n := node(g, tRole, child("node-role")); n != nil {
		t.Errorf("Fargate-only platform has a node role %s", n.Name)
	}
	if v, ok := sum.Outputs["nodeRoleArn"]; !ok || v.Value != "" {
		t.Errorf("nodeRoleArn output %v, want \"\"", v.Value)
	}

	all, del := destroyAll(t, ctx, ws, s)
	requireClean(t, "destroy", del)
	// Also: the ALB controller and coredns deleted before the kube-system profile,
	// profiles before the cluster, one profile delete at a time.
	checkDestroy(t, all, del, g)
	d := del.Deletes()
	requireBefore(t, "destroy", "ALB controller deleted before the kube-system profile that runs it",
		d.Type(tRelease).Entries, d.Type(tFargate).Name(child("fargate-kube-system")).Entries)
}

// SCENARIOS #5: #1 with every add-on on EKS Pod Identity: the Helm add-ons and
// vpc-cni (eksAddons.vpcCni.identity podIdentity), so nothing uses IRSA and no OIDC
// provider is made.
func scenarioPodIdentity(t *testing.T) {
	ctx := testCtx(t)
	a := scenarioArgs()
	a.Admins = pulumi.StringArray{pulumi.String(teamRole)}
	a.NodeGroups = eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
		Name:          pulumi.String("general"),
		CapacityType:  pulumi.String("SPOT"),
		InstanceTypes: pulumi.StringArray{pulumi.String("t3.large"), pulumi.String("m5.large")},
		Scaling:       eksplatform.NodeGroupScalingArgs{MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(2), MaxSize: pulumi.Int(5)},
	}}
	a.EksAddons = eksplatform.EksAddonsArgs{
		VpcCni: eksplatform.EksAddonArgs{Identity: pulumi.String("podIdentity")},
	}
	a.Addons = eksplatform.HelmAddonsArgs{
		AwsLoadBalancerController: eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true), Identity: pulumi.String("podIdentity")},
		ExternalDns: eksplatform.ExternalDnsAddonArgs{
			Enabled:       pulumi.Bool(true),
			Identity:      pulumi.String("podIdentity"),
			HostedZoneIds: pulumi.StringArray{pulumi.String(zoneID)},
		},
	}
	ws, s := scenarioStack(t, "podidentity", a)
	sum, j, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", j, g)
	cr := j.Creates()

	agent := cr.Type(tAddon).Name(child("eks-pod-identity-agent")).Entries
	requireCount(t, "eks-pod-identity-agent add-on", agent, 1, false)
	for _, addon := range []struct{ name, sa string }{
		{"aws-load-balancer-controller", "aws-load-balancer-controller"},
		{"external-dns", "external-dns"},
	} {
		assoc := cr.Type(tPodIdentity).Name(child(addon.name + "-pod-identity")).Entries
		requireCount(t, "pod identity association of "+addon.name, assoc, 1, false)
		requireBefore(t, "pod identity", "eks-pod-identity-agent before the association of "+addon.name, agent, assoc)
		rel := cr.Type(tRelease).Name(child(addon.name)).Entries
		requireBefore(t, "rule 6", "association of "+addon.name+" before its release", assoc, rel)

		role := mustNode(t, g, tRole, child(addon.name+"-role"))
		trust := str(role.Res.Inputs, "assumeRolePolicy")
		if strings.Contains(trust, "AssumeRoleWithWebIdentity") || strings.Contains(trust, "Federated") {
			t.Errorf("role %s of a Pod Identity add-on has an OIDC trust:\n%s", role.Name, trust)
		}
		if !strings.Contains(trust, "pods.eks.amazonaws.com") || !strings.Contains(trust, "sts:TagSession") {
			t.Errorf("role %s does not trust pods.eks.amazonaws.com with sts:TagSession:\n%s", role.Name, trust)
		}
		release := mustNode(t, g, tRelease, child(addon.name))
		if n := node(g, tPodIdentity, child(addon.name+"-pod-identity")); n != nil {
			// The association names the release's namespace and the chart's service account.
			in, ns := n.Res.Inputs, str(release.Res.Inputs, "namespace")
			if ns == "" || str(in, "namespace") != ns || str(in, "serviceAccount") != addon.sa || str(in, "roleArn") != str(role.Res.Outputs, "arn") {
				t.Errorf("association %s: namespace %q serviceAccount %q roleArn %q; want %q, %q, %q",
					n.Name, str(in, "namespace"), str(in, "serviceAccount"), str(in, "roleArn"), ns, addon.sa, str(role.Res.Outputs, "arn"))
			}
			if got := str(release.Res.Inputs, "values", "serviceAccount", "name"); got != addon.sa {
				t.Errorf("release %s: service account %q in its values, the association names %q", addon.name, got, addon.sa)
			}
		}
		if v := str(release.Res.Inputs, "values"); strings.Contains(v, "eks.amazonaws.com/role-arn") {
			t.Errorf("release %s annotates its service account for IRSA although it uses Pod Identity: %s", addon.name, v)
		}
	}
	// vpc-cni: its own role, trusted by Pod Identity, associated with kube-system:aws-node
	// through the add-on's podIdentityAssociations (EKS makes the association), no IRSA.
	cniRole := mustNode(t, g, tRole, child("vpc-cni-role"))
	if trust := str(cniRole.Res.Inputs, "assumeRolePolicy"); strings.Contains(trust, "AssumeRoleWithWebIdentity") || strings.Contains(trust, "Federated") ||
		!strings.Contains(trust, "pods.eks.amazonaws.com") || !strings.Contains(trust, "sts:TagSession") {
		t.Errorf("vpc-cni role %s: want a Pod Identity trust (pods.eks.amazonaws.com, sts:TagSession) and no OIDC trust:\n%s", cniRole.Name, trust)
	}
	cni := mustNode(t, g, tAddon, child("vpc-cni"))
	if got := str(cni.Res.Inputs, "serviceAccountRoleArn"); got != "" {
		t.Errorf("vpc-cni add-on on Pod Identity has serviceAccountRoleArn %q (IRSA)", got)
	}
	if got, want := str(cni.Res.Inputs, "podIdentityAssociations"), `[{"roleArn":"`+str(cniRole.Res.Outputs, "arn")+`","serviceAccount":"aws-node"}]`; got != want {
		t.Errorf("vpc-cni add-on podIdentityAssociations %s, want %s", got, want)
	}
	for _, at := range g.OfType(tAttachment) {
		if strings.HasSuffix(str(at.Res.Inputs, "policyArn"), "/AmazonEKS_CNI_Policy") && at.Name != child("vpc-cni-role-AmazonEKS_CNI_Policy") {
			t.Errorf("AmazonEKS_CNI_Policy is attached by %s; only the vpc-cni role may have it", at.Name)
		}
	}

	// No add-on here uses IRSA, so no role in the state trusts the OIDC provider, and
	// there is no OIDC provider.
	for _, r := range g.OfType(tRole) {
		if strings.Contains(str(r.Res.Inputs, "assumeRolePolicy"), "AssumeRoleWithWebIdentity") {
			t.Errorf("role %s trusts the OIDC provider, but every add-on uses Pod Identity", r.Name)
		}
	}
	if n := len(g.OfType(tOIDC)); n != 0 || j.Creates().Type(tOIDC).Len() != 0 {
		t.Errorf("an OIDC provider was made (%d in the state), but nothing uses IRSA", n)
	}
	if v, ok := sum.Outputs["oidcProviderArn"]; !ok || v.Value != "" {
		t.Errorf("oidcProviderArn output %v, want \"\" (no OIDC provider)", v.Value)
	}

	all, del := destroyAll(t, ctx, ws, s)
	checkDestroy(t, all, del, g)
}

// SCENARIOS #6: a chart of the team's own, with its IAM policy and service
// account, installed after the nodes.
func scenarioOwnChart(t *testing.T) {
	ctx := testCtx(t)
	const ns, sa = "ingress", "edge-controller"
	a := scenarioArgs()
	a.NodeGroups = eksplatform.NodeGroupArray{
		eksplatform.NodeGroupArgs{Name: pulumi.String("system"), InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")}},
		eksplatform.NodeGroupArgs{Name: pulumi.String("general"), InstanceTypes: pulumi.StringArray{pulumi.String("t3.large")}},
	}
	a.HelmReleases = eksplatform.HelmReleaseArray{eksplatform.HelmReleaseArgs{
		Name:           pulumi.String("edge"),
		Repository:     pulumi.String("https://kubernetes.github.io/ingress-nginx"),
		Chart:          pulumi.String("ingress-nginx"),
		Version:        pulumi.String("4.12.1"),
		Namespace:      pulumi.String(ns),
		ServiceAccount: pulumi.String(sa),
		Values: pulumi.Map{"serviceAccount": pulumi.Map{
			"create": pulumi.Bool(true), "name": pulumi.String(sa),
		}},
		IamPolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["elasticloadbalancing:DescribeLoadBalancers"],"Resource":"*"}]}`),
	}}
	ws, s := scenarioStack(t, "ownchart", a)
	sum, j, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", j, g)
	cr := j.Creates()

	part := "release-" + ns + "-edge"
	rel := cr.Type(tRelease).Name(child(part)).Entries
	requireCount(t, "Helm release "+part, rel, 1, false)
	ngs := cr.Type(tNodeGroup).Entries
	requireCount(t, "node groups", ngs, 2, false)
	// The release and coredns run on the first node group with nodes whose taints they
	// tolerate: system (untainted), so they wait for it and not for general.
	checkRunsOn(t, cr, g, mustNode(t, g, tRelease, child(part)), "ng-system")
	checkRunsOn(t, cr, g, mustNode(t, g, tAddon, child("coredns")), "ng-system")
	deps := cr.Filter(func(e journal.Entry) bool {
		return e.Type != tRelease && strings.HasPrefix(e.Name, child(part)+"-")
	}).Entries
	requireCount(t, "IAM role, policy and attachment of the release", deps, 3, false)
	requireBefore(t, "rule 6", "the release's IAM role, policy and attachment before it", deps, rel)

	role := mustNode(t, g, tRole, child(part+"-role"))
	doc := parseTrust(t, role)
	oidcArn := str(mustNode(t, g, tOIDC, child("oidc")).Res.Outputs, "arn")
	if len(doc.Statement) != 1 {
		t.Fatalf("trust of %s: want one statement, got %d", role.Name, len(doc.Statement))
	}
	st := doc.Statement[0]
	if fmt.Sprint(st.Principal["Federated"]) != oidcArn {
		t.Errorf("trust of %s: principal %v, want Federated %s", role.Name, st.Principal, oidcArn)
	}
	if !strings.Contains(fmt.Sprint(st.Action), "sts:AssumeRoleWithWebIdentity") {
		t.Errorf("trust of %s: action %v, want sts:AssumeRoleWithWebIdentity", role.Name, st.Action)
	}
	if len(st.Condition) != 1 || st.Condition["StringEquals"] == nil {
		t.Errorf("trust of %s: want only a StringEquals condition (no wildcard), got %v", role.Name, st.Condition)
	}
	var subs []string
	for k, v := range st.Condition["StringEquals"] {
		if strings.HasSuffix(k, ":sub") {
			subs = append(subs, fmt.Sprint(v))
		}
	}
	if want := "system:serviceaccount:" + ns + ":" + sa; len(subs) != 1 || subs[0] != want {
		t.Errorf("trust of %s: sub conditions %q, want exactly %q", role.Name, subs, want)
	}
	if arns, ok := sum.Outputs["addonRoleArns"].Value.(map[string]any); !ok || arns["edge"] != str(role.Res.Outputs, "arn") {
		t.Errorf("addonRoleArns output %v, want edge: %s", sum.Outputs["addonRoleArns"].Value, str(role.Res.Outputs, "arn"))
	}

	all, del := destroyAll(t, ctx, ws, s)
	checkDestroy(t, all, del, g)
	requireBefore(t, "destroy", "the release deleted before ng-system, which runs it",
		del.Deletes().Type(tRelease).Entries, del.Deletes().Type(tNodeGroup).Name(child("ng-system")).Entries)
}

// fleetScale stretches simulated time for the fleet, so that three engines
// starting on two cores still have their clusters in the cloud at once.
const fleetScale = 0.01

// TestFleetExample (SCENARIOS #7): examples/automation, built as a user would,
// creates three clusters concurrently, prints each kubeconfig's cluster, and
// destroys them.
func TestFleetExample(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws, err := runner.NewWorkspace(runner.Options{Scale: fleetScale, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "fleet")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./examples/automation")
	build.Dir = ws.Repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/automation: %v\n%s", err, out)
	}
	clusters := []string{"fleet-a", "fleet-b", "fleet-c"}
	dir := filepath.Join(ws.Dir, "fleet")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(extra ...string) runner.Process {
		t.Helper()
		argv := append([]string{bin, "-backend", "file://" + ws.Backend,
			"-public-subnets", pub1 + "," + pub2, "-private-subnets", priv1 + "," + priv2,
			"-region", ws.Region, "-parallel", "3"}, extra...)
		argv = append(argv, clusters...)
		t0 := time.Now()
		p := ws.Run(ctx, dir, nil, argv...)
		t.Logf("%s took %s", strings.Join(append([]string{"fleet"}, extra...), " "), time.Since(t0).Round(time.Millisecond))
		if p.Err != nil {
			t.Fatalf("fleet %v: %v\nstdout:\n%s\nstderr:\n%s", extra, p.Err, tailStr(p.Stdout, 6000), tailStr(p.Stderr, 3000))
		}
		return p
	}

	p := run()
	for _, c := range clusters {
		line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(c) + `\s+kubeconfig current-context "` + regexp.QuoteMeta(c) + `", cluster "` + regexp.QuoteMeta(c) + `"$`)
		if !line.MatchString(p.Stdout) {
			t.Errorf("fleet output has no kubeconfig line for %s:\n%s", c, tailStr(p.Stdout, 3000))
		}
	}
	j := readJournal(t, ws)
	requireClean(t, "fleet up", j)
	creates := j.Creates().Type(tCluster).Entries
	byCluster := map[string]journal.Entry{}
	for _, e := range creates {
		byCluster[e.Cluster] = e
	}
	if len(creates) != len(clusters) || len(byCluster) != len(clusters) {
		t.Fatalf("want one cluster create per stack (%v), got %s", clusters, fmtEntries(creates))
	}
	for i, a := range clusters {
		for _, b := range clusters[i+1:] {
			if !journal.Overlap(byCluster[a], byCluster[b]) {
				t.Errorf("clusters %s and %s were not created concurrently: %s / %s",
					a, b, journal.Label(byCluster[a]), journal.Label(byCluster[b]))
			}
		}
	}
	t.Logf("cluster creates at once: %d of %d", journal.MaxConcurrency(creates), len(creates))

	n := j.Len()
	p = run("-destroy")
	for _, c := range clusters {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(c) + `\s+destroyed$`).MatchString(p.Stdout) {
			t.Errorf("fleet -destroy output does not say %s was destroyed:\n%s", c, tailStr(p.Stdout, 3000))
		}
	}
	all := readJournal(t, ws)
	requireClean(t, "fleet destroy", all.Since(n))
	// The platform retains its CRDs on delete (their deletion would delete every custom
	// resource of their kinds); the fleet's states are gone, so they are told by type.
	retained := map[string]bool{}
	for _, e := range all.Creates().Type(tCRD).Entries {
		retained[e.URN] = true
	}
	requireAllDeletedBut(t, all, retained)
	if got := all.Since(n).Deletes().Type(tCluster).Len(); got != len(clusters) {
		t.Errorf("fleet destroy: want %d cluster deletes, got %d", len(clusters), got)
	}
}
