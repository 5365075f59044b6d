package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	tNodePool  = "kubernetes:karpenter.sh/v1:NodePool"
	tNodeClass = "kubernetes:eks.amazonaws.com/v1:NodeClass"
)

// gpuNodePool is SCENARIOS #10's custom pool: g-family instances, tainted for GPUs.
func gpuNodePool() eksplatform.AutoModeNodePoolArray {
	return eksplatform.AutoModeNodePoolArray{eksplatform.AutoModeNodePoolArgs{
		Name: pulumi.String("gpu"),
		Requirements: eksplatform.AutoModeNodeRequirementArray{eksplatform.AutoModeNodeRequirementArgs{
			Key: pulumi.String("eks.amazonaws.com/instance-category"), Operator: pulumi.String("In"), Values: pulumi.ToStringArray([]string{"g"}),
		}},
		Taints: eksplatform.TaintArray{eksplatform.TaintArgs{Key: pulumi.String("nvidia.com/gpu"), Effect: pulumi.String("NO_SCHEDULE")}},
		Limits: pulumi.StringMap{"nvidia.com/gpu": pulumi.String("4")},
	}}
}

func externalDNS() *eksplatform.HelmAddonsArgs {
	return &eksplatform.HelmAddonsArgs{ExternalDns: eksplatform.ExternalDnsAddonArgs{
		Enabled:       pulumi.Bool(true),
		HostedZoneIds: pulumi.ToStringArray([]string{"Z0123456789ABCDEFGHIJ"}),
		DomainFilters: pulumi.ToStringArray([]string{"example.com"}),
	}}
}

// TestGoAutoMode: SCENARIOS #10 through the real engine and the simulator.
func TestGoAutoMode(t *testing.T) {
	t.Parallel()
	t.Run("FromScratch", func(t *testing.T) { t.Parallel(); autoModeFromScratch(t) })
	t.Run("SwitchInPlace", func(t *testing.T) { t.Parallel(); autoModeSwitchInPlace(t) })
	t.Run("Rejected", func(t *testing.T) { t.Parallel(); autoModeRejected(t) })
}

// An Auto Mode platform from scratch: both built-in pools, ExternalDNS and a GPU
// NodePool; up (EKS accepts the cluster request, ExternalDNS has nodes to run on, no
// EKS add-on is installed, the NodePool follows its NodeClass), a second up that
// changes nothing, destroy leaving nothing.
func autoModeFromScratch(t *testing.T) {
	ctx := testCtx(t)
	a := scenarioArgs()
	a.AutoMode = eksplatform.AutoModeArgs{
		Enabled: pulumi.Bool(true), NodePools: gpuNodePool(),
		StorageClass: eksplatform.AutoModeStorageClassArgs{Enabled: pulumi.Bool(true), IsDefault: pulumi.Bool(true)},
		IngressClass: eksplatform.AutoModeIngressClassArgs{Enabled: pulumi.Bool(true), Scheme: pulumi.String("internet-facing")},
	}
	a.Addons = externalDNS()
	ws, s := scenarioStack(t, "automode", a)

	sum, up, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", up, g)
	cluster := mustNode(t, g, tCluster, child("cluster"))
	if v, _ := cluster.Res.Inputs["computeConfig"].(map[string]any); v["enabled"] != true || len(v["nodePools"].([]any)) != 2 {
		t.Errorf("cluster computeConfig = %v, want enabled with both built-in pools", v)
	}
	if n := up.Creates().Type(tAddon).Len(); n != 0 {
		t.Errorf("%d EKS add-ons created under Auto Mode with no node group, want none: %s", n, names(up.Creates().Type(tAddon).Entries))
	}
	requireCount(t, "NodeClass", up.Creates().Type(tNodeClass).Entries, 1, false)
	requireCount(t, "GPU NodePool", up.Creates().Type(tNodePool).Name(child("auto-nodepool-gpu")).Entries, 1, false)
	requireBefore(t, "NodePool after its NodeClass", "NodeClass", up.Creates().Type(tNodeClass).Entries, up.Creates().Type(tNodePool).Entries)
	requireCount(t, "ExternalDNS", up.Creates().Type(tRelease).Name(child("external-dns")).Entries, 1, false)
	requireCount(t, "StorageClass", up.Creates().Type("kubernetes:storage.k8s.io/v1:StorageClass").Entries, 1, false)
	requireCount(t, "IngressClassParams", up.Creates().Type("kubernetes:eks.amazonaws.com/v1:IngressClassParams").Entries, 1, false)
	requireCount(t, "IngressClass", up.Creates().Type("kubernetes:networking.k8s.io/v1:IngressClass").Entries, 1, false)
	if sum.Count("create") == 0 {
		t.Errorf("first up created nothing: %s", sum)
	}

	sum2, again, _ := upOnce(t, ctx, ws, s, "second up")
	if sum2.Changed() != 0 || again.Mutations().Len() != 0 {
		t.Errorf("second up changed something: %s; journal %s", sum2, fmtEntries(again.Mutations().Entries))
	}
	all, del := destroyAll(t, ctx, ws, s)
	requireClean(t, "destroy", del)
	requireBefore(t, "NodePools deleted before the cluster", "NodePool", del.Deletes().Type(tNodePool).Entries, del.Deletes().Type(tCluster).Entries)
	requireAllDeletedBut(t, all, retainedIn(g))
}

