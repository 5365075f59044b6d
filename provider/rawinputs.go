package provider

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

var (
	argsType     = reflect.TypeFor[platform.Args]()
	mapInputType = reflect.TypeFor[pulumi.MapInput]()
)

// checkRawInputs reports keys the typed decoding would silently drop (a misspelt input,
// an add-on the catalogue does not have) and free-form values that are not objects, each
// with its path. Values that are secret or unknown cannot be read here; the typed
// decoding and the platform's own validation deal with them.
func checkRawInputs(inputs pulumiprovider.ConstructInputs) error {
	all, err := inputs.Map()
	if err != nil {
		return fmt.Errorf("invalid EksPlatform inputs: %w", err)
	}
	var problems []string
	for _, key := range slices.Sorted(maps.Keys(all)) {
		field, ok := fieldByTag(argsType, key)
		if !ok {
			if !strings.HasPrefix(key, "__") {
				problems = append(problems, fmt.Sprintf("%s: unknown input; known inputs are %s", key, strings.Join(tags(argsType), ", ")))
			}
			continue
		}
		if !needsWalk(field.Type) {
			continue
		}
		raw, ok := rawValue(inputs, key)
		if !ok {
			continue
		}
		problems = append(problems, checkKeys(key, raw, field.Type)...)
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New("invalid EksPlatform inputs:\n  - " + strings.Join(problems, "\n  - "))
}

// rawValue decodes one input into plain Go values (maps, slices, strings), or reports
// false when it cannot (secret, unknown, or another resource's output).
func rawValue(inputs pulumiprovider.ConstructInputs, key string) (any, bool) {
	holder := reflect.New(reflect.StructOf([]reflect.StructField{{
		Name: "V", Type: reflect.TypeFor[any](), Tag: reflect.StructTag(`pulumi:"` + key + `"`),
	}}))
	if err := inputs.CopyTo(holder.Interface()); err != nil {
		return nil, false
	}
	return holder.Elem().Field(0).Interface(), true
}

// checkKeys compares a raw value with the Go type it will be decoded into.
func checkKeys(path string, v any, t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return nil
	}
	switch {
	case t == mapInputType:
		if _, ok := v.(map[string]any); !ok {
			return []string{fmt.Sprintf("%s: must be an object of values (key: value), got %s", path, describe(v))}
		}
	case t.Kind() == reflect.Slice && needsWalk(t.Elem()):
		list, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: must be a list, got %s", path, describe(v))}
		}
		var out []string
		for i, e := range list {
			out = append(out, checkKeys(fmt.Sprintf("%s[%d]", path, i), e, t.Elem())...)
		}
		return out
	case t.Kind() == reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: must be an object, got %s", path, describe(v))}
		}
		var out []string
		for _, key := range slices.Sorted(maps.Keys(obj)) {
			field, ok := fieldByTag(t, key)
			if !ok {
				what := "field"
				if path == "addons" {
					what = "add-on"
				}
				out = append(out, fmt.Sprintf("%s.%s: unknown %s; known are %s", path, key, what, strings.Join(tags(t), ", ")))
				continue
			}
			out = append(out, checkKeys(path+"."+key, obj[key], field.Type)...)
		}
		return out
	}
	return nil
}

// needsWalk reports whether values of t have keys or shapes worth checking.
func needsWalk(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t == mapInputType || t.Kind() == reflect.Struct || (t.Kind() == reflect.Slice && needsWalk(t.Elem()))
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

func describe(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	default:
		return fmt.Sprintf("%T", v)
	}
}
