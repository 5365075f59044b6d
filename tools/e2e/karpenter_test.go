package e2e

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	tEC2NodeClass = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
)

// karpenterScenario is SCENARIOS #9 in Go: a two-node system group tainted
// CriticalAddonsOnly for the controller and the add-ons, Karpenter with interruption
// handling, a general on-demand + spot NodePool and, when gpu is set, a GPU NodePool
// tainted nvidia.com/gpu; the ALB controller and ExternalDNS.
func karpenterScenario(gpu bool) *eksplatform.EksPlatformArgs {
	a := scenarioArgs()
	a.NodeGroups = eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
		Name:    pulumi.String("system"),
		Scaling: eksplatform.NodeGroupScalingArgs{MinSize: pulumi.Int(2), DesiredSize: pulumi.Int(2), MaxSize: pulumi.Int(3)},
		Taints: eksplatform.TaintArray{eksplatform.TaintArgs{Key: pulumi.String("CriticalAddonsOnly"), Value: pulumi.String("true"),
			Effect: pulumi.String("NO_SCHEDULE")}},
	}}
	pools := eksplatform.KarpenterNodePoolArray{eksplatform.KarpenterNodePoolArgs{
		Name:               pulumi.String("general"),
		InstanceCategories: pulumi.ToStringArray([]string{"c", "m", "r"}),
		CapacityTypes:      pulumi.ToStringArray([]string{"on-demand", "spot"}),
		Limits:             pulumi.StringMap{"cpu": pulumi.String("1000")},
		Disruption:         eksplatform.KarpenterDisruptionArgs{ConsolidationPolicy: pulumi.String("WhenEmptyOrUnderutilized")},
	}}
	if gpu {
		pools = append(pools, eksplatform.KarpenterNodePoolArgs{
			Name:               pulumi.String("gpu"),
			InstanceCategories: pulumi.ToStringArray([]string{"g"}),
			Taints: eksplatform.TaintArray{eksplatform.TaintArgs{Key: pulumi.String("nvidia.com/gpu"), Value: pulumi.String("true"),
				Effect: pulumi.String("NO_SCHEDULE")}},
			Limits: pulumi.StringMap{"nvidia.com/gpu": pulumi.String("8")},
		})
	}
	a.Karpenter = eksplatform.KarpenterArgs{Enabled: pulumi.Bool(true), NodePools: pools}
	a.Addons = eksplatform.HelmAddonsArgs{
		AwsLoadBalancerController: eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
		ExternalDns: eksplatform.ExternalDnsAddonArgs{Enabled: pulumi.Bool(true),
			HostedZoneIds: pulumi.StringArray{pulumi.String(zoneID)}},
	}
	return a
}

