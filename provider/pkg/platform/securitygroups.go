package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// securityGroupsIn is what securityGroups reads. Besides the security group inputs it
// needs the cluster's name (the group's name and tags) and whether Karpenter discovers
// its nodes' groups by tag.
type securityGroupsIn struct {
	SecurityGroupsConfig securityGroupsConfig
	ClusterConfig        clusterConfig
	KarpenterConfig      karpenterConfig
	Cluster              *clusterResult
}

// securityGroups makes the node security group and the rules (securitygroups_config.go).
// It needs only the cluster: its security group, and its VPC (the cluster's
// vpcConfig.vpcId, the VPC of the subnets), so it runs beside the access entries.
// One resource per rule (vpc.SecurityGroupIngressRule / EgressRule, the provider's
// current practice, each with its own rule ID), named by the rule's name, never its
// position, so reordering the list changes nothing.
func (b *build) securityGroups(in securityGroupsIn) (*securityGroupsResult, error) {
	c, cluster := in.SecurityGroupsConfig, in.Cluster
	res := &securityGroupsResult{
		ClusterID: cluster.Cluster.VpcConfig.ClusterSecurityGroupId().Elem(),
		NodeID:    pulumi.String("").ToStringOutput(),
	}
	if c.Node.Enabled {
		name := in.ClusterConfig.Name
		own := map[string]string{"Name": name + "-node"}
		if in.KarpenterConfig.Enabled {
			// Karpenter's EC2NodeClass selects its nodes' groups by this tag (karpenter.go),
			// as it does the cluster security group.
			own[karpenterDiscoveryTag] = name
		}
		sg, err := ec2.NewSecurityGroup(b.ctx, b.child("node-sg"), &ec2.SecurityGroupArgs{
			// A prefix, not a name: a replacement (a new VPC) is created before the old
			// group is deleted, and two groups of one VPC cannot share a name.
			NamePrefix:  pulumi.String(name + "-node-"),
			Description: pulumi.String("Nodes of EKS cluster " + name),
			VpcId:       cluster.Cluster.VpcConfig.VpcId(),
			// No kubernetes.io/cluster/<name> tag, whatever the inputs (validation refuses
			// it): only the cluster security group may carry it. The platform's own tags
			// go last, so a user's tag cannot change them.
			Tags: b.tags(c.Node.Tags, plainMapOf(own)),
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		res.Node, res.NodeID = sg, sg.ID().ToStringOutput()
		res.Ready = append(res.Ready, sg)
	}
	groups := map[string]pulumi.StringOutput{"cluster": res.ClusterID, "node": res.NodeID}
	for _, set := range []struct {
		part  string
		group pulumi.StringOutput
		rules []sgRuleConfig
	}{
		{"cluster-sg-rule-", res.ClusterID, c.ClusterRules},
		{"node-sg-rule-", res.NodeID, c.Node.Rules},
	} {
		for _, r := range set.rules {
			// Only at preview, with nodeSecurityGroup.enabled (or the rule's direction,
			// protocol or group) not known yet, can a rule not be planned here
			// (validation refuses it otherwise): the update, where the values are known,
			// makes it.
			if r.Unplanned || (res.Node == nil && (set.part == "node-sg-rule-" || r.ReferencedGroup == "node")) {
				continue
			}
			rule, err := b.securityGroupRule(set.part+r.Name, set.group, r, groups)
			if err != nil {
				return nil, err
			}
			res.Ready = append(res.Ready, rule)
		}
	}
	return res, nil
}

// securityGroupRule makes one rule on group.
func (b *build) securityGroupRule(part string, group pulumi.StringOutput, r sgRuleConfig, groups map[string]pulumi.StringOutput) (pulumi.Resource, error) {
	referenced := strPtr(r.ReferencedSecurityGroupID)
	if r.ReferencedGroup != "" {
		referenced = groups[r.ReferencedGroup].ToStringPtrOutput()
	}
	args := vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           group,
		IpProtocol:                pulumi.String(r.Protocol),
		FromPort:                  intPtr(r.FromPort),
		ToPort:                    intPtr(r.ToPort),
		CidrIpv4:                  strPtr(r.CidrIpv4),
		CidrIpv6:                  strPtr(r.CidrIpv6),
		PrefixListId:              strPtr(r.PrefixListID),
		ReferencedSecurityGroupId: referenced,
		Description:               strPtr(r.Description),
		Tags:                      b.tags(),
	}
	if r.Egress {
		// pulumi-aws's two argument types have the same fields, so one converts to the other.
		egress := vpc.SecurityGroupEgressRuleArgs(args)
		return vpc.NewSecurityGroupEgressRule(b.ctx, b.child(part), &egress, b.opts()...)
	}
	return vpc.NewSecurityGroupIngressRule(b.ctx, b.child(part), &args, b.opts()...)
}

// launchTemplateSecurityGroups are a node group's launch template groups: nil (EKS then
// adds the cluster security group itself) unless there is a node security group or an
// extra group, and then the cluster security group first, the node group's, the extras.
func launchTemplateSecurityGroups(g nodeGroupConfig, sg *securityGroupsResult, cfg securityGroupsConfig) pulumi.StringArrayInput {
	if !g.hasSecurityGroups(cfg) {
		return nil
	}
	parts := []any{sg.ClusterID}
	if sg.Node != nil {
		parts = append(parts, sg.NodeID)
	}
	extra := listOf(nil)
	if g.Custom.SecurityGroups.Input != nil {
		extra = g.Custom.SecurityGroups
	}
	parts = append(parts, extra.input())
	return pulumi.All(parts...).ApplyT(func(v []any) []string {
		var ids []string
		for _, x := range v {
			switch x := x.(type) {
			case string:
				ids = append(ids, x)
			case []string:
				ids = append(ids, x...)
			}
		}
		return ids
	}).(pulumi.StringArrayOutput)
}

// strPtr is an optional string input as a pointer input; nil stays nil.
func strPtr(in pulumi.StringInput) pulumi.StringPtrInput {
	if in == nil {
		return nil
	}
	if s, ok := in.(pulumi.String); ok {
		return pulumi.StringPtr(string(s))
	}
	return in.ToStringOutput().ToStringPtrOutput()
}

// intPtr is an optional int input as a pointer input; nil stays nil.
func intPtr(in pulumi.IntInput) pulumi.IntPtrInput {
	if in == nil {
		return nil
	}
	if n, ok := in.(pulumi.Int); ok {
		return pulumi.IntPtr(int(n))
	}
	return in.ToIntOutput().ToIntPtrOutput()
}
