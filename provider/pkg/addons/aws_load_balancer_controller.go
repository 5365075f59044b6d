package addons

import (
	_ "embed"
	"strings"
)

// albPolicy is the AWS Load Balancer Controller's IAM policy, byte for byte as the
// project publishes it: docs/install/iam_policy.json of
// github.com/kubernetes-sigs/aws-load-balancer-controller, at the v2.13 release line
// that chart 1.13.3 (app v2.13.3) ships (stored copy at commit 2b150b977b79; it has
// v2.12's IPAM and v2.13's target-group/listener tagging statements and predates the
// later SetRulePriorities addition). Update it together with the chart version.
//
//go:embed policies/aws-load-balancer-controller.json
var albPolicy string

// AWSLoadBalancerController provisions ALBs for Ingresses and NLBs for Services.
func AWSLoadBalancerController() Addon {
	return Addon{
		Key:                "awsLoadBalancerController",
		Name:               "aws-load-balancer-controller",
		Repository:         "https://aws.github.io/eks-charts",
		Chart:              "aws-load-balancer-controller",
		Version:            "1.13.3",
		AppVersion:         "v2.13.3",
		Namespace:          "kube-system",
		ServiceAccount:     "aws-load-balancer-controller",
		ServiceAccountPath: []string{"serviceAccount"},
		Summary:            "create and manage ALBs/NLBs, target groups, listeners and their security groups (tagged elbv2.k8s.aws/cluster); the project's published policy",
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
	}
}

// albPolicyFor returns the published policy. Outside the aws partition its ARNs are
// rewritten to the partition (the project publishes the same statements for aws-cn and
// aws-us-gov with only the partition changed).
func albPolicyFor(pc PolicyContext) (string, error) {
	if pc.Partition == "" || pc.Partition == "aws" {
		return albPolicy, nil
	}
	return strings.ReplaceAll(albPolicy, "arn:aws:", "arn:"+pc.Partition+":"), nil
}
