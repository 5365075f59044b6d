// Package platform is the stack program of the Go example: a team EKS platform built
// with the EksPlatform Go SDK. ../main.go runs it with pulumi.Run; tools/e2e runs the
// same Program as an Automation API inline program, so the end-to-end tests exercise
// exactly this example.
package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
)

// Program builds the platform from the stack configuration (see ../Pulumi.dev.yaml.example)
// and exports kubeconfig (secret), clusterName, clusterEndpoint and oidcProviderArn.
func Program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	var publicSubnetIDs, privateSubnetIDs, hostedZoneIDs, admins []string
	cfg.RequireObject("publicSubnetIds", &publicSubnetIDs)
	cfg.RequireObject("privateSubnetIds", &privateSubnetIDs)
	cfg.RequireObject("hostedZoneIds", &hostedZoneIDs)
	if err := cfg.GetObject("admins", &admins); err != nil {
		return err
	}
	// Unset: the component's default (1.36, the newest in EKS standard support).
	var kubernetesVersion pulumi.StringPtrInput
	if v := cfg.Get("kubernetesVersion"); v != "" {
		kubernetesVersion = pulumi.String(v)
	}

	platform, err := eksplatform.NewEksPlatform(ctx, "platform", &eksplatform.EksPlatformArgs{
		KubernetesVersion: kubernetesVersion,
		PublicSubnetIds:   pulumi.ToStringArray(publicSubnetIDs),
		PrivateSubnetIds:  pulumi.ToStringArray(privateSubnetIDs),
		Admins:            pulumi.ToStringArray(admins),
		NodeGroups: eksplatform.NodeGroupArray{
			// Cluster add-ons only: CoreDNS and the EKS add-ons tolerate CriticalAddonsOnly.
			eksplatform.NodeGroupArgs{
				Name:          pulumi.String("system"),
				CapacityType:  pulumi.String("ON_DEMAND"),
				InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
				Scaling: &eksplatform.NodeGroupScalingArgs{
					MinSize:     pulumi.Int(2),
					DesiredSize: pulumi.Int(2),
					MaxSize:     pulumi.Int(3),
				},
				Labels: pulumi.StringMap{"node-role": pulumi.String("system")},
				Taints: eksplatform.TaintArray{
					eksplatform.TaintArgs{
						Key:    pulumi.String("CriticalAddonsOnly"),
						Value:  pulumi.String("true"),
						Effect: pulumi.String("NO_SCHEDULE"),
					},
				},
			},
			// Everything else, on SPOT capacity across two instance types.
			eksplatform.NodeGroupArgs{
				Name:          pulumi.String("general"),
				CapacityType:  pulumi.String("SPOT"),
				InstanceTypes: pulumi.StringArray{pulumi.String("t3.large"), pulumi.String("m5.large")},
				Scaling: &eksplatform.NodeGroupScalingArgs{
					MinSize:     pulumi.Int(1),
					DesiredSize: pulumi.Int(2),
					MaxSize:     pulumi.Int(5),
				},
				Labels: pulumi.StringMap{
					"node-role":     pulumi.String("general"),
					"capacity-type": pulumi.String("spot"),
				},
			},
		},
		FargateProfiles: eksplatform.FargateProfileArray{
			// Pods of the `jobs` namespace run on Fargate: no nodes to size or drain for them.
			eksplatform.FargateProfileArgs{
				Name:      pulumi.String("jobs"),
				Selectors: eksplatform.FargateSelectorArray{eksplatform.FargateSelectorArgs{Namespace: pulumi.String("jobs")}},
			},
			// In `apps`, only the pods labelled compute=fargate; the rest run on the general nodes.
			eksplatform.FargateProfileArgs{
				Name: pulumi.String("apps"),
				Selectors: eksplatform.FargateSelectorArray{eksplatform.FargateSelectorArgs{
					Namespace: pulumi.String("apps"),
					Labels:    pulumi.StringMap{"compute": pulumi.String("fargate")},
				}},
			},
		},
		EksAddons: &eksplatform.EksAddonsArgs{
			EbsCsiDriver: &eksplatform.EksAddonArgs{Enabled: pulumi.Bool(true)},
		},
		Addons: &eksplatform.HelmAddonsArgs{
			AwsLoadBalancerController: &eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			MetricsServer:             &eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			ExternalDns: &eksplatform.ExternalDnsAddonArgs{
				Enabled:       pulumi.Bool(true),
				HostedZoneIds: pulumi.ToStringArray(hostedZoneIDs),
			},
		},
		Tags: pulumi.StringMap{
			"project": pulumi.String(ctx.Project()),
			"stack":   pulumi.String(ctx.Stack()),
		},
	})
	if err != nil {
		return err
	}

	ctx.Export("kubeconfig", platform.Kubeconfig) // a secret output: `pulumi stack output kubeconfig --show-secrets`
	ctx.Export("clusterName", platform.ClusterName)
	ctx.Export("clusterEndpoint", platform.ClusterEndpoint)
	ctx.Export("oidcProviderArn", platform.OidcProviderArn)
	return nil
}
