package addons

import (
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
)

// clusterAutoscalerImageTags are the Cluster Autoscaler images by Kubernetes minor: the
// autoscaler supports the Kubernetes minor it is built for, so the image follows the
// cluster's version rather than the chart's default (v1.35.0 in chart 9.59.0). Each is
// the newest cluster-autoscaler-<minor>.<patch> tag of kubernetes/autoscaler, checked
// against cluster-autoscaler/version/version.go at the tag (policies/SOURCES.md).
// Oldest first.
var clusterAutoscalerImageTags = []struct{ Minor, Tag string }{
	{"1.33", "v1.33.6"},
	{"1.34", "v1.34.5"},
	{"1.35", "v1.35.2"},
	{"1.36", "v1.36.1"},
}

// clusterAutoscalerImageTag is the image tag for a Kubernetes minor.
func clusterAutoscalerImageTag(minor string) (string, bool) {
	for _, e := range clusterAutoscalerImageTags {
		if e.Minor == minor {
			return e.Tag, true
		}
	}
	return "", false
}

// clusterAutoscalerMinors are the supported minors, for messages.
func clusterAutoscalerMinors() string {
	var minors []string
	for _, e := range clusterAutoscalerImageTags {
		minors = append(minors, e.Minor)
	}
	return strings.Join(minors, ", ")
}

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
		Version:            "9.59.0",
		AppVersion:         "1.35.0",
		Namespace:          "kube-system",
		ServiceAccount:     "cluster-autoscaler",
		ServiceAccountPath: []string{"rbac", "serviceAccount"},
		Summary:            "set desired capacity / terminate instances only in ASGs tagged `k8s.io/cluster-autoscaler/<cluster>=owned`; describe ASGs, launch templates, instance types and this cluster's node groups",
		sources:            clusterAutoscalerSources,
		Policy:             clusterAutoscalerPolicy,
		Given:              func(a *Args) (*CommonArgs, any) { return a.ClusterAutoscaler, nil },
		Settings:           clusterAutoscalerSettings,
		Values:             clusterAutoscalerValues,
		Owned:              []string{"cloudProvider", "awsRegion", "autoDiscovery.clusterName"},
	}
}

// clusterAutoscalerSources: the chart at cluster-autoscaler-chart-9.59.0 and its
// Kubernetes versions.
var clusterAutoscalerSources = provenance{
	upstream: upstreamRelease{
		Repository: "kubernetes/autoscaler",
		Tag:        "cluster-autoscaler-chart-9.59.0",
		Commit:     "5a0b98e45f896e98132737240ac131a519d3b33d",
	},
	chartYAML: "cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml",
	kube: KubeCompat{
		KubeVersionSource: "kubernetes/autoscaler@cluster-autoscaler-chart-9.59.0:cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml (no kubeVersion)",
		MinMinor:          8,
		// The autoscaler itself supports the minor it is built for: the platform sets the
		// image per minor (clusterAutoscalerImageTags) and refuses a minor without one.
		SupportedSource: `kubernetes/autoscaler@cluster-autoscaler-chart-9.59.0:cluster-autoscaler/charts/cluster-autoscaler/README.md, "Prerequisites": "Kubernetes 1.8+"`,
	},
}

// clusterAutoscalerSettings checks that the cluster's Kubernetes minor has an image in
// clusterAutoscalerImageTags. It has no inputs of its own (nil result).
func clusterAutoscalerSettings(path string, _ any, r Reader, sc SettingsContext) any {
	if sc.KubernetesVersion == "" {
		return nil
	}
	if _, ok := clusterAutoscalerImageTag(sc.KubernetesVersion); !ok {
		r.Problem("%s: the catalogue has no Cluster Autoscaler image for Kubernetes %s (it has one for %s; the autoscaler supports only the minor it is built for); set kubernetesVersion to one of those, or disable %s",
			path, sc.KubernetesVersion, clusterAutoscalerMinors(), path)
	}
	return nil
}

// clusterAutoscalerValues: autodiscovery of this cluster's node groups, the image of the
// cluster's minor, and upstream's recommended flags for EKS managed node groups
// (extraArgs is a map in this chart, merged key by key with the user's, who may change
// or null any of them): balance similar node groups across zones, scale down nodes
// running kube-system pods (DaemonSets excepted, they never block), and pick the node
// group that wastes the least CPU and memory.
func clusterAutoscalerValues(vc ValuesContext) map[string]any {
	values := map[string]any{
		"cloudProvider": "aws",
		"awsRegion":     vc.Region,
		"autoDiscovery": map[string]any{"clusterName": vc.ClusterName},
		"extraArgs": map[string]any{
			"balance-similar-node-groups": true,
			"skip-nodes-with-system-pods": false,
			"expander":                    "least-waste",
		},
	}
	if tag, ok := clusterAutoscalerImageTag(vc.KubernetesVersion); ok {
		values["image"] = map[string]any{"tag": tag}
	}
	return values
}

// clusterAutoscalerPolicy follows upstream's "Full Cluster Autoscaler Features Policy
// (Recommended)" (cluster-autoscaler/cloudprovider/aws/README.md at
// cluster-autoscaler-1.35.2, policies/SOURCES.md section 3), stricter in two places:
// eks:DescribeNodegroup is on this cluster's node groups only, and the write actions
// carry a condition on the ASG's own tag (aws:ResourceTag is the global form of
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
			"ec2:DescribeImages",
			"ec2:DescribeInstanceTypes",
			"ec2:DescribeLaunchTemplateVersions",
			"ec2:GetInstanceTypesFromInstanceRequirements",
		}, []string{"*"}),
		iampolicy.Allow("DescribeThisClustersNodeGroups", []string{"eks:DescribeNodegroup"},
			[]string{"arn:" + partition + ":eks:*:*:nodegroup/" + pc.ClusterName + "/*/*"}),
		scale,
	).JSON(), nil
}
