package platform

import (
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	typSecurityGroup = "aws:ec2/securityGroup:SecurityGroup"
	typIngressRule   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typEgressRule    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	extraSG          = "sg-0123456789abcdef0"
	otherSG          = "sg-0fedcba9876543210"
)

// clusterSG is the security group the mocks' EKS makes for the cluster "demo".
var clusterSG = "sg-" + fakeaws.Hex(17, "sg", "demo")

// sgStrings reads a list input of a recorded resource (nil when absent), through secrets.
func sgStrings(r mocktest.Resource, key string) []string {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok {
		return nil
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e.IsSecret() {
			e = e.SecretValue().Element
		}
		out = append(out, e.StringValue())
	}
	return out
}

func num(r mocktest.Resource, key string) (float64, bool) {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok || !v.IsNumber() {
		return 0, false
	}
	return v.NumberValue(), true
}

func httpsRule(name string) SecurityGroupRuleArgs {
	return SecurityGroupRuleArgs{Name: strIn(name), Type: strIn("ingress"), Protocol: strIn("tcp"),
		FromPort: intIn(443), ToPort: intIn(443), CidrIpv4: strIn("10.20.0.0/16"), Description: strIn("VPN to the API")}
}

// sgArgs are the security group inputs of the tests: two rules on the cluster security
// group, a node security group with a rule and tags, and a second node group "db" with
// an extra group.
func sgArgs() *Args {
	a := minimalArgs()
	a.NodeGroups = append(a.NodeGroups, NodeGroupArgs{Name: strIn("db"), SecurityGroupIds: strsIn(extraSG)})
	a.ClusterSecurityGroupRules = []SecurityGroupRuleArgs{
		httpsRule("vpn-https"),
		{Name: strIn("from-nodes"), Type: strIn("ingress"), Protocol: strIn("tcp"), FromPort: intIn(9443), ToPort: intIn(9443), ReferencedGroup: strIn("node")},
	}
	a.NodeSecurityGroup = &NodeSecurityGroupArgs{
		Enabled: boolIn(true),
		Rules: []SecurityGroupRuleArgs{
			{Name: strIn("ssh"), Type: strIn("ingress"), Protocol: strIn("tcp"), FromPort: intIn(22), ToPort: intIn(22), PrefixListId: strIn("pl-0123456789abcdef0")},
			{Name: strIn("ping"), Type: strIn("ingress"), Protocol: strIn("icmp"), CidrIpv4: strIn("10.0.0.0/8")},
			{Name: strIn("dns-out"), Type: strIn("egress"), Protocol: strIn("udp"), FromPort: intIn(53), ToPort: intIn(53), CidrIpv6: strIn("2001:db8::/32")},
			{Name: strIn("to-db"), Type: strIn("egress"), Protocol: strIn("all"), ReferencedSecurityGroupId: strIn(otherSG)},
		},
		Tags: strMapIn(map[string]string{"team": "platform"}),
	}
	a.Tags = strMapIn(map[string]string{"env": "prod"})
	return a
}

// Without security group inputs nothing changes: no group, no rule, and the launch
// templates set no groups (EKS then adds the cluster security group itself).
func TestSecurityGroupsAbsentLeaveLaunchTemplatesAlone(t *testing.T) {
	m, p := deploy(t, "demo", minimalArgs())
	for _, typ := range []string{typSecurityGroup, typIngressRule, typEgressRule} {
		if rs := m.OfType(typ); len(rs) != 0 {
			t.Errorf("%d %s without security group inputs", len(rs), typ)
		}
	}
	if lt := m.Find(t, "demo-ng-general-lt"); lt.Inputs.HasValue("vpcSecurityGroupIds") {
		t.Errorf("launch template sets vpcSecurityGroupIds %v with no security group input", lt.Inputs["vpcSecurityGroupIds"])
	}
	if id := awaitString(t, p.NodeSecurityGroupId); id != "" {
		t.Errorf("nodeSecurityGroupId = %q, want empty", id)
	}
}

