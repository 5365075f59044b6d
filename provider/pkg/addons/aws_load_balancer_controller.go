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
// provenance and sha256 are in VendoredFiles (provenance.go). Update them together with
// the chart version.
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
const (
	// ALBServiceMutatorWebhookValue turns the webhook on (chart default true). With
	// false, new LoadBalancer Services stay with the in-tree provider unless they set
	// spec.loadBalancerClass: service.k8s.aws/nlb.
	ALBServiceMutatorWebhookValue = "enableServiceMutatorWebhook"
	// ALBServiceMutatorFailurePolicyValue is the webhook's failurePolicy (chart default
	// Fail; Ignore lets Services be created while the controller is not ready).
	ALBServiceMutatorFailurePolicyValue = "serviceMutatorWebhookConfig.failurePolicy"
)

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
		Summary:            "create and manage ALBs/NLBs, target groups, listeners and their security groups (tagged elbv2.k8s.aws/cluster); the project's published policy for the partition",
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
		// helm/aws-load-balancer-controller/crds/ at v3.5.0: ALBTargetControlConfig,
		// GlobalAccelerator, IngressClassParams, TargetGroupBinding; ListenerRuleConfiguration,
		// LoadBalancerConfiguration, TargetGroupConfiguration.
		CRDFiles: []string{
			"crds/aws-load-balancer-controller-v3.5.0-crds.yaml",
			"crds/aws-load-balancer-controller-v3.5.0-gateway-crds.yaml",
		},
	}
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
