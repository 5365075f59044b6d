package e2e

import (
	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The platform of the Go test programs (the bad inputs of testdata/program.ts and
// program.py start from the same one): SCENARIOS #1/#2-like, two node groups, two
// Fargate profiles, the EBS CSI driver, ALB controller, metrics-server and
// ExternalDNS, like the shipped examples (examples/{go,ts,python}) that the
// full-platform lifecycle of each language runs.
const (
	component = "platform" // component name = cluster name, the examples' too
	pub1      = "subnet-0a00000000000001a"
	pub2      = "subnet-0a00000000000002b"
	priv1     = "subnet-0b00000000000001a"
	priv2     = "subnet-0b00000000000002b"
	zoneID    = "Z0123456789ABCDEFGHIJ"
	teamRole  = "arn:aws:iam::123456789012:role/platform-team"
)

// Bad inputs every language tries, with the text the component's error must hold.
var badInputs = []struct{ variant, want string }{
	{"bad-scaling", "nodeGroups[1].scaling: minSize 4 is greater than maxSize 2"},
	{"bad-subnet", `publicSubnetIds[1]: "` + priv1 + `" is both public and private`},
	{"bad-logtype", `enabledLogTypes[1]: unknown log type "kubelet"`},
}

func goArgs(variant string) *eksplatform.EksPlatformArgs {
	a := &eksplatform.EksPlatformArgs{
		KubernetesVersion: pulumi.String("1.36"),
		PublicSubnetIds:   pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
		PrivateSubnetIds:  pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
		Admins:            pulumi.StringArray{pulumi.String(teamRole)},
		LogRetentionDays:  pulumi.Int(90),
		NodeGroups: eksplatform.NodeGroupArray{
			eksplatform.NodeGroupArgs{
				Name:          pulumi.String("system"),
				CapacityType:  pulumi.String("ON_DEMAND"),
				InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
				Scaling: eksplatform.NodeGroupScalingArgs{
					MinSize: pulumi.Int(2), DesiredSize: pulumi.Int(2), MaxSize: pulumi.Int(3),
				},
				Labels: pulumi.StringMap{"node-role": pulumi.String("system")},
				Taints: eksplatform.TaintArray{eksplatform.TaintArgs{
					Key: pulumi.String("CriticalAddonsOnly"), Value: pulumi.String("true"), Effect: pulumi.String("NO_SCHEDULE"),
				}},
			},
			eksplatform.NodeGroupArgs{
				Name:          pulumi.String("general"),
				CapacityType:  pulumi.String("SPOT"),
				InstanceTypes: pulumi.StringArray{pulumi.String("t3.large"), pulumi.String("m5.large")},
				Scaling: eksplatform.NodeGroupScalingArgs{
					MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(2), MaxSize: pulumi.Int(5),
				},
			},
		},
		FargateProfiles: eksplatform.FargateProfileArray{
			eksplatform.FargateProfileArgs{
				Name:      pulumi.String("apps"),
				Selectors: eksplatform.FargateSelectorArray{eksplatform.FargateSelectorArgs{Namespace: pulumi.String("apps")}},
			},
			eksplatform.FargateProfileArgs{
				Name: pulumi.String("batch"),
				Selectors: eksplatform.FargateSelectorArray{eksplatform.FargateSelectorArgs{
					Namespace: pulumi.String("batch"),
					Labels:    pulumi.StringMap{"compute": pulumi.String("fargate")},
				}},
			},
		},
		EksAddons: eksplatform.EksAddonsArgs{
			EbsCsiDriver: eksplatform.EksAddonArgs{Enabled: pulumi.Bool(true)},
		},
		Addons: eksplatform.HelmAddonsArgs{
			AwsLoadBalancerController: eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			MetricsServer:             eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			ExternalDns: eksplatform.ExternalDnsAddonArgs{
				Enabled:       pulumi.Bool(true),
				HostedZoneIds: pulumi.StringArray{pulumi.String(zoneID)},
			},
		},
		Tags: pulumi.StringMap{"team": pulumi.String("platform")},
	}
	switch variant {
	case "bad-scaling":
		a.NodeGroups = eksplatform.NodeGroupArray{
			eksplatform.NodeGroupArgs{Name: pulumi.String("system")},
			eksplatform.NodeGroupArgs{Name: pulumi.String("general"), Scaling: eksplatform.NodeGroupScalingArgs{
				MinSize: pulumi.Int(4), MaxSize: pulumi.Int(2),
			}},
		}
	case "bad-subnet":
		a.PublicSubnetIds = pulumi.StringArray{pulumi.String(pub1), pulumi.String(priv1)}
	case "bad-logtype":
		a.EnabledLogTypes = pulumi.StringArray{pulumi.String("api"), pulumi.String("kubelet")}
	case "configmap":
		// SCENARIOS #4: the aws-auth seed, written before the first node group.
		a.AuthenticationMode = pulumi.String("CONFIG_MAP")
		a.Admins = nil
		a.RoleMappings = eksplatform.RoleMappingArray{eksplatform.RoleMappingArgs{
			RoleArn:  pulumi.String(teamRole),
			Username: pulumi.String("platform-team"),
			Groups:   pulumi.StringArray{pulumi.String("system:masters")},
		}}
		a.Addons = nil
		a.FargateProfiles = a.FargateProfiles.(eksplatform.FargateProfileArray)[:1]
	}
	return a
}

// goProgram is the inline Go program of a variant.
func goProgram(variant string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := eksplatform.NewEksPlatform(ctx, component, goArgs(variant))
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", p.Kubeconfig)
		ctx.Export("clusterName", p.ClusterName)
		ctx.Export("clusterEndpoint", p.ClusterEndpoint)
		ctx.Export("oidcProviderArn", p.OidcProviderArn)
		return nil
	}
}
