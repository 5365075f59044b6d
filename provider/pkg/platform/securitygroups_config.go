package platform

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Security groups (docs/design.md "Security groups"): rules added to the security group
// EKS makes for the cluster, an optional node security group the platform makes and
// every node it launches carries, and extra existing groups per node group.
//
// Facts this follows (EKS user guide, "View Amazon EKS security group requirements for
// clusters"; "Customize managed nodes with launch templates"):
//   - EKS makes the cluster security group with three rules: inbound all from itself,
//     outbound all to 0.0.0.0/0, outbound all to itself (EFA). It tags it
//     `kubernetes.io/cluster/<name>: owned`. A rule equal to one of these is a duplicate,
//     which EC2 refuses (InvalidPermission.Duplicate).
//   - A launch template that sets security groups gets only those: EKS adds the cluster
//     security group only when the template sets none. The platform therefore always
//     lists the cluster security group first, and sets the template's groups only when
//     there is a node security group or an extra group (so a platform without these
//     inputs keeps the launch templates it had).
//   - The AWS Load Balancer Controller picks, among a node ENI's groups, the one tagged
//     `kubernetes.io/cluster/<name>`; with more than one tagged it fails. Only the
//     cluster security group (EKS's) carries it: the node security group never does.

var (
	securityGroupIDPattern = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	prefixListIDPattern    = regexp.MustCompile(`^pl-[0-9a-f]{8,17}$`)
	// ruleProtocols are the protocols a rule takes, with the ipProtocol EC2 is given.
	ruleProtocols = map[string]string{"tcp": "tcp", "udp": "udp", "icmp": "icmp", "icmpv6": "icmpv6", "all": "-1"}
	// referencedGroups are the platform's own groups a rule may name as its peer.
	referencedGroups = []string{"cluster", "node"}
)

// clusterTagPrefix is the tag key prefix the ALB controller selects a node's security
// group by: only EKS's cluster security group may carry it.
const clusterTagPrefix = "kubernetes.io/cluster/"

// securityGroupsConfig is the security group inputs read and checked.
type securityGroupsConfig struct {
	// ClusterRules go on the cluster security group EKS made.
	ClusterRules []sgRuleConfig
	// Node is the shared node security group.
	Node nodeSecurityGroupConfig
}

// nodeSecurityGroupConfig is the node security group.
type nodeSecurityGroupConfig struct {
	Enabled bool
	Rules   []sgRuleConfig
	Tags    stringMap
}

// sgRuleConfig is one rule. Values that decide the graph (name, direction, protocol, the
// platform group it references) are plain; the rest keep their inputs, so secrets and
// Outputs (a CIDR from a VPC made in the program) reach the rule as they are.
type sgRuleConfig struct {
	Name   string
	Egress bool
	// Protocol is the ipProtocol EC2 is given (tcp, udp, icmp, icmpv6, -1).
	Protocol string
	// FromPort and ToPort are nil for all protocols (-1), which takes no ports.
	FromPort, ToPort pulumi.IntInput
	// Exactly one peer: a CIDR, a prefix list, a security group ID, or one of the
	// platform's groups (ReferencedGroup "cluster" or "node").
	CidrIpv4, CidrIpv6, PrefixListID, ReferencedSecurityGroupID pulumi.StringInput
	ReferencedGroup                                             string
	Description                                                 pulumi.StringInput
	// Unplanned is true at preview when the direction, the protocol or the referenced
	// group is not known yet: the rule is left out of the preview, and the update,
	// where they are known, makes it.
	Unplanned bool
}

// permissionKey identifies what a rule allows, as EC2 compares rules for duplicates;
// "" when a part is not known yet.
func permissionKey(egress bool, protocol string, from, to int, peer string) string {
	dir := "ingress"
	if egress {
		dir = "egress"
	}
	return fmt.Sprintf("%s %s %d-%d %s", dir, protocol, from, to, peer)
}

// eksClusterSGRules are the rules EKS puts on the cluster security group itself.
var eksClusterSGRules = map[string]string{
	permissionKey(false, "-1", -1, -1, "group:cluster"):     "inbound all traffic from the cluster security group itself",
	permissionKey(true, "-1", -1, -1, "cidrIpv4:0.0.0.0/0"): "outbound all traffic to 0.0.0.0/0",
	permissionKey(true, "-1", -1, -1, "group:cluster"):      "outbound all traffic to the cluster security group itself (EFA)",
}