// TestGoKarpenter: SCENARIOS #9 from Go through the plugin: up (the controller on the
// system group, after its role, queue and CRDs; the NodePools after the controller,
// each launching an instance; the ALB controller and ExternalDNS on the general
// NodePool), a second up that changes nothing, an up that adds the GPU NodePool (only
// it is created), and a destroy that deletes the NodePools while the controller runs,
// so it terminates every instance: none orphaned (rule 10).
func TestGoKarpenter(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	var gpu atomic.Bool
	s, err := ws.GoStack(ctx, "e2e-karpenter", "dev", func(ctx *pulumi.Context) error {
		p, err := eksplatform.NewEksPlatform(ctx, component, karpenterScenario(gpu.Load()))
		if err != nil {
			return err
		}
		ctx.Export("addonRoleArns", p.AddonRoleArns)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, j, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", j, g)
	checkKarpenterUp(t, j, []string{"general"})
	if roles, _ := sum.Outputs["addonRoleArns"].Value.(map[string]any); !strings.HasSuffix(str(roles, "karpenter"), "-karpenter") {
		t.Errorf("addonRoleArns.karpenter = %v", roles["karpenter"])
	}

	_, j2, _ := upOnce(t, ctx, ws, s, "second up")
	for _, e := range j2.Mutations().Entries {
		t.Errorf("second up touched the cloud: %s", journal.Label(e))
	}
	if n := j2.Filter(func(e journal.Entry) bool { return e.Type == "aws:ec2/instance:Instance" }).Len(); n != 0 {
		t.Errorf("second up: Karpenter launched or terminated %d instances", n)
	}

	gpu.Store(true)
	_, j3, g3 := upOnce(t, ctx, ws, s, "add the gpu NodePool")
	requireClean(t, "add the gpu NodePool", j3)
	var changed []string
	for _, e := range j3.Mutations().Entries {
		changed = append(changed, e.Op+" "+e.Name)
	}
	if want := []string{"create " + child("karpenter-nodepool-gpu")}; strings.Join(changed, ",") != strings.Join(want, ",") {
		t.Errorf("adding a NodePool: changes %v, want %v", changed, want)
	}
	if n := j3.Filter(func(e journal.Entry) bool { return e.Op == "launch" }).Len(); n != 1 {
		t.Errorf("adding a NodePool: %d launches, want 1", n)
	}

	all, del := destroyAll(t, ctx, ws, s)
	checkDestroy(t, all, del, g3)
	d := del.Deletes()
	rel := d.Type(tRelease).Name(child("karpenter")).Entries
	for _, pool := range []string{"general", "gpu"} {
		requireBefore(t, "rule 10", "NodePool "+pool+" deleted (its instance terminated) before the controller",
			d.Type(tNodePool).Name(child("karpenter-nodepool-"+pool)).Entries, rel)
	}
	requireBefore(t, "rule 10", "EC2NodeClass deleted before the controller", d.Type(tEC2NodeClass).Entries, rel)
	requireBefore(t, "rule 10", "the controller deleted before the system group it ran on", rel, d.Type(tNodeGroup).Entries)
	requireBefore(t, "rule 10", "the controller deleted before its interruption queue", rel, d.Type("aws:sqs/queue:Queue").Entries)
	if n := all.Filter(func(e journal.Entry) bool { return e.Op == "terminate" }).Len(); n != 2 {
		t.Errorf("destroy: %d instances terminated by Karpenter, want 2", n)
	}
}

// checkKarpenterUp is what a first up of scenario 9 must show in the journal.
func checkKarpenterUp(t *testing.T, j *journal.Journal, pools []string) {
	t.Helper()
	cr := j.Creates()
	rel := cr.Type(tRelease).Name(child("karpenter")).Entries
	requireCount(t, "Karpenter release", rel, 1, false)
	requireBefore(t, "rule 4", "the controller after the system group", cr.Type(tNodeGroup).Entries, rel)
	requireBefore(t, "rule 4", "the controller after coredns", cr.Type(tAddon).Name(child("coredns")).Entries, rel)
	requireBefore(t, "rule 6", "the controller after its queue", cr.Type("aws:sqs/queue:Queue").Entries, rel)
	requireBefore(t, "rule 6", "the controller after its CRDs", cr.NameContains("karpenter.sh").Entries, rel)
	requireCount(t, "EventBridge rules", cr.Type("aws:cloudwatch/eventRule:EventRule").Entries, 5, false)
	requireCount(t, "controller policies", cr.Type("aws:iam/policy:Policy").NameContains("karpenter-").Entries, 6, false)
	nc := cr.Type(tEC2NodeClass).Entries
	requireBefore(t, "rule 10", "the EC2NodeClass after the controller", rel, nc)
	for _, pool := range pools {
		np := cr.Type(tNodePool).Name(child("karpenter-nodepool-" + pool)).Entries
		requireCount(t, "NodePool "+pool, np, 1, false)
		requireBefore(t, "rule 10", "NodePool "+pool+" after the EC2NodeClass", nc, np)
		for _, addon := range []string{"aws-load-balancer-controller", "external-dns"} {
			if pool == "general" {
				requireBefore(t, "rule 4", addon+" after the general NodePool it runs on", np, cr.Type(tRelease).Name(child(addon)).Entries)
			}
		}
	}
	requireBefore(t, "rule 9", "the ALB controller after Karpenter's release", rel, cr.Type(tRelease).Name(child("aws-load-balancer-controller")).Entries)
	if n := j.Filter(func(e journal.Entry) bool { return e.Op == "launch" }).Len(); n != len(pools) {
		t.Errorf("up: %d instances launched by Karpenter, want one per NodePool (%d)", n, len(pools))
	}
}

// TestRule10FiresWithoutTheOrdering: a Karpenter controller and a NodePool that
// nothing orders before it on destroy, through the real engine: the engine deletes
// them together, the NodePool's instance is left running (the simulator journals it
// orphaned), and the platform's destroy check fails. TestGoKarpenter and the
// TypeScript example, with the ordering, orphan nothing.
func TestRule10FiresWithoutTheOrdering(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{Scale: 0.01})
	nodePoolCRDSpec := vendoredCRDSpec(t, "nodepools.karpenter.sh")
	var ordered atomic.Bool
	ordered.Store(true)
	program := func(ctx *pulumi.Context) error {
		cluster, err := eks.NewCluster(ctx, "race", &eks.ClusterArgs{
			Name:      pulumi.String("race"),
			RoleArn:   pulumi.String("arn:aws:iam::123456789012:role/race-cluster"),
			VpcConfig: eks.ClusterVpcConfigArgs{SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"})},
		})
		if err != nil {
			return err
		}
		k8s, err := bareClusterProvider(ctx, "race", cluster)
		if err != nil {
			return err
		}
		crd, err := apiextensions.NewCustomResource(ctx, "race-crd", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("apiextensions.k8s.io/v1"), Kind: pulumi.String("CustomResourceDefinition"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String("nodepools.karpenter.sh")},
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.ToMap(nodePoolCRDSpec)},
		}, pulumi.Provider(k8s))
		if err != nil {
			return err
		}
		controller, err := helmv3.NewRelease(ctx, "race-karpenter", &helmv3.ReleaseArgs{
			Name: pulumi.String("karpenter"), Chart: pulumi.String("oci://public.ecr.aws/karpenter/karpenter"),
			Version: pulumi.String("1.14.1"), Namespace: pulumi.String("kube-system"),
		}, pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{crd}))
		if err != nil {
			return err
		}
		// The first up orders the NodePool after the controller, so it launches; the
		// second drops that edge (no input changes: only the state's dependencies), as a
		// platform without rule 10's ordering would have it.
		deps := []pulumi.Resource{crd}
		if ordered.Load() {
			deps = append(deps, controller)
		}
		_, err = apiextensions.NewCustomResource(ctx, "race-nodepool", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("karpenter.sh/v1"), Kind: pulumi.String("NodePool"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String("general")},
			OtherFields: kubernetes.UntypedArgs{"spec": minimalNodePoolSpec()},
		}, pulumi.Provider(k8s), pulumi.DependsOn(deps))
		return err
	}
	s, err := ws.GoStack(ctx, "e2e-rule10", "race", program)
	if err != nil {
		t.Fatal(err)
	}
	_, j, _ := upOnce(t, ctx, ws, s, "up")
	if n := j.Filter(func(e journal.Entry) bool { return e.Op == "launch" }).Len(); n != 1 {
		t.Fatalf("up: %d instances launched, want 1", n)
	}
	ordered.Store(false)
	upOnce(t, ctx, ws, s, "drop the ordering")
	all, _ := destroyAll(t, ctx, ws, s)
	orphans := all.Filter(func(e journal.Entry) bool { return e.Op == "orphan" })
	if orphans.Len() != 1 || !strings.Contains(orphans.Entries[0].Warning, "nothing terminated it") {
		t.Fatalf("destroy without the ordering: want the NodePool's instance orphaned, journal: %s", names(all.Entries))
	}
	// The check every platform destroy runs catches it.
	if len(orphanedInstances(all)) == 0 {
		t.Error("checkNoOrphanedInstances passes a destroy that orphaned an instance")
	}
}

