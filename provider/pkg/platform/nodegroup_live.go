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

// nodeGroupFields are a node group's create-only fields: every property the platform
// sets that pulumi-aws replaces the group for (nodeGroupGeneration hashes the same
// ones). For a running group they are what EKS reports (aws.eks.getNodeGroup); for a
// configured one what this run gives it.
type nodeGroupFields struct {
	AmiType          string
	CapacityType     string
	InstanceTypes    []string
	NodeRoleArn      string
	SubnetIDs        []string
	LaunchTemplateID string
}

// liveNodeGroupFields reads the create-only fields of a running group from EKS's
// answer. With a custom AMI in the launch template EKS reports amiType CUSTOM, the
// platform's own amiType for such a group.
func liveNodeGroupFields(r eks.LookupNodeGroupResult) nodeGroupFields {
	f := nodeGroupFields{
		AmiType: r.AmiType, CapacityType: r.CapacityType, InstanceTypes: r.InstanceTypes,
		NodeRoleArn: r.NodeRoleArn, SubnetIDs: r.SubnetIds,
	}
	if len(r.LaunchTemplates) > 0 {
		f.LaunchTemplateID = r.LaunchTemplates[0].Id
	}
	return f
}

// awaitNodeGroup is EKS's answer for one node group (readLive).
func awaitNodeGroup(o eks.LookupNodeGroupResultOutput) (eks.LookupNodeGroupResult, error) {
	r, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		return eks.LookupNodeGroupResult{}, err
	}
	v, _ := r.Value.(eks.LookupNodeGroupResult)
	return v, nil
}

// desiredNodeGroupFields are the create-only fields this run gives g, once the node
// role, the subnets and the launch template are known.
func desiredNodeGroupFields(g nodeGroupConfig, roleArn string, subnets []string, launchTemplateID string) nodeGroupFields {
	return nodeGroupFields{
		AmiType: g.AmiType, CapacityType: g.CapacityType, InstanceTypes: g.InstanceTypes,
		NodeRoleArn: roleArn, SubnetIDs: subnets, LaunchTemplateID: launchTemplateID,
	}
}

// changed names the fields of f that differ from have, in a fixed order. subnetIds is
// a set to the provider (their order does not count); instanceTypes is a list (it
// does).
func (f nodeGroupFields) changed(have nodeGroupFields) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("amiType", f.AmiType != have.AmiType)
	add("capacityType", f.CapacityType != have.CapacityType)
	add("instanceTypes", !slices.Equal(f.InstanceTypes, have.InstanceTypes))
	add("nodeRoleArn", f.NodeRoleArn != have.NodeRoleArn)
	add("subnetIds", !slices.Equal(slices.Sorted(slices.Values(f.SubnetIDs)), slices.Sorted(slices.Values(have.SubnetIDs))))
	add("launchTemplate.id", f.LaunchTemplateID != have.LaunchTemplateID)
	return out
}

// liveGroupsOf are the EKS names of the running node groups that belong to configured
// group g (all generations, and 0.1.0's name), sorted.
func (c computeConfig) liveGroupsOf(live liveCluster, g nodeGroupConfig) []string {
	i := slices.IndexFunc(c.NodeGroups, func(x nodeGroupConfig) bool { return x.Name == g.Name })
	var out []string
	for _, n := range sortedKeys(live.Groups) {
		if c.groupOf(n) == i {
			out = append(out, n)
		}
	}
	return out
}

// nodeGroupEksName is the EKS name this run gives g, whose create-only fields are want.
//
// It is "<cluster>-<name>-<generation>", except for a group 0.1.0 made: that release
// named groups "<cluster>-<name>", and a new name is a new group (nodeGroupName is
// create-only), so moving to the generation name would replace every 0.1.0 group once
// for nothing. While EKS runs the group under that name with exactly the create-only
// fields this run wants, the name is kept: the group is updated in place (a launch
// template change still rolls its nodes), and a second run keeps it again. Once a
// field differs, the group is replaced anyway, and the replacement takes the
// generation name, created before the old group is deleted. The name is also not kept
// while another generation of the group runs (an interrupted replacement): the group
// in the state is then that one, and taking back the old name would collide with the
// group still being deleted.
//
// Every value compared is known here (this runs in an apply of the role, subnets and
// launch template); a value unknown at preview leaves the name unknown, so the preview
// plans a replacement, which the update then does only if the value differs.
func (c computeConfig) nodeGroupEksName(live liveCluster, g nodeGroupConfig, want nodeGroupFields) string {
	if have, ok := live.Groups[g.EksName]; ok && len(want.changed(have)) == 0 &&
		slices.Equal(c.liveGroupsOf(live, g), []string{g.EksName}) {
		return g.EksName
	}
	return g.EksName + "-" + nodeGroupGeneration(g, want.NodeRoleArn, want.SubnetIDs, want.LaunchTemplateID)
}

