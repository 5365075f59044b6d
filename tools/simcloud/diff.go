package simcloud

import (
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// norm makes a value comparable the way the real providers compare: secret
// wrappers do not count (secretness alone is not a change), keys starting
// with "__" are engine bookkeeping (__defaults), and null equals missing.
func norm(v resource.PropertyValue) resource.PropertyValue {
	v = val(v)
	switch {
	case v.IsObject():
		out := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			if strings.HasPrefix(string(k), "__") {
				continue
			}
			if e = norm(e); !e.IsNull() {
				out[k] = e
			}
		}
		return resource.NewObjectProperty(out)
	case v.IsArray():
		arr := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			arr[i] = norm(e)
		}
		return resource.NewArrayProperty(arr)
	}
	return v
}

func equal(a, b resource.PropertyValue) bool {
	a, b = norm(a), norm(b)
	if a.IsComputed() || b.IsComputed() { // an unknown may be anything: report a change
		return false
	}
	return a.DeepEquals(b)
}

// changedKeys lists the top-level keys whose values differ, sorted.
func changedKeys(olds, news resource.PropertyMap, ignore []string) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if strings.HasPrefix(string(k), "__") || slices.Contains(ignore, string(k)) {
			continue
		}
		if !equal(olds[k], news[k]) {
			out = append(out, string(k))
		}
	}
	sort.Strings(out)
	return out
}

// replacements lists the changed top-level keys whose change touches a
// create-only path of the type.
func replacements(typ string, olds, news resource.PropertyMap, changed []string) []string {
	var out []string
	for _, p := range infoFor(typ).createOnly {
		path := strings.Split(p, ".")
		if !slices.Contains(changed, path[0]) || slices.Contains(out, path[0]) {
			continue
		}
		if !equal(get(olds, path...), get(news, path...)) {
			out = append(out, path[0])
		}
	}
	if typ == typCluster && nodeRoleChanged(olds, news) && !slices.Contains(out, "computeConfig") {
		out = append(out, "computeConfig")
	}
	if typ == typCluster && encryptionRemoved(olds, news) {
		out = append(out, "encryptionConfig")
	}
	sort.Strings(out)
	return out
}

// encryptionRemoved reports a cluster whose secrets encryption is dropped: EKS cannot
// turn envelope encryption off, so the provider replaces the cluster (a CustomizeDiff
// ForceNewIfChange on encryption_config from one block to none); adding it is an
// update (AssociateEncryptionConfig).
func encryptionRemoved(olds, news resource.PropertyMap) bool {
	return !norm(get(olds, "encryptionConfig")).IsNull() && norm(get(news, "encryptionConfig")).IsNull()
}
