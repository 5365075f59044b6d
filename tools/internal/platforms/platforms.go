// Package platforms holds the EksPlatform programs that both the benchmarks
// (cmd/bench) and the end-to-end tests (e2e) run, so the platform a figure is
// taken on is the platform a test proves converges.
//
//   - Default: two public and two private subnets and one node group given
//     only its name; everything else is the component's defaults
//     (docs/ordering.md rule 8: its critical path is cluster → node group →
//     add-on).
//   - Large: 10 node groups, 3 Fargate profiles and every add-on of the
//     catalogue (all five EKS add-ons, all four Helm add-ons).
//   - Nodes30: SCENARIOS #19, thirty node groups and ten helmReleases: more
//     3-minute operations that may run at once than the engine's default
//     --parallel (4 per core) lets run, so the engine's slots, not AWS, decide
//     what runs when (docs/ordering.md rule 4).
package platforms

import (
	"fmt"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Def is a platform program and its short name.
type Def struct {
	Name    string
	Program pulumi.RunFunc
}

var (
	Default = Def{"default", program(defaultArgs)}
	Large   = Def{"large", program(largeArgs)}
	Nodes30 = Def{"nodes30", program(nodes30Args)}
)

// Component is the component's resource name in every program here, so its
// children are "<Component>-<part>".
const Component = "bench"

func subnets(a *eksplatform.EksPlatformArgs) {
	a.PublicSubnetIds = pulumi.StringArray{pulumi.String("subnet-0a00000000000001a"), pulumi.String("subnet-0a00000000000002b")}
	a.PrivateSubnetIds = pulumi.StringArray{pulumi.String("subnet-0b00000000000001a"), pulumi.String("subnet-0b00000000000002b")}
}

func defaultArgs() *eksplatform.EksPlatformArgs {
	a := &eksplatform.EksPlatformArgs{
		NodeGroups: eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{Name: pulumi.String("default")}},
	}
	subnets(a)
	return a
}

// Nodes30Releases is how many helmReleases Nodes30 installs.
const Nodes30Releases = 10

func nodes30Args() *eksplatform.EksPlatformArgs {
	var ngs eksplatform.NodeGroupArray
	for i := range 30 {
		ngs = append(ngs, eksplatform.NodeGroupArgs{Name: pulumi.String(fmt.Sprintf("ng%02d", i))})
	}
	var releases eksplatform.HelmReleaseArray
	for i := range Nodes30Releases {
		ns := fmt.Sprintf("team%02d", i)
		releases = append(releases, eksplatform.HelmReleaseArgs{
			Name: pulumi.String("web"), Chart: pulumi.String("oci://registry.example.com/charts/web"),
			Version: pulumi.String("1.0.0"), Namespace: pulumi.String(ns),
		})
	}
	a := &eksplatform.EksPlatformArgs{NodeGroups: ngs, HelmReleases: releases}
	subnets(a)
	return a
}

func largeArgs() *eksplatform.EksPlatformArgs {
	a := &eksplatform.EksPlatformArgs{
		KubernetesVersion: pulumi.String("1.36"),
		Admins:            pulumi.StringArray{pulumi.String("arn:aws:iam::123456789012:role/platform-team")},
		LogRetentionDays:  pulumi.Int(90),
		Tags:              pulumi.StringMap{"team": pulumi.String("platform")},
	}
	subnets(a)
	var ngs eksplatform.NodeGroupArray
	for i := range 10 {
		capacity := "ON_DEMAND"
		if i%2 == 1 {
			capacity = "SPOT"
		}
		ngs = append(ngs, eksplatform.NodeGroupArgs{
			Name:          pulumi.String(fmt.Sprintf("group%02d", i)),
			CapacityType:  pulumi.String(capacity),
			InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
			Scaling: eksplatform.NodeGroupScalingArgs{
				MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(2), MaxSize: pulumi.Int(5),
			},
			Labels: pulumi.StringMap{"pool": pulumi.String(fmt.Sprintf("p%d", i))},
		})
	}
	a.NodeGroups = ngs
	var fps eksplatform.FargateProfileArray
	for _, ns := range []string{"apps", "batch", "jobs"} {
		fps = append(fps, eksplatform.FargateProfileArgs{
			Name:      pulumi.String(ns),
			Selectors: eksplatform.FargateSelectorArray{eksplatform.FargateSelectorArgs{Namespace: pulumi.String(ns)}},
		})
	}
	a.FargateProfiles = fps
	on := eksplatform.EksAddonArgs{Enabled: pulumi.Bool(true)}
	a.EksAddons = eksplatform.EksAddonsArgs{
		VpcCni: on, KubeProxy: on, PodIdentityAgent: on, Coredns: on, EbsCsiDriver: on,
	}
	helm := eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)}
	a.Addons = eksplatform.HelmAddonsArgs{
		AwsLoadBalancerController: helm,
		ClusterAutoscaler:         helm,
		MetricsServer:             helm,
		ExternalDns: eksplatform.ExternalDnsAddonArgs{
			Enabled:       pulumi.Bool(true),
			HostedZoneIds: pulumi.StringArray{pulumi.String("Z0123456789ABCDEFGHIJ")},
		},
	}
	return a
}

func program(args func() *eksplatform.EksPlatformArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := eksplatform.NewEksPlatform(ctx, Component, args())
		if err != nil {
			return err
		}
		ctx.Export("clusterName", p.ClusterName)
		ctx.Export("kubeconfig", p.Kubeconfig)
		return nil
	}
}
