package provider

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/proto"
)

// The raw inputs of a Construct call, checked and reshaped before the SDK decodes them.
//
// The SDK's typed decoding (ConstructInputs.CopyTo) has three gaps this file closes:
//
//   - It drops keys it does not know, so a misspelt input or add-on name would silently
//     do nothing.
//   - Its type errors name Go types ("copying input "kubernetesVersion": expected a
//     pulumi.String, got a number") and stop at the first.
//   - It cannot put an Output or a secret into a plain Go struct or slice, so a program
//     that passes a whole list of objects as one Output (pulumi.output([...]), a
//     StackReference output, a secret object) fails with "expected destination type to
//     implement pulumi.Input or pulumi.Output, got []platform.NodeGroupArgs".
//
// PrepareInputs walks the raw property values along the Go type they will be decoded
// into (platform.Args, following `pulumi:"..."` tags): it reports every unknown key and
// every type mismatch with its full path, all at once, and it moves each Output or secret
// wrapper that sits on a struct, a pointer to a struct or a slice of structs down onto
// every leaf inside, so each leaf keeps the wrapper's secretness and dependencies. A
// wrapper that is unknown (at preview) is left out, as if not given: the preview plans
// without those items and the update, where the value is known, has them.

var (
	argsType  = reflect.TypeFor[platform.Args]()
	inputType = reflect.TypeFor[pulumi.Input]()
)

// argsTypes are the Go types each component's inputs are decoded into, by type token.
var argsTypes = map[string]reflect.Type{platform.TypeToken: argsType}

// rawOpts read and write a ConstructRequest's inputs as the engine sends them: unknowns,
// secrets, resource references and output values all kept.
var rawOpts = plugin.MarshalOptions{
	KeepUnknowns:     true,
	KeepSecrets:      true,
	KeepResources:    true,
	KeepOutputValues: true,
	KeepByteString:   true,
}

// PrepareInputs checks the inputs of a Construct request against the Go type the
// component decodes them into, and returns the request with Output and secret wrappers
// moved from objects and lists down onto their leaves (see the comment at the top of
// this file). A request for a type it does not know is returned as it is. The error
// lists every problem, each as "<path>: <problem>; <fix>".
func PrepareInputs(req *pulumirpc.ConstructRequest) (*pulumirpc.ConstructRequest, error) {
	t, ok := argsTypes[req.GetType()]
	if !ok {
		return req, nil
	}
	inputs, err := plugin.UnmarshalProperties(req.GetInputs(), rawOpts)
	if err != nil {
		return nil, fmt.Errorf("invalid EksPlatform inputs: %w", err)
	}
	deps := map[string][]resource.URN{}
	for k, d := range req.GetInputDependencies() {
		for _, u := range d.GetUrns() {
			deps[k] = append(deps[k], resource.URN(u))
		}
	}
	out, outDeps, problems := prepare(inputs, deps, t)
	if len(problems) > 0 {
		return nil, errors.New("invalid EksPlatform inputs:\n  - " + strings.Join(problems, "\n  - "))
	}
	marshalled, err := plugin.MarshalProperties(out, rawOpts)
	if err != nil {
		return nil, fmt.Errorf("invalid EksPlatform inputs: %w", err)
	}
	prepared := proto.Clone(req).(*pulumirpc.ConstructRequest)
	prepared.Inputs = marshalled
	prepared.InputDependencies = map[string]*pulumirpc.ConstructRequest_PropertyDependencies{}
	for k, d := range outDeps {
		urns := make([]string, len(d))
		for i, u := range d {
			urns[i] = string(u)
		}
		prepared.InputDependencies[k] = &pulumirpc.ConstructRequest_PropertyDependencies{Urns: urns}
	}
	return prepared, nil
}