// Every rule is one resource of the right type on the right group, named by its name.
func TestSecurityGroupRules(t *testing.T) {
	m, p := deploy(t, "demo", sgArgs())
	nodeSG := awaitString(t, p.NodeSecurityGroupId)
	if !strings.HasPrefix(nodeSG, "sg-") || nodeSG == clusterSG {
		t.Fatalf("nodeSecurityGroupId = %q", nodeSG)
	}
	type want struct {
		typ, group, proto, peerKey, peer string
		from, to                         float64 // -99: not set
	}
	for name, w := range map[string]want{
		"demo-cluster-sg-rule-vpn-https":  {typIngressRule, clusterSG, "tcp", "cidrIpv4", "10.20.0.0/16", 443, 443},
		"demo-cluster-sg-rule-from-nodes": {typIngressRule, clusterSG, "tcp", "referencedSecurityGroupId", nodeSG, 9443, 9443},
		"demo-node-sg-rule-ssh":           {typIngressRule, nodeSG, "tcp", "prefixListId", "pl-0123456789abcdef0", 22, 22},
		"demo-node-sg-rule-ping":          {typIngressRule, nodeSG, "icmp", "cidrIpv4", "10.0.0.0/8", -1, -1},
		"demo-node-sg-rule-dns-out":       {typEgressRule, nodeSG, "udp", "cidrIpv6", "2001:db8::/32", 53, 53},
		"demo-node-sg-rule-to-db":         {typEgressRule, nodeSG, "-1", "referencedSecurityGroupId", otherSG, -99, -99},
	} {
		r := m.Find(t, name)
		if r.Type != w.typ || str(r, "securityGroupId") != w.group || str(r, "ipProtocol") != w.proto || str(r, w.peerKey) != w.peer {
			t.Errorf("%s: %s on %s, protocol %s, %s=%q; want %s on %s, %s, %s=%q", name, r.Type, str(r, "securityGroupId"),
				str(r, "ipProtocol"), w.peerKey, str(r, w.peerKey), w.typ, w.group, w.proto, w.peerKey, w.peer)
		}
		from, fromOK := num(r, "fromPort")
		to, toOK := num(r, "toPort")
		if w.from == -99 {
			if fromOK || toOK {
				t.Errorf("%s: protocol all with ports %v-%v", name, from, to)
			}
		} else if from != w.from || to != w.to {
			t.Errorf("%s: ports %v-%v, want %v-%v", name, from, to, w.from, w.to)
		}
		if env := obj(r, "tags")["env"]; !env.IsString() || env.StringValue() != "prod" {
			t.Errorf("%s: tags %v, want the platform's", name, obj(r, "tags"))
		}
	}
	if d := str(m.Find(t, "demo-cluster-sg-rule-vpn-https"), "description"); d != "VPN to the API" {
		t.Errorf("description %q", d)
	}

	// Reordering a list changes no name and no input.
	a := sgArgs()
	slices.Reverse(a.ClusterSecurityGroupRules)
	slices.Reverse(a.NodeSecurityGroup.Rules)
	again, _ := deploy(t, "demo", a)
	for _, typ := range []string{typIngressRule, typEgressRule} {
		before, after := m.OfType(typ), again.OfType(typ)
		if len(before) != len(after) {
			t.Fatalf("%s: %d then %d after reordering", typ, len(before), len(after))
		}
		for _, r := range before {
			r2 := again.Find(t, r.Name)
			if !r.Inputs.DeepEquals(r2.Inputs) {
				t.Errorf("%s changed when the list was reordered:\n%v\n%v", r.Name, r.Inputs, r2.Inputs)
			}
		}
	}
}

