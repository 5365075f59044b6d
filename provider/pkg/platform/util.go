package platform

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
)

var iamRoleArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`)

// sortedKeys iterates a map in a fixed order: map order must never reach a resource's
// inputs, or a second `pulumi up` would show changes.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}
