package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// autoModeFields sets the cluster's Auto Mode capabilities. EKS takes compute, block
// storage and load balancing together, all on or all off, in one request; they are
// always sent together here, false included once the input is given, so switching off
// is one in-place update. All three are updated in place by the provider (only
// kubernetesNetworkConfig's ipFamily and serviceIpv4Cidr are create-only), so enabling
// Auto Mode on a running platform updates the cluster and replaces nothing.
//
// Without the input nothing is sent, exactly as before the input existed: upgrading the
// component shows no change to the cluster.
func autoModeFields(args *eks.ClusterArgs, a autoModeConfig, nodeRoleArn pulumi.StringOutput) {
	if !a.Given {
		return
	}
	compute := eks.ClusterComputeConfigArgs{Enabled: pulumi.Bool(a.Enabled)}
	if a.Enabled && len(a.BuiltInNodePools) > 0 {
		// A node role only with built-in pools: EKS refuses one without them. The role
		// cannot change while Auto Mode is on (a change replaces the cluster), so it is
		// the platform's role of fixed name, or the user's.
		compute.NodePools = pulumi.ToStringArray(a.BuiltInNodePools)
		compute.NodeRoleArn = nodeRoleArn.ToStringPtrOutput()
	}
	args.ComputeConfig = compute
	args.StorageConfig = eks.ClusterStorageConfigArgs{
		BlockStorage: eks.ClusterStorageConfigBlockStorageArgs{Enabled: pulumi.Bool(a.Enabled)},
	}
	args.KubernetesNetworkConfig = eks.ClusterKubernetesNetworkConfigArgs{
		ElasticLoadBalancing: eks.ClusterKubernetesNetworkConfigElasticLoadBalancingArgs{Enabled: pulumi.Bool(a.Enabled)},
	}
}