// The node security group: in the cluster's VPC, named by prefix, the platform's and
// its own tags but never kubernetes.io/cluster/<name>, on every launch template after
// the cluster security group, with a group's extras last.
func TestNodeSecurityGroup(t *testing.T) {
	m, p := deploy(t, "demo", sgArgs())
	nodeSG := awaitString(t, p.NodeSecurityGroupId)
	sgs := m.OfType(typSecurityGroup)
	if len(sgs) != 1 {
		t.Fatalf("%d security groups, want the node security group only", len(sgs))
	}
	sg := sgs[0]
	wantVpc := "vpc-" + fakeaws.Hex(17, "vpc", pub1, pub2, priv1, priv2)
	if sg.Name != "demo-node-sg" || str(sg, "vpcId") != wantVpc || str(sg, "namePrefix") != "demo-node-" || str(sg, "name") != "" {
		t.Errorf("node security group %s: vpcId %q (want the cluster's %q), namePrefix %q, name %q", sg.Name, str(sg, "vpcId"), wantVpc, str(sg, "namePrefix"), str(sg, "name"))
	}
	tags := obj(sg, "tags")
	for k, v := range map[string]string{"Name": "demo-node", "team": "platform", "env": "prod"} {
		if got := tags[resource.PropertyKey(k)]; !got.IsString() || got.StringValue() != v {
			t.Errorf("node security group tag %s = %v, want %q", k, tags[resource.PropertyKey(k)], v)
		}
	}
	for k := range tags {
		if strings.HasPrefix(string(k), clusterTagPrefix) || string(k) == karpenterDiscoveryTag {
			t.Errorf("node security group tagged %s", k)
		}
	}
	for lt, want := range map[string][]string{
		"demo-ng-general-lt": {clusterSG, nodeSG},
		"demo-ng-db-lt":      {clusterSG, nodeSG, extraSG},
	} {
		if got := sgStrings(m.Find(t, lt), "vpcSecurityGroupIds"); !slices.Equal(got, want) {
			t.Errorf("%s vpcSecurityGroupIds = %v, want %v", lt, got, want)
		}
	}
}

// Extra groups alone: only that group's launch template sets groups, the cluster
// security group first.
func TestNodeGroupExtraSecurityGroups(t *testing.T) {
	a := minimalArgs()
	a.NodeGroups = append(a.NodeGroups, NodeGroupArgs{Name: strIn("db"), SecurityGroupIds: strsIn(extraSG, otherSG)})
	m, _ := deploy(t, "demo", a)
	if got := sgStrings(m.Find(t, "demo-ng-db-lt"), "vpcSecurityGroupIds"); !slices.Equal(got, []string{clusterSG, extraSG, otherSG}) {
		t.Errorf("db launch template groups %v", got)
	}
	if lt := m.Find(t, "demo-ng-general-lt"); lt.Inputs.HasValue("vpcSecurityGroupIds") {
		t.Errorf("general launch template sets groups %v", lt.Inputs["vpcSecurityGroupIds"])
	}
	if len(m.OfType(typSecurityGroup)) != 0 {
		t.Error("a security group was made without nodeSecurityGroup")
	}
}

// The rules and the node security group exist before any node group (barrier
// beforeNodes), not before the cluster's other stages.
func TestSecurityGroupsBeforeNodes(t *testing.T) {
	m, _ := deploy(t, "demo", sgArgs())
	var sgParts []mocktest.Resource
	for _, typ := range []string{typSecurityGroup, typIngressRule, typEgressRule} {
		sgParts = append(sgParts, m.OfType(typ)...)
	}
	if len(sgParts) != 7 {
		t.Fatalf("%d security group resources, want 7", len(sgParts))
	}
	m.RequireOrder(t, "rule 11", sgParts, []mocktest.Resource{m.Find(t, "demo-ng-general"), m.Find(t, "demo-ng-db")})
	for _, r := range sgParts {
		if !m.DependsOn(r.Name, "demo-cluster") {
			t.Errorf("%s does not follow the cluster", r.Name)
		}
		if m.DependsOn(r.Name, "demo-access-caller") || m.DependsOn(r.Name, "demo-vpc-cni") {
			t.Errorf("rule 8: %s waits for access or add-ons", r.Name)
		}
	}
	// The rules of the node group follow it through the data flow.
	if !m.DependsOn("demo-node-sg-rule-ssh", "demo-node-sg") || !m.DependsOn("demo-cluster-sg-rule-from-nodes", "demo-node-sg") {
		t.Error("rules referencing the node security group do not depend on it")
	}
}

