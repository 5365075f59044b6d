package simcloud

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What EC2 does with security groups and their rules, which the platform's security
// group inputs must get right (provider/pkg/platform/securitygroups_config.go):
//
//   - A rule is added to a group that exists: a security group made in the program, or
//     the cluster security group EKS made; otherwise InvalidGroup.NotFound.
//   - A rule that allows what a rule of the group already allows (direction, protocol,
//     ports, peer) is refused: InvalidPermission.Duplicate. EKS makes the cluster
//     security group with three rules (EKS user guide, "View Amazon EKS security group
//     requirements for clusters": inbound all from itself, outbound all to 0.0.0.0/0,
//     outbound all to itself), so those count too.
//   - A group that a rule of another group references, or that running instances carry
//     (a node group whose launch template lists it), cannot be deleted:
//     DependencyViolation.

const (
	typSecurityGroup = "aws:ec2/securityGroup:SecurityGroup"
	typIngressRule   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typEgressRule    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

// permission is what one rule allows.
type permission struct {
	egress           bool
	protocol         string
	fromPort, toPort int
	peer             string
}

func (p permission) String() string {
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, ALLOW", p.peer, p.protocol, p.fromPort, p.toPort)
}

// permissionOf reads a rule's inputs (or state).
func permissionOf(typ string, m resource.PropertyMap) permission {
	p := permission{egress: typ == typEgressRule, protocol: str(m, "ipProtocol"), fromPort: -1, toPort: -1}
	if v, ok := num(m, "fromPort"); ok {
		p.fromPort = int(v)
	}
	if v, ok := num(m, "toPort"); ok {
		p.toPort = int(v)
	}
	for _, k := range []string{"cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"} {
		if v := str(m, k); v != "" {
			p.peer = v
			break
		}
	}
	return p
}

// liveProps are the stored properties of every live object of typ; it must run under
// the ledger's lock.
func (s *Server) liveProps(v view, typ string) map[string]resource.PropertyMap {
	out := map[string]resource.PropertyMap{}
	for _, id := range v.ids(typ) {
		o, ok := s.ledger.getObject(typ, id)
		if !ok {
			continue
		}
		if props, err := decodeMap(o.Props); err == nil {
			out[id] = props
		}
	}
	return out
}

// clusterSecurityGroups are the live clusters' security groups.
func (s *Server) clusterSecurityGroups(v view) []string {
	var out []string
	for _, cl := range s.liveProps(v, typCluster) {
		if id := str(cl, "vpcConfig", "clusterSecurityGroupId"); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// checkSecurityGroupRule is EC2's answer to AuthorizeSecurityGroupIngress/Egress; it
// must run under the ledger's lock.
func (s *Server) checkSecurityGroupRule(r *res, v view) error {
	if r.Type != typIngressRule && r.Type != typEgressRule {
		return nil
	}
	group := str(r.Inputs, "securityGroupId")
	clusterSGs := s.clusterSecurityGroups(v)
	isCluster := slices.Contains(clusterSGs, group)
	if !isCluster && !v.exists(typSecurityGroup, group) {
		return fmt.Errorf("InvalidGroup.NotFound: The security group '%s' does not exist", group)
	}
	want := permissionOf(r.Type, r.Inputs)
	var have []permission
	if isCluster {
		have = append(have,
			permission{protocol: "-1", fromPort: -1, toPort: -1, peer: group},
			permission{egress: true, protocol: "-1", fromPort: -1, toPort: -1, peer: "0.0.0.0/0"},
			permission{egress: true, protocol: "-1", fromPort: -1, toPort: -1, peer: group})
	}
	for _, typ := range []string{typIngressRule, typEgressRule} {
		for _, rule := range s.liveProps(v, typ) {
			if str(rule, "securityGroupId") == group {
				have = append(have, permissionOf(typ, rule))
			}
		}
	}
	if slices.Contains(have, want) {
		return fmt.Errorf("InvalidPermission.Duplicate: the specified rule %q already exists", want.String())
	}
	return nil
}

// checkSecurityGroupDelete is EC2's answer to DeleteSecurityGroup; it must run under
// the ledger's lock.
func (s *Server) checkSecurityGroupDelete(r *res, id string, v view) error {
	if r.Type != typSecurityGroup {
		return nil
	}
	for _, typ := range []string{typIngressRule, typEgressRule} {
		for ruleID, rule := range s.liveProps(v, typ) {
			if str(rule, "referencedSecurityGroupId") == id && str(rule, "securityGroupId") != id {
				return fmt.Errorf("DependencyViolation: resource %s has a dependent object (rule %s of %s)", id, ruleID, str(rule, "securityGroupId"))
			}
		}
	}
	for _, ng := range s.liveProps(v, typNodeGroup) {
		if lt, ok := s.launchTemplateOf(ng); ok && slices.Contains(strs(lt, "vpcSecurityGroupIds"), id) {
			return fmt.Errorf("DependencyViolation: resource %s has a dependent object (the instances of node group %s)", id, str(ng, "nodeGroupName"))
		}
	}
	return nil
}
