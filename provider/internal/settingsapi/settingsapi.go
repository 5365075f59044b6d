// Package settingsapi is what the component and the plugin's cluster settings resource
// agree on: its type token, its property names and the values they take. It has no
// dependencies, so the component (which registers the resource) does not link the AWS
// SDK the resource provider calls EKS with.
package settingsapi

// Token is the type of the plugin's own custom resource that holds the EKS cluster
// settings pulumi-aws v6 cannot express (deletion protection, the provisioned control
// plane tier). It is deliberately absent from schema.yaml: only the component creates
// it, so no SDK has a class for it, and the engine needs no schema to call the plugin's
// Check/Diff/Create/Read/Update/Delete for it.
const Token = "eksplatform:index:ClusterSettings"

// Property names of the resource's inputs and outputs.
const (
	// ClusterName and ClusterArn are the cluster's, from the aws:eks/cluster:Cluster the
	// component made: the ARN names the account and region the settings must act in.
	ClusterName = "clusterName"
	ClusterArn  = "clusterArn"
	// Region is the region of the aws provider the component's AWS resources use, and
	// Profile the component's awsProfile, else the stack's aws:profile: the plugin loads
	// AWS credentials as that provider does (the standard environment, shared config,
	// this profile).
	Region  = "region"
	Profile = "profile"
	// RoleArn is the component's awsRoleArn: the plugin assumes it (sts:AssumeRole) with
	// those credentials, as the kubeconfig's aws eks get-token does.
	RoleArn = "roleArn"
	// DeletionProtection is EKS's deletionProtection; absent, the resource leaves it as
	// EKS has it.
	DeletionProtection = "deletionProtection"
	// ControlPlaneTier is controlPlaneScalingConfig.tier; absent, left as EKS has it.
	ControlPlaneTier = "controlPlaneTier"
	// ReleaseProtectionOnDelete: when the resource is deleted (the platform destroyed, or
	// its cluster replaced), it turns deletion protection off first, so the cluster's own
	// delete, which comes after it, succeeds. False when protectCluster is set.
	ReleaseProtectionOnDelete = "releaseProtectionOnDelete"
)

// Tiers are the provisioned control plane tiers of aws-sdk-go-v2/service/eks v1.105.6
// (types.ProvisionedControlPlaneTier), smallest first; "standard" is EKS's default.
var Tiers = []string{"standard", "tier-xl", "tier-2xl", "tier-4xl", "tier-8xl"}