// replacementWarning is the preview's line for a group whose EKS name this run
// changes: the new group is created first and the running ones deleted after (EKS
// drains a group's nodes as it deletes it), with the create-only fields that changed.
// "" when nothing of g runs yet (a create) or the name is the running one.
func replacementWarning(g nodeGroupConfig, running []string, desired string, want nodeGroupFields, live liveCluster) string {
	if len(running) == 0 || slices.Contains(running, desired) {
		return ""
	}
	var causes []string
	for _, n := range running {
		for _, f := range want.changed(live.Groups[n]) {
			if !slices.Contains(causes, f) {
				causes = append(causes, f)
			}
		}
	}
	msg := fmt.Sprintf("node group %s will be replaced: %s is created first, %s deleted after its nodes drain",
		g.Name, desired, joinAnd(running))
	if len(causes) > 0 {
		msg += "; cause: " + joinAnd(causes) + " changed"
	}
	return msg
}

// unknownNameWarning is the preview's line for a running group whose new EKS name
// cannot be computed yet: fields are the create-only inputs not known until the
// update.
func unknownNameWarning(g nodeGroupConfig, running []string, fields []string) string {
	verb := "is"
	if len(fields) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("node group %s may be replaced: %s %s not known until the update; if it changes, a new group is created first and %s deleted after its nodes drain",
		g.Name, joinAnd(fields), verb, joinAnd(running))
}

// removedGroupWarnings are the preview's lines for running groups named as this
// platform names them ("<cluster>-<name>-<generation>") whose name is in no entry of
// nodeGroups: the engine deletes them with the entry. Groups named otherwise are not
// claimed (they may be someone else's, and the component cannot see its state).
func (c computeConfig) removedGroupWarnings(live liveCluster, cluster string) []string {
	if c.NodeGroupsUnknown {
		return nil
	}
	var out []string
	for _, n := range live.AllNodeGroups {
		if c.groupOf(n) >= 0 {
			continue
		}
		rest, ok := strings.CutPrefix(n, cluster+"-")
		if !ok || len(rest) < nodeGroupGenerationLen+2 || rest[len(rest)-nodeGroupGenerationLen-1] != '-' ||
			!isLowerHex(rest[len(rest)-nodeGroupGenerationLen:]) {
			continue
		}
		name := rest[:len(rest)-nodeGroupGenerationLen-1]
		out = append(out, fmt.Sprintf("node group %s will be deleted: it is no longer in nodeGroups, so EKS node group %s is deleted after its nodes drain",
			name, n))
	}
	return out
}

func isLowerHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return s != ""
}

// joinAnd lists items as "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// plannedName is one configured group's EKS name as this run computes it, with the
// inputs it is computed from, for the preview's warnings.
type plannedName struct {
	g       nodeGroupConfig
	name    pulumi.StringOutput
	roleArn pulumi.StringInput
	subnets pulumi.StringArrayInput
	ltID    pulumi.IDOutput
}

// warnUnknownNodeGroupNames logs, at preview, the groups that run now and whose EKS
// name this run cannot compute yet: their replacement depends on a value the update
// learns. It reads the names after every child is registered (a dry run answers
// registrations at once), so it holds nothing up; names that are known were warned
// about by nodeGroup's apply. compute matches the running groups to the configured ones.
func (b *build) warnUnknownNodeGroupNames(compute computeConfig, planned []plannedName) {
	if !b.ctx.DryRun() {
		return
	}
	for _, p := range planned {
		running := compute.liveGroupsOf(b.upgrade.live, p.g)
		if len(running) == 0 {
			continue
		}
		fields := slices.Clone(p.g.PreviewUnknown)
		if len(fields) == 0 {
			if await(p.name).known {
				continue
			}
			if !await(p.roleArn).known {
				fields = append(fields, "nodeRoleArn")
			}
			if !await(p.subnets).known {
				fields = append(fields, "subnetIds")
			}
			if !await(p.ltID).known {
				fields = append(fields, "launchTemplate.id")
			}
		}
		if len(fields) > 0 {
			_ = b.ctx.Log.Warn(unknownNameWarning(p.g, running, fields), &pulumi.LogArgs{Resource: b.parent})
		}
	}
}
