package addons

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Helm installs a chart's crds/ directory on the release's first install only and never
// upgrades or deletes it, so after a chart version bump the add-on would run against its
// first install's CRDs. An add-on whose chart ships CRDs therefore vendors the chart's
// crds/ files at the pinned version (Addon.CRDFiles, its vendored files under crds/,
// listed with their sha256 in its provenance), and the platform applies each CustomResourceDefinition as a Kubernetes
// resource of its own before the release, which skips crds/ (helm's --skip-crds). A
// chart bump changes the vendored files, and Pulumi updates the CRDs in place.
//
// Adding an add-on's CRDs (Karpenter's, say) is: copy each file of the chart's crds/
// directory at the tag of the pinned version with `git show <tag>:<path>` into crds/,
// run `make crds` (the gzipped copy the plugin embeds), and list it with its upstream
// path and sha256 in the files of the add-on's provenance (its file); `make docs` adds
// it to policies/SOURCES.md. Nothing in the platform names an add-on.

// CRDAPIVersion and CRDKind are what every vendored document must be.
const (
	CRDAPIVersion = "apiextensions.k8s.io/v1"
	CRDKind       = "CustomResourceDefinition"
)

// CRD is one CustomResourceDefinition of a vendored file.
type CRD struct {
	// Name is metadata.name (<plural>.<group>), unique in a cluster.
	Name string
	// File is the vendored file (one of the add-on's CRDFiles) and Index the CRD's position
	// among the file's CRDs, from 0.
	File  string
	Index int
	// Object is the document as JSON values (map[string]any, []any, string, float64,
	// bool), exactly what a YAML-to-JSON conversion of the file gives (Helm's and
	// kubectl's included: see decodeStrict). Each call returns a fresh copy.
	Object map[string]any
}

// CRDs returns the add-on's CustomResourceDefinitions, in CRDFiles order and document
// order within each file; none when CRDFiles is empty.
func (a Addon) CRDs() ([]CRD, error) {
	var out []CRD
	seen := map[string]string{}
	for _, file := range a.CRDFiles() {
		text, err := vendored(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Key, err)
		}
		crds, err := ParseCRDs(file, []byte(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Key, err)
		}
		for _, c := range crds {
			if other, dup := seen[c.Name]; dup {
				return nil, fmt.Errorf("%s: CRD %s is in both %s and %s", a.Key, c.Name, other, c.File)
			}
			seen[c.Name] = c.File
			out = append(out, c)
		}
	}
	return out, nil
}

// ParseCRDs reads every YAML document of a vendored CRD file. Every document must be an
// apiextensions.k8s.io/v1 CustomResourceDefinition named <spec.names.plural>.<spec.group>
// and cluster-scoped (no metadata.namespace); empty documents are skipped.
func ParseCRDs(file string, text []byte) ([]CRD, error) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var out []CRD
	for i := 0; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		if len(doc.Content) == 0 || (len(doc.Content) == 1 && doc.Content[0].Kind == yaml.ScalarNode &&
			doc.Content[0].ShortTag() == "!!null" && doc.Content[0].Value == "") {
			continue // an empty document ("---" at the end)
		}
		v, err := decodeStrict(&doc, "")
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: document %d is not an object", file, i)
		}
		c := CRD{File: file, Index: len(out), Object: obj}
		if obj["apiVersion"] != CRDAPIVersion || obj["kind"] != CRDKind {
			return nil, fmt.Errorf("%s: document %d is %v %v, not a %s %s", file, i, obj["apiVersion"], obj["kind"], CRDAPIVersion, CRDKind)
		}
		name, _ := Lookup(obj, "metadata", "name")
		plural, _ := Lookup(obj, "spec", "names", "plural")
		group, _ := Lookup(obj, "spec", "group")
		c.Name, _ = name.(string)
		if c.Name == "" || c.Name != fmt.Sprint(plural, ".", group) {
			return nil, fmt.Errorf("%s: document %d: metadata.name %q is not <spec.names.plural>.<spec.group> (%v.%v)", file, i, c.Name, plural, group)
		}
		if _, ns := Lookup(obj, "metadata", "namespace"); ns {
			return nil, fmt.Errorf("%s: CRD %s has a metadata.namespace", file, c.Name)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no CustomResourceDefinition", file)
	}
	return out, nil
}

