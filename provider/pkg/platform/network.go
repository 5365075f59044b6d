package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// subnetTag is one tag the platform puts on a subnet it does not own. A shared tag
// (the load balancer role tags) is the same for every cluster on the subnet.
type subnetTag struct {
	suffix, key, value string
	shared             bool
}

// sharedSubnetTagOptions are the options of a tag that belongs to no one cluster. EC2 holds
// one value per key and subnet, whoever wrote it: CreateTags overwrites it, and
// pulumi-aws's Tag delete (DeleteTags with the key and the value it wrote) removes it for
// everyone — the other platforms on the subnet, the VPC module or the person who wrote
// it first. So the platform never deletes a shared tag: RetainOnDelete leaves it on the
// subnet when the platform is destroyed, removed from the program, or stops writing it
// (subnetRoleTags turned false). And once written it leaves the value to whoever else
// manages the tag ("" and "1" both mean "use this subnet" to the load balancer
// controllers): IgnoreChanges on value keeps a refreshed, different value instead of
// writing "1" back on every up. docs/design.md, "Subnet tags".
func sharedSubnetTagOptions() []pulumi.ResourceOption {
	return []pulumi.ResourceOption{pulumi.RetainOnDelete(true), pulumi.IgnoreChanges([]string{"value"})}
}

// subnetTagsIn is what subnetTags reads: the subnets and subnetRoleTags, and whether
// Karpenter discovers its nodes' subnets by tag.
type subnetTagsIn struct {
	ClusterConfig   clusterConfig
	KarpenterConfig karpenterConfig
}

// subnetTags tags the user's subnets for EKS and for the load balancer controller's subnet
// discovery. One aws.ec2.Tag per subnet and key: the platform owns these tags, never the
// subnets. The cluster tag names this cluster alone and goes with the platform; the role
// tags are shared (sharedSubnetTagOptions) and stay. With subnetRoleTags false only the
// per-cluster tag is written. Tags are named by subnet ID, so reordering the subnet lists
// changes nothing.
func (b *build) subnetTags(in subnetTagsIn) (*readyResult, error) {
	c := in.ClusterConfig
	own := subnetTag{suffix: "cluster", key: "kubernetes.io/cluster/" + c.Name, value: "shared"}
	res := &readyResult{}
	add := func(subnets stringList, role subnetTag) error {
		tags := []subnetTag{own}
		if c.SubnetRoleTags {
			tags = append(tags, role)
		}
		// Subnet IDs not known yet (preview, the VPC made in the same program) name no
		// tag: the update, where they are known, creates the tags before the cluster.
		for i, id := range subnets.Values {
			for _, t := range tags {
				var extra []pulumi.ResourceOption
				if t.shared {
					extra = sharedSubnetTagOptions()
				}
				tag, err := ec2.NewTag(b.ctx, b.child(nameKey(id, subnets.Secret)+"-"+t.suffix+"-tag"), &ec2.TagArgs{
					ResourceId: subnets.element(i),
					Key:        pulumi.String(t.key),
					Value:      pulumi.String(t.value),
				}, b.opts(extra...)...)
				if err != nil {
					return err
				}
				res.Ready = append(res.Ready, tag)
			}
		}
		return nil
	}
	if err := add(c.PublicSubnets, subnetTag{suffix: "elb", key: "kubernetes.io/role/elb", value: "1", shared: true}); err != nil {
		return nil, err
	}
	if err := add(c.PrivateSubnets, subnetTag{suffix: "internal-elb", key: "kubernetes.io/role/internal-elb", value: "1", shared: true}); err != nil {
		return nil, err
	}
	// Karpenter's EC2NodeClass selects its nodes' subnets by this tag (karpenter.go): the
	// private subnets, where the platform's nodes run. Per cluster, so written whatever
	// subnetRoleTags says.
	if in.KarpenterConfig.Enabled {
		for i, id := range c.PrivateSubnets.Values {
			tag, err := ec2.NewTag(b.ctx, b.child(nameKey(id, c.PrivateSubnets.Secret)+"-karpenter-tag"), &ec2.TagArgs{
				ResourceId: c.PrivateSubnets.element(i),
				Key:        pulumi.String(karpenterDiscoveryTag),
				Value:      pulumi.String(c.Name),
			}, b.opts()...)
			if err != nil {
				return nil, err
			}
			res.Ready = append(res.Ready, tag)
		}
	}
	return res, nil
}
