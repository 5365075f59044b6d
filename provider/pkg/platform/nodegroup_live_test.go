package platform

import (
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// runningGroup is what EKS reports of the node group a first `pulumi up` of args makes
// (its EKS name, and its create-only fields in getNodeGroup's names), read from the
// registered inputs: the group as it then runs.
func runningGroup(t *testing.T, args *Args, group string) (string, map[string]any) {
	t.Helper()
	m, _ := deploy(t, "demo", args)
	r := m.Find(t, "demo-ng-"+group)
	list := func(key string) []any {
		var out []any
		for _, v := range r.Inputs[resource.PropertyKey(key)].ArrayValue() {
			out = append(out, v.StringValue())
		}
		return out
	}
	return str(r, "nodeGroupName"), map[string]any{
		"amiType": str(r, "amiType"), "capacityType": str(r, "capacityType"),
		"instanceTypes": list("instanceTypes"), "nodeRoleArn": str(r, "nodeRoleArn"),
		"subnetIds": list("subnetIds"),
		"launchTemplates": []any{map[string]any{
			"id": obj(r, "launchTemplate")["id"].StringValue(), "version": obj(r, "launchTemplate")["version"].StringValue(),
		}},
	}
}

// onRunning deploys args while cluster demo runs the node groups given (EKS name →
// getNodeGroup fields) and returns the EKS name given to group.
func onRunning(t *testing.T, args *Args, group string, running map[string]map[string]any) string {
	t.Helper()
	m := mocktest.New()
	m.SetLiveNodeGroups("demo", "1.36", running)
	if err := m.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "demo", args)
		return err
	}); err != nil {
		t.Fatalf("deploy on a running cluster: %v", err)
	}
	return str(m.Find(t, "demo-ng-"+group), "nodeGroupName")
}

// A group 0.1.0 made runs as "<cluster>-<name>". While every create-only field EKS
// reports for it is the one this run gives, the name is kept, so the group is updated
// in place (issue 14: a 0.1.0 stack moves over without replacing groups that did not
// change); once one differs, the group takes the generation name and is replaced new
// first. A second run on the kept group keeps it again.
func TestLegacyNodeGroupNameKeptUntilACreateOnlyFieldChanges(t *testing.T) {
	gen, fields := runningGroup(t, minimalArgs(), "general")
	if gen == "demo-general" || !strings.HasPrefix(gen, "demo-general-") {
		t.Fatalf("first create: EKS name %q, want demo-general-<generation>", gen)
	}
	legacy := map[string]map[string]any{"demo-general": fields}
	if got := onRunning(t, minimalArgs(), "general", legacy); got != "demo-general" {
		t.Errorf("0.1.0 group, nothing create-only changed: EKS name %q, want demo-general kept (no replacement)", got)
	}
	// Subnets are a set to the provider: EKS listing them in another order changes nothing.
	reordered := map[string]any{}
	for k, v := range fields {
		reordered[k] = v
	}
	subnets := slices.Clone(fields["subnetIds"].([]any))
	slices.Reverse(subnets)
	reordered["subnetIds"] = subnets
	if got := onRunning(t, minimalArgs(), "general", map[string]map[string]any{"demo-general": reordered}); got != "demo-general" {
		t.Errorf("0.1.0 group, subnets reported in another order: EKS name %q, want demo-general kept", got)
	}
	// Things updated in place keep the name too.
	inPlace := oneGroup(func(g *NodeGroupArgs) {
		g.Scaling = &NodeGroupScalingArgs{MinSize: pulumi.Int(2), MaxSize: pulumi.Int(9)}
		g.MetadataHopLimit = pulumi.Int(2)
		g.DiskSize = pulumi.Int(80)
	})
	if got := onRunning(t, inPlace, "general", legacy); got != "demo-general" {
		t.Errorf("0.1.0 group, in-place changes only: EKS name %q, want demo-general kept", got)
	}

	// Each create-only field that differs: the generation name of the new values, as a
	// first create would give them, so the new group is made before the old one goes.
	for what, edit := range map[string]func(g *NodeGroupArgs){
		"instanceTypes": func(g *NodeGroupArgs) { g.InstanceTypes = pulumi.ToStringArray([]string{"m6i.large"}) },
		"amiType":       func(g *NodeGroupArgs) { g.AmiType = pulumi.String("BOTTLEROCKET_x86_64") },
		"capacityType":  func(g *NodeGroupArgs) { g.CapacityType = pulumi.String("SPOT") },
		"subnetIds":     func(g *NodeGroupArgs) { g.SubnetIds = pulumi.ToStringArray([]string{priv1}) },
		"nodeRoleArn":   func(g *NodeGroupArgs) { g.NodeRoleArn = pulumi.String("arn:aws:iam::123456789012:role/my-nodes") },
	} {
		want, _ := runningGroup(t, oneGroup(edit), "general")
		if got := onRunning(t, oneGroup(edit), "general", legacy); got != want {
			t.Errorf("0.1.0 group, %s changed: EKS name %q, want the generation name %q", what, got, want)
		}
	}
	// A launch template EKS reports that is not this group's (launchTemplate.id is
	// create-only): replaced too.
	otherLT := map[string]any{}
	for k, v := range fields {
		otherLT[k] = v
	}
	otherLT["launchTemplates"] = []any{map[string]any{"id": "lt-0fedcba9876543210", "version": "1"}}
	if got := onRunning(t, minimalArgs(), "general", map[string]map[string]any{"demo-general": otherLT}); got != gen {
		t.Errorf("0.1.0 group on another launch template: EKS name %q, want the generation name %q", got, gen)
	}

	// An interrupted replacement: the old name and a generation both run. The state's
	// group is the generation, and taking back the old name would collide with the
	// group being deleted: the generation name is used.
	both := map[string]map[string]any{"demo-general": fields, gen: fields}
	if got := onRunning(t, minimalArgs(), "general", both); got != gen {
		t.Errorf("0.1.0 name and a generation both running: EKS name %q, want %q", got, gen)
	}
	// A generation-named group keeps its name (nothing changed), as before.
	if got := onRunning(t, minimalArgs(), "general", map[string]map[string]any{gen: fields}); got != gen {
		t.Errorf("running generation, nothing changed: EKS name %q, want %q", got, gen)
	}
}

