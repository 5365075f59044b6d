package platform

import (
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/settingsapi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// clusterSettingsConfig is the resolved input of the cluster settings stage: the EKS
// settings pulumi-aws v6 cannot express, which the plugin's own resource sets
// (cluster_settings.go). The inputs are kept as given, so a secret or unknown value
// reaches the resource as it is.
type clusterSettingsConfig struct {
	// DeletionProtection is the deletionProtection input; nil when not given, and then
	// the default is decided against the running cluster (deletionProtectionDefault).
	DeletionProtection pulumi.BoolInput
	// Tier is the controlPlaneTier input; nil when not given: the tier is left as EKS
	// has it (standard unless someone changed it).
	Tier pulumi.StringInput
}

// resolveClusterSettings reads deletionProtection and controlPlaneTier.
func resolveClusterSettings(p *problems, args *Args) clusterSettingsConfig {
	r := reader{p}
	c := clusterSettingsConfig{}
	if a := await(args.DeletionProtection); a.given {
		r.note("deletionProtection", a.known)
		if _, ok := a.value.(bool); a.known && !ok {
			p.addf("deletionProtection: %T is not a boolean; give true or false", a.value)
		}
		c.DeletionProtection = args.DeletionProtection
	}
	if tier, given, known := plainString(args.ControlPlaneTier); given {
		r.note("controlPlaneTier", known)
		if known && !slices.Contains(settingsapi.Tiers, tier) {
			p.addf("controlPlaneTier: %q is not a provisioned control plane tier; use one of %s (standard is EKS's default)",
				tier, strings.Join(settingsapi.Tiers, ", "))
		}
		c.Tier = args.ControlPlaneTier
	}
	return c
}

// deletionProtectionDefaultTag records on the cluster that the platform was created by
// a release whose deletionProtection defaults to true. Platforms created earlier (0.1.0
// and the releases before deletion protection) carry no such tag and keep what they
// had: deletion protection is theirs to turn on with the input, and upgrading changes
// nothing (docs/upgrading.md).
const deletionProtectionDefaultTag = guardTagPrefix + "deletionProtectionDefault"

// deletionProtectionDefault is deletionProtection when the input is not given: true for
// a new platform (no cluster of the name yet) and for one created so; nil (not managed)
// for a platform created before the default existed.
func deletionProtectionDefault(live liveCluster) *bool {
	if live.Exists && live.Tags[deletionProtectionDefaultTag] != "true" {
		return nil
	}
	on := true
	return &on
}

// settingsManaged reports whether the platform registers the settings resource: it
// manages deletion protection (given or by default) or the tier.
func (c clusterSettingsConfig) settingsManaged(live liveCluster) bool {
	return c.DeletionProtection != nil || c.Tier != nil || deletionProtectionDefault(live) != nil
}
