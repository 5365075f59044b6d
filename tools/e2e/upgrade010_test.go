package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// prevRelease is the previous release of the component, whose plugin `make tools`
// builds into bin/eksplatform-<version>/ from its commit (see PREV_COMMIT in the
// Makefile: 0.1.0 was never tagged).
const prevRelease = "0.1.0"

// prevPluginDir is the folder holding the previous release's plugin, failing the test
// when it was not built.
func prevPluginDir(t *testing.T, ws *runner.Workspace) string {
	t.Helper()
	dir := filepath.Join(ws.Bin, "eksplatform-"+prevRelease)
	if st, err := os.Stat(filepath.Join(dir, "pulumi-resource-eksplatform")); err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("the %s plugin is not in %s: run make tools (it builds it from PREV_COMMIT)", prevRelease, dir)
	}
	return dir
}

// TestUpgradeFrom010: a stack made by the 0.1.0 plugin, then the same program with
// this plugin, as docs/upgrading.md#upgrading-from-010 tells users to do it (the
// Kubernetes version pinned, the SDK and plugin upgraded together). The preview plans
// no replacement at all (issue 14: "a state made by the previous release of the
// component previews with no replacements"), and the up changes exactly what the guide
// says is updated or created: the node group updated in place under 0.1.0's EKS name
// (its launch template gets a new version), the charts' CRDs created, vpc-cni moved
// onto a role of its own, the releases and their policies updated, the Pod Identity
// role's trust scoped, the access entry of an Output admin renamed by its alias (no
// change in the cloud), and nothing else. A second up changes nothing.
func TestUpgradeFrom010(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	current := ws.Env["PATH"]
	// The engine finds the component plugin on PATH: the 0.1.0 one first.
	ws.Env["PATH"] = prevPluginDir(t, ws) + string(os.PathListSeparator) + current

	// One program for both releases: only inputs 0.1.0 has, as a user's program
	// written for it would give.
	s, err := ws.GoStack(ctx, "e2e-upgrade-010", "dev", func(ctx *pulumi.Context) error {
		// An admin whose ARN is an Output: 0.1.0 named its access entry by position.
		auditor, err := iam.NewRole(ctx, "auditor", &iam.RoleArgs{
			Name:             pulumi.String("auditor"),
			AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`),
		})
		if err != nil {
			return err
		}
		p, err := eksplatform.NewEksPlatform(ctx, component, &eksplatform.EksPlatformArgs{
			// Pinned first, as the guide says: 0.1.0's default was 1.33.
			KubernetesVersion:  pulumi.String("1.35"),
			PublicSubnetIds:    pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
			PrivateSubnetIds:   pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
			AuthenticationMode: pulumi.String("API"),
			Admins:             pulumi.StringArray{pulumi.String(teamRole), auditor.Arn},
			NodeGroups: eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
				Name:          pulumi.String("general"),
				InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
				Scaling: eksplatform.NodeGroupScalingArgs{
					MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(2), MaxSize: pulumi.Int(3),
				},
			}},
			EksAddons: eksplatform.EksAddonsArgs{
				PodIdentityAgent: eksplatform.EksAddonArgs{Enabled: pulumi.Bool(true)},
			},
			Addons: eksplatform.HelmAddonsArgs{
				AwsLoadBalancerController: eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
				ExternalDns: eksplatform.ExternalDnsAddonArgs{
					Enabled:       pulumi.Bool(true),
					Identity:      pulumi.String("podIdentity"),
					HostedZoneIds: pulumi.StringArray{pulumi.String(zoneID)},
				},
				ClusterAutoscaler: eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
				MetricsServer:     eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("clusterName", p.ClusterName)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// 0.1.0 did not order the releases after the ALB controller (rule 9), so its first
	// up fails on the controller's Service webhook whenever another release or coredns
	// starts while the controller installs (which depends on timing); upstream's
	// workaround, and what a 0.1.0 user did, is a second up once the controller runs.
	if sum, err := s.Up(ctx); err != nil {
		if !strings.Contains(err.Error(), "mservice.elbv2.k8s.aws") {
			t.Fatalf("0.1.0 first up: %v", err)
		}
		t.Logf("0.1.0 first up failed on the ALB controller's webhook (no rule 9 in 0.1.0); a second up completes it")
		_, j, _ := upOnce(t, ctx, ws, s, "0.1.0 second up")
		requireClusterKept(t, "0.1.0 second up", j)
	} else {
		t.Logf("0.1.0 up: %s", sum)
	}
	g0 := exported(t, ctx, s)
	if len(g0.OfType(tCluster)) != 1 {
		t.Fatalf("0.1.0: want one cluster in the state, got %d", len(g0.OfType(tCluster)))
	}
	// The state is 0.1.0's: positional access entry name, node group named without a
	// generation, the CNI policy on the node role.
	mustNode(t, g0, tAccessEntry, child("access-admins-1"))
	if got := str(mustNode(t, g0, tNodeGroup, child("ng-general")).Res.Inputs, "nodeGroupName"); got != "platform-general" {
		t.Fatalf("0.1.0 up: node group EKS name %q, want 0.1.0's platform-general (is the plugin on PATH the 0.1.0 one?)", got)
	}
	mustNode(t, g0, tAttachment, child("node-role-AmazonEKS_CNI_Policy"))
	oldCluster := mustNode(t, g0, tCluster, child("cluster"))

	// This release's plugin.
	ws.Env["PATH"] = current
	s.Stack.Workspace().SetEnvVar("PATH", current)

	// What docs/upgrading.md#upgrading-from-010 says the upgrade replaces, creates,
	// updates and deletes, and nothing else.
	want := []string{
		// The node group in place: nothing create-only changed, so it keeps 0.1.0's EKS
		// name; its launch template gets a new version (hop limit 1), which rolls its
		// nodes, and node auto repair is turned on.
		mut("update", tNodeGroup, "ng-general"),
		mut("update", tLaunchTemplate, "ng-general-lt"),
		// vpc-cni on a role of its own, off the node role.
		mut("create", tRole, "vpc-cni-role"),
		mut("create", tAttachment, "vpc-cni-role-AmazonEKS_CNI_Policy"),
		mut("update", tAddon, "vpc-cni"),
		mut("delete", tAttachment, "node-role-AmazonEKS_CNI_Policy"),
		// The cluster in place (upgradePolicy), the key's explicit policy, the log
		// group's key, the Pod Identity role's scoped trust.
		mut("update", tCluster, "cluster"),
		mut("update", "aws:kms/key:Key", "secrets-key"),
		mut("update", "aws:cloudwatch/logGroup:LogGroup", "cluster-logs"),
		mut("update", tRole, "external-dns-role"),
		// The catalogue's new pins and their upstream policies.
		mut("update", tRelease, "aws-load-balancer-controller"),
		mut("update", tRelease, "external-dns"),
		mut("update", tRelease, "cluster-autoscaler"),
		mut("update", tRelease, "metrics-server"),
		mut("update", tPolicy, "aws-load-balancer-controller-policy"),
		mut("update", tPolicy, "external-dns-policy"),
		mut("update", tPolicy, "cluster-autoscaler-policy"),
	}
	// The charts' CRDs become the platform's: the ALB controller's seven, ExternalDNS's one.
	for _, crd := range []string{
		"albtargetcontrolconfigs.elbv2.k8s.aws", "globalaccelerators.aga.k8s.aws",
		"ingressclassparams.elbv2.k8s.aws", "targetgroupbindings.elbv2.k8s.aws",
		"listenerruleconfigurations.gateway.k8s.aws", "loadbalancerconfigurations.gateway.k8s.aws",
		"targetgroupconfigurations.gateway.k8s.aws", "dnsendpoints.externaldns.k8s.io",
	} {
		want = append(want, mut("create", tCRD, "crd-"+crd))
	}

	// The preview plans exactly what the up then does, and changes nothing.
	step := "preview with this release"
	n := readJournal(t, ws).Len()
	pre, err := s.Preview(ctx)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	t.Logf("%s: %s", step, pre)
	requireMutations(t, step, readJournal(t, ws).Since(n))

	step = "up with this release"
	sum, j, g := upOnce(t, ctx, ws, s, step)
	requireClean(t, step, j)
	requireClusterKept(t, step, j)
	requireMutations(t, step, j, want...)
	// In the engine's words: no replacement, the new role, attachment and CRDs created,
	// the node role's CNI attachment deleted, the rest (the node group among them)
	// updated; the preview said the same.
	for kind, n := range map[string]int{"replace": 0, "create": 10, "delete": 1, "update": 14} {
		if sum.Count(kind) != n {
			t.Errorf("%s: engine summary %s=%d, want %d: %s", step, kind, sum.Count(kind), n, sum)
		}
		if pre.Count(kind) != sum.Count(kind) {
			t.Errorf("preview planned %s=%d, the up did %d: %s / %s", kind, pre.Count(kind), sum.Count(kind), pre, sum)
		}
	}
	// The preview warned of no node group replacement, and the node role keeps the CNI
	// policy until vpc-cni runs on its own role.
	requireNoNodeGroupWarning(t, "preview with this release", pre)
	requireNoNodeGroupWarning(t, step, sum)
	requireBefore(t, step, "the launch template's new version before the node group rolls to it",
		j.Updates().Type(tLaunchTemplate).Entries, j.Updates().Type(tNodeGroup).Entries)
	requireBefore(t, step, "vpc-cni on its own role before the node role loses AmazonEKS_CNI_Policy",
		j.Updates().Type(tAddon).Entries, j.Deletes().Type(tAttachment).Entries)
	requireBefore(t, step, "the platform's CRDs before the releases that skip crds/",
		j.Creates().Type(tCRD).Entries, j.Updates().Type(tRelease).Entries)

	// The same cluster, now on this release's settings.
	cl := mustNode(t, g, tCluster, child("cluster"))
	if cl.URN != oldCluster.URN || str(cl.Res.Outputs, "arn") != str(oldCluster.Res.Outputs, "arn") {
		t.Errorf("the cluster is not the one 0.1.0 made")
	}
	if got := str(cl.Res.Inputs, "upgradePolicy", "supportType"); got != "STANDARD" {
		t.Errorf("cluster upgradePolicy.supportType %q, want STANDARD", got)
	}
	// The cluster guard's tags are added in the same in-place update (no replacement,
	// checked above): the platform's identity and the create-only settings EKS does not
	// report.
	for tag, want := range map[string]string{
		"eksplatform:platform": s.Project + "/" + s.Name + "/" + component, "eksplatform:secretsEncryption": "true",
		"eksplatform:bootstrapClusterCreatorAdminPermissions": "false", "eksplatform:secretsKey": "platform",
	} {
		if got := str(cl.Res.Inputs, "tags", tag); got != want {
			t.Errorf("cluster tag %s = %q, want %q", tag, got, want)
		}
	}
	// The same EKS node group 0.1.0 made, under its name, on the new template version.
	ng := mustNode(t, g, tNodeGroup, child("ng-general"))
	oldNg := mustNode(t, g0, tNodeGroup, child("ng-general"))
	if got := str(ng.Res.Inputs, "nodeGroupName"); got != "platform-general" || ng.Res.ID != oldNg.Res.ID {
		t.Errorf("node group EKS name %q (id %s), want 0.1.0's platform-general (id %s) kept", got, ng.Res.ID, oldNg.Res.ID)
	}
	if got, was := str(ng.Res.Inputs, "launchTemplate", "version"), str(oldNg.Res.Inputs, "launchTemplate", "version"); got == was {
		t.Errorf("node group launch template version %q, want the template's new version (0.1.0's was %q)", got, was)
	}
	if node(g, tAttachment, child("node-role-AmazonEKS_CNI_Policy")) != nil {
		t.Errorf("the node role still has AmazonEKS_CNI_Policy")
	}
	vpcCniRole := str(mustNode(t, g, tRole, child("vpc-cni-role")).Res.Outputs, "arn")
	if got := str(mustNode(t, g, tAddon, child("vpc-cni")).Res.Inputs, "serviceAccountRoleArn"); got == "" || got != vpcCniRole {
		t.Errorf("vpc-cni serviceAccountRoleArn %q, want its own role %q", got, vpcCniRole)
	}
	// The Output admin's entry is named after its ARN now, carried over by its alias.
	if node(g, tAccessEntry, child("access-admins-1")) != nil {
		t.Errorf("the positional access entry name of 0.1.0 is still in the state")
	}
	mustNode(t, g, tAccessEntry, child("access-role-auditor"))
	mustNode(t, g, tOIDC, child("oidc"))
	for name, version := range map[string]string{
		"aws-load-balancer-controller": "3.5.0", "external-dns": "1.21.1",
		"cluster-autoscaler": "9.59.0", "metrics-server": "3.13.1",
	} {
		if got := str(mustNode(t, g, tRelease, child(name)).Res.Inputs, "version"); got != version {
			t.Errorf("release %s at chart %q, want %s", name, got, version)
		}
	}

	step = "second up with this release"
	sum, j, g = upOnce(t, ctx, ws, s, step)
	if sum.Changed() != 0 {
		t.Errorf("%s: want no changes, got %s", step, sum)
	}
	requireMutations(t, step, j)

	// Every object either release made is gone (the CRDs retained). The access entry
	// and its association that the alias renamed are one object under two URNs.
	all, del := destroyAll(t, ctx, ws, s)
	checkDestroy(t, renamed(all, map[string]string{
		child("access-admins-1"):                             child("access-role-auditor"),
		child("access-admins-1-AmazonEKSClusterAdminPolicy"): child("access-role-auditor-AmazonEKSClusterAdminPolicy"),
	}), del, g)
}

// renamed is the journal with the entries of resources renamed by an alias (old name
// to new name) under their new name and URN.
func renamed(j *journal.Journal, names map[string]string) *journal.Journal {
	out := make([]journal.Entry, 0, len(j.Entries))
	for _, e := range j.Entries {
		if to, ok := names[e.Name]; ok {
			e.URN = strings.TrimSuffix(e.URN, "::"+e.Name) + "::" + to
			e.Name = to
		}
		out = append(out, e)
	}
	return journal.New(out)
}

// exported is the stack's state graph.
func exported(t *testing.T, ctx context.Context, s *runner.Stack) *journal.Graph {
	t.Helper()
	_, g, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestUpgradeFrom010Default133: a 0.1.0 stack that took 0.1.0's default Kubernetes
// version, 1.33, now in paid extended support. This release refuses it without
// upgradePolicy: EXTENDED, at preview and at up, before changing anything
// (docs/upgrading.md#upgrading-from-010, step 2); with it, the cluster stays on 1.33 and
// is updated in place.
func TestUpgradeFrom010Default133(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	current := ws.Env["PATH"]
	ws.Env["PATH"] = prevPluginDir(t, ws) + string(os.PathListSeparator) + current

	version, upgradePolicy := "", "" // 0.1.0 has no upgradePolicy input
	s, err := ws.GoStack(ctx, "e2e-upgrade-010-133", "dev", func(ctx *pulumi.Context) error {
		args := &eksplatform.EksPlatformArgs{
			PublicSubnetIds:  pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
			PrivateSubnetIds: pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
			NodeGroups: eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
				Name: pulumi.String("general"), InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
			}},
		}
		if version != "" {
			args.KubernetesVersion = pulumi.String(version)
		}
		if upgradePolicy != "" {
			args.UpgradePolicy = pulumi.String(upgradePolicy)
		}
		_, err := eksplatform.NewEksPlatform(ctx, component, args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, j, g0 := upOnce(t, ctx, ws, s, "0.1.0 up")
	requireFirstUpClean(t, "0.1.0 up", j, g0)
	if got := str(mustNode(t, g0, tCluster, child("cluster")).Res.Outputs, "version"); got != "1.33" {
		t.Fatalf("0.1.0 up: cluster version %q, want 0.1.0's default 1.33", got)
	}

	// Step 1 of the guide, still on 0.1.0: pin the version the cluster runs. Without
	// it, this release's default (1.36) would be a jump of three minors, which EKS
	// refuses (the simulator too).
	version = "1.33"
	sum, j, _ := upOnce(t, ctx, ws, s, "0.1.0 up, version pinned")
	if sum.Changed() != 0 {
		t.Errorf("0.1.0 up, version pinned: want no changes, got %s", sum)
	}
	requireMutations(t, "0.1.0 up, version pinned", j)

	ws.Env["PATH"] = current
	s.Stack.Workspace().SetEnvVar("PATH", current)
	const refusal = "kubernetesVersion: 1.33 left EKS standard support on 2026-07-29; set upgradePolicy: EXTENDED (extended support until 2027-07-29"
	n := readJournal(t, ws).Len()
	if sum, err := s.Preview(ctx); err == nil || !strings.Contains(err.Error(), refusal) {
		t.Errorf("preview without upgradePolicy: want the refusal %q, got %v: %s", refusal, err, sum)
	}
	if sum, err := s.Up(ctx); err == nil || !strings.Contains(err.Error(), refusal) {
		t.Errorf("up without upgradePolicy: want the refusal %q, got %v: %s", refusal, err, sum)
	}
	requireMutations(t, "refused preview and up", readJournal(t, ws).Since(n))

	upgradePolicy = "EXTENDED"
	step := "up with upgradePolicy EXTENDED"
	sum, j, g := upOnce(t, ctx, ws, s, step)
	requireClean(t, step, j)
	requireClusterKept(t, step, j)
	requireMutations(t, step, j,
		mut("update", tNodeGroup, "ng-general"),
		mut("update", tLaunchTemplate, "ng-general-lt"),
		mut("create", tRole, "vpc-cni-role"),
		mut("create", tAttachment, "vpc-cni-role-AmazonEKS_CNI_Policy"),
		mut("update", tAddon, "vpc-cni"),
		mut("delete", tAttachment, "node-role-AmazonEKS_CNI_Policy"),
		mut("update", tCluster, "cluster"),
		mut("update", "aws:kms/key:Key", "secrets-key"),
		mut("update", "aws:cloudwatch/logGroup:LogGroup", "cluster-logs"))
	if sum.Count("replace") != 0 {
		t.Errorf("%s: want no replacement (the node group keeps 0.1.0's name), got %s", step, sum)
	}
	if got := str(mustNode(t, g, tNodeGroup, child("ng-general")).Res.Inputs, "nodeGroupName"); got != "platform-general" {
		t.Errorf("%s: node group EKS name %q, want 0.1.0's platform-general kept", step, got)
	}
	cl := mustNode(t, g, tCluster, child("cluster"))
	if got := str(cl.Res.Outputs, "version"); got != "1.33" {
		t.Errorf("%s: cluster version %q, want 1.33 kept", step, got)
	}
	if got := str(cl.Res.Inputs, "upgradePolicy", "supportType"); got != "EXTENDED" {
		t.Errorf("%s: upgradePolicy.supportType %q, want EXTENDED", step, got)
	}

	all, del := destroyAll(t, ctx, ws, s)
	checkDestroy(t, all, del, g)
}