// nodeSecurityGroupCarriers reports whether a node would carry the node security group:
// it goes on node groups' launch templates, Karpenter's EC2NodeClass and Auto Mode's
// custom NodeClass only.
func nodeSecurityGroupCarriers(compute computeConfig, karpenter karpenterConfig, auto autoModeConfig) bool {
	return len(compute.NodeGroups) > 0 || karpenter.Enabled || auto.NodeClass()
}

// resolveSecurityGroups reads the security group inputs; the platform's tags (cluster's)
// go on the node security group too, and carried is nodeSecurityGroupCarriers.
func resolveSecurityGroups(p *problems, args *Args, cluster clusterConfig, carried bool) securityGroupsConfig {
	r := reader{p}
	var c securityGroupsConfig
	var nodeEnabledKnown bool
	if n := args.NodeSecurityGroup; n != nil {
		_, known := plainBool(n.Enabled, false)
		nodeEnabledKnown = known && !p.unknown["nodeSecurityGroup"]
		c.Node.Enabled = r.boolean("nodeSecurityGroup.enabled", n.Enabled, false)
		c.Node.Tags = readStringMap(r, "nodeSecurityGroup.tags", n.Tags)
		for _, k := range sortedKeys(c.Node.Tags.Values) {
			switch {
			case strings.HasPrefix(k, clusterTagPrefix):
				p.addf("nodeSecurityGroup.tags: key %q would tag a second security group for the cluster (EKS tags the cluster security group, and the AWS Load Balancer Controller fails when a node has two tagged groups); remove the tag", k)
			case strings.HasPrefix(strings.ToLower(k), "aws:"):
				p.addf("nodeSecurityGroup.tags: key %q uses the reserved prefix 'aws:'; rename the tag", k)
			}
		}
		if !c.Node.Enabled && (len(n.Rules) > 0 || n.Tags != nil) && nodeEnabledKnown {
			p.addf("nodeSecurityGroup: rules or tags are given but enabled is not true, so no node security group is made; set enabled: true, or remove nodeSecurityGroup")
		}
	} else {
		nodeEnabledKnown = !p.unknown["nodeSecurityGroup"]
	}
	if c.Node.Enabled {
		// The platform's tags go on the node security group too.
		for _, k := range sortedKeys(cluster.Tags.Values) {
			if strings.HasPrefix(k, clusterTagPrefix) {
				p.addf("tags: key %q would also tag the node security group, a second security group for the cluster (the AWS Load Balancer Controller fails when a node has two); remove it from tags (EKS tags the cluster security group itself)", k)
			}
		}
		if !carried && !p.unknown["nodeGroups"] {
			p.addf("nodeSecurityGroup: no node would carry it (it goes on the node groups, Karpenter's nodes and Auto Mode's custom NodePools; Fargate pods and Auto Mode's built-in pools use the cluster security group); add a node group, or remove nodeSecurityGroup and put the rules in clusterSecurityGroupRules")
		}
	}
	c.ClusterRules = resolveRules(p, "clusterSecurityGroupRules", args.ClusterSecurityGroupRules, "cluster", c.Node.Enabled, nodeEnabledKnown)
	if args.NodeSecurityGroup != nil {
		c.Node.Rules = resolveRules(p, "nodeSecurityGroup.rules", args.NodeSecurityGroup.Rules, "node", c.Node.Enabled, nodeEnabledKnown)
	}
	return c
}

// resolveRules reads the rules of one group (own is "cluster" or "node").
func resolveRules(p *problems, list string, in []SecurityGroupRuleArgs, own string, nodeEnabled, nodeEnabledKnown bool) []sgRuleConfig {
	var out []sgRuleConfig
	names := uniqueNames{list: list, what: "rule"}
	seen := map[string]int{}
	for i, a := range in {
		path := fmt.Sprintf("%s[%d]", list, i)
		rule, key := resolveRule(p, path, a)
		names.check(p, i, rule.Name)
		if rule.ReferencedGroup == "node" && !nodeEnabled && nodeEnabledKnown {
			p.addf("%s.referencedGroup: \"node\" names the node security group, which is not made; set nodeSecurityGroup.enabled: true, or reference another peer", path)
		}
		if key != "" {
			if why, ok := eksClusterSGRules[key]; ok && own == "cluster" {
				p.addf("%s: EKS already puts this rule on the cluster security group (%s), and EC2 refuses a duplicate (InvalidPermission.Duplicate); remove the rule", path, why)
			}
			if j, ok := seen[key]; ok {
				p.addf("%s: allows the same traffic as %s[%d] (EC2 refuses a duplicate rule: InvalidPermission.Duplicate); remove one of them", path, list, j)
			} else {
				seen[key] = i
			}
		}
		out = append(out, rule)
	}
	return out
}

