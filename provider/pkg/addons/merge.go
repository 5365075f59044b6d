package addons

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// MergeValues returns the user's values merged over the platform's: DeepMerge (Helm's
// semantics: the user wins, lists are replaced, null removes a key), except at the
// add-on's MergedLists, where the platform's list is kept and the user's entries are
// added after it. There an entry that is an object with a "name" (an env variable, say)
// whose name the platform's list already has is dropped, so the platform's wins (the
// platform rejects such entries at resolve time, see CheckValues), and an entry equal to
// one of the platform's is not repeated. Neither argument is changed.
func (a Addon) MergeValues(platform, user map[string]any) map[string]any {
	out := DeepMerge(platform, user)
	for _, dotted := range a.MergedLists {
		path := strings.Split(dotted, ".")
		pv, ok := Lookup(platform, path...)
		plist, isList := pv.([]any)
		if !ok || !isList {
			continue
		}
		var ulist []any
		if uv, ok := Lookup(user, path...); ok {
			ulist, _ = uv.([]any)
		}
		EnsurePath(out, path[:len(path)-1])[path[len(path)-1]] = mergeList(plist, ulist)
	}
	return out
}

// mergeList is the platform's entries, then the user's that neither repeat one of them
// nor reuse the name of one.
func mergeList(platform, user []any) []any {
	out := deepCopyValue(platform).([]any)
	for _, u := range user {
		if name, ok := entryName(u); ok && slices.Contains(entryNames(platform), name) {
			continue
		}
		if slices.ContainsFunc(out, func(p any) bool { return reflect.DeepEqual(p, u) }) {
			continue
		}
		out = append(out, deepCopyValue(u))
	}
	return out
}

// entryName is the "name" of a list entry that is an object with one.
func entryName(e any) (string, bool) {
	m, ok := e.(map[string]any)
	if !ok {
		return "", false
	}
	name, ok := m["name"].(string)
	return name, ok
}

func entryNames(list []any) []string {
	var names []string
	for _, e := range list {
		if name, ok := entryName(e); ok {
			names = append(names, name)
		}
	}
	return names
}

// CheckValues checks the user's values (plain, read at resolve time) against what the
// platform needs of them, and returns one "<path>: <problem>; <fix>" per problem. path
// is the values input's path ("addons.externalDns.values"); platform is the platform's
// values as far as they are known at resolve time (Render without the deploy-time
// region, VPC and role).
//
//   - null at an Owned or MergedLists path, or on the way to one, would remove what the
//     platform sets there; a scalar or list on the way would replace it.
//   - At a MergedLists path the user must give a list: the platform's entries are kept
//     and the user's added, which a map (some charts read either) cannot be merged with.
//   - A MergedLists entry reusing the name of one of the platform's entries with another
//     value would be dropped silently at the merge; it is rejected here. (The platform's
//     value may depend on the region, unknown at resolve time, so only an entry equal to
//     the one rendered here passes.)
func (a Addon) CheckValues(path string, user, platform map[string]any) []string {
	var problems []string
	var paths []string
	for _, p := range append(slices.Clone(a.Owned), a.MergedLists...) {
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	for _, dotted := range paths {
		segs := strings.Split(dotted, ".")
		for i := 1; i <= len(segs); i++ {
			v, ok := Lookup(user, segs[:i]...)
			if !ok {
				break
			}
			at := path + "." + strings.Join(segs[:i], ".")
			if v == nil {
				problems = append(problems, fmt.Sprintf("%s: null would remove %s, which the platform sets for %s; remove the null (or give another value)",
					at, dotted, a.Name))
				break
			}
			if _, isMap := v.(map[string]any); i < len(segs) && !isMap {
				problems = append(problems, fmt.Sprintf("%s: must be an object, since it holds %s, which the platform sets for %s; give an object (its other keys merge with the platform's)",
					at, dotted, a.Name))
				break
			}
		}
	}
	for _, dotted := range a.MergedLists {
		segs := strings.Split(dotted, ".")
		uv, ok := Lookup(user, segs...)
		if !ok || uv == nil {
			continue
		}
		at := path + "." + dotted
		ulist, isList := uv.([]any)
		if !isList {
			problems = append(problems, fmt.Sprintf("%s: must be a list, since the platform keeps its own entries in %s and adds yours, and a %s cannot be merged with a list; give your entries as a list",
				at, dotted, kindOf(uv)))
			continue
		}
		pv, _ := Lookup(platform, segs...)
		plist, _ := pv.([]any)
		for i, u := range ulist {
			name, named := entryName(u)
			if !named {
				continue
			}
			for _, p := range plist {
				if pn, ok := entryName(p); ok && pn == name && !reflect.DeepEqual(p, u) {
					problems = append(problems, fmt.Sprintf("%s[%d]: %q is set by the platform for %s (%s); remove this entry, the platform's is always kept",
						at, i, name, a.Name, describeEntry(p)))
				}
			}
		}
	}
	return problems
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "map"
	case string:
		return "string"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// describeEntry says what the platform's entry is, without a value known only at deploy
// time.
func describeEntry(e any) string {
	m, _ := e.(map[string]any)
	if v, ok := m["value"].(string); ok && v != "" {
		return fmt.Sprintf("value %q", v)
	}
	return "its value follows the cluster"
}