var _ = context.Background

// vendoredCRDSpec is the spec of a CRD the platform vendors (Karpenter's, at its pin):
// the cluster's API server validates the objects of its kind by it.
func vendoredCRDSpec(t *testing.T, name string) map[string]any {
	t.Helper()
	crds, err := addons.KarpenterChartAddon().CRDs()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range crds {
		if c.Name == name {
			spec, _ := c.Object["spec"].(map[string]any)
			return spec
		}
	}
	t.Fatalf("no vendored CRD %s", name)
	return nil
}

// minimalNodePoolSpec is a NodePool spec Karpenter's CRD accepts.
func minimalNodePoolSpec() pulumi.Map {
	return pulumi.Map{
		"template": pulumi.Map{"spec": pulumi.Map{
			"nodeClassRef": pulumi.Map{"group": pulumi.String("karpenter.k8s.aws"), "kind": pulumi.String("EC2NodeClass"),
				"name": pulumi.String("default")},
			"requirements": pulumi.Array{pulumi.Map{"key": pulumi.String("karpenter.sh/capacity-type"),
				"operator": pulumi.String("In"), "values": pulumi.ToStringArray([]string{"on-demand"})}},
		}},
		"disruption": pulumi.Map{"consolidationPolicy": pulumi.String("WhenEmpty"), "consolidateAfter": pulumi.String("30s")},
	}
}

