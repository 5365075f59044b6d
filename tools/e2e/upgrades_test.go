package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// upgradeSpec is the platform of one step of TestGoUpgrades: API mode, the
// caller is admin (the default), no Helm add-on unless a step enables one.
type upgradeSpec struct {
	version string
	// upgradePolicy is the cluster's policy ("" is the platform's default, STANDARD).
	upgradePolicy string
	groups        []upgradeGroup
	admins        []string
	metricsServer bool
	ebsCsiDriver  bool
}

type upgradeGroup struct {
	name          string
	instanceTypes []string
}

func (s upgradeSpec) args() *eksplatform.EksPlatformArgs {
	var groups eksplatform.NodeGroupArray
	for _, g := range s.groups {
		groups = append(groups, eksplatform.NodeGroupArgs{
			Name:          pulumi.String(g.name),
			InstanceTypes: pulumi.ToStringArray(g.instanceTypes),
			Scaling: eksplatform.NodeGroupScalingArgs{
				MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(2), MaxSize: pulumi.Int(3),
			},
		})
	}
	a := &eksplatform.EksPlatformArgs{
		KubernetesVersion:  pulumi.String(s.version),
		PublicSubnetIds:    pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
		PrivateSubnetIds:   pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
		AuthenticationMode: pulumi.String("API"),
		CallerIsAdmin:      pulumi.Bool(true),
		Admins:             pulumi.ToStringArray(s.admins),
		NodeGroups:         groups,
	}
	if s.upgradePolicy != "" {
		a.UpgradePolicy = pulumi.String(s.upgradePolicy)
	}
	if s.ebsCsiDriver {
		a.EksAddons = eksplatform.EksAddonsArgs{EbsCsiDriver: eksplatform.EksAddonArgs{Enabled: pulumi.Bool(true)}}
	}
	if s.metricsServer {
		a.Addons = eksplatform.HelmAddonsArgs{MetricsServer: eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)}}
	}
	return a
}

const (
	secondAdmin   = "arn:aws:iam::123456789012:role/second-admin"
	rotatedCaller = "arn:aws:sts::123456789012:assumed-role/CiDeployer/ci-run-42"
	rotatedRole   = "arn:aws:iam::123456789012:role/CiDeployer"
	// The simulator's default caller is assumed-role/Deployer/session.
	sameRoleNewSession = "arn:aws:sts::123456789012:assumed-role/Deployer/another-session"
)

