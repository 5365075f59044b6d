package platform

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/plugininputs"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args are the inputs of an EksPlatform, as schema.yaml declares them.
//
// Every leaf is a pulumi Input so secret or unknown values from Construct are carried
// rather than rejected; nested objects are plain structs and slices, which
// ConstructInputs.CopyTo fills field by field. Fields that shape the resource graph
// (names, counts, modes) must be known when the component is constructed: resolve.go
// reads them and validation names the field when they are not.
type Args struct {
	ClusterName           pulumi.StringInput      `pulumi:"clusterName"`
	KubernetesVersion     pulumi.StringInput      `pulumi:"kubernetesVersion"`
	UpgradePolicy         pulumi.StringInput      `pulumi:"upgradePolicy"`
	PublicSubnetIds       pulumi.StringArrayInput `pulumi:"publicSubnetIds"`
	PrivateSubnetIds      pulumi.StringArrayInput `pulumi:"privateSubnetIds"`
	SubnetRoleTags        pulumi.BoolInput        `pulumi:"subnetRoleTags"`
	EndpointPublicAccess  pulumi.BoolInput        `pulumi:"endpointPublicAccess"`
	EndpointPrivateAccess pulumi.BoolInput        `pulumi:"endpointPrivateAccess"`
	PublicAccessCidrs     pulumi.StringArrayInput `pulumi:"publicAccessCidrs"`
	EnabledLogTypes       pulumi.StringArrayInput `pulumi:"enabledLogTypes"`
	LogRetentionDays      pulumi.IntInput         `pulumi:"logRetentionDays"`
	SecretsEncryption     pulumi.BoolInput        `pulumi:"secretsEncryption"`
	KmsKeyArn             pulumi.StringInput      `pulumi:"kmsKeyArn"`
	Tags                  pulumi.StringMapInput   `pulumi:"tags"`
	// ZonalShift is the cluster's zonalShiftConfig.enabled (ARC zonal shift).
	ZonalShift pulumi.BoolInput `pulumi:"zonalShift"`
	// ProtectCluster gives the cluster Pulumi's protect option.
	ProtectCluster pulumi.BoolInput `pulumi:"protectCluster"`
	// AllowClusterReplacement lets a change that replaces the EKS cluster go ahead
	// (clusterguard.go); without it such a change is refused before anything changes.
	AllowClusterReplacement pulumi.BoolInput `pulumi:"allowClusterReplacement"`

	AuthenticationMode                      pulumi.StringInput      `pulumi:"authenticationMode"`
	BootstrapClusterCreatorAdminPermissions pulumi.BoolInput        `pulumi:"bootstrapClusterCreatorAdminPermissions"`
	CallerIsAdmin                           pulumi.BoolInput        `pulumi:"callerIsAdmin"`
	Admins                                  pulumi.StringArrayInput `pulumi:"admins"`
	AccessEntries                           []AccessEntryArgs       `pulumi:"accessEntries"`
	RoleMappings                            []RoleMappingArgs       `pulumi:"roleMappings"`
	UserMappings                            []UserMappingArgs       `pulumi:"userMappings"`
	// AwsAuthTakeover forces the platform's aws-auth apply over other field managers
	// (awsauth.go); without it a mapping another manager wrote is a conflict.
	AwsAuthTakeover pulumi.BoolInput `pulumi:"awsAuthTakeover"`

	NodeSsmAccess   pulumi.BoolInput     `pulumi:"nodeSsmAccess"`
	NodeGroups      []NodeGroupArgs      `pulumi:"nodeGroups"`
	FargateProfiles []FargateProfileArgs `pulumi:"fargateProfiles"`
	// AutoMode is EKS Auto Mode (automode_config.go).
	AutoMode     *AutoModeArgs     `pulumi:"autoMode"`
	EksAddons    *EksAddonsArgs    `pulumi:"eksAddons"`
	Addons       *HelmAddonsArgs   `pulumi:"addons"`
	HelmReleases []HelmReleaseArgs `pulumi:"helmReleases"`
	// Karpenter is node autoscaling by Karpenter (off by default).
	Karpenter *KarpenterArgs `pulumi:"karpenter"`
	// Security groups (securitygroups_config.go): rules on the cluster security group
	// and the shared node security group.
	ClusterSecurityGroupRules []SecurityGroupRuleArgs `pulumi:"clusterSecurityGroupRules"`
	NodeSecurityGroup         *NodeSecurityGroupArgs  `pulumi:"nodeSecurityGroup"`

	// unknownAtPreview are inputs given but not known yet at preview, which the plugin
	// had to leave out of the typed decoding (lists and objects given as one Output):
	// markUnknownAtPreview.
	unknownAtPreview []string

	AwsProfile             pulumi.StringInput `pulumi:"awsProfile"`
	AwsRoleArn             pulumi.StringInput `pulumi:"awsRoleArn"`
	KubernetesProviderAuth pulumi.StringInput `pulumi:"kubernetesProviderAuth"`
}