// The fields compared: subnets as a set, instance types as a list, each field named.
func TestNodeGroupFieldsChanged(t *testing.T) {
	base := nodeGroupFields{AmiType: "AL2023_x86_64_STANDARD", CapacityType: "ON_DEMAND", InstanceTypes: []string{"m5.large", "m6i.large"},
		NodeRoleArn: "arn:aws:iam::123456789012:role/demo-node", SubnetIDs: []string{priv1, priv2}, LaunchTemplateID: "lt-0123456789abcdef0"}
	same := base
	same.SubnetIDs = []string{priv2, priv1}
	if got := base.changed(same); len(got) != 0 {
		t.Errorf("subnets reordered: changed %v, want none", got)
	}
	for field, edit := range map[string]func(f *nodeGroupFields){
		"amiType":           func(f *nodeGroupFields) { f.AmiType = "BOTTLEROCKET_x86_64" },
		"capacityType":      func(f *nodeGroupFields) { f.CapacityType = "SPOT" },
		"instanceTypes":     func(f *nodeGroupFields) { f.InstanceTypes = []string{"m6i.large", "m5.large"} },
		"nodeRoleArn":       func(f *nodeGroupFields) { f.NodeRoleArn += "x" },
		"subnetIds":         func(f *nodeGroupFields) { f.SubnetIDs = []string{priv1} },
		"launchTemplate.id": func(f *nodeGroupFields) { f.LaunchTemplateID = "lt-0fedcba9876543210" },
	} {
		other := base
		edit(&other)
		if got := other.changed(base); !slices.Equal(got, []string{field}) {
			t.Errorf("%s changed: changed() = %v, want [%s]", field, got, field)
		}
	}
}

// The preview's lines: which group is replaced, the new name first, the old after, and
// the create-only fields that changed; a group whose new name is not known yet; a group
// no longer configured.
func TestNodeGroupReplacementWarnings(t *testing.T) {
	g := nodeGroupConfig{Name: "general", EksName: "demo-general"}
	want := nodeGroupFields{InstanceTypes: []string{"m6i.large"}, SubnetIDs: []string{priv1, priv2}}
	live := liveCluster{Groups: map[string]nodeGroupFields{
		"demo-general-0a0b0c0d": {InstanceTypes: []string{"m5.large"}, SubnetIDs: []string{priv2, priv1}},
	}}
	if got, exp := replacementWarning(g, []string{"demo-general-0a0b0c0d"}, "demo-general-1a2b3c4d", want, live),
		"node group general will be replaced: demo-general-1a2b3c4d is created first, demo-general-0a0b0c0d deleted after its nodes drain; cause: instanceTypes changed"; got != exp {
		t.Errorf("replacement warning:\n got %q\nwant %q", got, exp)
	}
	two := want
	two.CapacityType = "SPOT"
	if got := replacementWarning(g, []string{"demo-general-0a0b0c0d"}, "demo-general-1a2b3c4d", two, live); !strings.HasSuffix(got, "; cause: capacityType and instanceTypes changed") {
		t.Errorf("two fields changed: %q", got)
	}
	// Nothing to say: a group not running yet (a create), or the running name kept.
	if got := replacementWarning(g, nil, "demo-general-1a2b3c4d", want, live); got != "" {
		t.Errorf("new group: warning %q, want none", got)
	}
	if got := replacementWarning(g, []string{"demo-general-0a0b0c0d"}, "demo-general-0a0b0c0d", want, live); got != "" {
		t.Errorf("name kept: warning %q, want none", got)
	}
	if got, exp := unknownNameWarning(g, []string{"demo-general"}, []string{"nodeRoleArn"}),
		"node group general may be replaced: nodeRoleArn is not known until the update; if it changes, a new group is created first and demo-general deleted after its nodes drain"; got != exp {
		t.Errorf("unknown warning:\n got %q\nwant %q", got, exp)
	}
	if got := unknownNameWarning(g, []string{"demo-general"}, []string{"nodeRoleArn", "launchTemplate.id"}); !strings.Contains(got, "nodeRoleArn and launchTemplate.id are not known until the update") {
		t.Errorf("two unknowns: %q", got)
	}

	c := computeConfig{NodeGroups: []nodeGroupConfig{g}}
	running := liveCluster{AllNodeGroups: []string{"demo-batch-0a0b0c0d", "demo-general-1a2b3c4d", "demo-general", "eksctl-ng-1", "demo-gpu-XYZ"}}
	if got, exp := c.removedGroupWarnings(running, "demo"), []string{
		"node group batch will be deleted: it is no longer in nodeGroups, so EKS node group demo-batch-0a0b0c0d is deleted after its nodes drain",
	}; !slices.Equal(got, exp) {
		t.Errorf("removed groups: %q, want %q (only the platform's generation names not configured)", got, exp)
	}
	c.NodeGroupsUnknown = true
	if got := c.removedGroupWarnings(running, "demo"); len(got) != 0 {
		t.Errorf("nodeGroups unknown at preview: %q, want no claim about which groups go", got)
	}
}