// TestGoUpgrades: the upgrades users expect to be safe (SCENARIOS.md, last
// paragraph), one `pulumi up` each on a running platform. After each, the
// journal entries of that up must show exactly the expected change and never a
// replacement of the cluster, its role or its OIDC provider.
func TestGoUpgrades(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	t0 := time.Now()
	ws := newWorkspace(t, runner.Options{})
	spec := upgradeSpec{
		version: "1.35",
		groups:  []upgradeGroup{{"general", []string{"t3.large"}}},
		admins:  []string{teamRole},
	}
	// The inline program reads spec when it runs, so each step changes spec and ups.
	s := platformStack(t, ctx, ws, "e2e-upgrades", "dev", func() *eksplatform.EksPlatformArgs { return spec.args() })

	// up runs one step and returns its summary and the journal entries of that up.
	up := func(step string) (runner.Summary, *journal.Journal) {
		t.Helper()
		n := readJournal(t, ws).Len()
		sum, err := s.Up(ctx)
		if err != nil {
			t.Fatalf("%s: up: %v", step, err)
		}
		t.Logf("%s: %s", step, sum)
		j := readJournal(t, ws).Since(n)
		requireClean(t, step, j)
		if step != "base" {
			requireClusterKept(t, step, j)
		}
		return sum, j
	}
	state := func() *journal.Graph {
		t.Helper()
		_, g, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	// noneOf fails when the summary counts any of kinds.
	noneOf := func(step string, sum runner.Summary, kinds ...string) {
		t.Helper()
		for _, k := range kinds {
			if sum.Count(k) != 0 {
				t.Errorf("%s: engine summary has %s=%d, want none: %s", step, k, sum.Count(k), sum)
			}
		}
	}
	replaceKinds := []string{"replace", "create-replacement", "delete-replaced"}

	// Base platform.
	sum, j := up("base")
	g := state()
	requireFirstUpClean(t, "base", j, g)
	if got := str(mustNode(t, g, tCluster, child("cluster")).Res.Outputs, "version"); got != "1.35" {
		t.Errorf("base: cluster version %q, want 1.35", got)
	}
	// Add-ons given no version get the default of the cluster's Kubernetes version:
	// kube-proxy follows the minor (the simulator's getAddonVersion answers per minor).
	const kubeProxy135 = "v1.35.0-eksbuild.2"
	if got := str(mustNode(t, g, tAddon, child("kube-proxy")).Res.Inputs, "addonVersion"); got != kubeProxy135 {
		t.Errorf("base: kube-proxy addonVersion %q, want %s, the default for 1.35", got, kubeProxy135)
	}
	if sum.Count("create") == 0 {
		t.Fatalf("base: nothing created: %s", sum)
	}

	// a. Kubernetes 1.35 → 1.36: the cluster is updated in place, then kube-proxy
	// (given no version, it moves to the new minor's default) and the node group
	// follow it (checkBump in bump_test.go: exactly these, control plane first).
	spec.version = "1.36"
	sum, j = up("a. kubernetesVersion 1.36")
	noneOf("a. kubernetesVersion 1.36", sum, append([]string{"create", "delete"}, replaceKinds...)...)
	g = state()
	checkBump(t, "a. kubernetesVersion 1.36", j, g, "1.36", "general")
	for _, where := range []struct {
		name  string
		props map[string]any
	}{{"inputs", mustNode(t, g, tAddon, child("kube-proxy")).Res.Inputs}, {"outputs", mustNode(t, g, tAddon, child("kube-proxy")).Res.Outputs}} {
		if got, want := str(where.props, "addonVersion"), fakeaws.AddonVersion("kube-proxy", "1.36"); got != want {
			t.Errorf("a: kube-proxy addonVersion (%s) %q after the bump, want %s, the default for 1.36", where.name, got, want)
		}
	}

	// b. Add a node group: only it and its launch template are created.
	spec.groups = append(spec.groups, upgradeGroup{"batch", []string{"m5.large"}})
	sum, j = up("b. add node group")
	requireMutations(t, "b. add node group", j,
		mut("create", tLaunchTemplate, "ng-batch-lt"),
		mut("create", tNodeGroup, "ng-batch"))
	noneOf("b. add node group", sum, append([]string{"update", "delete"}, replaceKinds...)...)
	requireBefore(t, "b. add node group", "launch template before its node group",
		j.Creates().Type(tLaunchTemplate).Entries, j.Creates().Type(tNodeGroup).Entries)

	// c. New instance types for "general": that group is replaced with no capacity
	// gap (a new generation-suffixed EKS name, so the new group is made and ACTIVE
	// before the old one is deleted), the other group and the cluster untouched.
	// The preview says so first: one line naming the new EKS name, the running one
	// and the cause, nothing about batch (issue 14, item 6).
	running := str(mustNode(t, state(), tNodeGroup, child("ng-general")).Res.Inputs, "nodeGroupName")
	spec.groups[0].instanceTypes = []string{"m5.large", "m5a.large"}
	pre, err := s.Preview(ctx)
	if err != nil {
		t.Fatalf("c. preview: %v", err)
	}
	planned := requireReplacementWarning(t, "c. preview", pre, "general", running, "instanceTypes")
	if pre.Count("replace") != 1 || strings.Contains(engineOutput(pre), "node group batch ") {
		t.Errorf("c. preview: want replace=1 and no word about batch, got %s:\n%s", pre, tailStr(engineOutput(pre), 3000))
	}
	sum, j = up("c. instance types")
	requireMutations(t, "c. instance types", j,
		mut("delete", tNodeGroup, "ng-general"),
		mut("create", tNodeGroup, "ng-general"))
	if sum.Count("replace") != 1 {
		t.Errorf("c. instance types: engine summary want replace=1, got %s", sum)
	}
	noneOf("c. instance types", sum, "update")
	requireReplacedNewFirst(t, "c. instance types", "new node group ACTIVE before the old one is deleted",
		j.Creates().Type(tNodeGroup).Entries, j.Deletes().Type(tNodeGroup).Entries)
	g = state()
	if got := str(mustNode(t, g, tNodeGroup, child("ng-general")).Res.Inputs, "instanceTypes"); got != `["m5.large","m5a.large"]` {
		t.Errorf("c: node group instanceTypes %s, want [m5.large m5a.large]", got)
	}
	if got := str(mustNode(t, g, tNodeGroup, child("ng-general")).Res.Inputs, "nodeGroupName"); got != planned {
		t.Errorf("c: the group runs as %q, the preview said %q", got, planned)
	}
	// Nothing left to replace: the preview says nothing about node groups.
	if pre, err = s.Preview(ctx); err != nil {
		t.Fatalf("c. preview after: %v", err)
	}
	requireNoNodeGroupWarning(t, "c. preview after", pre)

	// d. One more admin: one access entry and its association, nothing else.
	spec.admins = append(spec.admins, secondAdmin)
	sum, j = up("d. add admin")
	requireMutations(t, "d. add admin", j,
		mut("create", tAccessEntry, "access-role-second-admin"),
		mut("create", tAssociation, "access-role-second-admin-AmazonEKSClusterAdminPolicy"))
	noneOf("d. add admin", sum, append([]string{"update", "delete"}, replaceKinds...)...)
	requireBefore(t, "d. add admin", "access entry before its policy association",
		j.Creates().Type(tAccessEntry).Entries, j.Creates().Type(tAssociation).Entries)

	// e1. Enable a Helm add-on: the release alone, after the compute that runs it
	// (rule 4): general, the first node group with nodes (neither is tainted; no
	// Fargate profile), and not batch.
	spec.metricsServer = true
	sum, j = up("e1. enable metrics-server")
	requireMutations(t, "e1. enable metrics-server", j,
		mut("create", tRelease, "metrics-server"))
	noneOf("e1. enable metrics-server", sum, append([]string{"update", "delete"}, replaceKinds...)...)
	g = state()
	waitsOnlyFor(t, g, mustNode(t, g, tRelease, child("metrics-server")), "ng-general")

	// e2. Enable an EKS add-on with its own role: role, attachment, add-on, after the
	// compute that runs it (rule 4): general, the first node group with nodes (neither
	// is tainted), and not batch.
	spec.ebsCsiDriver = true
	sum, j = up("e2. enable ebs-csi")
	requireMutations(t, "e2. enable ebs-csi", j,
		mut("create", tRole, "ebs-csi-role"),
		mut("create", tAttachment, "ebs-csi-role-AmazonEBSCSIDriverPolicy"),
		mut("create", tAddon, "aws-ebs-csi-driver"))
	noneOf("e2. enable ebs-csi", sum, append([]string{"update", "delete"}, replaceKinds...)...)
	requireBefore(t, "e2. enable ebs-csi", "role and attachment before the add-on",
		j.Creates().Filter(func(e journal.Entry) bool { return e.Type != tAddon }).Entries,
		j.Creates().Type(tAddon).Entries)
	g = state()
	ebs := mustNode(t, g, tAddon, child("aws-ebs-csi-driver"))
	waitsOnlyFor(t, g, ebs, "ng-general")
	// Created after the bump: the default for 1.36.
	if got, want := str(ebs.Res.Inputs, "addonVersion"), fakeaws.AddonVersion("aws-ebs-csi-driver", "1.36"); got != want {
		t.Errorf("e2: %s addonVersion %q, want %s, the default for 1.36", ebs.Name, got, want)
	}

	// f0. The same role in a new session (every CI run has one): nothing changes.
	ws.Env["SIMCLOUD_CALLER_ARN"] = sameRoleNewSession
	s.Stack.Workspace().SetEnvVar("SIMCLOUD_CALLER_ARN", sameRoleNewSession)
	sum, j = up("f0. new session, same role")
	if sum.Changed() != 0 {
		t.Errorf("f0. new session, same role: want no changes, got %s", sum)
	}
	requireMutations(t, "f0. new session, same role", j)

	// f. Someone else runs `pulumi up`: only the caller's access entry and its
	// association are replaced.
	ws.Env["SIMCLOUD_CALLER_ARN"] = rotatedCaller
	s.Stack.Workspace().SetEnvVar("SIMCLOUD_CALLER_ARN", rotatedCaller)
	sum, j = up("f. rotate caller")
	requireMutations(t, "f. rotate caller", j,
		mut("create", tAccessEntry, "access-caller"),
		mut("delete", tAccessEntry, "access-caller"),
		mut("create", tAssociation, "access-caller-AmazonEKSClusterAdminPolicy"),
		mut("delete", tAssociation, "access-caller-AmazonEKSClusterAdminPolicy"))
	if sum.Count("replace") != 2 {
		t.Errorf("f. rotate caller: engine summary want replace=2 (entry and association), got %s", sum)
	}
	noneOf("f. rotate caller", sum, "update")
	g = state()
	if got := str(mustNode(t, g, tAccessEntry, child("access-caller")).Res.Inputs, "principalArn"); got != rotatedRole {
		t.Errorf("f: caller access entry principal %q, want the role behind the new session, %q", got, rotatedRole)
	}

	// A no-op up changes nothing, then destroy.
	sum, j = up("no-op")
	if sum.Changed() != 0 {
		t.Errorf("no-op up: want no changes, got %s", sum)
	}
	requireMutations(t, "no-op up", j)

	g = state()
	n := readJournal(t, ws).Len()
	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	all := readJournal(t, ws)
	checkDestroy(t, all, all.Since(n), g)
	t.Logf("upgrades took %s", time.Since(t0).Round(time.Millisecond))
}

// upOnce is up for tests with one step: it fails the test on error and returns
// the summary, the journal entries of the up and the state.
func upOnce(t *testing.T, ctx context.Context, ws *runner.Workspace, s *runner.Stack, step string) (runner.Summary, *journal.Journal, *journal.Graph) {
	t.Helper()
	n := readJournal(t, ws).Len()
	sum, err := s.Up(ctx)
	if err != nil {
		t.Fatalf("%s: up: %v", step, err)
	}
	t.Logf("%s: %s", step, sum)
	j := readJournal(t, ws).Since(n)
	_, g, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sum, j, g
}

// destroyAll destroys the stack and returns the workspace's whole journal and
// the destroy's entries.
func destroyAll(t *testing.T, ctx context.Context, ws *runner.Workspace, s *runner.Stack) (*journal.Journal, *journal.Journal) {
	t.Helper()
	n := readJournal(t, ws).Len()
	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	all := readJournal(t, ws)
	return all, all.Since(n)
}

// TestGoConfigMapAddsMapping (SCENARIOS #4): in CONFIG_MAP mode a later run adds
// a role mapping; aws-auth is updated in place (never deleted, which would lock
// the nodes out) and still maps the node role.
func TestGoConfigMapAddsMapping(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	const auditors = "arn:aws:iam::123456789012:role/auditors"
	mappings := eksplatform.RoleMappingArray{eksplatform.RoleMappingArgs{
		RoleArn:  pulumi.String(teamRole),
		Username: pulumi.String("platform-team"),
		Groups:   pulumi.StringArray{pulumi.String("system:masters")},
	}}
	s, err := ws.GoStack(ctx, "e2e-configmap", "legacy", func(ctx *pulumi.Context) error {
		_, err := eksplatform.NewEksPlatform(ctx, component, &eksplatform.EksPlatformArgs{
			PublicSubnetIds:    pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
			PrivateSubnetIds:   pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
			AuthenticationMode: pulumi.String("CONFIG_MAP"),
			RoleMappings:       mappings,
			NodeGroups: eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
				Name: pulumi.String("general"), InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
			}},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, j, g := upOnce(t, ctx, ws, s, "first up")
	requireFirstUpClean(t, "first up", j, g)
	requireBefore(t, "rule 3", "aws-auth before the node group",
		j.Creates().Type(tConfigMap).Entries, j.Creates().Type(tNodeGroup).Entries)

	// The provider must update ConfigMaps in place: the real one replaces a
	// ConfigMap whose data changes unless enableConfigMapMutable is set (the
	// simulator does not model that, so read it from the provider's inputs).
	for _, p := range g.OfType(tK8sProvider) {
		if v := str(p.Res.Inputs, "enableConfigMapMutable"); v != "true" {
			t.Errorf("kubernetes provider %s: enableConfigMapMutable is %q; without it a new mapping replaces aws-auth", p.Name, v)
		}
	}

	mappings = append(mappings, eksplatform.RoleMappingArgs{
		RoleArn:  pulumi.String(auditors),
		Username: pulumi.String("auditors"),
		Groups:   pulumi.StringArray{pulumi.String("view-only")},
	})
	sum, j, g := upOnce(t, ctx, ws, s, "add mapping")
	requireClean(t, "add mapping", j)
	requireClusterKept(t, "add mapping", j)
	requireMutations(t, "add mapping", j, mut("update", tConfigMap, "aws-auth"))
	for _, e := range j.Filter(func(e journal.Entry) bool {
		return (e.Type == tConfigMap || e.Type == tConfigMapPat) && (e.Op == "delete" || e.Op == "create")
	}).Entries {
		t.Errorf("add mapping: aws-auth must be updated in place, journal holds %s", journal.Label(e))
	}
	for _, k := range []string{"replace", "create", "delete", "create-replacement", "delete-replaced"} {
		if sum.Count(k) != 0 {
			t.Errorf("add mapping: engine summary has %s=%d, want none: %s", k, sum.Count(k), sum)
		}
	}
	cm := mustNode(t, g, tConfigMap, child("aws-auth"))
	nodeRole := str(mustNode(t, g, tRole, child("node-role")).Res.Outputs, "arn")
	if nodeRole == "" {
		t.Fatalf("node role has no arn output")
	}
	// The state's outputs and inputs, and the aws-auth the cluster's API server holds,
	// which is what EKS's authenticator reads.
	live, _, found, err := simcloud.LiveConfigMap(ws.Journal, component, "kube-system", "aws-auth")
	if err != nil || !found {
		t.Fatalf("add mapping: no aws-auth in the cluster's API server (err %v)", err)
	}
	for _, where := range []struct {
		name     string
		mapRoles string
	}{{"outputs", str(cm.Res.Outputs, "data", "mapRoles")}, {"inputs", str(cm.Res.Inputs, "data", "mapRoles")}, {"in the API server", live["mapRoles"]}} {
		mapRoles := where.mapRoles
		for _, want := range []string{nodeRole, teamRole, auditors, "system:nodes", "platform-team", "view-only"} {
			if !strings.Contains(mapRoles, `"`+want+`"`) {
				t.Errorf("aws-auth %s: mapRoles lacks %q:\n%s", where.name, want, mapRoles)
			}
		}
		if strings.Count(mapRoles, "- rolearn:") != 3 {
			t.Errorf("aws-auth %s: want 3 role mappings (node role, team, auditors):\n%s", where.name, mapRoles)
		}
	}

	all, del := destroyAll(t, ctx, ws, s)
	checkDestroy(t, all, del, g)
	requireNothingLeftInTheCluster(t, ws)
}