// AccessEntryArgs is one EKS access entry with its policy associations.
type AccessEntryArgs struct {
	PrincipalArn     pulumi.StringInput      `pulumi:"principalArn"`
	Type             pulumi.StringInput      `pulumi:"type"`
	KubernetesGroups pulumi.StringArrayInput `pulumi:"kubernetesGroups"`
	Username         pulumi.StringInput      `pulumi:"username"`
	AccessPolicies   []AccessPolicyArgs      `pulumi:"accessPolicies"`
}

// AccessPolicyArgs associates one EKS access policy, cluster-wide or on namespaces.
type AccessPolicyArgs struct {
	Policy     pulumi.StringInput      `pulumi:"policy"`
	Namespaces pulumi.StringArrayInput `pulumi:"namespaces"`
}

// RoleMappingArgs is one mapRoles entry of aws-auth.
type RoleMappingArgs struct {
	RoleArn  pulumi.StringInput      `pulumi:"roleArn"`
	Username pulumi.StringInput      `pulumi:"username"`
	Groups   pulumi.StringArrayInput `pulumi:"groups"`
}

// UserMappingArgs is one mapUsers entry of aws-auth.
type UserMappingArgs struct {
	UserArn  pulumi.StringInput      `pulumi:"userArn"`
	Username pulumi.StringInput      `pulumi:"username"`
	Groups   pulumi.StringArrayInput `pulumi:"groups"`
}

// NodeGroupArgs is one EKS managed node group.
type NodeGroupArgs struct {
	Name          pulumi.StringInput         `pulumi:"name"`
	InstanceTypes pulumi.StringArrayInput    `pulumi:"instanceTypes"`
	CapacityType  pulumi.StringInput         `pulumi:"capacityType"`
	AmiType       pulumi.StringInput         `pulumi:"amiType"`
	DiskSize      pulumi.IntInput            `pulumi:"diskSize"`
	Scaling       *NodeGroupScalingArgs      `pulumi:"scaling"`
	Labels        pulumi.StringMapInput      `pulumi:"labels"`
	Taints        []TaintArgs                `pulumi:"taints"`
	SubnetIds     pulumi.StringArrayInput    `pulumi:"subnetIds"`
	UpdateConfig  *NodeGroupUpdateConfigArgs `pulumi:"updateConfig"`
	Tags          pulumi.StringMapInput      `pulumi:"tags"`
	NodeRoleArn   pulumi.StringInput         `pulumi:"nodeRoleArn"`
	// MetadataHopLimit is the IMDS response hop limit of the nodes (default 1).
	MetadataHopLimit pulumi.IntInput `pulumi:"metadataHopLimit"`
	// NodeRepair is EKS node auto repair (default true, false on Windows).
	NodeRepair pulumi.BoolInput `pulumi:"nodeRepair"`
	// Node customization (nodecustom_config.go): a custom AMI, the EKS AMI release,
	// kubelet settings, nodeadm and cloud-init parts, Bottlerocket settings, capacity.
	AmiId                 pulumi.StringInput `pulumi:"amiId"`
	ReleaseVersion        pulumi.StringInput `pulumi:"releaseVersion"`
	Kubelet               *NodeKubeletArgs   `pulumi:"kubelet"`
	NodeadmConfig         pulumi.MapInput    `pulumi:"nodeadmConfig"`
	UserDataParts         []UserDataPartArgs `pulumi:"userDataParts"`
	BottlerocketSettings  pulumi.MapInput    `pulumi:"bottlerocketSettings"`
	CapacityReservationId pulumi.StringInput `pulumi:"capacityReservationId"`
	PlacementGroup        pulumi.StringInput `pulumi:"placementGroup"`
	// SecurityGroupIds are existing security groups the group's nodes also carry.
	SecurityGroupIds pulumi.StringArrayInput `pulumi:"securityGroupIds"`
}

