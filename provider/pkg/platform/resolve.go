package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The readers below turn an Input into a plain value when the value is known at
// construction: a literal in a Go program, or a known, non-secret, dependency-free
// value sent by another language's SDK (Construct hands those over as plain values).
// Anything else is an Output. Fields that name resources or decide how many there are
// must be plain; the caller records a problem naming the field when they are not.

const mustBeKnown = "must be known when the platform is constructed (a literal, stack config or a lookup), not a secret or another resource's output"

// plainString returns the value of in and whether it was given; known is false when in
// is an Output.
func plainString(in pulumi.StringInput) (value string, given, known bool) {
	switch v := in.(type) {
	case nil:
		return "", false, true
	case pulumi.String:
		return string(v), true, true
	case *pulumi.String:
		if v == nil {
			return "", false, true
		}
		return string(*v), true, true
	default:
		return "", true, false
	}
}

// plainBool returns the value of in, or def when in was not given.
func plainBool(in pulumi.BoolInput, def bool) (value, known bool) {
	switch v := in.(type) {
	case nil:
		return def, true
	case pulumi.Bool:
		return bool(v), true
	case *pulumi.Bool:
		if v == nil {
			return def, true
		}
		return bool(*v), true
	default:
		return def, false
	}
}

// plainInt returns the value of in and whether it was given.
func plainInt(in pulumi.IntInput) (value int, given, known bool) {
	switch v := in.(type) {
	case nil:
		return 0, false, true
	case pulumi.Int:
		return int(v), true, true
	case *pulumi.Int:
		if v == nil {
			return 0, false, true
		}
		return int(*v), true, true
	default:
		return 0, true, false
	}
}

// plainStrings returns the elements of in. known is false when the array or any
// element is an Output.
func plainStrings(in pulumi.StringArrayInput) (values []string, given, known bool) {
	switch v := in.(type) {
	case nil:
		return nil, false, true
	case pulumi.StringArray:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, _, ok := plainString(e)
			if !ok {
				return nil, true, false
			}
			out = append(out, s)
		}
		return out, true, true
	default:
		return nil, true, false
	}
}

// plainStringMap returns the entries of in. known is false when the map or any value
// is an Output.
func plainStringMap(in pulumi.StringMapInput) (values map[string]string, given, known bool) {
	switch v := in.(type) {
	case nil:
		return nil, false, true
	case pulumi.StringMap:
		out := make(map[string]string, len(v))
		for k, e := range v {
			s, _, ok := plainString(e)
			if !ok {
				return nil, true, false
			}
			out[k] = s
		}
		return out, true, true
	default:
		return nil, true, false
	}
}

// reader reads plain fields and records a problem, with the field's path, for each one
// that is not known.
type reader struct {
	p *problems
}

func (r reader) str(path string, in pulumi.StringInput) string {
	v, _, known := plainString(in)
	if !known {
		r.p.addf("%s %s", path, mustBeKnown)
	}
	return v
}

func (r reader) boolean(path string, in pulumi.BoolInput, def bool) bool {
	v, known := plainBool(in, def)
	if !known {
		r.p.addf("%s %s", path, mustBeKnown)
	}
	return v
}

// integer returns the value of in, or def when it was not given.
func (r reader) integer(path string, in pulumi.IntInput, def int) int {
	v, given, known := plainInt(in)
	if !known {
		r.p.addf("%s %s", path, mustBeKnown)
		return def
	}
	if !given {
		return def
	}
	return v
}

func (r reader) strs(path string, in pulumi.StringArrayInput) []string {
	v, _, known := plainStrings(in)
	if !known {
		r.p.addf("%s %s", path, mustBeKnown)
	}
	return v
}

func (r reader) strMap(path string, in pulumi.StringMapInput) map[string]string {
	v, _, known := plainStringMap(in)
	if !known {
		r.p.addf("%s %s", path, mustBeKnown)
	}
	return v
}
