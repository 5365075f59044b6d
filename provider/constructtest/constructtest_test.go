package constructtest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

const depURN = "urn:pulumi:dev::p::aws:ec2/subnet:Subnet::s1"

type toyArgs struct {
	Value pulumi.StringInput      `pulumi:"value"`
	List  pulumi.StringArrayInput `pulumi:"list"`
}

type toy struct {
	pulumi.ResourceState
}

type child struct {
	pulumi.CustomResourceState
}

// toyConstruct is a component with one child that copies its inputs, the way a real
// component passes inputs on.
func toyConstruct(ctx *pulumi.Context, typ, name string, inputs pulumiprovider.ConstructInputs,
	opts pulumi.ResourceOption,
) (*pulumiprovider.ConstructResult, error) {
	args := &toyArgs{}
	if err := inputs.CopyTo(args); err != nil {
		return nil, err
	}
	if v, ok := args.Value.(pulumi.String); ok && v == "bad" {
		return nil, errors.New("value: bad; give a good one")
	}
	c := &toy{}
	if err := ctx.RegisterComponentResource(typ, name, c, opts); err != nil {
		return nil, err
	}
	var kid child
	if err := ctx.RegisterResource("test:index:Child", name+"-child", pulumi.Map{
		"value": args.Value, "list": args.List,
	}, &kid, pulumi.Parent(c)); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"id": kid.ID()}); err != nil {
		return nil, err
	}
	return pulumiprovider.NewConstructResult(c)
}

type echo struct{}

func (echo) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	out := a.Inputs.Copy()
	out["computed"] = resource.NewProperty("c")
	return a.Name + "-id", out, nil
}

func (echo) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func run(t *testing.T, in resource.PropertyMap, mode Mode) (*Result, Registered, error) {
	t.Helper()
	res, err := Run(Options{Construct: toyConstruct, Type: "test:index:Toy", Name: "toy", Inputs: in, Mode: mode, Mocks: echo{}})
	if err != nil {
		return res, Registered{}, err
	}
	kid, ok := res.Named("toy-child")
	if !ok {
		t.Fatalf("no child registered: %v", res.Names())
	}
	return res, kid, nil
}

func TestPlainValues(t *testing.T) {
	res, kid, err := run(t, resource.PropertyMap{"value": resource.NewProperty("v")}, Up)
	if err != nil {
		t.Fatal(err)
	}
	if got := kid.Inputs["value"]; !got.IsString() || got.StringValue() != "v" {
		t.Errorf("value = %v", got)
	}
	if kid.ParentURN != res.URN || !strings.HasSuffix(res.URN, "test:index:Toy::toy") {
		t.Errorf("parent %q, component %q", kid.ParentURN, res.URN)
	}
	if kid.URN != "urn:pulumi:stack::project::test:index:Toy$test:index:Child::toy-child" {
		t.Errorf("child URN %q", kid.URN)
	}
	if len(kid.AllDeps()) != 0 {
		t.Errorf("deps %v", kid.AllDeps())
	}
	if outs := res.Outputs[res.URN]; outs["id"].StringValue() != "toy-child-id" {
		t.Errorf("component outputs %v", outs)
	}
}

func TestOutputValuesCarryDependencies(t *testing.T) {
	_, kid, err := run(t, resource.PropertyMap{"value": Dependency(resource.NewProperty("v"), depURN)}, Up)
	if err != nil {
		t.Fatal(err)
	}
	if got := kid.Inputs["value"]; !got.IsString() || got.StringValue() != "v" {
		t.Errorf("value = %v", got)
	}
	if !slices.Contains(kid.PropertyDeps["value"], depURN) {
		t.Errorf("property deps %v", kid.PropertyDeps)
	}
}

func TestSecretsStaySecret(t *testing.T) {
	_, kid, err := run(t, resource.PropertyMap{"value": Secret(resource.NewProperty("s"))}, Up)
	if err != nil {
		t.Fatal(err)
	}
	if got := kid.Inputs["value"]; !got.IsSecret() || got.SecretValue().Element.StringValue() != "s" {
		t.Errorf("value = %v", got)
	}
}

func TestUnknownsAtPreview(t *testing.T) {
	res, kid, err := run(t, resource.PropertyMap{
		"value": Unknown(depURN),
		"list":  resource.NewProperty([]resource.PropertyValue{resource.NewProperty("a"), Unknown(depURN)}),
	}, Preview)
	if err != nil {
		t.Fatal(err)
	}
	if got := kid.Inputs["value"]; !got.IsComputed() {
		t.Errorf("value = %v, want unknown", got)
	}
	if !slices.Contains(kid.PropertyDeps["value"], depURN) || !slices.Contains(kid.PropertyDeps["list"], depURN) {
		t.Errorf("property deps %v", kid.PropertyDeps)
	}
	// At preview the mock's computed output and the ID are unknown.
	if outs := res.Outputs[res.URN]; !outs["id"].IsComputed() {
		t.Errorf("component outputs %v, want the child's ID unknown", outs)
	}
}

func TestErrorsAreTheEngineMessage(t *testing.T) {
	res, _, err := run(t, resource.PropertyMap{"value": resource.NewProperty("bad")}, Up)
	if err == nil || err.Error() != "value: bad; give a good one" {
		t.Fatalf("err = %v", err)
	}
	if len(res.Resources) != 0 {
		t.Errorf("registered %v", res.Names())
	}
}

func TestTypeMismatchIsTheSDKsError(t *testing.T) {
	_, _, err := run(t, resource.PropertyMap{"value": resource.NewProperty(1.0)}, Up)
	if err == nil || !strings.Contains(err.Error(), `copying input "value"`) {
		t.Fatalf("err = %v", err)
	}
}