// SCENARIOS #10's move: a node-group platform (scenario 1's shape) switches to Auto
// Mode in place. Step 1 turns Auto Mode on beside the node group: the cluster is
// updated, never replaced, and the node add-ons stay for the group's nodes. Step 2
// removes the node group: only it and what served it go. Then a no-op up.
func autoModeSwitchInPlace(t *testing.T) {
	ctx := testCtx(t)
	spec := scenarioArgs()
	spec.NodeGroups = eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
		Name: pulumi.String("general"), CapacityType: pulumi.String("SPOT"),
		InstanceTypes: pulumi.ToStringArray([]string{"t3.large", "m5.large"}),
	}}
	spec.Addons = externalDNS()
	ws := newWorkspace(t, runner.Options{})
	s, err := ws.GoStack(ctx, "e2e-automode-switch", "dev", func(ctx *pulumi.Context) error {
		_, err := eksplatform.NewEksPlatform(ctx, component, spec)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, base, g := upOnce(t, ctx, ws, s, "node groups")
	requireFirstUpClean(t, "node groups", base, g)

	// With a GPU NodePool in the same step: its API exists only once the cluster update
	// has turned Auto Mode on (the simulator refuses it before), so it must follow.
	spec.AutoMode = eksplatform.AutoModeArgs{Enabled: pulumi.Bool(true), NodePools: gpuNodePool()}
	sum, on, _ := upOnce(t, ctx, ws, s, "Auto Mode on")
	requireBefore(t, "NodePool after Auto Mode is on", "cluster update", on.Updates().Type(tCluster).Entries, on.Creates().Type(tNodePool).Entries)
	requireClean(t, "Auto Mode on", on)
	requireClusterKept(t, "Auto Mode on", on)
	requireCount(t, "cluster update", on.Updates().Type(tCluster).Entries, 1, false)
	if sum.Count("replace") != 0 {
		t.Errorf("Auto Mode on: %s, want no replacement", sum)
	}
	// The cluster role gets its Auto Mode policies before the cluster update.
	policies := on.Creates().Type(tAttachment).NameContains("cluster-role-AmazonEKS")
	requireCount(t, "Auto Mode cluster policies", policies.Entries, 4, false)
	requireBefore(t, "rule 1", "cluster role policies", policies.Entries, on.Updates().Type(tCluster).Entries)
	if on.Deletes().Type(tAddon).Len() != 0 || on.Deletes().Type(tNodeGroup).Len() != 0 {
		t.Errorf("Auto Mode on removed node add-ons or the node group while it is still there: %s", fmtEntries(on.Deletes().Entries))
	}

	spec.NodeGroups = nil
	_, off, _ := upOnce(t, ctx, ws, s, "node group removed")
	requireClean(t, "node group removed", off)
	requireClusterKept(t, "node group removed", off)
	requireCount(t, "node group deleted", off.Deletes().Type(tNodeGroup).Entries, 1, false)
	var deletedAddons []string
	for _, e := range off.Deletes().Type(tAddon).Entries {
		deletedAddons = append(deletedAddons, strings.TrimPrefix(e.Name, component+"-"))
	}
	for _, want := range []string{"vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns"} {
		if !contains(deletedAddons, want) {
			t.Errorf("node group removed: add-on %s kept under Auto Mode with no node group (deleted: %v)", want, deletedAddons)
		}
	}
	if n := off.Filter(func(e journal.Entry) bool { return e.Type == tRelease && e.Op != "update" }).Len(); n != 0 {
		t.Errorf("ExternalDNS was recreated or deleted when the node group went: %s", fmtEntries(off.Type(tRelease).Entries))
	}
	sum, again, _ := upOnce(t, ctx, ws, s, "no-op")
	if sum.Changed() != 0 || again.Mutations().Len() != 0 {
		t.Errorf("no-op up changed something: %s", sum)
	}

	// Switching off, in the order docs/upgrading.md gives: node groups back and the
	// custom NodePools gone while Auto Mode is still on, then the switch itself (one
	// cluster update; the simulator warns when it leaves no node for the pods).
	spec.NodeGroups = eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{Name: pulumi.String("general")}}
	spec.AutoMode = eksplatform.AutoModeArgs{Enabled: pulumi.Bool(true)}
	_, back, _ := upOnce(t, ctx, ws, s, "node group back")
	requireClean(t, "node group back", back)
	requireClusterKept(t, "node group back", back)
	requireCount(t, "NodePool deleted", back.Deletes().Type(tNodePool).Entries, 1, false)
	requireCount(t, "node group created", back.Creates().Type(tNodeGroup).Entries, 1, false)
	spec.AutoMode = eksplatform.AutoModeArgs{Enabled: pulumi.Bool(false)}
	sum, offAgain, g := upOnce(t, ctx, ws, s, "Auto Mode off")
	requireClean(t, "Auto Mode off", offAgain)
	requireClusterKept(t, "Auto Mode off", offAgain)
	requireCount(t, "cluster update", offAgain.Updates().Type(tCluster).Entries, 1, false)
	if sum.Count("replace") != 0 {
		t.Errorf("Auto Mode off: %s, want no replacement", sum)
	}
	if n := offAgain.Deletes().Type(tAttachment).NameContains("cluster-role-AmazonEKS").Len(); n != 0 {
		t.Errorf("Auto Mode off: %d cluster role policies detached while EKS still cleans up with them", n)
	}
	all, del := destroyAll(t, ctx, ws, s)
	requireClean(t, "destroy", del)
	requireAllDeletedBut(t, all, retainedIn(g))
}

