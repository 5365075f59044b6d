package platform

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/settingsapi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// ClusterSettings is the plugin's own resource (settingsapi.Token) holding the EKS
// settings pulumi-aws v6 cannot express: deletion protection and the provisioned
// control plane tier. The plugin sets them with aws-sdk-go-v2 (provider/internal/
// clustersettings). It is in no SDK: only the component creates it.
type ClusterSettings struct {
	pulumi.CustomResourceState

	DeletionProtection pulumi.BoolPtrOutput   `pulumi:"deletionProtection"`
	ControlPlaneTier   pulumi.StringPtrOutput `pulumi:"controlPlaneTier"`
}

// clusterSettingsIn is what clusterSettings reads.
type clusterSettingsIn struct {
	ClusterSettingsConfig clusterSettingsConfig
	ClusterConfig         clusterConfig
	// KubeAuthConfig holds awsProfile and awsRoleArn, the identity the plugin acts as.
	KubeAuthConfig kubeAuthConfig
	Cluster        *clusterResult
}

// clusterSettings sets deletion protection and the control plane tier on the cluster,
// when the platform manages either (settingsManaged); nil otherwise.
//
// Ordering (docs/ordering.md, rule 12): the resource reads the cluster's name and ARN,
// so it is created after the cluster and, on destroy, deleted before it: its Delete
// turns deletion protection off (releaseProtectionOnDelete) while the cluster still
// exists, so the cluster's own delete is not refused. With protectCluster the engine
// refuses the cluster's delete anyway, and the protection stays on.
//
// Credentials: the plugin acts in the account and region of the component's aws
// resources. The region is the aws provider's (getRegion, through the component's
// providers); the profile is the stack's aws:profile; the rest is the standard AWS
// environment pulumi runs in, which the aws provider reads too. The plugin refuses a
// cluster whose ARN is in another account or region than its credentials.
func (b *build) clusterSettings(in clusterSettingsIn) (*ClusterSettings, error) {
	c := in.ClusterSettingsConfig
	live := b.upgrade.live
	if !c.settingsManaged(live) {
		return nil, nil
	}
	props := pulumi.Map{
		settingsapi.ClusterName:               in.Cluster.Name,
		settingsapi.ClusterArn:                in.Cluster.Cluster.Arn,
		settingsapi.Region:                    b.region,
		settingsapi.ReleaseProtectionOnDelete: pulumi.Bool(!in.ClusterConfig.Protect),
	}
	// The identity the kubeconfig uses (awsProfile, awsRoleArn) when given, as issue
	// #27 asks; else the stack's aws:profile, which the aws provider reads.
	kube := in.KubeAuthConfig
	switch profile := pulumiconfig.Get(b.ctx, "aws:profile"); {
	case kube.Profile != "":
		props[settingsapi.Profile] = pulumi.String(kube.Profile)
	case profile != "":
		props[settingsapi.Profile] = pulumi.String(profile)
	}
	if kube.RoleArn != "" {
		props[settingsapi.RoleArn] = pulumi.String(kube.RoleArn)
	}
	switch def := deletionProtectionDefault(live); {
	case c.DeletionProtection != nil:
		props[settingsapi.DeletionProtection] = c.DeletionProtection
	case def != nil:
		props[settingsapi.DeletionProtection] = pulumi.Bool(*def)
	}
	if c.Tier != nil {
		props[settingsapi.ControlPlaneTier] = c.Tier
	}
	var res ClusterSettings
	if err := b.ctx.RegisterResource(settingsapi.Token, b.child("cluster-settings"), props, &res, b.opts()...); err != nil {
		return nil, err
	}
	return &res, nil
}
