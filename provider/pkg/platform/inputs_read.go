package platform

import (
	"context"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Inputs are read as values, whatever wraps them. A Pulumi program passes literals,
// stack config, Outputs of other resources, StackReference outputs and secrets; through
// the plugin's Construct every one of them arrives as an Output, with its dependencies
// and secretness. The readers below wait for an input's value: a literal at once, an
// Output once its producer is done. At `pulumi up` every input is known by the time the
// component runs (the caller's SDK resolves inputs before it registers the component,
// and in-process Go waits here), so validation reads every value before the first
// resource is registered. At preview an Output of a resource not yet created is
// unknown: the reader reports it so, validation of that value is left to the update
// (which runs it before registering anything), and the stages plan around it
// (docs/design.md, "Inputs").

// awaited is an input read: its value, whether it was given at all, whether it is known
// (false only at preview), and whether it is secret.
type awaited struct {
	value  any
	given  bool
	known  bool
	secret bool
	deps   []pulumi.Resource
}

// await reads an input. Plain values answer at once; Outputs are waited for.
func await(in pulumi.Input) awaited {
	if in == nil {
		return awaited{known: true}
	}
	if v := reflect.ValueOf(in); v.Kind() == reflect.Pointer && v.IsNil() {
		return awaited{known: true}
	}
	switch v := in.(type) {
	case pulumi.String:
		return awaited{value: string(v), given: true, known: true}
	case *pulumi.String:
		return awaited{value: string(*v), given: true, known: true}
	case pulumi.Bool:
		return awaited{value: bool(v), given: true, known: true}
	case *pulumi.Bool:
		return awaited{value: bool(*v), given: true, known: true}
	case pulumi.Int:
		return awaited{value: int(v), given: true, known: true}
	case *pulumi.Int:
		return awaited{value: int(*v), given: true, known: true}
	}
	res, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.ToOutput(in))
	if err != nil {
		// The producer failed; the engine reports that failure itself.
		return awaited{given: true, known: false}
	}
	return awaited{value: res.Value, given: true, known: res.Known, secret: res.Secret, deps: res.Dependencies}
}

// plainString returns the value of in and whether it was given; known is false when in
// is unknown (only at preview).
func plainString(in pulumi.StringInput) (value string, given, known bool) {
	a := await(in)
	s, _ := a.value.(string)
	return s, a.given, a.known
}

// plainBool returns the value of in, or def when in was not given or is unknown.
func plainBool(in pulumi.BoolInput, def bool) (value, known bool) {
	a := await(in)
	b, ok := a.value.(bool)
	if !a.given || !ok {
		return def, a.known
	}
	return b, a.known
}

// plainInt returns the value of in and whether it was given.
func plainInt(in pulumi.IntInput) (value int, given, known bool) {
	a := await(in)
	n, _ := a.value.(int)
	return n, a.given, a.known
}

// plainStrings returns the elements of in; known is false when the list or any element
// is unknown.
func plainStrings(in pulumi.StringArrayInput) (values []string, given, known bool) {
	a := await(in)
	v, _ := a.value.([]string)
	return v, a.given, a.known
}

// plainStringMap returns the entries of in; known is false when any value is unknown.
func plainStringMap(in pulumi.StringMapInput) (values map[string]string, given, known bool) {
	a := await(in)
	v, _ := a.value.(map[string]string)
	return v, a.given, a.known
}

// plainMap returns a free-form map (chart values, add-on configuration) with every
// nested Output resolved; known is false when any part is unknown.
func plainMap(in pulumi.MapInput) (values map[string]any, given, known bool) {
	a := await(in)
	v, _ := a.value.(map[string]any)
	return v, a.given, a.known
}

// reader reads fields, recording a problem, with the field's path, for each value that
// cannot be read when it must be: at an update every value is known, so an unknown one
// there fails closed rather than passing unchecked. At preview (problems.preview)
// unknowns take their defaults, are noted in problems.unknown, and are checked at the
// update.
type reader struct {
	p *problems
}

func (r reader) note(path string, known bool) {
	if known {
		return
	}
	if r.p.preview {
		r.p.markUnknown(path)
		return
	}
	r.p.addf("%s: not known during the update (an Output that never resolved); pass a value, or an Output of a resource this program creates", path)
}

func (r reader) str(path string, in pulumi.StringInput) string {
	v, _, known := plainString(in)
	r.note(path, known)
	return v
}

func (r reader) boolean(path string, in pulumi.BoolInput, def bool) bool {
	v, known := plainBool(in, def)
	r.note(path, known)
	return v
}

// integer returns the value of in, or def when it was not given (or is unknown).
func (r reader) integer(path string, in pulumi.IntInput, def int) int {
	v, given, known := plainInt(in)
	r.note(path, known)
	if !given || !known {
		return def
	}
	return v
}

func (r reader) strs(path string, in pulumi.StringArrayInput) []string {
	v, _, known := plainStrings(in)
	r.note(path, known)
	return v
}

func (r reader) strMap(path string, in pulumi.StringMapInput) map[string]string {
	v, _, known := plainStringMap(in)
	r.note(path, known)
	return v
}

// inputDeps are the resources every input of args depends on (Outputs of other
// resources, the StackReference of a stack output). Every child of the platform depends
// on them, so a destroy or a replacement orders the platform before the user's VPC and
// roles, as it would had the child used the value directly.
func inputDeps(args *Args) []pulumi.Resource {
	var deps []pulumi.Resource
	seen := map[pulumi.Resource]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if !v.IsValid() {
			return
		}
		if v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return
			}
			if in, ok := v.Interface().(pulumi.Input); ok {
				for _, d := range await(in).deps {
					if !seen[d] {
						seen[d] = true
						deps = append(deps, d)
					}
				}
				return
			}
			walk(v.Elem())
			return
		}
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(args))
	return deps
}
