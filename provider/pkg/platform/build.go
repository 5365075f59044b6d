package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// build carries what every stage needs besides its input struct: the context, the
// parent, child names and options, the platform's tags, the partition and region, and
// the run-wide facts preflight found (the upgrade, the cluster guard).
type build struct {
	ctx *pulumi.Context
	// cfg is the resolved configuration. The stage script hands each stage the sections
	// it uses in its input struct; child names, options and tags read it here.
	cfg    *config
	parent pulumi.Resource
	// partition and region are read once (invokes in Output form, so previews work).
	partition pulumi.StringOutput
	region    pulumi.StringOutput
	// upgrade is what this run does to the Kubernetes version (upgrade.go).
	upgrade upgrade
	// guard is what the cluster guard decided (clusterguard.go).
	guard clusterGuard
}

func newBuild(ctx *pulumi.Context, cfg *config, parent pulumi.Resource) *build {
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

// opts are a child's options: parented to the component and depending on what the
// inputs depend on (the values were read before any child existed, so the data flow
// would not record it), plus extra.
func (b *build) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	base := []pulumi.ResourceOption{pulumi.Parent(b.parent)}
	if len(b.cfg.InputDeps) > 0 {
		base = append(base, pulumi.DependsOn(b.cfg.InputDeps))
	}
	return append(base, extra...)
}

// tags are the platform's tags overlaid with extra, for every taggable AWS resource.
// They stay an Output when a value is one (a secret tag value keeps the tags secret).
func (b *build) tags(extra ...stringMap) pulumi.StringMapInput {
	return mergeMaps(append([]stringMap{b.cfg.Cluster.Tags}, extra...)...)
}
