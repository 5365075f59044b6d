package provider_test

// Inputs as the Construct boundary receives them from TypeScript and Python programs:
// whole objects and lists as one Output or secret, and values of the wrong type. Every
// case goes through constructtest, so through provider.ConstructRPC as the plugin
// serves it.

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider"
	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const nodeGroupType = "aws:eks/nodeGroup:NodeGroup"

func groups() []any {
	return []any{
		map[string]any{"name": "general", "scaling": map[string]any{"minSize": 1, "desiredSize": 2, "maxSize": 3}},
		map[string]any{"name": "spot", "capacityType": "SPOT"},
	}
}

// nodeGroups: pulumi.output([...]) or a StackReference output: one Output around the list.
func TestNodeGroupsAsOneOutput(t *testing.T) {
	res, err := constructPlatform(t, inputs(map[string]any{
		"nodeGroups": constructtest.Dependency(pv(groups()), subnetURN),
	}), constructtest.Up)
	if err != nil {
		t.Fatalf("Construct failed: %v", err)
	}
	ngs := res.OfType(nodeGroupType)
	if len(ngs) != 2 {
		t.Fatalf("want 2 node groups, got %d: %v", len(ngs), names(ngs))
	}
	for _, ng := range ngs {
		if !slices.Contains(ng.AllDeps(), subnetURN) {
			t.Errorf("node group %s does not depend on %s (the Output's dependency); deps %v", ng.Name, subnetURN, ng.AllDeps())
		}
	}
	general := ngs[0]
	if v, _, _, ok := get(general.Inputs, "scalingConfig", "maxSize"); !ok || !v.IsNumber() || v.NumberValue() != 3 {
		t.Errorf("node group %s scalingConfig.maxSize = %v; want 3", general.Name, v)
	}
}

// The same list as one secret: the node groups are made and their settings stay secret.
func TestNodeGroupsAsOneSecret(t *testing.T) {
	res, err := constructPlatform(t, inputs(map[string]any{
		"nodeGroups": constructtest.Secret(pv(groups())),
	}), constructtest.Up)
	if err != nil {
		t.Fatalf("Construct failed: %v", err)
	}
	if n := len(res.OfType(nodeGroupType)); n != 2 {
		t.Fatalf("want 2 node groups, got %d", n)
	}
}

// At preview the Output is unknown: the preview plans without those node groups (here
// the Fargate profile is the compute), and the update has them.
func TestNodeGroupsUnknownAtPreview(t *testing.T) {
	in := inputs(map[string]any{
		"nodeGroups": constructtest.Unknown(subnetURN),
		"fargateProfiles": []any{map[string]any{
			"name": "system", "selectors": []any{map[string]any{"namespace": "kube-system"}},
		}},
	})
	res, err := constructPlatform(t, in, constructtest.Preview)
	if err != nil {
		t.Fatalf("Construct failed at preview: %v", err)
	}
	if n := len(res.OfType(nodeGroupType)); n != 0 {
		t.Errorf("preview planned %d node groups from an unknown list; want none", n)
	}
}

// An Output on one nested object (a node group's scaling) carries its dependency to
// the node group.
func TestNestedObjectOutput(t *testing.T) {
	res, err := constructPlatform(t, inputs(map[string]any{
		"nodeGroups": []any{map[string]any{
			"name":    "general",
			"scaling": constructtest.Dependency(pv(map[string]any{"minSize": 1, "maxSize": 4}), subnetURN),
		}},
	}), constructtest.Up)
	if err != nil {
		t.Fatalf("Construct failed: %v", err)
	}
	ngs := res.OfType(nodeGroupType)
	if len(ngs) != 1 || !slices.Contains(ngs[0].AllDeps(), subnetURN) {
		t.Fatalf("want one node group depending on %s; got %v", subnetURN, ngs)
	}
	if v, _, _, ok := get(ngs[0].Inputs, "scalingConfig", "maxSize"); !ok || !v.IsNumber() || v.NumberValue() != 4 {
		t.Errorf("scalingConfig.maxSize = %v; want 4", v)
	}
}

