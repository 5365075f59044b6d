package simcloud

import (
	"strings"
	"testing"
)

// Rules go on groups that exist; a rule equal to one the group has (EKS's own three on
// the cluster security group included) is a duplicate EC2 refuses.
func TestSecurityGroupRulesDuplicatesAndMissingGroups(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	_, cl := mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	csg := str(cl, "vpcConfig", "clusterSecurityGroupId")
	rule := func(typ, name, group string, extra map[string]any) error {
		in := map[string]any{"securityGroupId": group, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "10.0.0.0/8"}
		for k, v := range extra {
			in[k] = v
		}
		_, _, err := create(t, s, typ, name, in)
		return err
	}
	wantErr := func(what string, err error, code string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), code) {
			t.Errorf("%s: err = %v, want %s", what, err, code)
		}
	}
	if err := rule(typIngressRule, "https", csg, nil); err != nil {
		t.Errorf("a new rule on the cluster security group: %v", err)
	}
	wantErr("the same rule again", rule(typIngressRule, "https-again", csg, nil), "InvalidPermission.Duplicate")
	if err := rule(typEgressRule, "https-out", csg, nil); err != nil {
		t.Errorf("the same permission outbound is another rule: %v", err)
	}
	allOut := map[string]any{"ipProtocol": "-1", "fromPort": nil, "toPort": nil, "cidrIpv4": "0.0.0.0/0"}
	wantErr("EKS's outbound rule", rule(typEgressRule, "all-out", csg, allOut), "InvalidPermission.Duplicate")
	self := map[string]any{"ipProtocol": "-1", "fromPort": nil, "toPort": nil, "cidrIpv4": nil, "referencedSecurityGroupId": csg}
	wantErr("EKS's inbound self rule", rule(typIngressRule, "self", csg, self), "InvalidPermission.Duplicate")
	wantErr("a rule on a group that does not exist", rule(typIngressRule, "nowhere", "sg-0123456789abcdef0", nil), "InvalidGroup.NotFound")

	sg, _ := mustCreate(t, s, typSecurityGroup, "node", map[string]any{"namePrefix": "demo-node-", "vpcId": "vpc-1"})
	if !strings.HasPrefix(sg, "sg-") || len(sg) != 20 {
		t.Errorf("security group id %q, want sg- and 17 hex digits", sg)
	}
	if err := rule(typIngressRule, "node-https", sg, nil); err != nil {
		t.Errorf("a rule on a group made in the program: %v", err)
	}
}

// A group another group's rule references, or a node group's instances carry, cannot be
// deleted until they are gone.
func TestSecurityGroupDeleteWithDependents(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	_, cl := mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"})
	csg := str(cl, "vpcConfig", "clusterSecurityGroupId")
	sgIn := map[string]any{"namePrefix": "demo-node-", "vpcId": "vpc-1"}
	sg, _ := mustCreate(t, s, typSecurityGroup, "node", sgIn)
	ruleIn := map[string]any{"securityGroupId": csg, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "referencedSecurityGroupId": sg}
	ruleID, _ := mustCreate(t, s, typIngressRule, "from-nodes", ruleIn)
	if err := deleteRes(t, s, typSecurityGroup, "node", sg, sgIn); err == nil || !strings.Contains(err.Error(), "DependencyViolation") {
		t.Errorf("delete of a referenced group: err = %v, want DependencyViolation", err)
	}
	if err := deleteRes(t, s, typIngressRule, "from-nodes", ruleID, ruleIn); err != nil {
		t.Fatal(err)
	}

	ltIn := map[string]any{"name": "lt", "vpcSecurityGroupIds": []any{csg, sg}}
	ltID, _ := mustCreate(t, s, typLaunchTemplate, "lt", ltIn)
	ngIn := map[string]any{"clusterName": "demo", "nodeGroupName": "demo-general", "amiType": "AL2023_x86_64_STANDARD",
		"launchTemplate": map[string]any{"id": ltID, "version": "1"}}
	ngID, _ := mustCreate(t, s, typNodeGroup, "general", ngIn)
	if err := deleteRes(t, s, typSecurityGroup, "node", sg, sgIn); err == nil || !strings.Contains(err.Error(), "the instances of node group demo-general") {
		t.Errorf("delete of a group nodes carry: err = %v, want DependencyViolation", err)
	}
	if err := deleteRes(t, s, typNodeGroup, "general", ngID, ngIn); err != nil {
		t.Fatal(err)
	}
	if err := deleteRes(t, s, typSecurityGroup, "node", sg, sgIn); err != nil {
		t.Errorf("delete once nothing depends on it: %v", err)
	}
}
