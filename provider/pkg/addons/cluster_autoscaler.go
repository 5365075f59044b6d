package addons

import "github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"

// ClusterAutoscaler resizes node groups to fit pending pods.
//
// It discovers the Auto Scaling groups to manage by tag. EKS managed node groups tag
// their ASGs k8s.io/cluster-autoscaler/<cluster>=owned and
// k8s.io/cluster-autoscaler/enabled=true automatically, so every managed node group of
// the platform (the `batch` group of a production cluster, say) is found without any
// tagging by the platform; set a group's scaling.minSize/maxSize to bound it. Its write
// actions are allowed only on ASGs carrying this cluster's tag.
func ClusterAutoscaler() Addon {
	return Addon{
		Key:                "clusterAutoscaler",
		Name:               "cluster-autoscaler",
		Repository:         "https://kubernetes.github.io/autoscaler",
		Chart:              "cluster-autoscaler",
		Version:            "9.47.0",
		AppVersion:         "1.33.0",
		Namespace:          "kube-system",
		ServiceAccount:     "cluster-autoscaler",
		ServiceAccountPath: []string{"rbac", "serviceAccount"},
		Summary:            "set desired capacity and terminate instances only in ASGs tagged k8s.io/cluster-autoscaler/<cluster>=owned; describe ASGs, launch templates, instance types and node groups",
		Policy:             clusterAutoscalerPolicy,
		Given:              func(a *Args) (*CommonArgs, any) { return a.ClusterAutoscaler, nil },
		Values: func(vc ValuesContext) map[string]any {
			return map[string]any{
				"cloudProvider": "aws",
				"awsRegion":     vc.Region,
				"autoDiscovery": map[string]any{"clusterName": vc.ClusterName},
			}
		},
	}
}

// clusterAutoscalerPolicy follows the project's recommended minimal policy. The write
// actions carry a condition on the ASG's own tag (aws:ResourceTag is the global form of
// autoscaling:ResourceTag), so the autoscaler cannot touch another cluster's groups.
func clusterAutoscalerPolicy(pc PolicyContext) (string, error) {
	partition := pc.Partition
	if partition == "" {
		partition = "aws"
	}
	scale := iampolicy.Allow("ScaleOnlyThisClustersGroups", []string{
		"autoscaling:SetDesiredCapacity",
		"autoscaling:TerminateInstanceInAutoScalingGroup",
	}, []string{"*"})
	scale.Condition = iampolicy.Condition{"StringEquals": {
		"aws:ResourceTag/k8s.io/cluster-autoscaler/" + pc.ClusterName: "owned",
	}}
	return iampolicy.New(
		iampolicy.Allow("DescribeGroupsAndInstances", []string{
			"autoscaling:DescribeAutoScalingGroups",
			"autoscaling:DescribeAutoScalingInstances",
			"autoscaling:DescribeLaunchConfigurations",
			"autoscaling:DescribeScalingActivities",
			"autoscaling:DescribeTags",
			"ec2:DescribeImages",
			"ec2:DescribeInstanceTypes",
			"ec2:DescribeLaunchTemplateVersions",
			"ec2:GetInstanceTypesInfoFromInstanceRequirements",
		}, []string{"*"}),
		iampolicy.Allow("DescribeThisClustersNodeGroups", []string{"eks:DescribeNodegroup"},
			[]string{"arn:" + partition + ":eks:*:*:nodegroup/" + pc.ClusterName + "/*/*"}),
		scale,
	).JSON(), nil
}
