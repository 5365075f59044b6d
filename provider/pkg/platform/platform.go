// Package platform is the EksPlatform component: plain Pulumi Go code, usable in-process
// from Go programs and served to other languages by the provider plugin's Construct.
package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TypeToken is the component's type in schema.yaml.
const TypeToken = "eksplatform:index:EksPlatform"

// EksPlatform is the component resource. Its outputs are flat values (names, ARNs,
// kubeconfig) that every SDK handles well.
type EksPlatform struct {
	pulumi.ResourceState

	Kubeconfig                  pulumi.StringOutput    `pulumi:"kubeconfig"`
	ClusterName                 pulumi.StringOutput    `pulumi:"clusterName"`
	ClusterArn                  pulumi.StringOutput    `pulumi:"clusterArn"`
	ClusterEndpoint             pulumi.StringOutput    `pulumi:"clusterEndpoint"`
	ClusterCertificateAuthority pulumi.StringOutput    `pulumi:"clusterCertificateAuthority"`
	ClusterSecurityGroupId      pulumi.StringOutput    `pulumi:"clusterSecurityGroupId"`
	ClusterRoleArn              pulumi.StringOutput    `pulumi:"clusterRoleArn"`
	KmsKeyArn                   pulumi.StringOutput    `pulumi:"kmsKeyArn"`
	OidcProviderArn             pulumi.StringOutput    `pulumi:"oidcProviderArn"`
	OidcIssuerUrl               pulumi.StringOutput    `pulumi:"oidcIssuerUrl"`
	NodeRoleArn                 pulumi.StringOutput    `pulumi:"nodeRoleArn"`
	FargatePodExecutionRoleArn  pulumi.StringOutput    `pulumi:"fargatePodExecutionRoleArn"`
	AddonRoleArns               pulumi.StringMapOutput `pulumi:"addonRoleArns"`
}

// New builds the platform. Inputs are resolved and validated before anything is
// registered, so bad input leaves nothing half-created. The body is the ordered list of
// stages; each stage receives what the earlier ones made and depends on it explicitly
// wherever the data flow alone would not order it (DESIGN.md §3).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*EksPlatform, error) {
	cfg, err := Resolve(name, args)
	if err != nil {
		return nil, err
	}
	p := &EksPlatform{}
	if err := ctx.RegisterComponentResource(TypeToken, name, p, opts...); err != nil {
		return nil, err
	}
	b := newBuild(ctx, cfg, p)

	network, err := b.network()
	if err != nil {
		return nil, err
	}
	cluster, err := b.cluster(network)
	if err != nil {
		return nil, err
	}
	identity, err := b.identity(cluster)
	if err != nil {
		return nil, err
	}
	kube, err := b.kubernetes(cluster)
	if err != nil {
		return nil, err
	}
	workers, err := b.workerRoles(cluster)
	if err != nil {
		return nil, err
	}
	access, err := b.access(cluster, kube, workers)
	if err != nil {
		return nil, err
	}
	baseAddons, err := b.baseAddons(cluster)
	if err != nil {
		return nil, err
	}
	compute, err := b.compute(cluster, workers, access, baseAddons)
	if err != nil {
		return nil, err
	}
	nodeAddons, err := b.nodeAddons(cluster, identity, compute)
	if err != nil {
		return nil, err
	}
	helm, err := b.helmAddons(cluster, identity, kube, access, baseAddons, compute)
	if err != nil {
		return nil, err
	}
	return p, b.outputs(p, cluster, identity, kube, workers, nodeAddons, helm)
}

// build carries what every stage needs: the context, the resolved config, the parent.
type build struct {
	ctx    *pulumi.Context
	cfg    *Config
	parent pulumi.Resource
	// partition and region are read once (invokes in Output form, so previews work).
	partition pulumi.StringOutput
	region    pulumi.StringOutput
}

func newBuild(ctx *pulumi.Context, cfg *Config, parent pulumi.Resource) *build {
	return &build{
		ctx:       ctx,
		cfg:       cfg,
		parent:    parent,
		partition: aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{}, pulumi.Parent(parent)).Partition(),
		region:    aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, pulumi.Parent(parent)).Name(),
	}
}

// child names a child resource "<name>-<part>", so two platforms in one stack never
// collide.
func (b *build) child(part string) string {
	return b.cfg.Name + "-" + part
}

// opts are a child's options: parented to the component, plus extra.
func (b *build) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.parent)}, extra...)
}

// tags are the platform's tags plus extra, for every taggable AWS resource.
func (b *build) tags(extra map[string]string) pulumi.StringMap {
	merged := mergeTags(b.cfg.Cluster.Tags, extra)
	out := pulumi.StringMap{}
	for _, k := range sortedKeys(merged) {
		out[k] = pulumi.String(merged[k])
	}
	return out
}

// dependsOn joins resource lists into one DependsOn option.
func dependsOn(lists ...[]pulumi.Resource) pulumi.ResourceOption {
	var all []pulumi.Resource
	for _, l := range lists {
		all = append(all, l...)
	}
	return pulumi.DependsOn(all)
}
