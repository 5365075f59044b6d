package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// build carries what every stage needs besides its input struct: the context, the
// parent, child names and options, the platform's tags, the partition and region, and
// the run-wide facts preflight found (the upgrade, the cluster guard). It holds no
// section of the configuration: each stage gets the sections it reads in its input
// struct, from the stage script.
type build struct {
	ctx    *pulumi.Context
	parent pulumi.Resource
	// name is the component's resource name, the prefix of every child's name.
	name string
	// clusterName is the EKS cluster's name, fixed before anything is registered. It is
	// here rather than in the stages' inputs because the trust policies of the Fargate
	// and Pod Identity roles name the cluster's ARN built from it (so roles need not
	// wait for the cluster, rule 8), and preflight reads the running cluster by it.
	clusterName string
	// platformTags are the platform's tags (clusterConfig.Tags), on every taggable AWS
	// resource.
	platformTags stringMap
	// inputDeps are the resources the inputs depend on; every child depends on them.
	inputDeps []pulumi.Resource
	// partition and region are read once (invokes in Output form, so previews work).
	partition pulumi.StringOutput
	region    pulumi.StringOutput
	// upgrade is what this run does to the Kubernetes version (upgrade.go).
	upgrade upgrade
	// guard is what the cluster guard decided (clusterguard.go).
	guard clusterGuard
}

// newBuild takes from cfg the facts every stage shares; the sections themselves go to
// the stages through their input structs.
func newBuild(ctx *pulumi.Context, cfg *config, parent pulumi.Resource) *build {
	return &build{
		ctx:          ctx,
		parent:       parent,
		name:         cfg.Name,
		clusterName:  cfg.Cluster.Name,
		platformTags: cfg.Cluster.Tags,
		inputDeps:    cfg.InputDeps,
		partition:    aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{}, pulumi.Parent(parent)).Partition(),
		region:       aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, pulumi.Parent(parent)).Name(),
	}
}

// child names a child resource "<name>-<part>", so two platforms in one stack never
// collide.
func (b *build) child(part string) string {
	return b.name + "-" + part
}

// opts are a child's options: parented to the component and depending on what the
// inputs depend on (the values were read before any child existed, so the data flow
// would not record it), plus extra.
func (b *build) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	base := []pulumi.ResourceOption{pulumi.Parent(b.parent)}
	if len(b.inputDeps) > 0 {
		base = append(base, pulumi.DependsOn(b.inputDeps))
	}
	return append(base, extra...)
}

// tags are the platform's tags overlaid with extra, for every taggable AWS resource.
// They stay an Output when a value is one (a secret tag value keeps the tags secret).
func (b *build) tags(extra ...stringMap) pulumi.StringMapInput {
	return mergeMaps(append([]stringMap{b.platformTags}, extra...)...)
}
