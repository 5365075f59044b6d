package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestQualifiedNameProblem(t *testing.T) {
	for key, ok := range map[string]bool{
		"team": true, "example.com/team": true, "nvidia.com/gpu": true, "CriticalAddonsOnly": true, "a": true,
		"node.kubernetes.io/instance-type": true, "a_b.c-d": true,
		strings.Repeat("a", 63):         true,
		strings.Repeat("a", 64):         false,
		strings.Repeat("a", 253) + "/x": true,
		strings.Repeat("a", 254) + "/x": false,
		"bad key!":                      false, "": false, "/x": false, "x/": false, "a/b/c": false, "-a": false, "a-": false,
		"Example.com/x": false, "ex_ample.com/x": false,
	} {
		if got := qualifiedNameProblem(key) == ""; got != ok {
			t.Errorf("qualifiedNameProblem(%q) = %q, want ok=%v", key, qualifiedNameProblem(key), ok)
		}
	}
}

func TestLabelValueProblem(t *testing.T) {
	for v, ok := range map[string]bool{
		"": true, "true": true, "nvidia": true, "A.b-c_d": true, strings.Repeat("v", 63): true,
		strings.Repeat("v", 64): false, "a/b": false, "-a": false, "two words": false,
	} {
		if got := labelValueProblem(v) == ""; got != ok {
			t.Errorf("labelValueProblem(%q) = %q, want ok=%v", v, labelValueProblem(v), ok)
		}
	}
}

func TestKubeletLabelProblem(t *testing.T) {
	for key, refused := range map[string]bool{
		"team": false, "example.com/team": false, "node.kubernetes.io/role": false, "x.node.kubernetes.io/a": false,
		"kubelet.kubernetes.io/a": false, "kubernetes.io/arch": false, "topology.k8s.io/x": true,
		"node-role.kubernetes.io/worker": true, "kubernetes.io/lifecycle": true, "k8s.io/x": true, "topology.kubernetes.io/zone": true,
	} {
		if got := kubeletLabelProblem(key) != ""; got != refused {
			t.Errorf("kubeletLabelProblem(%q) = %q, want refused=%v", key, kubeletLabelProblem(key), refused)
		}
	}
}

