package platform

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// generationName is an EKS node group name the platform makes: "<cluster>-<name>-"
// and the 8 hex digits of the group's generation.
var generationName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]*-[0-9a-f]{8}$`)

// ngName deploys args and returns the EKS name of the node group called group.
func ngName(t *testing.T, args *Args, group string) string {
	t.Helper()
	m, _ := deploy(t, "demo", args)
	return str(m.Find(t, "demo-ng-"+group), "nodeGroupName")
}

// oneGroup is the minimal platform with its one group edited.
func oneGroup(edit func(g *NodeGroupArgs)) *Args {
	a := minimalArgs()
	if edit != nil {
		edit(&a.NodeGroups[0])
	}
	return a
}

// The EKS name changes exactly when pulumi-aws would replace the group: a new name lets
// the new group be created before the old one is deleted (no DeleteBeforeReplace, see
// TestNodeGroupOptions), and the same inputs give the same name, so a second
// `pulumi up` changes nothing.
func TestNodeGroupGenerationChangesExactlyOnReplacement(t *testing.T) {
	base := ngName(t, oneGroup(nil), "general")
	if !generationName.MatchString(base) || !strings.HasPrefix(base, "demo-general-") {
		t.Fatalf("nodeGroupName = %q, want demo-general-<8 hex digits>", base)
	}
	if again := ngName(t, oneGroup(nil), "general"); again != base {
		t.Fatalf("same inputs, different EKS names %q and %q: a second up would replace the group", base, again)
	}

	// Every property the platform sets that forces replacement: a new generation.
	replacing := map[string]func(g *NodeGroupArgs){
		"instanceTypes": func(g *NodeGroupArgs) { g.InstanceTypes = pulumi.ToStringArray([]string{"m6i.large"}) },
		"instanceTypes order": func(g *NodeGroupArgs) {
			g.InstanceTypes = pulumi.ToStringArray([]string{"m5.large", "m6i.large"})
		},
		"amiType":      func(g *NodeGroupArgs) { g.AmiType = pulumi.String("BOTTLEROCKET_x86_64") },
		"capacityType": func(g *NodeGroupArgs) { g.CapacityType = pulumi.String("SPOT") },
		"subnetIds":    func(g *NodeGroupArgs) { g.SubnetIds = pulumi.ToStringArray([]string{priv1}) },
		"nodeRoleArn":  func(g *NodeGroupArgs) { g.NodeRoleArn = pulumi.String("arn:aws:iam::123456789012:role/my-nodes") },
	}
	seen := map[string]string{base: "base"}
	for what, edit := range replacing {
		got := ngName(t, oneGroup(edit), "general")
		if !strings.HasPrefix(got, "demo-general-") || !generationName.MatchString(got) {
			t.Errorf("%s: nodeGroupName = %q, want demo-general-<generation>", what, got)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("%s: EKS name %q is also that of %s; a replacement would collide with the group it replaces", what, got, prev)
		}
		seen[got] = what
	}
	// The order of instance types counts (it is a list to the provider).
	a := ngName(t, oneGroup(func(g *NodeGroupArgs) { g.InstanceTypes = pulumi.ToStringArray([]string{"m5.large", "m6i.large"}) }), "general")
	b := ngName(t, oneGroup(func(g *NodeGroupArgs) { g.InstanceTypes = pulumi.ToStringArray([]string{"m6i.large", "m5.large"}) }), "general")
	if a == b {
		t.Errorf("instance types reordered, same EKS name %q: the provider replaces the group, the new one would collide", a)
	}

	// Everything updated in place keeps the name (a new name would replace the group).
	inPlace := map[string]func(g *NodeGroupArgs){
		"subnetIds reordered": func(g *NodeGroupArgs) { g.SubnetIds = pulumi.ToStringArray([]string{priv2, priv1}) },
		"subnetIds as given":  func(g *NodeGroupArgs) { g.SubnetIds = pulumi.ToStringArray([]string{priv1, priv2}) },
		"scaling": func(g *NodeGroupArgs) {
			g.Scaling = &NodeGroupScalingArgs{MinSize: pulumi.Int(2), MaxSize: pulumi.Int(9)}
		},
		"labels": func(g *NodeGroupArgs) { g.Labels = pulumi.StringMap{"team": pulumi.String("a")} },
		"taints": func(g *NodeGroupArgs) {
			g.Taints = []TaintArgs{{Key: pulumi.String("k"), Effect: pulumi.String("NO_SCHEDULE")}}
		},
		"tags":             func(g *NodeGroupArgs) { g.Tags = pulumi.StringMap{"cost": pulumi.String("x")} },
		"diskSize":         func(g *NodeGroupArgs) { g.DiskSize = pulumi.Int(80) },
		"metadataHopLimit": func(g *NodeGroupArgs) { g.MetadataHopLimit = pulumi.Int(2) },
		"updateConfig":     func(g *NodeGroupArgs) { g.UpdateConfig = &NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(3)} },
		"nodeRepair":       func(g *NodeGroupArgs) { g.NodeRepair = pulumi.Bool(false) },
	}
	for what, edit := range inPlace {
		if got := ngName(t, oneGroup(edit), "general"); got != base {
			t.Errorf("%s: nodeGroupName %q, want %q unchanged (the change is made in place)", what, got, base)
		}
	}
}

// The generation covers every create-only property the platform sets, and changes for
// each of them on its own.
func TestNodeGroupGenerationInputs(t *testing.T) {
	g := nodeGroupConfig{AmiType: defaultAmiType, CapacityType: defaultCapacityType, InstanceTypes: []string{defaultInstanceType}}
	role, subnets, lt := "arn:aws:iam::123456789012:role/demo-node", []string{priv1, priv2}, "lt-0123456789abcdef0"
	base := nodeGroupGeneration(g, role, subnets, lt)
	if len(base) != nodeGroupGenerationLen {
		t.Fatalf("generation %q, want %d characters", base, nodeGroupGenerationLen)
	}
	if got := nodeGroupGeneration(g, role, []string{priv2, priv1}, lt); got != base {
		t.Errorf("subnets reordered: generation %q, want %q (subnetIds is a set to the provider)", got, base)
	}
	if got := nodeGroupGeneration(g, role, subnets, "lt-0fedcba9876543210"); got == base {
		t.Errorf("a new launch template (launchTemplate.id forces replacement) kept the generation")
	}
	if got := nodeGroupGeneration(g, role+"x", subnets, lt); got == base {
		t.Errorf("a new node role kept the generation")
	}
	// The launch template and the nodes' Name tag carry the stable part only, so they
	// do not change with the generation.
	m, _ := deploy(t, "demo", minimalArgs())
	lt0 := m.Find(t, "demo-ng-general-lt")
	if got := str(lt0, "description"); got != "Nodes of EKS node group demo-general" {
		t.Errorf("launch template description = %q, want the stable name", got)
	}
}