// retainedIn are the resources of the state a destroy leaves by design (retainOnDelete:
// the charts' CRDs).
func retainedIn(g *journal.Graph) map[string]bool {
	retained := map[string]bool{}
	for _, n := range g.Nodes {
		if n.Simulated() && n.Res.RetainOnDelete {
			retained[n.URN] = true
		}
	}
	return retained
}

// TestPythonAutoModeExample: the shipped Auto Mode example (examples/automode, SCENARIOS
// #10) run unchanged from Python: up, a second up that changes nothing, destroy.
func TestPythonAutoModeExample(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	pythonVenv(t)
	ws := newWorkspace(t, runner.Options{})
	ex := loadExample(t, "automode")
	d := exampleDriver(t, pythonDriver(t, ws, "dev", "example"), ex)
	d.env["E2E_EXAMPLE"] = filepath.Join(ex.dir, "__main__.py")

	sum, err := d.run(ctx, "up")
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	t.Logf("up: %s", sum)
	up := readJournal(t, ws)
	requireClean(t, "up", up)
	if n := up.Creates().Type(tAddon).Len(); n != 0 {
		t.Errorf("%d EKS add-ons under Auto Mode with no node group, want none", n)
	}
	if up.Creates().Type(tNodeGroup).Len() != 0 {
		t.Error("a node group was created for an Auto Mode example")
	}
	requireCount(t, "GPU NodePool", up.Creates().Type(tNodePool).Entries, 1, false)
	requireCount(t, "ExternalDNS", up.Creates().Type(tRelease).NameContains("external-dns").Entries, 1, false)
	cluster := one(t, "cluster", up.Creates().Type(tCluster).Entries)
	if sum.Count("create") == 0 || cluster.Error != "" {
		t.Errorf("up: %s, cluster %v", sum, cluster.Error)
	}

	n := readJournal(t, ws).Len()
	sum, err = d.run(ctx, "up")
	if err != nil {
		t.Fatalf("second up: %v", err)
	}
	if sum.Changed() != 0 || readJournal(t, ws).Since(n).Mutations().Len() != 0 {
		t.Errorf("second up changed something: %s", sum)
	}
	if _, err := d.run(ctx, "destroy"); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	all := readJournal(t, ws)
	requireClean(t, "destroy", all.Since(n))
	// What a destroy leaves by design: the charts' CRDs (retainOnDelete).
	requireAllDeletedBut(t, all, retainedCRDs(all))
}

