package platform

import (
	"context"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// readGuarded reads what the cluster guard compares (clusterguard.go) from the running
// cluster: its tags and its Auto Mode compute.
func readGuarded(cluster eks.LookupClusterResultOutput, live *liveCluster) error {
	tags, err := internals.UnsafeAwaitOutput(context.Background(), cluster.Tags())
	if err != nil {
		return err
	}
	live.Tags, _ = tags.Value.(map[string]string)
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
	identity := platformIdentity(b.ctx.Project(), b.ctx.Stack(), b.cfg.Name)
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
