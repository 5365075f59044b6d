package addons

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// plainParse is a second, independent reading of a multi-document YAML file: yaml.v3's
// own decoding into Go values, then a JSON round trip (numbers become float64).
func plainParse(t *testing.T, raw []byte) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var out []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if doc == nil {
			continue
		}
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		out = append(out, back)
	}
	return out
}

// The ALB controller's CRDs are the chart's whole crds/ directory at v3.5.0: seven
// CustomResourceDefinitions, each the vendored document unchanged.
func TestALBControllerCRDsAreTheChartsAtThePinnedTag(t *testing.T) {
	a := AWSLoadBalancerController()
	crds, err := a.CRDs()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range crds {
		names = append(names, c.Name)
	}
	want := []string{
		"albtargetcontrolconfigs.elbv2.k8s.aws",
		"globalaccelerators.aga.k8s.aws",
		"ingressclassparams.elbv2.k8s.aws",
		"targetgroupbindings.elbv2.k8s.aws",
		"listenerruleconfigurations.gateway.k8s.aws",
		"loadbalancerconfigurations.gateway.k8s.aws",
		"targetgroupconfigurations.gateway.k8s.aws",
	}
	if !slices.Equal(names, want) {
		t.Errorf("CRDs %v, want %v", names, want)
	}
	for _, f := range a.CRDFiles() {
		if !strings.Contains(f, "v"+a.Version) {
			t.Errorf("%s: the file name does not carry the chart version %s", f, a.Version)
		}
	}
}

// Every add-on's CRD files are listed vendored files, and the objects the platform
// applies equal an independent parse of the file's bytes, document for document.
func TestCRDObjectsAreTheVendoredDocuments(t *testing.T) {
	listed := map[string]vendoredFile{}
	for _, v := range vendoredFiles() {
		listed[v.File] = v
	}
	for _, a := range Catalogue() {
		for _, f := range a.CRDFiles() {
			v, ok := listed[f]
			if !ok {
				t.Errorf("%s: CRD file %s is not a vendored file", a.Key, f)
				continue
			}
			if !strings.HasPrefix(f, "crds/") || !strings.Contains(v.Path, "/crds/") {
				t.Errorf("%s: %s (from %s) is not a chart crds/ file", a.Key, f, v.Path)
			}
			if src := a.sources.upstream; src.Repository != v.Repository || src.Tag != v.Tag || src.Commit != v.Commit {
				t.Errorf("%s: %s is from %s@%s, the chart pin from %s@%s", a.Key, f, v.Repository, v.Tag, src.Repository, src.Tag)
			}
		}
		crds, err := a.CRDs()
		if err != nil {
			t.Fatalf("%s: %v", a.Key, err)
		}
		byFile := map[string][]map[string]any{}
		for _, c := range crds {
			if c.Index != len(byFile[c.File]) {
				t.Errorf("%s: %s index %d out of order", a.Key, c.Name, c.Index)
			}
			byFile[c.File] = append(byFile[c.File], c.Object)
		}
		for _, f := range a.CRDFiles() {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if want := plainParse(t, raw); !reflect.DeepEqual(byFile[f], want) {
				t.Errorf("%s: %s: the CRD objects differ from the file's documents", a.Key, f)
			}
		}
	}
	ext, err := externalDNS().CRDs()
	if err != nil || len(ext) != 1 || ext[0].Name != "dnsendpoints.externaldns.k8s.io" {
		t.Errorf("external-dns: CRDs %+v (%v), want dnsendpoints.externaldns.k8s.io", ext, err)
	}
	for _, a := range []Addon{ClusterAutoscaler(), metricsServer()} {
		if len(a.CRDFiles()) != 0 {
			t.Errorf("%s: its chart ships no crds/, yet CRDFiles is %v", a.Key, a.CRDFiles())
		}
	}
}

// Each call returns fresh objects: a caller changing one (adding an annotation) does
// not change the next.
func TestCRDsReturnFreshObjects(t *testing.T) {
	first, _ := AWSLoadBalancerController().CRDs()
	first[0].Object["metadata"].(map[string]any)["annotations"] = "changed"
	again, _ := AWSLoadBalancerController().CRDs()
	if again[0].Object["metadata"].(map[string]any)["annotations"] == "changed" {
		t.Error("CRDs shares objects between calls")
	}
}

func TestParseCRDsRefusesWhatIsNotAPlainCRD(t *testing.T) {
	const head = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names:\n    plural: widgets\n"
	if crds, err := ParseCRDs("ok.yaml", []byte("---\n"+head+"  scope: Cluster\n---\n")); err != nil || len(crds) != 1 || crds[0].Name != "widgets.example.com" {
		t.Fatalf("a plain CRD: %+v %v", crds, err)
	}
	for name, text := range map[string]string{
		"not a CRD":          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
		"v1beta1":            strings.Replace(head, "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1", 1),
		"name mismatch":      strings.Replace(head, "plural: widgets", "plural: gadgets", 1),
		"namespaced":         strings.Replace(head, "  name: widgets.example.com\n", "  name: widgets.example.com\n  namespace: x\n", 1),
		"empty":              "---\n",
		"YAML 1.1 boolean":   head + "  scope: yes\n",
		"YAML 1.1 on":        head + "  x: [on]\n",
		"base 60":            head + "  x: 1:20\n",
		"octal":              head + "  x: 0777\n",
		"null":               head + "  x: null\n",
		"empty value":        head + "  x:\n",
		"timestamp":          head + "  x: 2001-12-14\n",
		"alias":              head + "  x: &a 1\n  y: *a\n",
		"merge key":          head + "  x: {a: 1}\n  y:\n    <<: {a: 1}\n",
		"custom tag":         head + "  x: !foo 1\n",
		"non-string key":     head + "  1: x\n",
		"infinity":           head + "  x: .inf\n",
		"too big an integer": head + "  x: 90071992547409930\n",
	} {
		if _, err := ParseCRDs(name+".yaml", []byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Quoted, they are strings in every YAML version.
	if crds, err := ParseCRDs("q.yaml", []byte(head+"  a: 'yes'\n  b: \"1:20\"\n  c: 3\n  d: 1.5\n  e: true\n")); err != nil {
		t.Errorf("quoted scalars: %v", err)
	} else if spec := crds[0].Object["spec"].(map[string]any); spec["a"] != "yes" || spec["b"] != "1:20" || spec["c"] != 3.0 || spec["d"] != 1.5 || spec["e"] != true {
		t.Errorf("scalars read as %v", spec)
	}
}
