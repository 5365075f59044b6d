// Command eksplatform-go is a team EKS platform built with the EksPlatform Go SDK:
// an existing VPC's subnets, a tainted on-demand `system` node group for cluster
// add-ons, a SPOT `general` node group for workloads, two Fargate profiles (the `jobs`
// namespace, and the pods of `apps` labelled compute=fargate), the EBS CSI driver, the
// AWS Load Balancer Controller, metrics-server and ExternalDNS for one hosted zone.
//
// The program itself is platform.Program (platform/platform.go), a package of its own
// so tools/e2e can run exactly this program.
//
// Stack configuration (see Pulumi.dev.yaml.example):
//
//	publicSubnetIds    list of public subnet IDs   (required)
//	privateSubnetIds   list of private subnet IDs  (required)
//	hostedZoneIds      list of Route 53 zone IDs   (required, for ExternalDNS)
//	admins             list of IAM principal ARNs  (optional; whoever runs `pulumi up` is an admin too)
//	kubernetesVersion  MAJOR.MINOR                 (optional, default 1.36, the component's)
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/eksplatform/pulumi-eksplatform/examples/go/platform"
)

func main() {
	pulumi.Run(platform.Program)
}
