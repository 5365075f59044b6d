package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// subnetTag is one tag the platform puts on a subnet it does not own.
type subnetTag struct {
	suffix, key, value string
}

// subnetTags tags the user's subnets for EKS and for the load balancer controller's subnet
// discovery. One aws.ec2.Tag per subnet and key: the platform owns these tags, never the
// subnets, and destroying it removes only its tags. The role tags are the same for every
// cluster on a subnet, so with subnetRoleTags false (a fleet sharing subnets) only the
// per-cluster tag is written. Tags are named by subnet ID, so
// reordering the subnet lists changes nothing.
func (b *build) subnetTags() (*readyResult, error) {
	c := b.cfg.Cluster
	shared := subnetTag{"cluster", "kubernetes.io/cluster/" + c.Name, "shared"}
	res := &readyResult{}
	add := func(subnets stringList, role subnetTag) error {
		tags := []subnetTag{shared}
		if c.SubnetRoleTags {
			tags = append(tags, role)
		}
		// Subnet IDs not known yet (preview, the VPC made in the same program) name no
		// tag: the update, where they are known, creates the tags before the cluster.
		for i, id := range subnets.Values {
			for _, t := range tags {
				tag, err := ec2.NewTag(b.ctx, b.child(nameKey(id, subnets.Secret)+"-"+t.suffix+"-tag"), &ec2.TagArgs{
					ResourceId: subnets.element(i),
					Key:        pulumi.String(t.key),
					Value:      pulumi.String(t.value),
				}, b.opts()...)
				if err != nil {
					return err
				}
				res.Ready = append(res.Ready, tag)
			}
		}
		return nil
	}
	if err := add(c.PublicSubnets, subnetTag{"elb", "kubernetes.io/role/elb", "1"}); err != nil {
		return nil, err
	}
	if err := add(c.PrivateSubnets, subnetTag{"internal-elb", "kubernetes.io/role/internal-elb", "1"}); err != nil {
		return nil, err
	}
	// Karpenter's EC2NodeClass selects its nodes' subnets by this tag (karpenter.go): the
	// private subnets, where the platform's nodes run. Per cluster, so written whatever
	// subnetRoleTags says.
	if b.cfg.Karpenter.Enabled {
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
