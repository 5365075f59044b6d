package platform

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestValidationCompute(t *testing.T) {
	ng := func(name string) NodeGroupArgs { return NodeGroupArgs{Name: pulumi.String(name)} }
	fp := func(name string, namespaces ...string) FargateProfileArgs {
		p := FargateProfileArgs{Name: pulumi.String(name)}
		for _, ns := range namespaces {
			p.Selectors = append(p.Selectors, FargateSelectorArgs{Namespace: pulumi.String(ns)})
		}
		return p
	}
	scaling := func(min, desired, max int) *NodeGroupScalingArgs {
		return &NodeGroupScalingArgs{MinSize: pulumi.Int(min), DesiredSize: pulumi.Int(desired), MaxSize: pulumi.Int(max)}
	}
	cases := []struct {
		name  string
		edit  func(a *Args)
		wants []string
	}{
		{"min greater than max", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a"), ng("b")}
			a.NodeGroups[1].Scaling = &NodeGroupScalingArgs{MinSize: pulumi.Int(3), MaxSize: pulumi.Int(2)}
		}, []string{"nodeGroups[1].scaling: minSize 3 is greater than maxSize 2", "raise maxSize"}},
		{"desired below min", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].Scaling = scaling(2, 1, 5)
		}, []string{"nodeGroups[0].scaling: desiredSize 1 is less than minSize 2"}},
		{"desired above max", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].Scaling = scaling(1, 6, 5)
		}, []string{"nodeGroups[0].scaling: desiredSize 6 is greater than maxSize 5"}},
		{"max zero", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].Scaling = scaling(0, 0, 0)
		}, []string{"nodeGroups[0].scaling: maxSize 0 is less than 1"}},
		{"duplicate node group", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("general"), ng("general")}
		}, []string{`nodeGroups[1].name: "general" is also the name of nodeGroups[0]`, "unique"}},
		{"node group without name", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{{}}
		}, []string{"nodeGroups[0].name: missing"}},
		{"empty instance types", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].InstanceTypes = pulumi.StringArray{}
		}, []string{"nodeGroups[0].instanceTypes: empty", "omit instanceTypes for the default"}},
		{"output node group name read as its value", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("bad name").ToStringOutput()}}
		}, []string{`nodeGroups[0].name: "bad name" is not a valid node group name`}},
		{"bad capacity type", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].CapacityType = pulumi.String("spot")
		}, []string{"nodeGroups[0].capacityType", "ON_DEMAND or SPOT"}},
		{"bad AMI type", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].AmiType = pulumi.String("AL2023_x86_64_CUSTOMISED")
		}, []string{"nodeGroups[0].amiType", "AL2023_x86_64_STANDARD"}},
		{"AL2 AMI on Kubernetes 1.33", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].AmiType = pulumi.String("AL2_x86_64")
		}, []string{"nodeGroups[0].amiType", "1.32 is the last", "AL2023_x86_64_STANDARD"}},
		{"bad taint effect", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].Taints = []TaintArgs{{Key: pulumi.String("k"), Effect: pulumi.String("NoSchedule")}}
		}, []string{"nodeGroups[0].taints[0].effect", "NO_SCHEDULE"}},
		{"both update settings", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].UpdateConfig = &NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(1), MaxUnavailablePercentage: pulumi.Int(10)}
		}, []string{"nodeGroups[0].updateConfig: both"}},
		{"bad node role", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].NodeRoleArn = pulumi.String("my-role")
		}, []string{"nodeGroups[0].nodeRoleArn", "not an IAM role ARN"}},
		{"bad node subnet", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{ng("a")}
			a.NodeGroups[0].SubnetIds = pulumi.ToStringArray([]string{"subnet-1"})
		}, []string{"nodeGroups[0].subnetIds[0]", "not a subnet ID"}},
		{"duplicate profile", func(a *Args) {
			a.FargateProfiles = []FargateProfileArgs{fp("apps", "apps"), fp("apps", "web")}
		}, []string{`fargateProfiles[1].name: "apps" is also the name of fargateProfiles[0]`}},
		{"profile without selector", func(a *Args) {
			a.FargateProfiles = []FargateProfileArgs{fp("apps")}
		}, []string{"fargateProfiles[0].selectors: empty", "add a selector"}},
		{"more than 5 selectors", func(a *Args) {
			a.FargateProfiles = []FargateProfileArgs{fp("apps", "a", "b", "c", "d", "e", "f")}
		}, []string{"fargateProfiles[0].selectors: 6 selectors", "at most 5", "split"}},
		{"selector without namespace", func(a *Args) {
			a.FargateProfiles = []FargateProfileArgs{fp("apps", "")}
		}, []string{"fargateProfiles[0].selectors[0].namespace: missing"}},
		{"public Fargate subnet", func(a *Args) {
			p := fp("apps", "apps")
			p.SubnetIds = pulumi.ToStringArray([]string{priv1, pub2})
			a.FargateProfiles = []FargateProfileArgs{p}
		}, []string{"fargateProfiles[0].subnetIds[1]", pub2, "publicSubnetIds", "private"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := minimalArgs()
			c.edit(a)
			requireInvalid(t, a, c.wants...)
		})
	}
}