// SecurityGroupRuleArgs is one security group rule, with exactly one peer.
type SecurityGroupRuleArgs struct {
	Name                      pulumi.StringInput `pulumi:"name"`
	Type                      pulumi.StringInput `pulumi:"type"`
	Protocol                  pulumi.StringInput `pulumi:"protocol"`
	FromPort                  pulumi.IntInput    `pulumi:"fromPort"`
	ToPort                    pulumi.IntInput    `pulumi:"toPort"`
	CidrIpv4                  pulumi.StringInput `pulumi:"cidrIpv4"`
	CidrIpv6                  pulumi.StringInput `pulumi:"cidrIpv6"`
	PrefixListId              pulumi.StringInput `pulumi:"prefixListId"`
	ReferencedSecurityGroupId pulumi.StringInput `pulumi:"referencedSecurityGroupId"`
	// ReferencedGroup is one of the platform's groups: cluster or node.
	ReferencedGroup pulumi.StringInput `pulumi:"referencedGroup"`
	Description     pulumi.StringInput `pulumi:"description"`
}

// NodeSecurityGroupArgs is the security group the platform makes for its nodes.
type NodeSecurityGroupArgs struct {
	Enabled pulumi.BoolInput        `pulumi:"enabled"`
	Rules   []SecurityGroupRuleArgs `pulumi:"rules"`
	Tags    pulumi.StringMapInput   `pulumi:"tags"`
}

// NodeKubeletArgs are kubelet settings of a node group's nodes.
type NodeKubeletArgs struct {
	MaxPods        pulumi.IntInput       `pulumi:"maxPods"`
	KubeReserved   pulumi.StringMapInput `pulumi:"kubeReserved"`
	SystemReserved pulumi.StringMapInput `pulumi:"systemReserved"`
}

// UserDataPartArgs is one extra part of a node group's MIME multi-part user data.
type UserDataPartArgs struct {
	ContentType pulumi.StringInput `pulumi:"contentType"`
	Content     pulumi.StringInput `pulumi:"content"`
}

// NodeGroupScalingArgs are the node counts of a node group.
type NodeGroupScalingArgs struct {
	MinSize     pulumi.IntInput `pulumi:"minSize"`
	DesiredSize pulumi.IntInput `pulumi:"desiredSize"`
	MaxSize     pulumi.IntInput `pulumi:"maxSize"`
}

// NodeGroupUpdateConfigArgs bounds unavailability during node group updates.
type NodeGroupUpdateConfigArgs struct {
	MaxUnavailable           pulumi.IntInput `pulumi:"maxUnavailable"`
	MaxUnavailablePercentage pulumi.IntInput `pulumi:"maxUnavailablePercentage"`
}

// TaintArgs is one Kubernetes taint.
type TaintArgs struct {
	Key    pulumi.StringInput `pulumi:"key"`
	Value  pulumi.StringInput `pulumi:"value"`
	Effect pulumi.StringInput `pulumi:"effect"`
}

// FargateProfileArgs is one Fargate profile.
type FargateProfileArgs struct {
	Name      pulumi.StringInput      `pulumi:"name"`
	Selectors []FargateSelectorArgs   `pulumi:"selectors"`
	SubnetIds pulumi.StringArrayInput `pulumi:"subnetIds"`
}

// FargateSelectorArgs selects pods by namespace and labels.
type FargateSelectorArgs struct {
	Namespace pulumi.StringInput    `pulumi:"namespace"`
	Labels    pulumi.StringMapInput `pulumi:"labels"`
}

// AutoModeArgs is EKS Auto Mode: compute, block storage and load balancing run by EKS.
type AutoModeArgs struct {
	Enabled          pulumi.BoolInput          `pulumi:"enabled"`
	BuiltInNodePools pulumi.StringArrayInput   `pulumi:"builtInNodePools"`
	NodeRoleArn      pulumi.StringInput        `pulumi:"nodeRoleArn"`
	NodePools        []AutoModeNodePoolArgs    `pulumi:"nodePools"`
	StorageClass     *AutoModeStorageClassArgs `pulumi:"storageClass"`
	IngressClass     *AutoModeIngressClassArgs `pulumi:"ingressClass"`
}

// AutoModeStorageClassArgs is a StorageClass of Auto Mode's block storage.
type AutoModeStorageClassArgs struct {
	Enabled   pulumi.BoolInput   `pulumi:"enabled"`
	Name      pulumi.StringInput `pulumi:"name"`
	IsDefault pulumi.BoolInput   `pulumi:"isDefault"`
}

// AutoModeIngressClassArgs is an IngressClass of Auto Mode's load balancing.
type AutoModeIngressClassArgs struct {
	Enabled   pulumi.BoolInput   `pulumi:"enabled"`
	Name      pulumi.StringInput `pulumi:"name"`
	Scheme    pulumi.StringInput `pulumi:"scheme"`
	IsDefault pulumi.BoolInput   `pulumi:"isDefault"`
}