// Karpenter's EC2NodeClass selects security groups by the discovery tag, so the node
// security group carries it and exists before the EC2NodeClass; Auto Mode's NodeClass
// lists it by ID beside the cluster security group.
func TestNodeSecurityGroupOnKarpenterAndAutoMode(t *testing.T) {
	k := karpenterArgs()
	k.NodeSecurityGroup = &NodeSecurityGroupArgs{Enabled: boolIn(true)}
	m, _ := deploy(t, "demo", k)
	sg := m.Find(t, "demo-node-sg")
	if v := obj(sg, "tags")[karpenterDiscoveryTag]; !v.IsString() || v.StringValue() != "demo" {
		t.Errorf("node security group %s tag = %v, want demo", karpenterDiscoveryTag, v)
	}
	m.RequireOrder(t, "karpenter", []mocktest.Resource{sg}, []mocktest.Resource{m.Find(t, "demo-karpenter-nodeclass-"+karpenterNodeClassName)})

	a := autoModeArgs()
	a.NodeSecurityGroup = &NodeSecurityGroupArgs{Enabled: boolIn(true)}
	am, p := deploy(t, "demo", a)
	nodeSG := awaitString(t, p.NodeSecurityGroupId)
	terms := inputAt(am.Find(t, "demo-auto-nodeclass"), "spec", "securityGroupSelectorTerms")
	var ids []string
	for _, term := range terms.ArrayValue() {
		ids = append(ids, term.ObjectValue()["id"].StringValue())
	}
	if !slices.Equal(ids, []string{clusterSG, nodeSG}) {
		t.Errorf("Auto Mode NodeClass security groups %v, want the cluster's and the node group's", ids)
	}
}

// Values may be Outputs: a secret CIDR stays secret on its rule; an unknown one passes
// the preview and fails closed at the update; extra groups from another resource reach
// the launch template.
func TestSecurityGroupInputsAsOutputs(t *testing.T) {
	a := minimalArgs()
	rule := httpsRule("vpn")
	rule.CidrIpv4 = pulumi.ToSecret(pulumi.String("10.20.0.0/16")).(pulumi.StringOutput)
	a.ClusterSecurityGroupRules = []SecurityGroupRuleArgs{rule}
	a.NodeGroups[0].SecurityGroupIds = pulumi.ToStringArray([]string{extraSG}).ToStringArrayOutput()
	m, _ := deploy(t, "demo", a)
	if v := m.Find(t, "demo-cluster-sg-rule-vpn").Inputs["cidrIpv4"]; !v.IsSecret() || v.SecretValue().Element.StringValue() != "10.20.0.0/16" {
		t.Errorf("secret cidrIpv4 recorded as %v", v)
	}
	if got := sgStrings(m.Find(t, "demo-ng-general-lt"), "vpcSecurityGroupIds"); !slices.Equal(got, []string{clusterSG, extraSG}) {
		t.Errorf("launch template groups %v", got)
	}

	unknown := func() *Args {
		a := minimalArgs()
		r := httpsRule("vpn")
		r.CidrIpv4 = pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
		a.ClusterSecurityGroupRules = []SecurityGroupRuleArgs{r}
		return a
	}
	if _, err := resolve(true, "demo", unknown()); err != nil {
		t.Errorf("preview with an unknown CIDR: %v", err)
	}
	if _, err := resolve(false, "demo", unknown()); err == nil || !strings.Contains(err.Error(), "clusterSecurityGroupRules[0].cidrIpv4: not known during the update") {
		t.Errorf("update with an unknown CIDR: %v", err)
	}
	bad := minimalArgs()
	r := httpsRule("vpn")
	r.CidrIpv4 = pulumi.String("10.20.0.1/16").ToStringOutput()
	bad.ClusterSecurityGroupRules = []SecurityGroupRuleArgs{r}
	requireInvalid(t, bad, `clusterSecurityGroupRules[0].cidrIpv4: "10.20.0.1/16" has host bits set; give the network, 10.20.0.0/16`)
}

