package addons

import (
	"fmt"
	"slices"
	"strings"
)

// albPolicyFiles are the controller's IAM policies by partition: upstream publishes one
// file per partition (docs/install/iam_policy*.json of
// kubernetes-sigs/aws-load-balancer-controller at the tag the chart ships), so each
// partition gets upstream's own bytes rather than a rewrite of the aws one. Their
// provenance and sha256 are in albSources below. Update them together with the chart
// version.
var albPolicyFiles = map[string]string{
	"aws":        "policies/aws-load-balancer-controller-v3.5.0.json",
	"aws-cn":     "policies/aws-load-balancer-controller-v3.5.0-cn.json",
	"aws-us-gov": "policies/aws-load-balancer-controller-v3.5.0-us-gov.json",
}

// Chart values that control the controller's Service mutating webhook
// (mservice.elbv2.k8s.aws, every Service CREATE in every namespace, except the
// controller's own Services). Documentation for the first-install race
// (kubernetes-sigs/aws-load-balancer-controller#4140, policies/SOURCES.md section 6):
// until a controller pod backs aws-load-balancer-webhook-service, every new Service
// fails with "no endpoints available". The platform does not set them; ordering the
// releases after the controller is ready is the platform's answer.
//
//   - enableServiceMutatorWebhook turns the webhook on (chart default true). With
//     false, new LoadBalancer Services stay with the in-tree provider unless they set
//     spec.loadBalancerClass: service.k8s.aws/nlb.
//   - serviceMutatorWebhookConfig.failurePolicy is the webhook's failurePolicy (chart
//     default Fail; Ignore lets Services be created while the controller is not ready).

// AWSLoadBalancerController provisions ALBs for Ingresses and NLBs for Services.
func AWSLoadBalancerController() Addon {
	return Addon{
		Key:                "awsLoadBalancerController",
		Name:               "aws-load-balancer-controller",
		Repository:         "https://aws.github.io/eks-charts",
		Chart:              "aws-load-balancer-controller",
		Version:            "3.5.0",
		AppVersion:         "v3.5.0",
		Namespace:          "kube-system",
		ServiceAccount:     "aws-load-balancer-controller",
		ServiceAccountPath: []string{"serviceAccount"},
		Summary:            "manage ALBs/NLBs, target groups, listeners and their security groups: the project's published `iam_policy.json` of v3.5.0 for the partition (`aws`, `aws-cn`, `aws-us-gov`), vendored byte for byte",
		sources:            albSources,
		Policy:             albPolicyFor,
		Given:              func(a *Args) (*CommonArgs, any) { return a.AwsLoadBalancerController, nil },
		Values: func(vc ValuesContext) map[string]any {
			// region and vpcId spare the controller its IMDS lookups, which the nodes'
			// IMDSv2 hop limit can block.
			return map[string]any{
				"clusterName": vc.ClusterName,
				"region":      vc.Region,
				"vpcId":       vc.VpcID,
			}
		},
		// Without clusterName the chart fails to render; without region and vpcId the
		// controller falls back to IMDS.
		Owned: []string{"clusterName", "region", "vpcId"},
		// The Service mutating webhook above, failurePolicy Fail.
		BlocksServicesUntilReady: true,
	}
}

// albSources: the chart, its policies and CRDs at v3.5.0, and its Kubernetes versions.
var albSources = provenance{
	upstream: upstreamRelease{
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
	},
	chartYAML: "helm/aws-load-balancer-controller/Chart.yaml",
	files: []vendoredFile{
		{File: "policies/aws-load-balancer-controller-v3.5.0.json", Path: "docs/install/iam_policy.json",
			SHA256: "16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a"},
		{File: "policies/aws-load-balancer-controller-v3.5.0-cn.json", Path: "docs/install/iam_policy_cn.json",
			SHA256: "b1ac7c188d27a2cdb3095c7efd8376cd21705fe75d6ce91715558a85987b25bc"},
		{File: "policies/aws-load-balancer-controller-v3.5.0-us-gov.json", Path: "docs/install/iam_policy_us-gov.json",
			SHA256: "eff0caf0b8f205e63e09ee1ea37a90fba6a87a417ac40fc83da50b204a55f372"},
		// The chart's crds/ directory at the tag (the .helmignore leaves out
		// crds/kustomization.yaml, so Helm would install exactly these two files):
		// ALBTargetControlConfig, GlobalAccelerator, IngressClassParams,
		// TargetGroupBinding; ListenerRuleConfiguration, LoadBalancerConfiguration,
		// TargetGroupConfiguration.
		{File: "crds/aws-load-balancer-controller-v3.5.0-crds.yaml", Path: "helm/aws-load-balancer-controller/crds/crds.yaml",
			SHA256: "cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9"},
		{File: "crds/aws-load-balancer-controller-v3.5.0-gateway-crds.yaml", Path: "helm/aws-load-balancer-controller/crds/gateway-crds.yaml",
			SHA256: "fce68bbfc74b4ed7dbea675f46981cbef1fffc8981cf19c0c1e7a2e9d6464862"},
	},
	kube: KubeCompat{
		// The chart the repository serves is aws/eks-charts' copy (5239609, "aws-load-balancer-controller: v3.5.0"), which has none either.
		KubeVersionSource: "kubernetes-sigs/aws-load-balancer-controller@v3.5.0:helm/aws-load-balancer-controller/Chart.yaml (no kubeVersion)",
		MinMinor:          22,
		SupportedSource:   `kubernetes-sigs/aws-load-balancer-controller@v3.5.0:docs/deploy/installation.md, "Supported Kubernetes versions": "AWS Load Balancer Controller v2.5.0+ requires Kubernetes 1.22+"`,
	},
}

// albPolicyFor returns upstream's published policy for the partition ("" is aws).
func albPolicyFor(pc PolicyContext) (string, error) {
	partition := pc.Partition
	if partition == "" {
		partition = "aws"
	}
	file, ok := albPolicyFiles[partition]
	if !ok {
		var known []string
		for p := range albPolicyFiles {
			known = append(known, p)
		}
		slices.Sort(known)
		return "", fmt.Errorf("aws-load-balancer-controller: no vendored IAM policy for partition %q; the catalogue has %s", partition, strings.Join(known, ", "))
	}
	return vendored(file)
}