// resolveRule reads one rule and returns it with its permission key ("" when a part is
// not known yet).
func resolveRule(p *problems, path string, a SecurityGroupRuleArgs) (sgRuleConfig, string) {
	r := reader{p}
	rule := sgRuleConfig{Name: r.str(path+".name", a.Name), Description: a.Description}
	validateComputeName(p, path+".name", rule.Name, "rule")
	complete := true

	// The direction and the protocol decide the resource's type and its ports: they
	// must be known (at preview an unknown one is checked at the update).
	typ := r.str(path+".type", a.Type)
	_, _, typeKnown := plainString(a.Type)
	switch {
	case typ == "ingress":
	case typ == "egress":
		rule.Egress = true
	case !typeKnown:
		complete, rule.Unplanned = false, true
	default:
		p.addf("%s.type: %q is not a rule type; use ingress or egress", path, typ)
		complete = false
	}

	proto := r.str(path+".protocol", a.Protocol)
	_, _, protoKnown := plainString(a.Protocol)
	ipProtocol, ok := ruleProtocols[proto]
	if !ok {
		if protoKnown {
			p.addf("%s.protocol: %q is not a protocol a rule takes; use tcp, udp, icmp, icmpv6 or all", path, proto)
		}
		complete, rule.Unplanned = false, rule.Unplanned || !protoKnown
	}
	rule.Protocol = ipProtocol

	from, fromGiven, fromKnown := plainInt(a.FromPort)
	to, toGiven, toKnown := plainInt(a.ToPort)
	r.note(path+".fromPort", fromKnown)
	r.note(path+".toPort", toKnown)
	complete = complete && fromKnown && toKnown
	rule.FromPort, rule.ToPort = a.FromPort, a.ToPort
	switch proto {
	case "tcp", "udp":
		switch {
		case !fromGiven || !toGiven:
			p.addf("%s: a %s rule needs fromPort and toPort (the port range, 0-65535); give both (the same port twice for one port)", path, proto)
			complete = false
		case !fromKnown || !toKnown:
		case from < 0 || from > 65535 || to < 0 || to > 65535:
			p.addf("%s: ports %d-%d are outside 0-65535; give ports in 0-65535", path, from, to)
		case from > to:
			p.addf("%s: fromPort %d is greater than toPort %d; give the range low to high", path, from, to)
		}
	case "icmp", "icmpv6":
		// fromPort is the ICMP type and toPort its code; -1 (the default) is every one.
		if !fromGiven {
			from, rule.FromPort = -1, pulumi.Int(-1)
		}
		if !toGiven {
			to, rule.ToPort = -1, pulumi.Int(-1)
		}
		if (fromKnown && (from < -1 || from > 255)) || (toKnown && (to < -1 || to > 255)) {
			p.addf("%s: for %s, fromPort is the ICMP type and toPort the code, each -1 (all) to 255; got %d and %d", path, proto, from, to)
		}
	case "all":
		if fromGiven || toGiven {
			p.addf("%s: protocol all covers every port; remove fromPort and toPort (or use tcp or udp for a port range)", path)
		}
		from, to, rule.FromPort, rule.ToPort = -1, -1, nil, nil
	}

	// Exactly one peer.
	var peers []string
	peer := ""
	peerOf := func(field string, in pulumi.StringInput) pulumi.StringInput {
		v, given, known := plainString(in)
		if !given || (known && v == "") {
			return nil
		}
		r.note(path+"."+field, known)
		peers = append(peers, field)
		if known {
			peer = field + ":" + v
		} else {
			complete = false
		}
		return in
	}
	rule.CidrIpv4 = peerOf("cidrIpv4", a.CidrIpv4)
	rule.CidrIpv6 = peerOf("cidrIpv6", a.CidrIpv6)
	rule.PrefixListID = peerOf("prefixListId", a.PrefixListId)
	rule.ReferencedSecurityGroupID = peerOf("referencedSecurityGroupId", a.ReferencedSecurityGroupId)
	if group, given, known := plainString(a.ReferencedGroup); given {
		// Which of the platform's groups decides what the rule waits for: it must be known.
		rule.ReferencedGroup = r.str(path+".referencedGroup", a.ReferencedGroup)
		peers = append(peers, "referencedGroup")
		peer = "group:" + group
		if !known {
			complete, rule.Unplanned = false, true
		} else if !slices.Contains(referencedGroups, group) {
			p.addf("%s.referencedGroup: %q is not a group of the platform; use cluster or node (or referencedSecurityGroupId for another group)", path, group)
		}
	}
	switch len(peers) {
	case 0:
		p.addf("%s: no peer; give exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId or referencedGroup", path)
		return rule, ""
	case 1:
	default:
		p.addf("%s: %s are all given, but a rule has exactly one peer (one EC2 rule each); split it into one rule per peer", path, strings.Join(peers, ", "))
		return rule, ""
	}
	v, _, known := plainString(a.CidrIpv4)
	if rule.CidrIpv4 != nil && known {
		checkCIDR(p, path+".cidrIpv4", v, true)
	}
	if v, _, known = plainString(a.CidrIpv6); rule.CidrIpv6 != nil && known {
		checkCIDR(p, path+".cidrIpv6", v, false)
	}
	if v, _, known = plainString(a.PrefixListId); rule.PrefixListID != nil && known && !prefixListIDPattern.MatchString(v) {
		p.addf("%s.prefixListId: %q is not a prefix list ID; give one like pl-0123456789abcdef0", path, v)
	}
	if v, _, known = plainString(a.ReferencedSecurityGroupId); rule.ReferencedSecurityGroupID != nil && known && !securityGroupIDPattern.MatchString(v) {
		p.addf("%s.referencedSecurityGroupId: %q is not a security group ID; give one like sg-0123456789abcdef0", path, v)
	}
	if !complete {
		return rule, ""
	}
	return rule, permissionKey(rule.Egress, ipProtocol, from, to, peer)
}