// AutoModeNodePoolArgs is one custom Auto Mode NodePool.
type AutoModeNodePoolArgs struct {
	Name                pulumi.StringInput            `pulumi:"name"`
	Requirements        []AutoModeNodeRequirementArgs `pulumi:"requirements"`
	Labels              pulumi.StringMapInput         `pulumi:"labels"`
	Taints              []TaintArgs                   `pulumi:"taints"`
	Limits              pulumi.StringMapInput         `pulumi:"limits"`
	ConsolidationPolicy pulumi.StringInput            `pulumi:"consolidationPolicy"`
	ConsolidateAfter    pulumi.StringInput            `pulumi:"consolidateAfter"`
}

// AutoModeNodeRequirementArgs is one node requirement of a NodePool.
type AutoModeNodeRequirementArgs struct {
	Key      pulumi.StringInput      `pulumi:"key"`
	Operator pulumi.StringInput      `pulumi:"operator"`
	Values   pulumi.StringArrayInput `pulumi:"values"`
}

// EksAddonsArgs are the EKS managed add-ons.
type EksAddonsArgs struct {
	VpcCni           *EksAddonArgs `pulumi:"vpcCni"`
	KubeProxy        *EksAddonArgs `pulumi:"kubeProxy"`
	PodIdentityAgent *EksAddonArgs `pulumi:"podIdentityAgent"`
	Coredns          *EksAddonArgs `pulumi:"coredns"`
	EbsCsiDriver     *EksAddonArgs `pulumi:"ebsCsiDriver"`
	// Extra are any other EKS add-ons, by name (eksaddons_extra_config.go).
	Extra []ExtraEksAddonArgs `pulumi:"extra"`
}

// EksAddonArgs are the settings of one EKS managed add-on.
type EksAddonArgs struct {
	Enabled             pulumi.BoolInput   `pulumi:"enabled"`
	Version             pulumi.StringInput `pulumi:"version"`
	ConfigurationValues pulumi.MapInput    `pulumi:"configurationValues"`
	// Identity is how the add-on's IAM role is assumed (vpcCni and ebsCsiDriver only):
	// irsa (default) or podIdentity.
	Identity pulumi.StringInput `pulumi:"identity"`
}

// ExtraEksAddonArgs is one more EKS add-on by name, with its own IAM role when it has
// policies (the known-add-on table gives the recommended ones).
type ExtraEksAddonArgs struct {
	Name                pulumi.StringInput `pulumi:"name"`
	Version             pulumi.StringInput `pulumi:"version"`
	ConfigurationValues pulumi.MapInput    `pulumi:"configurationValues"`
	// ResolveConflicts is OVERWRITE (default), NONE or PRESERVE.
	ResolveConflicts pulumi.StringInput `pulumi:"resolveConflicts"`
	// Placement is beforeCompute or afterCompute (default from the known-add-on table).
	Placement      pulumi.StringInput `pulumi:"placement"`
	Namespace      pulumi.StringInput `pulumi:"namespace"`
	ServiceAccount pulumi.StringInput `pulumi:"serviceAccount"`
	// Identity is irsa (default) or podIdentity, for an add-on with a role.
	Identity pulumi.StringInput `pulumi:"identity"`
	// ManagedPolicyArns replace the known add-on's recommended policies when given.
	ManagedPolicyArns pulumi.StringArrayInput `pulumi:"managedPolicyArns"`
	// IamPolicy is a policy document put inline on the add-on's role.
	IamPolicy pulumi.StringInput `pulumi:"iamPolicy"`
}

// The catalogue Helm add-ons' inputs are defined beside each add-on, in package addons;
// these names keep the platform's Go API in one place.
type (
	// HelmAddonsArgs are the catalogue Helm add-ons, one field per add-on.
	HelmAddonsArgs = addons.Args
	// HelmAddonArgs are the settings every catalogue add-on has.
	HelmAddonArgs = addons.CommonArgs
	// ExternalDnsAddonArgs are the settings of ExternalDNS.
	ExternalDnsAddonArgs = addons.ExternalDNSArgs
	// CertManagerAddonArgs are the settings of cert-manager.
	CertManagerAddonArgs = addons.CertManagerArgs
	// ExternalSecretsAddonArgs are the settings of external-secrets.
	ExternalSecretsAddonArgs = addons.ExternalSecretsArgs
)