// prepare checks and reshapes top-level inputs (see PrepareInputs); deps are the
// dependencies the calling SDK reported for each input, and the returned ones are those
// to report to the SDK's decoding.
func prepare(inputs resource.PropertyMap, deps map[string][]resource.URN, t reflect.Type) (
	resource.PropertyMap, map[string][]resource.URN, []string,
) {
	w := &walker{}
	out := resource.PropertyMap{}
	outDeps := map[string][]resource.URN{}
	for _, key := range slices.Sorted(maps.Keys(inputs)) {
		k, v := string(key), inputs[key]
		field, ok := fieldByTag(t, k)
		if !ok {
			if strings.HasPrefix(k, "__") {
				out[key], outDeps[k] = v, deps[k]
			} else {
				w.addf("%s: unknown input; known inputs are %s", k, strings.Join(tags(t), ", "))
			}
			continue
		}
		if isLeaf(field.Type) {
			// The SDK carries Outputs and secrets on leaves itself, with the input's
			// dependencies.
			w.check(k, v, field.Type)
			out[key], outDeps[k] = v, deps[k]
			continue
		}
		// An object or list: dependencies the SDK reported beyond those inside the value
		// (an SDK that resolved an Output before sending it) go onto the leaves too, so the
		// SDK's decoding need not put an Output into a plain struct.
		inside := map[resource.URN]bool{}
		gatherDeps(v, inside)
		var extra []resource.URN
		for _, u := range deps[k] {
			if !inside[u] {
				extra = append(extra, u)
			}
		}
		nv, ok := w.value(k, v, field.Type, carry{}.with(false, extra))
		if !ok {
			// Unknown (preview): not given, and named under unknownInputsKey so the
			// platform knows it was given and plans around it.
			w.unknown = append(w.unknown, k)
			continue
		}
		out[key] = nv
		set := map[resource.URN]bool{}
		gatherDeps(nv, set)
		if len(set) > 0 {
			outDeps[k] = slices.Sorted(maps.Keys(set))
		}
	}
	for k, d := range outDeps {
		if len(d) == 0 {
			delete(outDeps, k)
		}
	}
	if len(w.unknown) > 0 {
		slices.Sort(w.unknown)
		var names []resource.PropertyValue
		for _, k := range w.unknown {
			names = append(names, resource.NewProperty(k))
		}
		out[unknownInputsKey] = resource.NewProperty(names)
	}
	return out, outDeps, w.problems
}

// unknownInputsKey carries, from PrepareInputs to constructPlatform, the list and
// object inputs that were unknown at preview and left out. Keys starting with "__" are
// the engine's and the plugin's own, never a user's input.
const unknownInputsKey = "__eksplatformUnknownAtPreview"

// checkKeys checks a plain value (maps, slices, strings, numbers, booleans) against the
// Go type it will be decoded into, returning every problem with its path.
func checkKeys(path string, v any, t reflect.Type) []string {
	w := &walker{}
	w.value(path, resource.NewPropertyValue(v), t, carry{})
	return w.problems
}

// carry is the secretness and dependencies of the wrappers around a value.
type carry struct {
	secret bool
	deps   []resource.URN
}

func (c carry) with(secret bool, deps []resource.URN) carry {
	set := map[resource.URN]bool{}
	for _, u := range c.deps {
		set[u] = true
	}
	for _, u := range deps {
		set[u] = true
	}
	return carry{secret: c.secret || secret, deps: slices.Sorted(maps.Keys(set))}
}

func (c carry) empty() bool { return !c.secret && len(c.deps) == 0 }

// walker collects problems, and the top-level inputs left out as unknown.
type walker struct{ problems, unknown []string }

func (w *walker) addf(format string, args ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

// value checks v against t and returns it with the wrappers on objects and lists moved
// onto the leaves (c is what the enclosing wrappers carry); ok is false when v is
// unknown where t is an object or a list, so the caller leaves it out.
func (w *walker) value(path string, v resource.PropertyValue, t reflect.Type, c carry) (resource.PropertyValue, bool) {
	if isLeaf(t) {
		w.check(path, v, t)
		return pushDown(v, c), true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case v.IsNull():
		return v, true
	case v.IsSecret():
		return w.value(path, v.SecretValue().Element, t, c.with(true, nil))
	case v.IsComputed():
		return resource.NewNullProperty(), false
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return resource.NewNullProperty(), false
		}
		return w.value(path, o.Element, t, c.with(o.Secret, o.Dependencies))
	}
	switch t.Kind() {
	case reflect.Struct:
		if !v.IsObject() {
			w.addf("%s: must be an object, got %s; give an object ({key: value, ...})", path, describe(v))
			return v, true
		}
		obj := v.ObjectValue()
		out := resource.PropertyMap{}
		for _, key := range slices.Sorted(maps.Keys(obj)) {
			k := string(key)
			field, ok := fieldByTag(t, k)
			if !ok {
				what := "field"
				if path == "addons" {
					what = "add-on"
				}
				w.addf("%s: unknown %s; known are %s", join(path, k), what, strings.Join(tags(t), ", "))
				continue
			}
			if nv, ok := w.value(join(path, k), obj[key], field.Type, c); ok {
				out[key] = nv
			}
		}
		return resource.NewProperty(out), true
	case reflect.Slice:
		if !v.IsArray() {
			w.addf("%s: must be a list, got %s; give a list ([...]), even of one item", path, describe(v))
			return v, true
		}
		var out []resource.PropertyValue
		for i, e := range v.ArrayValue() {
			if nv, ok := w.value(fmt.Sprintf("%s[%d]", path, i), e, t.Elem(), c); ok {
				out = append(out, nv)
			}
		}
		if out == nil {
			out = []resource.PropertyValue{}
		}
		return resource.NewProperty(out), true
	}
	return pushDown(v, c), true
}