// checkCIDR checks an IPv4 (v4) or IPv6 CIDR given as its network address, as the
// provider's own validation demands (terraform-provider-aws
// vpc_security_group_ingress_rule.go: IPv4CIDRNetworkAddress, IPv6CIDRNetworkAddress),
// so the mistake is reported before anything is created.
func checkCIDR(p *problems, path, v string, v4 bool) {
	family, example := "IPv6", "2001:db8::/32"
	if v4 {
		family, example = "IPv4", "10.0.0.0/16"
	}
	prefix, err := netip.ParsePrefix(v)
	switch {
	case err != nil || prefix.Addr().Is4() != v4 || prefix.Addr().Is4In6():
		p.addf("%s: %q is not an %s CIDR; give one like %s", path, v, family, example)
	case prefix.Masked() != prefix:
		p.addf("%s: %q has host bits set; give the network, %s", path, v, prefix.Masked())
	}
}

// resolveNodeGroupSecurityGroups reads a node group's extra security groups.
func resolveNodeGroupSecurityGroups(p *problems, path string, g NodeGroupArgs, ng *nodeGroupConfig) {
	if g.SecurityGroupIds == nil {
		return
	}
	l := readStrings(reader{p}, path+".securityGroupIds", g.SecurityGroupIds)
	for j, id := range l.Values {
		switch {
		case !securityGroupIDPattern.MatchString(id):
			p.addf("%s.securityGroupIds[%d]: %q is not a security group ID; give one like sg-0123456789abcdef0", path, j, id)
		case slices.Index(l.Values, id) < j:
			p.addf("%s.securityGroupIds[%d]: %q is listed twice; list each group once", path, j, id)
		}
	}
	if l.Known && len(l.Values) == 0 {
		return
	}
	ng.Custom.SecurityGroups = l
}

// hasSecurityGroups reports whether the group's launch template sets security groups.
func (g nodeGroupConfig) hasSecurityGroups(sg securityGroupsConfig) bool {
	return sg.Node.Enabled || g.Custom.SecurityGroups.Input != nil
}