func TestValidationReportsEveryComputeProblemAtOnce(t *testing.T) {
	a := minimalArgs()
	a.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("a"), Scaling: &NodeGroupScalingArgs{MinSize: pulumi.Int(3), MaxSize: pulumi.Int(2)}}, {Name: pulumi.String("a")}}
	a.FargateProfiles = []FargateProfileArgs{{Name: pulumi.String("p")}}
	requireInvalid(t, a, "nodeGroups[0].scaling", "nodeGroups[1].name", "fargateProfiles[0].selectors")
}

func TestScalingDefaultsFollowGivenCounts(t *testing.T) {
	cases := []struct {
		in            NodeGroupScalingArgs
		min, des, max int
	}{
		{NodeGroupScalingArgs{}, 1, 2, 3},
		{NodeGroupScalingArgs{MinSize: pulumi.Int(4)}, 4, 4, 4},
		{NodeGroupScalingArgs{MaxSize: pulumi.Int(10)}, 1, 2, 10},
		{NodeGroupScalingArgs{DesiredSize: pulumi.Int(5)}, 1, 5, 5},
		{NodeGroupScalingArgs{DesiredSize: pulumi.Int(0)}, 0, 0, 3},
		{NodeGroupScalingArgs{MaxSize: pulumi.Int(1)}, 1, 1, 1},
	}
	for _, c := range cases {
		p := &problems{}
		var ng nodeGroupConfig
		resolveScaling(p, "s", &c.in, &ng)
		if p.err() != nil || ng.MinSize != c.min || ng.DesiredSize != c.des || ng.MaxSize != c.max {
			t.Errorf("%+v: got %d/%d/%d (%v), want %d/%d/%d", c.in, ng.MinSize, ng.DesiredSize, ng.MaxSize, p.err(), c.min, c.des, c.max)
		}
	}
}

func TestAL2AllowedUpToKubernetes132(t *testing.T) {
	a := minimalArgs()
	a.KubernetesVersion = pulumi.String("1.32")
	// 1.32 is in extended support on 2026-12-01: EKS runs it only with EXTENDED.
	a.UpgradePolicy = pulumi.String("EXTENDED")
	a.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("legacy"), AmiType: pulumi.String("AL2_x86_64")}}
	m, _ := deploy(t, "demo", a)
	if got := str(m.Find(t, "demo-ng-legacy"), "amiType"); got != "AL2_x86_64" {
		t.Errorf("amiType = %q", got)
	}
}

// A bad default subnet is reported once, under the input the user wrote, not again
// under every node group and profile that inherits it.
func TestDefaultSubnetsAreReportedOnlyWhereGiven(t *testing.T) {
	args := minimalArgs()
	args.PrivateSubnetIds = strsIn(priv1, "subnet-bad")
	args.NodeGroups = []NodeGroupArgs{{Name: strIn("general")}}
	args.FargateProfiles = []FargateProfileArgs{{Name: strIn("apps"), Selectors: []FargateSelectorArgs{{Namespace: strIn("apps")}}}}
	_, err := deployErr(t, args)
	if err == nil {
		t.Fatal("want an error")
	}
	if n := strings.Count(err.Error(), `"subnet-bad"`); n != 1 {
		t.Errorf("the bad subnet is reported %d times, want once:\n%v", n, err)
	}
	if !strings.Contains(err.Error(), `privateSubnetIds[1]: "subnet-bad" is not a subnet ID`) {
		t.Errorf("not reported under privateSubnetIds:\n%v", err)
	}
}

// nodeRepair is validated against the AMI type: EKS has no node auto repair for Windows.
func TestValidationNodeRepair(t *testing.T) {
	a := minimalArgs()
	a.NodeGroups = append(a.NodeGroups, NodeGroupArgs{Name: pulumi.String("win"), AmiType: pulumi.String("WINDOWS_CORE_2022_x86_64"), NodeRepair: pulumi.Bool(true)})
	requireInvalid(t, a, "nodeGroups[1].nodeRepair: EKS node auto repair is not available for Windows nodes (amiType WINDOWS_CORE_2022_x86_64)", "remove nodeRepair or set it to false")
}