func TestNodePoolKeyProblem(t *testing.T) {
	for key, want := range map[string]string{
		"team":                                "",
		"karpenter.sh/capacity-type":          "",
		"karpenter.k8s.aws/instance-family":   "",
		"eks.amazonaws.com/instance-category": "",
		"karpenter.sh/nodepool":               `label "karpenter.sh/nodepool" is restricted`,
		"kubernetes.io/hostname":              `label "kubernetes.io/hostname" is restricted`,
		"karpenter.sh/team":                   `label domain "karpenter.sh" is restricted`,
		"x.karpenter.sh/team":                 `label domain "karpenter.sh" is restricted`,
		"karpenter.k8s.aws/team":              `label domain "karpenter.k8s.aws" is restricted`,
	} {
		if got := nodePoolKeyProblem(key); got != want {
			t.Errorf("nodePoolKeyProblem(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestEC2NodeClassTagProblem(t *testing.T) {
	for key, refused := range map[string]bool{
		"team": false, "kubernetes.io/role/elb": false,
		"kubernetes.io/cluster/demo": true, "kubernetes.io/clusterx": true, "eks:eks-cluster-name": true,
		"karpenter.sh/nodepool": true, "karpenter.sh/nodeclaim": true, "karpenter.k8s.aws/ec2nodeclass": true, "": true,
	} {
		if got := ec2NodeClassTagProblem(key) != ""; got != refused {
			t.Errorf("ec2NodeClassTagProblem(%q) = %q, want refused=%v", key, ec2NodeClassTagProblem(key), refused)
		}
	}
}

// TestRestrictedKeysAreTheCRDs reads the CEL rules of the vendored Karpenter CRDs and
// checks the platform's lists are theirs, so a Karpenter bump that changes them fails
// here rather than at the API server.
func TestRestrictedKeysAreTheCRDs(t *testing.T) {
	crds, err := addons.KarpenterChartAddon().CRDs()
	if err != nil {
		t.Fatal(err)
	}
	schemaOf := func(name string) map[string]any {
		for _, c := range crds {
			if c.Name == name {
				versions, _ := addons.Lookup(c.Object, "spec", "versions")
				v0, _ := versions.([]any)[0].(map[string]any)
				s, _ := addons.Lookup(v0, "schema", "openAPIV3Schema")
				return s.(map[string]any)
			}
		}
		t.Fatalf("no CRD %s", name)
		return nil
	}
	rulesAt := func(schema map[string]any, path ...string) []string {
		node, ok := addons.Lookup(schema, path...)
		if !ok {
			t.Fatalf("no %v in the CRD", path)
		}
		var out []string
		list, _ := node.(map[string]any)["x-kubernetes-validations"].([]any)
		for _, v := range list {
			out = append(out, v.(map[string]any)["rule"].(string))
		}
		return out
	}
	quoted := regexp.MustCompile(`"([^"]+)"`)
	listIn := func(rule string) []string {
		inner := rule[strings.Index(rule, "[")+1 : strings.Index(rule, "]")]
		var out []string
		for _, m := range quoted.FindAllStringSubmatch(inner, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
		return out
	}
	np := schemaOf("nodepools.karpenter.sh")
	spec := []string{"properties", "spec", "properties", "template", "properties"}
	labels := rulesAt(np, append(slices.Clone(spec), "metadata", "properties", "labels")...)
	reqKey := rulesAt(np, append(slices.Clone(spec), "spec", "properties", "requirements", "items", "properties", "key")...)
	for name, rules := range map[string][]string{"template labels": labels, "requirement keys": reqKey} {
		if len(rules) != 4 {
			t.Fatalf("%s: %d rules, want the 4 this file models: %q", name, len(rules), rules)
		}
		if got := listIn(rules[0]); !slices.Equal(got, nodePoolKarpenterShKeys) || !strings.Contains(rules[0], `endsWith("karpenter.sh")`) {
			t.Errorf("%s: karpenter.sh rule %q, platform %v", name, rules[0], nodePoolKarpenterShKeys)
		}
		for i, key := range nodePoolRestrictedKeys {
			if !strings.Contains(rules[1+i], `!= "`+key+`"`) {
				t.Errorf("%s: rule %q does not restrict %s", name, rules[1+i], key)
			}
		}
		if got := listIn(rules[3]); !slices.Equal(got, nodePoolKarpenterK8sAwsKeys) || !strings.Contains(rules[3], `endsWith("karpenter.k8s.aws")`) {
			t.Errorf("%s: karpenter.k8s.aws allowed keys %v, platform %v", name, got, nodePoolKarpenterK8sAwsKeys)
		}
	}
	tags := strings.Join(rulesAt(schemaOf("ec2nodeclasses.karpenter.k8s.aws"), "properties", "spec", "properties", "tags"), "\n")
	for _, key := range ec2NodeClassRestrictedTags {
		if !strings.Contains(tags, "k != '"+key+"'") && !strings.Contains(tags, "k !='"+key+"'") {
			t.Errorf("EC2NodeClass tag rules do not restrict %s:\n%s", key, tags)
		}
	}
	if !strings.Contains(tags, "!k.startsWith('"+ec2NodeClassRestrictedTagPrefix+"')") {
		t.Errorf("EC2NodeClass tag rules do not restrict the prefix %s:\n%s", ec2NodeClassRestrictedTagPrefix, tags)
	}
	if strings.Count(tags, "\n")+1 != 1+len(ec2NodeClassRestrictedTags)+1 {
		t.Errorf("EC2NodeClass tag rules changed: %s", tags)
	}
}

// checkAgainstSchema reports where v breaks the OpenAPI schema s: required properties,
// enums, patterns and maximum lengths (what the API server checks besides CEL, which
// the key rules above model).
func checkAgainstSchema(path string, v any, s map[string]any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := x[r.(string)]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: Required value", path, r))
			}
		}
		props, _ := s["properties"].(map[string]any)
		extra, _ := s["additionalProperties"].(map[string]any)
		for k, e := range x {
			if ps, ok := props[k].(map[string]any); ok {
				out = append(out, checkAgainstSchema(path+"."+k, e, ps)...)
			} else if extra != nil {
				out = append(out, checkAgainstSchema(path+"."+k, e, extra)...)
			} else if props != nil {
				out = append(out, fmt.Sprintf("%s.%s: unknown field", path, k))
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				out = append(out, checkAgainstSchema(fmt.Sprintf("%s[%d]", path, i), e, items)...)
			}
		}
	case string:
		if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, any(x)) {
			out = append(out, fmt.Sprintf("%s: %q not in %v", path, x, enum))
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(x) {
			out = append(out, fmt.Sprintf("%s: %q does not match %s", path, x, p))
		}
		if n, ok := s["maxLength"].(float64); ok && len(x) > int(n) {
			out = append(out, fmt.Sprintf("%s: longer than %v", path, n))
		}
	}
	return out
}

// TestNodePoolsMeetTheCRDSchema: every NodePool the platform writes, Auto Mode's custom
// GPU pool (SCENARIOS #10) and Karpenter's (#9), has what the vendored NodePool CRD
// requires; Auto Mode's lacked spec.disruption.consolidateAfter (issue 23).
func TestNodePoolsMeetTheCRDSchema(t *testing.T) {
	crds, err := addons.KarpenterChartAddon().CRDs()
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	for _, c := range crds {
		if c.Name == "nodepools.karpenter.sh" {
			versions, _ := addons.Lookup(c.Object, "spec", "versions")
			s, _ := addons.Lookup(versions.([]any)[0].(map[string]any), "schema", "openAPIV3Schema", "properties", "spec")
			schema = s.(map[string]any)
		}
	}
	for name, args := range map[string]*Args{"autoMode": autoModeArgs(), "karpenter": karpenterArgs()} {
		m, _ := deploy(t, "demo", args)
		pools := m.OfType("kubernetes:karpenter.sh/v1:NodePool")
		if len(pools) == 0 {
			t.Fatalf("%s: no NodePool", name)
		}
		for _, np := range pools {
			spec := resource.NewObjectProperty(np.Inputs).ObjectValue()["spec"].Mappable()
			for _, problem := range checkAgainstSchema("spec", spec, schema) {
				t.Errorf("%s %s: %s", name, np.Name, problem)
			}
		}
	}
}
