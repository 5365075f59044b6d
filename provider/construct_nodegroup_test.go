package provider_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider"
	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// constructOnGroups constructs "demo" while cluster demo runs (Kubernetes 1.36) the node
// groups given, EKS name → getNodeGroup's fields.
func constructOnGroups(t *testing.T, in map[string]any, mode constructtest.Mode, running map[string]map[string]any) *constructtest.Result {
	t.Helper()
	m := mocktest.New()
	m.SetLiveNodeGroups("demo", "1.36", running)
	res, err := constructtest.Run(constructtest.Options{
		Construct: provider.Construct, Type: platform.TypeToken, Name: "demo",
		Inputs: inputs(in), Mode: mode, Mocks: m,
	})
	if err != nil {
		t.Fatalf("construct (%s): %v", mode, err)
	}
	return res
}

// nodeGroupWarnings are the warnings about node groups a construct logged.
func nodeGroupWarnings(res *constructtest.Result) []string {
	var out []string
	for _, l := range res.Logs {
		if l.Severity == pulumirpc.LogSeverity_WARNING && strings.HasPrefix(l.Message, "node group ") {
			out = append(out, l.Message)
		}
	}
	return out
}

// registeredGroup is the EKS name and getNodeGroup's fields of the node group a
// construct registered: what EKS reports once it runs.
func registeredGroup(t *testing.T, res *constructtest.Result, name string) (string, map[string]any) {
	t.Helper()
	r, ok := res.Named(name)
	if !ok {
		t.Fatalf("no %s registered: %v", name, res.Names())
	}
	s := func(v resource.PropertyValue) string {
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	list := func(key string) []any {
		var out []any
		for _, v := range r.Inputs[resource.PropertyKey(key)].ArrayValue() {
			out = append(out, s(v))
		}
		return out
	}
	lt := r.Inputs["launchTemplate"].ObjectValue()
	return s(r.Inputs["nodeGroupName"]), map[string]any{
		"amiType": s(r.Inputs["amiType"]), "capacityType": s(r.Inputs["capacityType"]),
		"instanceTypes": list("instanceTypes"), "nodeRoleArn": s(r.Inputs["nodeRoleArn"]),
		"subnetIds":       list("subnetIds"),
		"launchTemplates": []any{map[string]any{"id": s(lt["id"]), "version": s(lt["version"])}},
	}
}

// TestConstructNodeGroupReplacementWarnings: through the plugin's Construct, the run
// says which node groups it replaces (issue 14, item 6), one line each, and says
// nothing when none is: a change of instanceTypes names the new EKS name created first,
// the running one deleted after, and the cause; a group no longer configured is
// announced as deleted; at preview a group whose new name depends on a value not known
// yet "may be replaced", naming that value. A 0.1.0 group ("<cluster>-<name>") with
// nothing create-only changed keeps its name, with no warning.
func TestConstructNodeGroupReplacementWarnings(t *testing.T) {
	base := map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "instanceTypes": []string{"m5.large"}}}}
	resized := map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "instanceTypes": []string{"m6i.large"}}}}
	gen, fields := registeredGroup(t, constructOnGroups(t, base, constructtest.Up, nil), "demo-ng-general")
	if !regexp.MustCompile(`^demo-general-[0-9a-f]{8}$`).MatchString(gen) {
		t.Fatalf("first up: EKS name %q, want demo-general-<generation>", gen)
	}
	running := map[string]map[string]any{gen: fields}

	// The same inputs again: nothing replaced, nothing said.
	res := constructOnGroups(t, base, constructtest.Up, running)
	if w := nodeGroupWarnings(res); len(w) != 0 {
		t.Errorf("no change: want no node group warning, got %q", w)
	}

	// New instance types: the group is replaced, new first.
	res = constructOnGroups(t, resized, constructtest.Up, running)
	newName, _ := registeredGroup(t, res, "demo-ng-general")
	want := "node group general will be replaced: " + newName + " is created first, " + gen +
		" deleted after its nodes drain; cause: instanceTypes changed"
	if w := nodeGroupWarnings(res); !slices.Equal(w, []string{want}) || newName == gen {
		t.Errorf("instanceTypes changed: warnings %q, want exactly %q (new name %s, running %s)", w, want, newName, gen)
	}

	// A group removed from nodeGroups: said to be deleted.
	withRemoved := map[string]map[string]any{gen: fields, "demo-batch-0a1b2c3d": fields}
	res = constructOnGroups(t, base, constructtest.Up, withRemoved)
	if w, exp := nodeGroupWarnings(res), []string{"node group batch will be deleted: it is no longer in nodeGroups, so EKS node group demo-batch-0a1b2c3d is deleted after its nodes drain"}; !slices.Equal(w, exp) {
		t.Errorf("a group no longer configured: warnings %q, want %q", w, exp)
	}

	// A 0.1.0 group, nothing create-only changed: the name is kept, nothing said.
	res = constructOnGroups(t, base, constructtest.Up, map[string]map[string]any{"demo-general": fields})
	if name, _ := registeredGroup(t, res, "demo-ng-general"); name != "demo-general" {
		t.Errorf("0.1.0 group unchanged: EKS name %q, want demo-general kept", name)
	}
	if w := nodeGroupWarnings(res); len(w) != 0 {
		t.Errorf("0.1.0 group unchanged: want no node group warning, got %q", w)
	}

	// Preview. The harness previews a first create, so the platform's node role and
	// launch template have no ARN and ID yet: whether the running group is replaced is
	// the update's to find out, and the preview says so rather than nothing.
	res = constructOnGroups(t, base, constructtest.Preview, running)
	if w, exp := nodeGroupWarnings(res), []string{"node group general may be replaced: nodeRoleArn and launchTemplate.id are not known until the update; if it changes, a new group is created first and " +
		gen + " deleted after its nodes drain"}; !slices.Equal(w, exp) {
		t.Errorf("preview, role and launch template unknown: warnings %q, want %q", w, exp)
	}
	// An instanceTypes unknown at preview is read as the default meanwhile; the name is
	// left unknown (the preview plans a replacement) and the warning names the input.
	unknownTypes := map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "instanceTypes": constructtest.Unknown(subnetURN)}}}
	res = constructOnGroups(t, unknownTypes, constructtest.Preview, running)
	if w := nodeGroupWarnings(res); len(w) != 1 || !strings.HasPrefix(w[0], "node group general may be replaced: instanceTypes is not known until the update;") {
		t.Errorf("preview, instanceTypes unknown: warnings %q, want one naming instanceTypes", w)
	}
	r, _ := res.Named("demo-ng-general")
	if v := r.Inputs["nodeGroupName"]; !v.IsComputed() && (!v.IsOutput() || v.OutputValue().Known) {
		t.Errorf("preview, instanceTypes unknown: nodeGroupName %v, want unknown (the update decides)", v)
	}
}
