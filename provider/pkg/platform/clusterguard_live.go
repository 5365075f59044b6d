package platform

import (
	"context"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// readOwnership reads what the owner check needs of the running cluster (clusterowner.go):
// its ARN, tags and role.
func readOwnership(cluster eks.LookupClusterResultOutput, name string) (clusterOwnership, error) {
	own := clusterOwnership{Name: name}
	tags, err := internals.UnsafeAwaitOutput(context.Background(), cluster.Tags())
	if err != nil {
		return own, err
	}
	own.Tags, _ = tags.Value.(map[string]string)
	if own.Arn, err = awaitStr(cluster.Arn()); err != nil {
		return own, err
	}
	own.RoleArn, err = awaitStr(cluster.RoleArn())
	return own, err
}

// checkOwner refuses the running cluster of the platform's name unless it is this
// platform's (clusterowner.go).
func (b *build) checkOwner(own clusterOwnership) error {
	return checkClusterOwner(own, platformIdentity(b.ctx.Project(), b.ctx.Stack(), b.name), platformClusterRole(b.clusterName))
}

// checkNameOwner is the owner check on its own, for a preview where kubernetesVersion is
// unknown and the running cluster is not read (readLive): the name is known, so a name
// another cluster holds is refused there too, not first at the update.
func (b *build) checkNameOwner() error {
	name := b.clusterName
	names, err := awaitStrings(eks.GetClustersOutput(b.ctx, pulumi.Parent(b.parent)).Names())
	if err != nil {
		return fmt.Errorf("reading the EKS clusters of the account to find %s: %w", name, err)
	}
	if !slices.Contains(names, name) {
		return nil
	}
	cluster := eks.LookupClusterOutput(b.ctx, eks.LookupClusterOutputArgs{Name: pulumi.String(name)}, pulumi.Parent(b.parent))
	own, err := readOwnership(cluster, name)
	if err != nil {
		return fmt.Errorf("reading EKS cluster %s: %w", name, err)
	}
	return b.checkOwner(own)
}

// readGuarded reads what the cluster guard compares (clusterguard.go) from the running
// cluster, besides its tags (readOwnership): its Auto Mode compute.
func readGuarded(cluster eks.LookupClusterResultOutput, live *liveCluster) error {
	compute, err := internals.UnsafeAwaitOutput(context.Background(), cluster.ComputeConfigs())
	if err != nil {
		return err
	}
	ccs, _ := compute.Value.([]eks.GetClusterComputeConfig)
	for _, cc := range ccs {
		live.AutoCompute = cc.Enabled
		live.AutoNodeRoleArn = cc.NodeRoleArn
	}
	return nil
}

// findRenamed looks, when the named cluster does not exist, for the cluster this
// platform manages under another name: the one whose identity tag is this platform's.
// It reads every other cluster of the account, so it runs only on a first create or a
// rename; a platform that exists under its name costs no extra invoke.
func (b *build) findRenamed(names []string) (string, error) {
	identity := platformIdentity(b.ctx.Project(), b.ctx.Stack(), b.name)
	for _, n := range slices.Sorted(slices.Values(names)) {
		c := eks.LookupClusterOutput(b.ctx, eks.LookupClusterOutputArgs{Name: pulumi.String(n)}, pulumi.Parent(b.parent))
		r, err := internals.UnsafeAwaitOutput(context.Background(), c.Tags())
		if err != nil {
			return "", fmt.Errorf("reading EKS cluster %s to find the cluster this platform manages (renamed?): %w", n, err)
		}
		if tags, _ := r.Value.(map[string]string); tags[identityTag] == identity {
			return n, nil
		}
	}
	return "", nil
}