// helmReleases as one secret: the chart's values stay secret on the release.
func TestSecretHelmReleases(t *testing.T) {
	const password = "hunter2-db-password"
	res, err := constructPlatform(t, inputs(map[string]any{
		"helmReleases": constructtest.Secret(pv([]any{map[string]any{
			"name":       "app",
			"chart":      "app",
			"repository": "https://charts.example.com",
			"namespace":  "apps",
			"values":     map[string]any{"db": map[string]any{"password": password}},
		}})),
	}), constructtest.Up)
	if err != nil {
		t.Fatalf("Construct failed: %v", err)
	}
	rels := res.OfType(releaseType)
	var rel *constructtest.Registered
	for i, x := range rels {
		if constructtest.ContainsString(resource.NewProperty(x.Inputs), password, false) {
			rel = &rels[i]
		}
	}
	if rel == nil {
		t.Fatalf("no Helm release has the chart's values; releases: %v", names(rels))
	}
	if constructtest.ContainsString(resource.NewProperty(rel.Inputs), password, true) {
		t.Errorf("release %s has the secret values in plain text: %v", rel.Name, rel.Inputs)
	}
	if _, _, secret, ok := get(rel.Inputs, "values"); !ok || !secret {
		t.Errorf("release %s values are not secret", rel.Name)
	}
	noPlainText(&report{t: t}, res, password, "value")
}

// Type mismatches are reported in the project's form, "<path>: <problem>; <fix>",
// whatever the encoding, before anything is registered.
func TestTypeMismatches(t *testing.T) {
	scaling := func(min any) map[string]any {
		return map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "scaling": map[string]any{"minSize": min}}}}
	}
	cases := []struct {
		name string
		over func(wrap func(any) resource.PropertyValue) map[string]any
		want string
	}{
		{
			name: "kubernetesVersion as a number",
			over: func(wrap func(any) resource.PropertyValue) map[string]any {
				return map[string]any{"kubernetesVersion": wrap(1.33)}
			},
			want: `kubernetesVersion: expected a string, got a number; give a string value (e.g. "1.33")`,
		},
		{
			name: "integer as a string",
			over: func(wrap func(any) resource.PropertyValue) map[string]any { return scaling(wrap("2")) },
			want: `nodeGroups[0].scaling.minSize: expected an integer, got a string; give a whole number, without quotes (e.g. 2)`,
		},
		{
			name: "integer as a fraction",
			over: func(wrap func(any) resource.PropertyValue) map[string]any { return scaling(wrap(3.5)) },
			want: `nodeGroups[0].scaling.minSize: expected an integer, got 3.5; give a whole number (e.g. 3)`,
		},
		{
			name: "boolean as a string",
			over: func(wrap func(any) resource.PropertyValue) map[string]any {
				return map[string]any{"endpointPublicAccess": wrap("false")}
			},
			want: `endpointPublicAccess: expected a boolean, got a string; give true or false, without quotes`,
		},
		{
			name: "list as a string",
			over: func(wrap func(any) resource.PropertyValue) map[string]any {
				return map[string]any{"publicAccessCidrs": wrap("203.0.113.0/24")}
			},
			want: `publicAccessCidrs: expected a list, got a string; give a list (e.g. ["203.0.113.0/24"]), even of one item`,
		},
	}
	wraps := map[string]func(any) resource.PropertyValue{
		"plain":  pv,
		"output": func(v any) resource.PropertyValue { return constructtest.Dependency(pv(v), subnetURN) },
		"secret": func(v any) resource.PropertyValue { return constructtest.Secret(pv(v)) },
		// The whole node group list (or the whole input) as one Output around the value.
		"outer": func(v any) resource.PropertyValue { return pv(v) },
	}
	for _, tc := range cases {
		for enc, wrap := range wraps {
			t.Run(tc.name+"/"+enc, func(t *testing.T) {
				over := tc.over(wrap)
				if enc == "outer" {
					for k, v := range over {
						over[k] = constructtest.Secret(constructtest.Dependency(pv(v), subnetURN))
					}
				}
				res, err := constructPlatform(t, inputs(over), constructtest.Up)
				if err == nil {
					t.Fatalf("Construct succeeded; want %q", tc.want)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("the error lacks %q:\n%v", tc.want, err)
				}
				for _, bad := range []string{"copying input", "pulumi.", "unmarshaling"} {
					if strings.Contains(err.Error(), bad) {
						t.Errorf("the error has %q:\n%v", bad, err)
					}
				}
				if len(res.Resources) != 0 {
					t.Errorf("bad input registered %d resources: %v", len(res.Resources), res.Names())
				}
			})
		}
	}
}

