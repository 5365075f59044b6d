package platform

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Subnet IDs of the test VPC.
const (
	pub1  = "subnet-0a1b2c3d4e5f60001"
	pub2  = "subnet-0a1b2c3d4e5f60002"
	priv1 = "subnet-0a1b2c3d4e5f60003"
	priv2 = "subnet-0a1b2c3d4e5f60004"
)

// minimalArgs are the fewest inputs a valid platform needs: subnets and one node group.
func minimalArgs() *Args {
	return &Args{
		PublicSubnetIds:  pulumi.ToStringArray([]string{pub1, pub2}),
		PrivateSubnetIds: pulumi.ToStringArray([]string{priv1, priv2}),
		NodeGroups:       []NodeGroupArgs{{Name: pulumi.String("general")}},
	}
}

// fargateOnlyArgs are subnets and the Fargate profiles given, no node group.
func fargateOnlyArgs(profiles ...FargateProfileArgs) *Args {
	a := minimalArgs()
	a.NodeGroups = nil
	a.FargateProfiles = profiles
	return a
}

// deploy runs New under recording mocks and returns them; it fails the test on error.
func deploy(t *testing.T, name string, args *Args) (*mocktest.Mocks, *EksPlatform) {
	t.Helper()
	m := mocktest.New()
	var p *EksPlatform
	err := m.Run(func(ctx *pulumi.Context) error {
		var err error
		p, err = New(ctx, name, args)
		return err
	})
	if err != nil {
		t.Fatalf("deploy %s: %v", name, err)
	}
	return m, p
}

// deployErr runs New and returns its error and the mocks, for validation tests.
func deployErr(t *testing.T, args *Args) (*mocktest.Mocks, error) {
	t.Helper()
	m := mocktest.New()
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "demo", args)
		return err
	})
	return m, err
}

// requireInvalid checks that args fail validation with every wanted fragment in the
// error, and that nothing at all was registered.
func requireInvalid(t *testing.T, args *Args, wants ...string) {
	t.Helper()
	m, err := deployErr(t, args)
	if err == nil {
		t.Fatalf("want an error containing %q, got none", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("validation failed but %d resources were registered: %v", n, m.Names())
	}
}

// str reads a string input of a recorded resource ("" when absent).
func str(r mocktest.Resource, key string) string {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// obj reads a nested object input of a recorded resource.
func obj(r mocktest.Resource, key string) resource.PropertyMap {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok || !v.IsObject() {
		return resource.PropertyMap{}
	}
	return v.ObjectValue()
}

// Input constructors, short for table-driven tests.
func strIn(s string) pulumi.StringInput                  { return pulumi.String(s) }
func strsIn(s ...string) pulumi.StringArrayInput         { return pulumi.ToStringArray(s) }
func intIn(n int) pulumi.IntInput                        { return pulumi.Int(n) }
func boolIn(b bool) pulumi.BoolInput                     { return pulumi.Bool(b) }
func strMapIn(m map[string]string) pulumi.StringMapInput { return pulumi.ToStringMap(m) }

type recorded = mocktest.Mocks

func newRecorded() *recorded { return mocktest.New() }
