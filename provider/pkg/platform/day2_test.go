package platform

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Zonal shift (ARC): off by default, and always sent, so turning it off again is a
// change the provider makes (with the block left out it would leave it on).
func TestZonalShift(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   pulumi.BoolInput
		want bool
	}{{"default", nil, false}, {"on", pulumi.Bool(true), true}, {"off", pulumi.Bool(false), false}} {
		a := minimalArgs()
		a.ZonalShift = tc.in
		m, _ := deploy(t, "demo", a)
		zs := obj(m.Find(t, "demo-cluster"), "zonalShiftConfig")
		if v := zs["enabled"]; !v.IsBool() || v.BoolValue() != tc.want {
			t.Errorf("%s: zonalShiftConfig = %v, want enabled %v", tc.name, zs, tc.want)
		}
	}
}

// protectCluster is Pulumi's protect option on the cluster and on nothing else; without
// it no resource of the platform is protected.
func TestProtectCluster(t *testing.T) {
	a := minimalArgs()
	a.ProtectCluster = pulumi.Bool(true)
	rec := deployRecording(t, a)
	if !rec.protect["demo-cluster"] {
		t.Errorf("protectCluster: the cluster is not protected")
	}
	for name, on := range rec.protect {
		if on && name != "demo-cluster" {
			t.Errorf("protectCluster protects %s too; only the cluster", name)
		}
	}
	a.ProtectCluster = pulumi.Bool(false)
	rec = deployRecording(t, a)
	for name, on := range rec.protect {
		if on {
			t.Errorf("protectCluster false, but %s is protected", name)
		}
	}
	// Nothing else of the cluster changes with the option.
	m1, _ := deploy(t, "demo", minimalArgs())
	a.ProtectCluster = pulumi.Bool(true)
	m2, _ := deploy(t, "demo", a)
	if !m1.Find(t, "demo-cluster").Inputs.DeepEquals(m2.Find(t, "demo-cluster").Inputs) {
		t.Errorf("protectCluster changed the cluster's inputs; it must only be a resource option")
	}
}

// Node auto repair: on by default on Linux groups, off when asked, and left out for
// Windows groups, which EKS does not repair.
func TestNodeRepair(t *testing.T) {
	a := minimalArgs()
	a.NodeGroups = []NodeGroupArgs{
		{Name: pulumi.String("general")},
		{Name: pulumi.String("norepair"), NodeRepair: pulumi.Bool(false)},
		{Name: pulumi.String("repair"), NodeRepair: pulumi.Bool(true), AmiType: pulumi.String("BOTTLEROCKET_ARM_64")},
		{Name: pulumi.String("win"), AmiType: pulumi.String("WINDOWS_CORE_2022_x86_64")},
		{Name: pulumi.String("win-off"), AmiType: pulumi.String("WINDOWS_FULL_2022_x86_64"), NodeRepair: pulumi.Bool(false)},
	}
	m, _ := deploy(t, "demo", a)
	for group, want := range map[string]bool{"general": true, "norepair": false, "repair": true} {
		rep := obj(m.Find(t, "demo-ng-"+group), "nodeRepairConfig")
		if v := rep["enabled"]; !v.IsBool() || v.BoolValue() != want {
			t.Errorf("%s: nodeRepairConfig = %v, want enabled %v", group, rep, want)
		}
	}
	for _, group := range []string{"win", "win-off"} {
		if v, ok := m.Find(t, "demo-ng-"+group).Inputs["nodeRepairConfig"]; ok && !v.IsNull() {
			t.Errorf("%s: nodeRepairConfig = %v, want none on Windows", group, v)
		}
	}
}
