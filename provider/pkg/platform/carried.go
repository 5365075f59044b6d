package platform

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A value read for validation and planning keeps the input it came from, so the
// resources that use it take the input itself: its secretness and dependencies travel
// with it, and an unknown at preview stays an unknown rather than becoming a wrong
// literal.

// stringList is a list input read.
type stringList struct {
	Values []string
	// Input is what the user gave; nil when the list is a default.
	Input pulumi.StringArrayInput
	// Known is false at preview when the list (or an element) is not known yet.
	Known  bool
	Secret bool
}

func readStrings(r reader, path string, in pulumi.StringArrayInput) stringList {
	a := await(in)
	values, _ := a.value.([]string)
	r.note(path, a.known)
	return stringList{Values: values, Input: in, Known: a.known, Secret: a.secret}
}

// listOf is a list the platform made up (a default), plain.
func listOf(values []string) stringList {
	return stringList{Values: values, Known: true}
}

// input is the list as a resource input.
func (l stringList) input() pulumi.StringArrayInput {
	if l.Input == nil || (l.Known && !l.Secret && isPlainStrings(l.Input)) {
		return pulumi.ToStringArray(l.Values)
	}
	return l.Input
}

// plain reports whether the list's values may appear in names and literals.
func (l stringList) plain() bool { return l.Known && !l.Secret }

// concat joins lists into one input, keeping secretness and unknowns.
func concatLists(lists ...stringList) pulumi.StringArrayInput {
	allPlain := true
	var values []string
	var inputs []any
	for _, l := range lists {
		allPlain = allPlain && (l.Input == nil || (l.plain() && isPlainStrings(l.Input)))
		values = append(values, l.Values...)
		inputs = append(inputs, l.input())
	}
	if allPlain {
		return pulumi.ToStringArray(values)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) []string {
		var out []string
		for _, l := range v {
			out = append(out, l.([]string)...)
		}
		return out
	}).(pulumi.StringArrayOutput)
}

// element is the input of one element of the list, carrying the list's secretness.
func (l stringList) element(i int) pulumi.StringInput {
	if l.Input == nil || l.plain() {
		return pulumi.String(l.Values[i])
	}
	return l.Input.ToStringArrayOutput().Index(pulumi.Int(i))
}

func isPlainStrings(in pulumi.StringArrayInput) bool {
	arr, ok := in.(pulumi.StringArray)
	if !ok {
		return false
	}
	for _, e := range arr {
		if _, ok := e.(pulumi.String); !ok {
			return false
		}
	}
	return true
}

// stringMap is a map input read (tags).
type stringMap struct {
	Values map[string]string
	Input  pulumi.StringMapInput
	Known  bool
	Secret bool
}

func readStringMap(r reader, path string, in pulumi.StringMapInput) stringMap {
	a := await(in)
	values, _ := a.value.(map[string]string)
	r.note(path, a.known)
	return stringMap{Values: values, Input: in, Known: a.known, Secret: a.secret}
}

func (m stringMap) plain() bool {
	if m.Input == nil {
		return true
	}
	if !m.Known || m.Secret {
		return false
	}
	sm, ok := m.Input.(pulumi.StringMap)
	if !ok {
		return false
	}
	for _, v := range sm {
		if _, ok := v.(pulumi.String); !ok {
			return false
		}
	}
	return true
}

// mergeMaps overlays maps left to right into one input: a literal when every part is
// plain, otherwise an Output that keeps the parts' secretness (a secret tag value makes
// the tags secret) and stays unknown while a part is.
func mergeMaps(maps ...stringMap) pulumi.StringMapInput {
	allPlain := true
	for _, m := range maps {
		allPlain = allPlain && m.plain()
	}
	if allPlain {
		merged := map[string]string{}
		for _, m := range maps {
			for k, v := range m.Values {
				merged[k] = v
			}
		}
		out := pulumi.StringMap{}
		for _, k := range sortedKeys(merged) {
			out[k] = pulumi.String(merged[k])
		}
		return out
	}
	var inputs []any
	for _, m := range maps {
		if m.Input == nil {
			inputs = append(inputs, pulumi.ToStringMap(m.Values))
		} else {
			inputs = append(inputs, m.Input)
		}
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) map[string]string {
		merged := map[string]string{}
		for _, m := range v {
			for k, s := range m.(map[string]string) {
				merged[k] = s
			}
		}
		return merged
	}).(pulumi.StringMapOutput)
}

// plainMapOf is a map the platform made up.
func plainMapOf(values map[string]string) stringMap {
	return stringMap{Values: values, Known: true}
}

// nameKey is the part of a resource name that identifies a value: the value itself
// when it may be shown, a short hash of it when it is secret, so a secret never lands
// in a URN in plain text while names stay stable from run to run.
func nameKey(value string, secret bool) string {
	if !secret {
		return value
	}
	sum := sha256.Sum256([]byte(value))
	return "secret-" + hex.EncodeToString(sum[:])[:12]
}