func TestSecurityGroupValidation(t *testing.T) {
	rule := func(edit func(r *SecurityGroupRuleArgs)) *Args {
		a := minimalArgs()
		r := httpsRule("vpn")
		edit(&r)
		a.ClusterSecurityGroupRules = []SecurityGroupRuleArgs{r}
		return a
	}
	node := func(edit func(n *NodeSecurityGroupArgs, a *Args)) *Args {
		a := minimalArgs()
		a.NodeSecurityGroup = &NodeSecurityGroupArgs{Enabled: boolIn(true)}
		edit(a.NodeSecurityGroup, a)
		return a
	}
	cases := []struct {
		name  string
		args  *Args
		wants []string
	}{
		{"no name", rule(func(r *SecurityGroupRuleArgs) { r.Name = nil }), []string{"clusterSecurityGroupRules[0].name: missing"}},
		{"bad type", rule(func(r *SecurityGroupRuleArgs) { r.Type = strIn("inbound") }), []string{`clusterSecurityGroupRules[0].type: "inbound" is not a rule type; use ingress or egress`}},
		{"bad protocol", rule(func(r *SecurityGroupRuleArgs) { r.Protocol = strIn("6") }), []string{`clusterSecurityGroupRules[0].protocol: "6" is not a protocol`, "use tcp, udp, icmp, icmpv6 or all"}},
		{"tcp without ports", rule(func(r *SecurityGroupRuleArgs) { r.ToPort = nil }), []string{"clusterSecurityGroupRules[0]: a tcp rule needs fromPort and toPort"}},
		{"port out of range", rule(func(r *SecurityGroupRuleArgs) { r.ToPort = intIn(70000) }), []string{"clusterSecurityGroupRules[0]: ports 443-70000 are outside 0-65535"}},
		{"ports reversed", rule(func(r *SecurityGroupRuleArgs) { r.FromPort, r.ToPort = intIn(8443), intIn(443) }), []string{"fromPort 8443 is greater than toPort 443; give the range low to high"}},
		{"all with ports", rule(func(r *SecurityGroupRuleArgs) { r.Protocol = strIn("all") }), []string{"clusterSecurityGroupRules[0]: protocol all covers every port; remove fromPort and toPort"}},
		{"icmp type out of range", rule(func(r *SecurityGroupRuleArgs) { r.Protocol, r.FromPort, r.ToPort = strIn("icmp"), intIn(300), nil }), []string{"fromPort is the ICMP type and toPort the code, each -1 (all) to 255; got 300 and -1"}},
		{"no peer", rule(func(r *SecurityGroupRuleArgs) { r.CidrIpv4 = nil }), []string{"clusterSecurityGroupRules[0]: no peer; give exactly one of cidrIpv4"}},
		{"two peers", rule(func(r *SecurityGroupRuleArgs) { r.PrefixListId = strIn("pl-0123456789abcdef0") }), []string{"clusterSecurityGroupRules[0]: cidrIpv4, prefixListId are all given, but a rule has exactly one peer"}},
		{"ipv6 in cidrIpv4", rule(func(r *SecurityGroupRuleArgs) { r.CidrIpv4 = strIn("2001:db8::/32") }), []string{`clusterSecurityGroupRules[0].cidrIpv4: "2001:db8::/32" is not an IPv4 CIDR; give one like 10.0.0.0/16`}},
		{"not a cidr", rule(func(r *SecurityGroupRuleArgs) { r.CidrIpv4 = nil; r.CidrIpv6 = strIn("everywhere") }), []string{`clusterSecurityGroupRules[0].cidrIpv6: "everywhere" is not an IPv6 CIDR`}},
		{"bad prefix list", rule(func(r *SecurityGroupRuleArgs) { r.CidrIpv4 = nil; r.PrefixListId = strIn("pl-x") }), []string{`clusterSecurityGroupRules[0].prefixListId: "pl-x" is not a prefix list ID`}},
		{"bad group id", rule(func(r *SecurityGroupRuleArgs) { r.CidrIpv4 = nil; r.ReferencedSecurityGroupId = strIn("default") }), []string{`clusterSecurityGroupRules[0].referencedSecurityGroupId: "default" is not a security group ID`}},
		{"bad referenced group", rule(func(r *SecurityGroupRuleArgs) { r.CidrIpv4 = nil; r.ReferencedGroup = strIn("nodes") }), []string{`clusterSecurityGroupRules[0].referencedGroup: "nodes" is not a group of the platform; use cluster or node`}},
		{"node group not made", rule(func(r *SecurityGroupRuleArgs) { r.CidrIpv4 = nil; r.ReferencedGroup = strIn("node") }), []string{`clusterSecurityGroupRules[0].referencedGroup: "node" names the node security group, which is not made; set nodeSecurityGroup.enabled: true`}},
		{"EKS's own egress rule", rule(func(r *SecurityGroupRuleArgs) {
			r.Type, r.Protocol, r.FromPort, r.ToPort, r.CidrIpv4 = strIn("egress"), strIn("all"), nil, nil, strIn("0.0.0.0/0")
		}), []string{"clusterSecurityGroupRules[0]: EKS already puts this rule on the cluster security group (outbound all traffic to 0.0.0.0/0)", "InvalidPermission.Duplicate"}},
		{"EKS's own self rule", rule(func(r *SecurityGroupRuleArgs) {
			r.Protocol, r.FromPort, r.ToPort, r.CidrIpv4, r.ReferencedGroup = strIn("all"), nil, nil, nil, strIn("cluster")
		}), []string{"EKS already puts this rule on the cluster security group (inbound all traffic from the cluster security group itself)"}},
		{"duplicate rules", func() *Args {
			a := minimalArgs()
			a.ClusterSecurityGroupRules = []SecurityGroupRuleArgs{httpsRule("a"), httpsRule("b")}
			return a
		}(), []string{"clusterSecurityGroupRules[1]: allows the same traffic as clusterSecurityGroupRules[0]", "InvalidPermission.Duplicate"}},
		{"duplicate names", func() *Args {
			a := minimalArgs()
			second := httpsRule("a")
			second.FromPort, second.ToPort = intIn(80), intIn(80)
			a.ClusterSecurityGroupRules = []SecurityGroupRuleArgs{httpsRule("a"), second}
			return a
		}(), []string{`clusterSecurityGroupRules[1].name: "a" is also the name of clusterSecurityGroupRules[0]`}},
		{"node rules without enabled", node(func(n *NodeSecurityGroupArgs, _ *Args) {
			n.Enabled = nil
			n.Rules = []SecurityGroupRuleArgs{httpsRule("x")}
		}), []string{"nodeSecurityGroup: rules or tags are given but enabled is not true"}},
		{"cluster tag on the node group", node(func(n *NodeSecurityGroupArgs, _ *Args) {
			n.Tags = strMapIn(map[string]string{"kubernetes.io/cluster/demo": "owned"})
		}), []string{`nodeSecurityGroup.tags: key "kubernetes.io/cluster/demo" would tag a second security group for the cluster`, "remove the tag"}},
		{"cluster tag in the platform's tags", node(func(_ *NodeSecurityGroupArgs, a *Args) {
			a.Tags = strMapIn(map[string]string{"kubernetes.io/cluster/demo": "owned"})
		}), []string{`tags: key "kubernetes.io/cluster/demo" would also tag the node security group`}},
		{"reserved tag", node(func(n *NodeSecurityGroupArgs, _ *Args) {
			n.Tags = strMapIn(map[string]string{"aws:owner": "x"})
		}), []string{`nodeSecurityGroup.tags: key "aws:owner" uses the reserved prefix 'aws:'`}},
		{"node group on nothing", func() *Args {
			a := fargateOnlyArgs(FargateProfileArgs{Name: strIn("system"), Selectors: []FargateSelectorArgs{{Namespace: strIn("kube-system")}}})
			a.NodeSecurityGroup = &NodeSecurityGroupArgs{Enabled: boolIn(true)}
			return a
		}(), []string{"nodeSecurityGroup: no node would carry it"}},
		{"bad node rule", node(func(n *NodeSecurityGroupArgs, _ *Args) {
			r := httpsRule("x")
			r.Protocol = strIn("sctp")
			n.Rules = []SecurityGroupRuleArgs{r}
		}), []string{`nodeSecurityGroup.rules[0].protocol: "sctp" is not a protocol`}},
		{"bad extra group", func() *Args {
			a := minimalArgs()
			a.NodeGroups[0].SecurityGroupIds = strsIn("sg-1", extraSG, extraSG)
			return a
		}(), []string{`nodeGroups[0].securityGroupIds[0]: "sg-1" is not a security group ID`, `nodeGroups[0].securityGroupIds[2]: "` + extraSG + `" is listed twice`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { requireInvalid(t, c.args, c.wants...) })
	}
	// Valid edge cases: one port as a range of one, icmpv6 with a type, node to node.
	ok := minimalArgs()
	ok.NodeSecurityGroup = &NodeSecurityGroupArgs{Enabled: boolIn(true), Rules: []SecurityGroupRuleArgs{
		{Name: strIn("self"), Type: strIn("ingress"), Protocol: strIn("all"), ReferencedGroup: strIn("node")},
		{Name: strIn("echo6"), Type: strIn("ingress"), Protocol: strIn("icmpv6"), FromPort: intIn(128), CidrIpv6: strIn("::/0")},
		{Name: strIn("from-cluster"), Type: strIn("ingress"), Protocol: strIn("tcp"), FromPort: intIn(0), ToPort: intIn(65535), ReferencedGroup: strIn("cluster")},
	}}
	if _, err := deployErr(t, ok); err != nil {
		t.Errorf("valid rules rejected: %v", err)
	}
}