// HelmReleaseArgs is a chart of the user's own.
type HelmReleaseArgs struct {
	Name           pulumi.StringInput `pulumi:"name"`
	Repository     pulumi.StringInput `pulumi:"repository"`
	Chart          pulumi.StringInput `pulumi:"chart"`
	Version        pulumi.StringInput `pulumi:"version"`
	Namespace      pulumi.StringInput `pulumi:"namespace"`
	Values         pulumi.MapInput    `pulumi:"values"`
	ServiceAccount pulumi.StringInput `pulumi:"serviceAccount"`
	// ServiceAccountValuesPath is where the chart reads its service account settings,
	// dot-separated ("serviceAccount" when not given).
	ServiceAccountValuesPath pulumi.StringInput `pulumi:"serviceAccountValuesPath"`
	IamPolicy                pulumi.StringInput `pulumi:"iamPolicy"`
	Identity                 pulumi.StringInput `pulumi:"identity"`
}

// markUnknownAtPreview records inputs (by schema key) that the program gave but whose
// value is not known yet at preview, so the platform plans around them instead of
// treating them as absent. Only the plugin needs it (for lists and objects given as one
// Output, which its typed decoding leaves out), and reaches it through
// provider/internal/plugininputs, so it is no part of the Go API.
func markUnknownAtPreview(a *Args, keys ...string) {
	a.unknownAtPreview = append(a.unknownAtPreview, keys...)
}

func init() { plugininputs.MarkUnknownAtPreview = markUnknownAtPreview }

// KarpenterArgs are the settings of Karpenter.
type KarpenterArgs struct {
	Enabled pulumi.BoolInput `pulumi:"enabled"`
	// Identity is how the controller's role is assumed: podIdentity (default) or irsa.
	Identity pulumi.StringInput `pulumi:"identity"`
	// InterruptionHandling makes the SQS queue and EventBridge rules (default true).
	InterruptionHandling pulumi.BoolInput `pulumi:"interruptionHandling"`
	// Values are chart values merged over the platform's (settings.batchMaxDuration,
	// settings.featureGates, ...).
	Values    pulumi.MapInput         `pulumi:"values"`
	NodeClass *KarpenterNodeClassArgs `pulumi:"nodeClass"`
	NodePools []KarpenterNodePoolArgs `pulumi:"nodePools"`
}

// KarpenterNodeClassArgs are the settings of the default EC2NodeClass.
type KarpenterNodeClassArgs struct {
	AmiAlias         pulumi.StringInput    `pulumi:"amiAlias"`
	RootVolumeSize   pulumi.IntInput       `pulumi:"rootVolumeSize"`
	MetadataHopLimit pulumi.IntInput       `pulumi:"metadataHopLimit"`
	Tags             pulumi.StringMapInput `pulumi:"tags"`
}

// KarpenterNodePoolArgs is one Karpenter NodePool.
type KarpenterNodePoolArgs struct {
	Name               pulumi.StringInput       `pulumi:"name"`
	InstanceCategories pulumi.StringArrayInput  `pulumi:"instanceCategories"`
	InstanceFamilies   pulumi.StringArrayInput  `pulumi:"instanceFamilies"`
	CapacityTypes      pulumi.StringArrayInput  `pulumi:"capacityTypes"`
	Architectures      pulumi.StringArrayInput  `pulumi:"architectures"`
	Zones              pulumi.StringArrayInput  `pulumi:"zones"`
	Limits             pulumi.StringMapInput    `pulumi:"limits"`
	Taints             []TaintArgs              `pulumi:"taints"`
	Labels             pulumi.StringMapInput    `pulumi:"labels"`
	Weight             pulumi.IntInput          `pulumi:"weight"`
	Disruption         *KarpenterDisruptionArgs `pulumi:"disruption"`
}

// KarpenterDisruptionArgs is a NodePool's disruption settings.
type KarpenterDisruptionArgs struct {
	ConsolidationPolicy pulumi.StringInput    `pulumi:"consolidationPolicy"`
	ConsolidateAfter    pulumi.StringInput    `pulumi:"consolidateAfter"`
	ExpireAfter         pulumi.StringInput    `pulumi:"expireAfter"`
	Budgets             []KarpenterBudgetArgs `pulumi:"budgets"`
}

// KarpenterBudgetArgs is one disruption budget.
type KarpenterBudgetArgs struct {
	Nodes    pulumi.StringInput      `pulumi:"nodes"`
	Schedule pulumi.StringInput      `pulumi:"schedule"`
	Duration pulumi.StringInput      `pulumi:"duration"`
	Reasons  pulumi.StringArrayInput `pulumi:"reasons"`
}