// TestTypeScriptKarpenterExample: the shipped Karpenter example (examples/karpenter,
// SCENARIOS #9) run unchanged from TypeScript (compiled into the e2e project beside
// examples/ts, see nodeProject) with its Pulumi.dev.yaml.example configuration: an up
// that shows what scenario 9 must (the controller after the system node group, the
// NodePools after the controller, each launching an instance), a second up that changes
// nothing, and a destroy that deletes both NodePools before the controller's release,
// so Karpenter terminates both instances and none is orphaned (rule 10).
func TestTypeScriptKarpenterExample(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	nodeProject(t)
	ws := newWorkspace(t, runner.Options{})
	ex := loadExample(t, "karpenter")
	d := exampleDriver(t, nodeDriver(t, ws, "dev", "example"), ex)
	d.env["E2E_EXAMPLE"] = "./karpenter/index"

	sum, err := d.run(ctx, "up")
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	t.Logf("up: %s", sum)
	up := readJournal(t, ws)
	_, g, err := d.state(ctx)
	if err != nil {
		t.Fatal(err)
	}
	requireFirstUpClean(t, "up", up, g)
	checkKarpenterUp(t, up, []string{"general", "gpu"})
	ngs := up.Creates().Type(tNodeGroup).Entries
	requireCount(t, "system node group", ngs, 1, false)
	if roles, _ := sum.Outputs["addonRoleArns"].Value.(map[string]any); !strings.HasSuffix(str(roles, "karpenter"), "-karpenter") {
		t.Errorf("addonRoleArns.karpenter = %v", roles["karpenter"])
	}

	n := readJournal(t, ws).Len()
	sum, err = d.run(ctx, "up")
	if err != nil {
		t.Fatalf("second up: %v", err)
	}
	again := readJournal(t, ws).Since(n)
	if sum.Changed() != 0 || again.Mutations().Len() != 0 {
		t.Errorf("second up changed something: %s", sum)
	}
	if k := again.Filter(func(e journal.Entry) bool { return e.Type == "aws:ec2/instance:Instance" }).Len(); k != 0 {
		t.Errorf("second up: Karpenter launched or terminated %d instances", k)
	}

	n = readJournal(t, ws).Len()
	if _, err := d.run(ctx, "destroy"); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	all := readJournal(t, ws)
	del := all.Since(n)
	checkDestroy(t, all, del, g)
	dd := del.Deletes()
	rel := dd.Type(tRelease).Name(child("karpenter")).Entries
	requireCount(t, "Karpenter release deleted", rel, 1, false)
	for _, pool := range []string{"general", "gpu"} {
		requireBefore(t, "rule 10", "NodePool "+pool+" deleted (its instance terminated) before the controller",
			dd.Type(tNodePool).Name(child("karpenter-nodepool-"+pool)).Entries, rel)
	}
	if k := all.Filter(func(e journal.Entry) bool { return e.Op == "terminate" }).Len(); k != 2 {
		t.Errorf("destroy: %d instances terminated by Karpenter, want 2", k)
	}
}
