package provider

import (
	"strings"
	"testing"

	"reflect"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

func constructInputsForTest() pulumiprovider.ConstructInputs {
	return pulumiprovider.ConstructInputs{}
}

func TestCheckKeysReportsUnknownAddonsFieldsAndNonObjectValues(t *testing.T) {
	raw := map[string]any{
		"externalDNS": map[string]any{"enabled": true},
		"metricsServer": map[string]any{
			"enabled": true,
			"values":  "replicas: 2",
		},
	}
	problems := checkKeys("addons", raw, reflect.TypeFor[*platform.HelmAddonsArgs]())
	joined := strings.Join(problems, "\n")
	for _, want := range []string{
		"addons.externalDNS: unknown add-on; known are awsLoadBalancerController, externalDns",
		"addons.metricsServer.values: must be an object of values (key: value), got a string",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %q in:\n%s", want, joined)
		}
	}
}

func TestCheckKeysWalksListsOfObjects(t *testing.T) {
	raw := []any{
		map[string]any{"name": "system"},
		map[string]any{"name": "batch", "instanceType": "m5.large"},
	}
	problems := checkKeys("nodeGroups", raw, reflect.TypeFor[[]platform.NodeGroupArgs]())
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "nodeGroups[1].instanceType: unknown field; known are name, instanceTypes") {
		t.Fatalf("got %q", problems)
	}
}

func TestCheckKeysAcceptsValidShapes(t *testing.T) {
	raw := map[string]any{
		"externalDns": map[string]any{"enabled": true, "hostedZoneIds": []any{"Z123"}, "values": map[string]any{"a": 1.0}},
	}
	if problems := checkKeys("addons", raw, reflect.TypeFor[*platform.HelmAddonsArgs]()); len(problems) != 0 {
		t.Fatalf("got %q", problems)
	}
}
