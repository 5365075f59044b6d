package platform

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// liveCluster is what EKS says of the cluster the platform manages, read before any
// child is registered (docs/design.md, "Upgrades"). The component cannot see its own
// Pulumi state, and a version step is a fact about the running cluster, not about the
// inputs of the last run: EKS answers it.
type liveCluster struct {
	// Exists is false on the first create: no cluster has the name.
	Exists bool
	// Version is the control plane's Kubernetes version.
	Version string
	// NodeGroups are the Kubernetes versions of this platform's managed node groups that
	// EKS runs, by EKS name (all generations: a replacement in flight shows two).
	NodeGroups map[string]string
	// Groups are the create-only fields EKS reports for the same groups, by EKS name:
	// whether this run replaces a group is a fact about the running group
	// (nodeGroupEksName, replacementWarning).
	Groups map[string]nodeGroupFields
	// AllNodeGroups are the EKS names of every node group of the cluster, the
	// platform's or not (removedGroupWarnings).
	AllNodeGroups []string

	// What the cluster guard compares (clusterguard.go): the cluster's tags, its Auto
	// Mode compute, and, when no cluster has the name, the name of the cluster that
	// carries this platform's identity tag (a rename).
	Tags            map[string]string
	AutoCompute     bool
	AutoNodeRoleArn string
	RenamedFrom     string
}

// readLive reads the cluster by name in Output form, through the component's AWS
// provider (invokes parented to the component). getClusters lists the names first, so
// a cluster that does not exist yet (the first `pulumi up`) is an empty answer rather
// than getCluster's "not found" error; only the node groups whose EKS names carry one
// of this platform's prefixes are read. An invoke that fails fails the run: a version
// check that cannot read the cluster does not pass silently. A cluster of the name that
// is not this platform's is refused before anything else is read (checkOwner). compute
// says which node groups are the platform's.
func (b *build) readLive(compute computeConfig) (liveCluster, error) {
	name := b.clusterName
	live := liveCluster{NodeGroups: map[string]string{}, Groups: map[string]nodeGroupFields{}}
	names, err := awaitStrings(eks.GetClustersOutput(b.ctx, pulumi.Parent(b.parent)).Names())
	if err != nil {
		return live, fmt.Errorf("reading the EKS clusters of the account to find %s: %w", name, err)
	}
	if !slices.Contains(names, name) {
		live.RenamedFrom, err = b.findRenamed(names)
		return live, err
	}
	live.Exists = true
	cluster := eks.LookupClusterOutput(b.ctx, eks.LookupClusterOutputArgs{Name: pulumi.String(name)}, pulumi.Parent(b.parent))
	// Whose the cluster is comes first: every later check compares this run with it.
	own, err := readOwnership(cluster, name)
	if err != nil {
		return live, fmt.Errorf("reading EKS cluster %s: %w", name, err)
	}
	if err := b.checkOwner(own); err != nil {
		return live, err
	}
	live.Tags = own.Tags
	if live.Version, err = awaitStr(cluster.Version()); err != nil {
		return live, fmt.Errorf("reading EKS cluster %s: %w", name, err)
	}
	if err := readGuarded(cluster, &live); err != nil {
		return live, fmt.Errorf("reading EKS cluster %s: %w", name, err)
	}
	groups, err := awaitStrings(eks.GetNodeGroupsOutput(b.ctx, eks.GetNodeGroupsOutputArgs{ClusterName: pulumi.String(name)},
		pulumi.Parent(b.parent)).Names())
	if err != nil {
		return live, fmt.Errorf("reading the node groups of EKS cluster %s: %w", name, err)
	}
	live.AllNodeGroups = slices.Sorted(slices.Values(groups))
	for _, ng := range slices.Sorted(slices.Values(groups)) {
		if compute.groupOf(ng) < 0 {
			continue
		}
		r, err := awaitNodeGroup(eks.LookupNodeGroupOutput(b.ctx, eks.LookupNodeGroupOutputArgs{
			ClusterName: pulumi.String(name), NodeGroupName: pulumi.String(ng),
		}, pulumi.Parent(b.parent)))
		if err != nil {
			return live, fmt.Errorf("reading EKS node group %s of cluster %s: %w", ng, name, err)
		}
		live.NodeGroups[ng] = r.Version
		live.Groups[ng] = liveNodeGroupFields(r)
	}
	return live, nil
}

// groupOf is the index of the configured node group an EKS node group name belongs to
// ("<cluster>-<name>-<generation>", or "<cluster>-<name>" as 0.1.0 named them), or -1.
func (c computeConfig) groupOf(eksName string) int {
	for i, g := range c.NodeGroups {
		rest, ok := strings.CutPrefix(eksName, g.EksName)
		if ok && (rest == "" || (len(rest) == nodeGroupGenerationLen+1 && rest[0] == '-')) {
			return i
		}
	}
	return -1
}

func awaitStr(o pulumi.StringOutput) (string, error) {
	r, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		return "", err
	}
	s, _ := r.Value.(string)
	return s, nil
}

func awaitStrings(o pulumi.StringArrayOutput) ([]string, error) {
	r, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		return nil, err
	}
	s, _ := r.Value.([]string)
	return s, nil
}
