package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	tSecurityGroup = "aws:ec2/securityGroup:SecurityGroup"
	tIngressRule   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tEgressRule    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

// TestGoSecurityGroups: a rule on the cluster security group, the shared node security
// group with rules (one referencing a group the program makes), and a node group with
// that group as an extra, through the real engine and the simulator, which refuses a
// rule on a group that does not exist or a duplicate rule (EKS's own on the cluster
// security group included), fails nodes whose launch template leaves out the cluster
// security group, and refuses to delete a group that nodes or another group's rule
// still use (tools/simcloud/securitygroups.go, nodeboot.go). Checked: the launch
// template's groups (cluster, node, extra, in that order), exactly one security group
// tagged kubernetes.io/cluster/<name> (EKS's: the platform tags none), every rule
// created before the node groups (rule 11), a second up changes nothing, and destroy
// leaves nothing.
func TestGoSecurityGroups(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	s, err := ws.GoStack(ctx, "e2e-securitygroups", "dev", func(ctx *pulumi.Context) error {
		db, err := ec2.NewSecurityGroup(ctx, "db-clients", &ec2.SecurityGroupArgs{
			VpcId:       pulumi.String("vpc-0123456789abcdef0"),
			Description: pulumi.String("Clients of the database"),
			Tags:        pulumi.StringMap{"team": pulumi.String("db")},
		})
		if err != nil {
			return err
		}
		a := scenarioArgs()
		a.Tags = pulumi.StringMap{"env": pulumi.String("e2e")}
		a.NodeGroups = eksplatform.NodeGroupArray{
			eksplatform.NodeGroupArgs{Name: pulumi.String("general")},
			eksplatform.NodeGroupArgs{Name: pulumi.String("db"), SecurityGroupIds: pulumi.StringArray{db.ID().ToStringOutput()}},
		}
		a.ClusterSecurityGroupRules = eksplatform.SecurityGroupRuleArray{
			eksplatform.SecurityGroupRuleArgs{Name: pulumi.String("vpn-https"), Type: pulumi.String("ingress"), Protocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), CidrIpv4: pulumi.String("10.20.0.0/16")},
		}
		a.NodeSecurityGroup = eksplatform.NodeSecurityGroupArgs{
			Enabled: pulumi.Bool(true),
			Tags:    pulumi.StringMap{"team": pulumi.String("platform")},
			Rules: eksplatform.SecurityGroupRuleArray{
				eksplatform.SecurityGroupRuleArgs{Name: pulumi.String("to-db"), Type: pulumi.String("egress"), Protocol: pulumi.String("tcp"),
					FromPort: pulumi.Int(5432), ToPort: pulumi.Int(5432), ReferencedSecurityGroupId: db.ID().ToStringOutput()},
				eksplatform.SecurityGroupRuleArgs{Name: pulumi.String("from-cluster"), Type: pulumi.String("ingress"), Protocol: pulumi.String("tcp"),
					FromPort: pulumi.Int(9443), ToPort: pulumi.Int(9443), ReferencedGroup: pulumi.String("cluster")},
			},
		}
		p, err := eksplatform.NewEksPlatform(ctx, component, a)
		if err != nil {
			return err
		}
		ctx.Export("nodeSecurityGroupId", p.NodeSecurityGroupId)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	first, j, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", j, g)
	cluster := mustNode(t, g, tCluster, child("cluster"))
	clusterSG := str(cluster.Res.Outputs, "vpcConfig", "clusterSecurityGroupId")
	nodeSG := mustNode(t, g, tSecurityGroup, child("node-sg"))
	db := mustNode(t, g, tSecurityGroup, "db-clients")
	nodeID, dbID := string(nodeSG.Res.ID), string(db.Res.ID)
	if !strings.HasPrefix(clusterSG, "sg-") || !strings.HasPrefix(nodeID, "sg-") || !strings.HasPrefix(dbID, "sg-") {
		t.Fatalf("security group ids: cluster %q node %q db %q", clusterSG, nodeID, dbID)
	}
	if v := first.Outputs["nodeSecurityGroupId"].Value; v != nodeID {
		t.Errorf("nodeSecurityGroupId output = %v, want %s", v, nodeID)
	}
	if v := str(nodeSG.Res.Inputs, "vpcId"); v != str(cluster.Res.Outputs, "vpcConfig", "vpcId") || v == "" {
		t.Errorf("node security group vpcId %q, want the cluster's %q", v, str(cluster.Res.Outputs, "vpcConfig", "vpcId"))
	}

	// The launch templates: the cluster security group first, then the node group's,
	// then the group's extras.
	for group, want := range map[string][]string{"general": {clusterSG, nodeID}, "db": {clusterSG, nodeID, dbID}} {
		lt := mustNode(t, g, tLaunchTemplate, child("ng-"+group+"-lt"))
		if got := strs(lt.Res.Inputs, "vpcSecurityGroupIds"); !slices.Equal(got, want) {
			t.Errorf("%s launch template vpcSecurityGroupIds = %v, want %v", group, got, want)
		}
	}

	// Exactly one security group tagged for the cluster: EKS's. No group in the state
	// carries the tag, and no ec2 Tag puts it on a security group.
	clusterTag := "kubernetes.io/cluster/" + component
	for _, n := range g.OfType(tSecurityGroup) {
		if str(n.Res.Inputs, "tags", clusterTag) != "" || str(n.Res.Outputs, "tags", clusterTag) != "" {
			t.Errorf("security group %s is tagged %s", n.Name, clusterTag)
		}
	}
	for _, n := range g.OfType(tTag) {
		if strings.HasPrefix(str(n.Res.Inputs, "key"), "kubernetes.io/cluster/") && strings.HasPrefix(str(n.Res.Inputs, "resourceId"), "sg-") {
			t.Errorf("tag %s puts %s on security group %s", n.Name, str(n.Res.Inputs, "key"), str(n.Res.Inputs, "resourceId"))
		}
	}
	if str(nodeSG.Res.Inputs, "tags", "team") != "platform" || str(nodeSG.Res.Inputs, "tags", "env") != "e2e" {
		t.Errorf("node security group tags %s", str(nodeSG.Res.Inputs, "tags"))
	}

	// The rules: on the right groups, each created before any node group (rule 11).
	for name, want := range map[string][2]string{
		child("cluster-sg-rule-vpn-https"): {tIngressRule, clusterSG},
		child("node-sg-rule-to-db"):        {tEgressRule, nodeID},
		child("node-sg-rule-from-cluster"): {tIngressRule, nodeID},
	} {
		r := mustNode(t, g, want[0], name)
		if got := str(r.Res.Inputs, "securityGroupId"); got != want[1] {
			t.Errorf("%s on %s, want %s", name, got, want[1])
		}
	}
	if got := str(mustNode(t, g, tEgressRule, child("node-sg-rule-to-db")).Res.Inputs, "referencedSecurityGroupId"); got != dbID {
		t.Errorf("to-db references %s, want %s", got, dbID)
	}
	if got := str(mustNode(t, g, tIngressRule, child("node-sg-rule-from-cluster")).Res.Inputs, "referencedSecurityGroupId"); got != clusterSG {
		t.Errorf("from-cluster references %s, want %s", got, clusterSG)
	}
	creates := j.Creates()
	rules := append(creates.Type(tIngressRule).Entries, creates.Type(tEgressRule).Entries...)
	rules = append(rules, creates.Name(child("node-sg")).Entries...)
	requireCount(t, "security group rules and the node security group", rules, 4, false)
	requireBefore(t, "rule 11", "security groups and rules before node groups", rules, creates.Type(tNodeGroup).Entries)

	// Same inputs: nothing changes.
	sum, j, _ := upOnce(t, ctx, ws, s, "again")
	requireMutations(t, "again", j)
	if sum.Count("update")+sum.Count("create")+sum.Count("replace") != 0 {
		t.Errorf("second up changed something: %s", sum)
	}

	all, del := destroyAll(t, ctx, ws, s)
	requireClean(t, "destroy", del)
	requireAllDeleted(t, all)
}
