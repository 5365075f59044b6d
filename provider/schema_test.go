package provider

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite provider/schema.json from schema.yaml")

// schemaFromYAML converts ../schema.yaml to the JSON the plugin embeds: indented, keys
// sorted (encoding/json sorts map keys), so the committed file diffs well.
func schemaFromYAML(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile("../schema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := yaml.Unmarshal(src, &spec); err != nil {
		t.Fatalf("schema.yaml: %v", err)
	}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestEmbeddedSchemaMatchesYAML(t *testing.T) {
	want := schemaFromYAML(t)
	if *update {
		if err := os.WriteFile("schema.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(schemaJSON, want) {
		t.Fatal("provider/schema.json is stale: run `make schema` (go test ./provider -run TestEmbeddedSchemaMatchesYAML -update)")
	}
}

func TestSchemaIsStampedWithPluginVersion(t *testing.T) {
	b, err := Schema("1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Name, Version string
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Name != "eksplatform" || spec.Version != "1.2.3" {
		t.Fatalf("got name %q version %q", spec.Name, spec.Version)
	}
}

// The schema as far as these tests read it.
type schemaSpec struct {
	Resources map[string]struct {
		IsComponent     bool                      `json:"isComponent"`
		Description     string                    `json:"description"`
		InputProperties map[string]schemaProperty `json:"inputProperties"`
		Properties      map[string]schemaProperty `json:"properties"`
		RequiredInputs  []string                  `json:"requiredInputs"`
	} `json:"resources"`
	Types map[string]struct {
		Description string                    `json:"description"`
		Properties  map[string]schemaProperty `json:"properties"`
		Required    []string                  `json:"required"`
	} `json:"types"`
}

type schemaProperty struct {
	Type                 string          `json:"type"`
	Ref                  string          `json:"$ref"`
	Items                *schemaProperty `json:"items"`
	AdditionalProperties *schemaProperty `json:"additionalProperties"`
	Description          string          `json:"description"`
	Secret               bool            `json:"secret"`
}

func loadSpec(t *testing.T) schemaSpec {
	t.Helper()
	var spec schemaSpec
	if err := json.Unmarshal(schemaJSON, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestSchemaMatchesArgs keeps schema.yaml and the Go structs in step, both ways: every
// schema property has a field with its pulumi tag and a matching Go type, every tagged
// field has a schema property, recursively through $ref types.
func TestSchemaMatchesArgs(t *testing.T) {
	spec := loadSpec(t)
	res, ok := spec.Resources[platform.TypeToken]
	if !ok {
		t.Fatalf("schema has no %s", platform.TypeToken)
	}
	c := &structChecker{t: t, spec: spec}
	c.compare("EksPlatform inputs", res.InputProperties, reflect.TypeFor[platform.Args]())
	c.compare("EksPlatform outputs", res.Properties, reflect.TypeFor[platform.EksPlatform]())
	for name := range spec.Types {
		if !c.seen[name] {
			t.Errorf("schema type %s is not used by any property", name)
		}
	}
}

type structChecker struct {
	t    *testing.T
	spec schemaSpec
	seen map[string]bool
}

func (c *structChecker) compare(where string, props map[string]schemaProperty, typ reflect.Type) {
	fields := map[string]reflect.Type{}
	for i := range typ.NumField() {
		if tag := strings.Split(typ.Field(i).Tag.Get("pulumi"), ",")[0]; tag != "" {
			fields[tag] = typ.Field(i).Type
		}
	}
	for name, prop := range props {
		ft, ok := fields[name]
		if !ok {
			c.t.Errorf("%s: schema property %q has no Go field tagged pulumi:%q", where, name, name)
			continue
		}
		c.compareType(where+"."+name, prop, ft)
	}
	for tag := range fields {
		if _, ok := props[tag]; !ok {
			c.t.Errorf("%s: Go field tagged pulumi:%q is not in the schema", where, tag)
		}
	}
}

var goTypeOf = map[string]reflect.Type{
	"string":  reflect.TypeFor[pulumi.StringInput](),
	"boolean": reflect.TypeFor[pulumi.BoolInput](),
	"integer": reflect.TypeFor[pulumi.IntInput](),
	"array":   reflect.TypeFor[pulumi.StringArrayInput](),
}

var goOutputTypeOf = map[string]reflect.Type{
	"string": reflect.TypeFor[pulumi.StringOutput](),
	"object": reflect.TypeFor[pulumi.StringMapOutput](),
}

func (c *structChecker) compareType(path string, prop schemaProperty, ft reflect.Type) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if strings.HasSuffix(ft.Name(), "Output") {
		if want := goOutputTypeOf[prop.Type]; want != ft {
			c.t.Errorf("%s: schema type %q, Go type %v", path, prop.Type, ft)
		}
		return
	}
	switch {
	case prop.Ref != "":
		c.compareRef(path, prop.Ref, ft)
	case prop.Type == "array" && prop.Items != nil && prop.Items.Ref != "":
		if ft.Kind() != reflect.Slice {
			c.t.Errorf("%s: schema array of %s, Go type %v is not a slice", path, prop.Items.Ref, ft)
			return
		}
		c.compareRef(path+"[]", prop.Items.Ref, ft.Elem())
	case prop.Type == "array":
		if prop.Items == nil || prop.Items.Type != "string" || ft != goTypeOf["array"] {
			c.t.Errorf("%s: schema array, Go type %v (only string arrays are plain inputs)", path, ft)
		}
	case prop.Type == "object":
		want := reflect.TypeFor[pulumi.StringMapInput]()
		if prop.AdditionalProperties != nil && prop.AdditionalProperties.Ref == "pulumi.json#/Any" {
			want = reflect.TypeFor[pulumi.MapInput]()
		}
		if ft != want {
			c.t.Errorf("%s: schema object, Go type %v, want %v", path, ft, want)
		}
	default:
		if want, ok := goTypeOf[prop.Type]; !ok || want != ft {
			c.t.Errorf("%s: schema type %q, Go type %v", path, prop.Type, ft)
		}
	}
}

func (c *structChecker) compareRef(path, ref string, ft reflect.Type) {
	name := strings.TrimPrefix(ref, "#/types/")
	typ, ok := c.spec.Types[name]
	if !ok {
		c.t.Errorf("%s: $ref %s is not a type of the schema", path, ref)
		return
	}
	c.seen[name] = true
	for ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	if ft.Kind() != reflect.Struct {
		c.t.Errorf("%s: $ref %s, Go type %v is not a struct", path, ref, ft)
		return
	}
	c.compare(path, typ.Properties, ft)
}

// TestSchemaDescribesEverything: every input, output and type has a description, which
// becomes the doc comment of every SDK.
func TestSchemaDescribesEverything(t *testing.T) {
	spec := loadSpec(t)
	var missing []string
	check := func(where string, props map[string]schemaProperty) {
		for name, p := range props {
			if strings.TrimSpace(p.Description) == "" {
				missing = append(missing, where+"."+name)
			}
		}
	}
	for name, r := range spec.Resources {
		if r.Description == "" {
			missing = append(missing, name)
		}
		check(name+" input", r.InputProperties)
		check(name+" output", r.Properties)
	}
	for name, typ := range spec.Types {
		if typ.Description == "" {
			missing = append(missing, name)
		}
		check(name, typ.Properties)
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("no description: %s", strings.Join(missing, ", "))
	}
}

func TestKubeconfigOutputIsSecretInSchema(t *testing.T) {
	spec := loadSpec(t)
	if !spec.Resources[platform.TypeToken].Properties["kubeconfig"].Secret {
		t.Fatal("schema: kubeconfig output must be secret: true")
	}
}

// TestConstructDispatchCoversSchema: every resource in the schema is a component the
// plugin constructs, and an unknown token is a clear error, not a crash.
func TestConstructDispatchCoversSchema(t *testing.T) {
	spec := loadSpec(t)
	for token, r := range spec.Resources {
		if !r.IsComponent {
			t.Errorf("%s is not a component; the plugin only constructs components", token)
		}
		if token != platform.TypeToken {
			t.Errorf("%s is in the schema but Construct has no case for it", token)
		}
	}
	_, err := Construct(nil, "eksplatform:index:Nope", "x", constructInputsForTest(), nil)
	if err == nil || !strings.Contains(err.Error(), `unknown resource type "eksplatform:index:Nope"`) ||
		!strings.Contains(err.Error(), platform.TypeToken) {
		t.Fatalf("unknown token: got %v", err)
	}
}

func ExampleSchema() {
	b, _ := Schema("9.9.9")
	var spec struct{ Version string }
	_ = json.Unmarshal(b, &spec)
	fmt.Println(spec.Version)
	// Output: 9.9.9
}
