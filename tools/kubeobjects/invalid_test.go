package kubeobjects

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/kubeapi"
)

// nodePool is a NodePool as the platform writes one for Auto Mode: requirements, a
// taint, limits, and a reference to Auto Mode's NodeClass; disruption as given.
func nodePool(name string, disruption map[string]any, labels map[string]any) map[string]any {
	template := map[string]any{"spec": map[string]any{
		"nodeClassRef": map[string]any{"group": "eks.amazonaws.com", "kind": "NodeClass", "name": "default"},
		"requirements": []any{map[string]any{"key": "eks.amazonaws.com/instance-category", "operator": "In", "values": []any{"g"}}},
		"taints":       []any{map[string]any{"key": "nvidia.com/gpu", "effect": "NoSchedule"}},
	}}
	if labels != nil {
		template["metadata"] = map[string]any{"labels": labels}
	}
	return map[string]any{"apiVersion": "karpenter.sh/v1", "kind": "NodePool",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{"template": template, "disruption": disruption,
			"limits": map[string]any{"nvidia.com/gpu": "4"}}}
}

// NodePools the simulator accepts (tools/simcloud checks only that the NodePool kind is
// served, rules.go) are refused by the real API server with its own message: the CRD's
// required consolidateAfter, and its CEL rule on labels in the karpenter.sh domain. The
// same pool with consolidateAfter and an ordinary label is accepted, so the refusals are
// about those fields and nothing else.
func TestInvalidNodePoolsAreRefusedWithTheServersMessage(t *testing.T) {
	s := startServer(t)
	ctx := testContext(t)
	if err := s.InstallCRDs(ctx, vendoredCRDs(t), kubeapi.ApplyOptions{FieldManager: "vendored-crds"}); err != nil {
		t.Fatal(err)
	}
	o := kubeapi.ApplyOptions{FieldManager: "pulumi-kubernetes-test"}
	cases := []struct {
		name string
		pool map[string]any
		want string
	}{
		{"without-consolidate-after", nodePool("without-consolidate-after",
			map[string]any{"consolidationPolicy": "WhenEmptyOrUnderutilized"}, nil),
			`NodePool.karpenter.sh "without-consolidate-after" is invalid: [spec.disruption.consolidateAfter: Required value`},
		{"karpenter-sh-label", nodePool("karpenter-sh-label",
			map[string]any{"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s"},
			map[string]any{"team.karpenter.sh/owner": "ml"}),
			`NodePool.karpenter.sh "karpenter-sh-label" is invalid: spec.template.metadata.labels: Invalid value: label domain "karpenter.sh" is restricted`},
	}
	for _, c := range cases {
		_, err := s.Apply(ctx, c.pool, o)
		var se *kubeapi.StatusError
		if !errors.As(err, &se) || se.Code != http.StatusUnprocessableEntity || !strings.Contains(se.Message, c.want) {
			t.Errorf("%s: got %v, want 422 with %q", c.name, err, c.want)
		}
	}
	valid := nodePool("valid", map[string]any{"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s"},
		map[string]any{"accelerator": "nvidia"})
	if _, err := s.Apply(ctx, valid, o); err != nil {
		t.Errorf("the corrected pool: %v", err)
	}
}