// pushDown puts the secretness and dependencies of the wrappers that enclosed a leaf
// onto the leaf itself, merged with its own.
func pushDown(v resource.PropertyValue, c carry) resource.PropertyValue {
	if c.empty() || v.IsNull() {
		return v
	}
	o := resource.Output{Element: v, Known: true, Secret: c.secret, Dependencies: c.deps}
	switch {
	case v.IsSecret():
		o.Secret, o.Element = true, v.SecretValue().Element
		if o.Element.IsComputed() {
			o.Known, o.Element = false, resource.NewNullProperty()
		}
	case v.IsComputed():
		o.Known, o.Element = false, resource.NewNullProperty()
	case v.IsOutput():
		in := v.OutputValue()
		o.Known, o.Element = in.Known, in.Element
		o.Secret = o.Secret || in.Secret
		o.Dependencies = c.with(false, in.Dependencies).deps
	}
	if o.Known && o.Element.ContainsUnknowns() {
		o.Known = false
	}
	return resource.NewProperty(o)
}

// leafKinds are the pulumi Input types a leaf may have, and what values they take.
var leafKinds = map[reflect.Type]string{
	reflect.TypeFor[pulumi.StringInput]():      "string",
	reflect.TypeFor[pulumi.BoolInput]():        "bool",
	reflect.TypeFor[pulumi.IntInput]():         "int",
	reflect.TypeFor[pulumi.Float64Input]():     "number",
	reflect.TypeFor[pulumi.StringArrayInput](): "[]string",
	reflect.TypeFor[pulumi.IntArrayInput]():    "[]int",
	reflect.TypeFor[pulumi.BoolArrayInput]():   "[]bool",
	reflect.TypeFor[pulumi.StringMapInput]():   "map[string]string",
	reflect.TypeFor[pulumi.MapInput]():         "map",
	reflect.TypeFor[pulumi.ArrayInput]():       "[]any",
}

// isLeaf reports whether values of t are decoded by the SDK as one Input (so they may
// be Outputs or secrets), rather than walked as objects or lists.
func isLeaf(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer && !t.Implements(inputType) {
		t = t.Elem()
	}
	if t.Implements(inputType) {
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		return false
	case reflect.Slice:
		return isLeaf(t.Elem())
	}
	return true
}

// check reports a leaf value that does not have the leaf type's shape. Unknown values
// cannot be checked and pass.
func (w *walker) check(path string, v resource.PropertyValue, t reflect.Type) {
	v, ok := peel(v)
	if !ok || v.IsNull() {
		return
	}
	switch leafKinds[t] {
	case "string":
		if !v.IsString() {
			w.addf("%s: expected a string, got %s; give a string value%s", path, describe(v), asString(v))
		}
	case "bool":
		if !v.IsBool() {
			fix := "give true or false"
			if v.IsString() {
				fix += ", without quotes"
			}
			w.addf("%s: expected a boolean, got %s; %s", path, describe(v), fix)
		}
	case "int":
		w.integer(path, v)
	case "number":
		if !v.IsNumber() {
			w.addf("%s: expected a number, got %s; give a number%s", path, describe(v), withoutQuotes(v))
		}
	case "[]string", "[]int", "[]bool", "[]any":
		if !v.IsArray() {
			example := ""
			if v.IsString() {
				example = fmt.Sprintf(" (e.g. [%q])", v.StringValue())
			}
			w.addf("%s: expected a list, got %s; give a list%s, even of one item", path, describe(v), example)
			return
		}
		elem := map[string]reflect.Type{
			"[]string": reflect.TypeFor[pulumi.StringInput](),
			"[]int":    reflect.TypeFor[pulumi.IntInput](),
			"[]bool":   reflect.TypeFor[pulumi.BoolInput](),
		}[leafKinds[t]]
		if elem == nil {
			return
		}
		for i, e := range v.ArrayValue() {
			w.check(fmt.Sprintf("%s[%d]", path, i), e, elem)
		}
	case "map[string]string":
		if !v.IsObject() {
			w.addf("%s: expected an object of strings (key: value), got %s; give an object such as {team: \"platform\"}", path, describe(v))
			return
		}
		obj := v.ObjectValue()
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			w.check(join(path, string(k)), obj[k], reflect.TypeFor[pulumi.StringInput]())
		}
	case "map":
		if !v.IsObject() {
			w.addf("%s: must be an object of values (key: value), got %s; give the values as an object, not as YAML or JSON text", path, describe(v))
		}
	}
}