// retainedCRDs are the CustomResourceDefinitions a run created: the platform keeps
// them on destroy (retainOnDelete), so the objects of other owners survive.
func retainedCRDs(all *journal.Journal) map[string]bool {
	out := map[string]bool{}
	for _, e := range all.Creates().Type("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").Entries {
		out[e.URN] = true
	}
	return out
}

// autoModeBadInputs are combinations EKS refuses or that would install twice what Auto
// Mode runs: each fails before anything reaches the cloud, with the platform's message.
var autoModeBadInputs = []struct{ variant, want string }{
	{"bad-automode-configmap", "authenticationMode: CONFIG_MAP has no access entries, and EKS Auto Mode's nodes join through access entries"},
	{"bad-automode-addons", "eksAddons.ebsCsiDriver: enabled under autoMode with no node group; EKS Auto Mode runs EBS volumes"},
}

// TestPythonAutoModeBadInput: the rejected Auto Mode combinations from Python.
func TestPythonAutoModeBadInput(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	for _, bi := range autoModeBadInputs {
		n := readJournal(t, ws).Len()
		_, err := pythonDriver(t, ws, bi.variant, bi.variant).up(ctx)
		if err == nil || !strings.Contains(err.Error(), bi.want) {
			t.Errorf("%s: err = %v, want one containing %q", bi.variant, err, bi.want)
		}
		for _, e := range readJournal(t, ws).Since(n).Mutations().Entries {
			t.Errorf("%s: invalid input still reached the cloud: %s", bi.variant, journal.Label(e))
		}
	}
}

// autoModeRejected: the same from Go, through the real engine and the plugin.
func autoModeRejected(t *testing.T) {
	ctx := testCtx(t)
	a := scenarioArgs()
	a.AutoMode = eksplatform.AutoModeArgs{Enabled: pulumi.Bool(false), NodePools: gpuNodePool()}
	a.NodeGroups = eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{Name: pulumi.String("general")}}
	ws, s := scenarioStack(t, "automode-rejected", a)
	_, err := s.Up(ctx)
	want := "autoMode.nodePools: given while autoMode.enabled is false; remove the custom NodePools in one `pulumi up` with Auto Mode still on"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want one containing %q", err, want)
	}
	if n := readJournal(t, ws).Mutations().Len(); n != 0 {
		t.Errorf("invalid input reached the cloud: %d operations", n)
	}
}