// Every problem is reported at once: type mismatches at any depth and unknown keys.
func TestAllProblemsAtOnce(t *testing.T) {
	_, err := constructPlatform(t, inputs(map[string]any{
		"kubernetesVersion": 1.33,
		"logRetentionDays":  "30",
		"clusterNmae":       "x",
		"nodeGroups": constructtest.Dependency(pv([]any{map[string]any{
			"name":         "general",
			"instanceType": "m5.large",
			"scaling":      map[string]any{"minSize": 3.5, "maxSize": "4"},
			"labels":       map[string]any{"tier": 1},
		}}), subnetURN),
		"addons": map[string]any{"externalDNS": map[string]any{"enabled": true}},
	}), constructtest.Up)
	if err == nil {
		t.Fatal("Construct succeeded")
	}
	for _, want := range []string{
		"addons.externalDNS: unknown add-on; known are ",
		"clusterNmae: unknown input; known inputs are clusterName, ",
		`kubernetesVersion: expected a string, got a number; give a string value (e.g. "1.33")`,
		"logRetentionDays: expected an integer, got a string; give a whole number, without quotes (e.g. 30)",
		"nodeGroups[0].instanceType: unknown field; known are name, instanceTypes",
		`nodeGroups[0].labels.tier: expected a string, got a number; give a string value (e.g. "1")`,
		"nodeGroups[0].scaling.maxSize: expected an integer, got a string",
		"nodeGroups[0].scaling.minSize: expected an integer, got 3.5",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
}

// An unknown type token is refused as before.
func TestUnknownTypeToken(t *testing.T) {
	_, err := constructtest.Run(constructtest.Options{
		Construct: provider.Construct, Type: "eksplatform:index:Nope", Name: "x", Inputs: inputs(nil),
	})
	if err == nil || !strings.Contains(err.Error(), `unknown resource type "eksplatform:index:Nope"`) {
		t.Fatalf("err = %v", err)
	}
}

// failingMocks fail the registration of one resource type, as the engine answers the
// plugin when a child's step fails.
type failingMocks struct {
	*mocktest.Mocks
	typ string
}

func (m failingMocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if a.TypeToken == m.typ {
		return "", nil, errors.New("simulated: creating failed")
	}
	return m.Mocks.NewResource(a)
}

// A failed Construct (bad input, or a child that fails) returns its one error promptly
// and logs nothing through the engine: the plugin adds no second message of its own.
// (The "grpc: the client connection is closing" a failed `pulumi up` shows is the
// engine's: see ConstructRPC.)
func TestFailedConstructLogsNothing(t *testing.T) {
	for name, opts := range map[string]constructtest.Options{
		"bad input": {Inputs: inputs(map[string]any{"kubernetesVersion": 1.33})},
		"child fails": {
			Inputs: inputs(nil),
			Mocks:  failingMocks{mocktest.New(), nodeGroupType},
		},
	} {
		t.Run(name, func(t *testing.T) {
			opts.Construct, opts.Type, opts.Name, opts.Timeout = provider.Construct, platform.TypeToken, "demo", 20*time.Second
			t0 := time.Now()
			res, err := constructtest.Run(opts)
			if err == nil {
				t.Fatal("Construct succeeded")
			}
			if d := time.Since(t0); d > 10*time.Second {
				t.Errorf("Construct took %v to fail", d)
			}
			if strings.Contains(err.Error(), "client connection is closing") || strings.Contains(err.Error(), "context canceled") {
				t.Errorf("err = %v", err)
			}
			for _, l := range res.Logs {
				t.Errorf("logged through the engine: %v %q", l.Severity, l.Message)
			}
		})
	}
}

// The platform's only compute given as one Output, unknown at preview: the preview
// succeeds (the list was given, just not known yet), and at the update the same input,
// known, builds the node groups.
func TestOnlyComputeUnknownAtPreview(t *testing.T) {
	in := inputs(map[string]any{"nodeGroups": constructtest.Unknown(subnetURN)})
	if _, err := constructPlatform(t, in, constructtest.Preview); err != nil {
		t.Fatalf("preview failed although nodeGroups was given (unknown until the update): %v", err)
	}
	// Left out entirely, it is still the platform with no compute, rejected.
	none := inputs(map[string]any{})
	delete(none, "nodeGroups")
	_, err := constructPlatform(t, none, constructtest.Preview)
	if err == nil || !strings.Contains(err.Error(), "nodeGroups, fargateProfiles: the platform has no node group") {
		t.Fatalf("want the no-compute error when nodeGroups is not given, got %v", err)
	}
}
