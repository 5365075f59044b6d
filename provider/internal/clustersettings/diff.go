package clustersettings

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/settingsapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// replaceKeys name the cluster the settings belong to: another cluster (a new name, a
// replaced cluster's new ARN, another region) is another settings resource. The old
// one's Delete then acts on the old cluster, before that cluster's own delete.
var replaceKeys = []string{settingsapi.ClusterName, settingsapi.ClusterArn, settingsapi.Region}

// updateKeys change in place: the two EKS settings (one UpdateClusterConfig each), and
// the credentials' profile and role and the delete behaviour, which only the state holds.
var updateKeys = []string{settingsapi.DeletionProtection, settingsapi.ControlPlaneTier,
	settingsapi.Profile, settingsapi.RoleArn, settingsapi.ReleaseProtectionOnDelete}

// change is what Diff decides.
type change struct {
	Replaces []string
	Updates  []string
}

// Changed reports whether anything differs.
func (c change) Changed() bool { return len(c.Replaces)+len(c.Updates) > 0 }

// diffSettings compares the new inputs with the old state (outputs, so a value Read
// found changed in EKS, such as deletion protection turned off in the console, shows as
// a difference and the update repairs it). An unknown new value is a change. Secrets
// compare by value.
func diffSettings(olds, news resource.PropertyMap) change {
	var c change
	differs := func(key string) bool {
		o, n := plain(olds[resource.PropertyKey(key)]), plain(news[resource.PropertyKey(key)])
		if n.IsComputed() || n.IsOutput() && !n.OutputValue().Known {
			return true
		}
		if n.IsOutput() {
			n = plain(n.OutputValue().Element)
		}
		if o.IsOutput() {
			o = plain(o.OutputValue().Element)
		}
		return !o.DeepEquals(n)
	}
	for _, k := range replaceKeys {
		if differs(k) {
			c.Replaces = append(c.Replaces, k)
		}
	}
	for _, k := range updateKeys {
		if differs(k) {
			c.Updates = append(c.Updates, k)
		}
	}
	return c
}