// yaml11Words are plain scalars YAML 1.1 parsers (sigs.k8s.io/yaml, which Helm and
// kubectl use) read as booleans, while yaml.v3 reads them as strings.
var yaml11Words = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
}

// yaml11Numbers are plain scalars YAML 1.1 reads as numbers and yaml.v3 as strings
// (base 60, binary, digits with underscores).
var yaml11Numbers = regexp.MustCompile(`^[-+]?(0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?)$`)

// decimalInt is an integer both YAML versions read the same way.
var decimalInt = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// decodeStrict turns a YAML node into JSON values, refusing whatever YAML 1.1 and 1.2
// parsers could read differently (or JSON cannot carry): aliases and merge keys, nulls,
// timestamps, custom tags, non-string keys, numbers other than plain decimal ones, and
// the plain scalars above. The result is thus what any YAML-to-JSON conversion of the
// file gives, so the objects the platform applies are the file's content.
func decodeStrict(n *yaml.Node, path string) (any, error) {
	at := func() string {
		if path == "" {
			return "the document"
		}
		return path
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, fmt.Errorf("%s: %d roots", at(), len(n.Content))
		}
		return decodeStrict(n.Content[0], path)
	case yaml.AliasNode:
		return nil, fmt.Errorf("%s: line %d: alias", at(), n.Line)
	case yaml.MappingNode:
		if n.ShortTag() != "!!map" {
			return nil, fmt.Errorf("%s: line %d: tag %s", at(), n.Line, n.Tag)
		}
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || k.Value == "<<" {
				return nil, fmt.Errorf("%s: line %d: key %q is not a plain string", at(), k.Line, k.Value)
			}
			if _, dup := out[k.Value]; dup {
				return nil, fmt.Errorf("%s: line %d: duplicate key %q", at(), k.Line, k.Value)
			}
			v, err := decodeStrict(n.Content[i+1], strings.TrimPrefix(path+"."+k.Value, "."))
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	case yaml.SequenceNode:
		if n.ShortTag() != "!!seq" {
			return nil, fmt.Errorf("%s: line %d: tag %s", at(), n.Line, n.Tag)
		}
		out := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			v, err := decodeStrict(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		plain := n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
		switch n.ShortTag() {
		case "!!str":
			if plain && (yaml11Words[n.Value] || yaml11Numbers.MatchString(n.Value)) {
				return nil, fmt.Errorf("%s: line %d: plain %q reads differently in YAML 1.1", at(), n.Line, n.Value)
			}
			return n.Value, nil
		case "!!bool":
			if n.Value != "true" && n.Value != "false" {
				return nil, fmt.Errorf("%s: line %d: boolean %q", at(), n.Line, n.Value)
			}
			return n.Value == "true", nil
		case "!!int":
			if !decimalInt.MatchString(n.Value) {
				return nil, fmt.Errorf("%s: line %d: integer %q is not plain decimal", at(), n.Line, n.Value)
			}
			i, err := strconv.ParseInt(n.Value, 10, 64)
			if err != nil || i > 1<<53 || i < -(1<<53) {
				return nil, fmt.Errorf("%s: line %d: integer %q does not fit a JSON number exactly", at(), n.Line, n.Value)
			}
			return float64(i), nil
		case "!!float":
			f, err := strconv.ParseFloat(n.Value, 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || strings.ContainsAny(n.Value, "_") {
				return nil, fmt.Errorf("%s: line %d: number %q", at(), n.Line, n.Value)
			}
			return f, nil
		default:
			return nil, fmt.Errorf("%s: line %d: %s value %q", at(), n.Line, n.ShortTag(), n.Value)
		}
	}
	return nil, fmt.Errorf("%s: line %d: unexpected YAML node", at(), n.Line)
}