func (w *walker) integer(path string, v resource.PropertyValue) {
	switch {
	case v.IsNumber():
		n := v.NumberValue()
		if n != float64(int64(n)) || n > 1<<53 || n < -(1<<53) {
			w.addf("%s: expected an integer, got %s; give a whole number (e.g. %d)", path,
				strconv.FormatFloat(n, 'g', -1, 64), int64(n))
		}
	default:
		w.addf("%s: expected an integer, got %s; give a whole number%s", path, describe(v), withoutQuotes(v))
	}
}

// peel returns the value inside secrets and known Outputs; ok is false when it is unknown.
func peel(v resource.PropertyValue) (resource.PropertyValue, bool) {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsComputed():
			return v, false
		case v.IsOutput():
			if !v.OutputValue().Known {
				return v, false
			}
			v = v.OutputValue().Element
		default:
			return v, true
		}
	}
}

// asString suggests the string form of a number or boolean given for a string.
func asString(v resource.PropertyValue) string {
	switch {
	case v.IsNumber():
		return fmt.Sprintf(" (e.g. %q)", strconv.FormatFloat(v.NumberValue(), 'f', -1, 64))
	case v.IsBool():
		return fmt.Sprintf(" (e.g. %q)", strconv.FormatBool(v.BoolValue()))
	}
	return ""
}

// withoutQuotes suggests the number a string given for a number spells.
func withoutQuotes(v resource.PropertyValue) string {
	if v.IsString() {
		if n, err := strconv.ParseFloat(strings.TrimSpace(v.StringValue()), 64); err == nil {
			return fmt.Sprintf(", without quotes (e.g. %s)", strconv.FormatFloat(n, 'f', -1, 64))
		}
	}
	return ""
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// join appends a key to a path: path.key, or path["key"] for keys that are not
// identifiers.
func join(path, key string) string {
	if identifier.MatchString(key) {
		return path + "." + key
	}
	return fmt.Sprintf("%s[%q]", path, key)
}

// DependenciesOf are the URNs a value's Outputs and resource references came from,
// sorted: what a calling SDK reports as the value's property dependencies.
func DependenciesOf(v resource.PropertyValue) []resource.URN {
	set := map[resource.URN]bool{}
	gatherDeps(v, set)
	return slices.Sorted(maps.Keys(set))
}

// gatherDeps collects the URNs a value's Outputs and resource references came from.
func gatherDeps(v resource.PropertyValue, set map[resource.URN]bool) {
	switch {
	case v.IsSecret():
		gatherDeps(v.SecretValue().Element, set)
	case v.IsComputed():
		gatherDeps(v.Input().Element, set)
	case v.IsOutput():
		for _, u := range v.OutputValue().Dependencies {
			set[u] = true
		}
		gatherDeps(v.OutputValue().Element, set)
	case v.IsResourceReference():
		set[v.ResourceReferenceValue().URN] = true
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			gatherDeps(e, set)
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			gatherDeps(e, set)
		}
	}
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); strings.Split(f.Tag.Get("pulumi"), ",")[0] == tag {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tags(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if tag := strings.Split(t.Field(i).Tag.Get("pulumi"), ",")[0]; tag != "" {
			out = append(out, tag)
		}
	}
	return out
}

func describe(v resource.PropertyValue) string {
	switch {
	case v.IsString():
		return "a string"
	case v.IsNumber():
		return "a number"
	case v.IsBool():
		return "a boolean"
	case v.IsArray():
		return "a list"
	case v.IsObject():
		return "an object"
	case v.IsNull():
		return "null"
	case v.IsAsset():
		return "an asset"
	case v.IsArchive():
		return "an archive"
	case v.IsResourceReference():
		return "a resource"
	default:
		return v.TypeString()
	}
}
