package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/platforms"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// engineDefaultParallel is the engine's default --parallel on the 2-core machines the
// project's CI runs on (4 per core). The test below names it, so it shows the same on
// a machine with more cores.
const engineDefaultParallel = 8

// rule4Program is thirty node groups and the vpc-cni add-on of one cluster, built
// from plain resources. Both wait for the add-on's IAM role; the add-on starts a
// moment later (after one more IAM object, as an add-on waits for its role's policy
// or its version lookup). With ordered, the node groups also depend on the add-on
// (rule 4); without, nothing orders the two, as in the platform before rule 4 made
// nodes wait for the add-on, and the engine's queue decides which runs first.
func rule4Program(name string, ordered bool) pulumi.RunFunc {
	const trust = `{"Version":"2012-10-17","Statement":[]}`
	return func(ctx *pulumi.Context) error {
		cluster, err := eks.NewCluster(ctx, name, &eks.ClusterArgs{
			Name:      pulumi.String(name),
			RoleArn:   pulumi.String("arn:aws:iam::123456789012:role/" + name + "-cluster"),
			VpcConfig: eks.ClusterVpcConfigArgs{SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"})},
		})
		if err != nil {
			return err
		}
		role, err := iam.NewRole(ctx, name+"-vpc-cni-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust)},
			pulumi.DependsOn([]pulumi.Resource{cluster}))
		if err != nil {
			return err
		}
		policy, err := iam.NewRolePolicyAttachment(ctx, name+"-vpc-cni-role-policy", &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"),
		})
		if err != nil {
			return err
		}
		cni, err := eks.NewAddon(ctx, name+"-vpc-cni", &eks.AddonArgs{
			ClusterName: cluster.Name, AddonName: pulumi.String("vpc-cni"), ServiceAccountRoleArn: role.Arn,
		}, pulumi.DependsOn([]pulumi.Resource{policy}))
		if err != nil {
			return err
		}
		after := []pulumi.Resource{role}
		if ordered {
			after = append(after, cni)
		}
		for i := range 30 {
			if _, err := eks.NewNodeGroup(ctx, fmt.Sprintf("%s-ng%02d", name, i), &eks.NodeGroupArgs{
				ClusterName:   cluster.Name,
				NodeGroupName: pulumi.String(fmt.Sprintf("%s-ng%02d", name, i)),
				NodeRoleArn:   pulumi.String("arn:aws:iam::123456789012:role/" + name + "-node"),
				SubnetIds:     pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003"}),
				ScalingConfig: eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(1), MaxSize: pulumi.Int(2)},
			}, pulumi.DependsOn(after)); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestRule4FiresWithoutTheOrdering: thirty node groups that start alongside the
// vpc-cni add-on (waiting, like it, only for its role) hold every one of the engine's
// default eight slots; the add-on waits behind them for a slot, their nodes join with
// no CNI, and EKS fails the groups (NodeCreationFailure), through the real engine.
// The same program with the node groups depending on the add-on (rule 4) converges at
// the same --parallel. TestLargePlatformsAtDefaultParallel runs the platform itself so.
func TestRule4FiresWithoutTheOrdering(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	// A slower clock than the default, so the add-on's moment later (one IAM object,
	// 0.03 simulated minutes) outlasts the engine's round trips by far.
	ws, err := runner.NewWorkspace(runner.Options{Dir: t.TempDir(), Scale: 5 * scale()})
	if err != nil {
		t.Fatal(err)
	}

	s, err := ws.GoStack(ctx, "e2e-rule4", "race", rule4Program("race", false))
	if err != nil {
		t.Fatal(err)
	}
	s.Parallel = engineDefaultParallel
	_, err = s.Up(ctx)
	if err == nil {
		t.Fatal("up succeeded although thirty node groups started alongside vpc-cni at --parallel 8")
	}
	if !strings.Contains(err.Error(), "NodeCreationFailure") {
		t.Fatalf("up failed, but not with the node groups' NodeCreationFailure:\n%s", tailStr(err.Error(), 3000))
	}
	j := readJournal(t, ws)
	failed := j.Errors().Type(tNodeGroup)
	if failed.Len() == 0 {
		t.Fatalf("want node groups failed for want of the CNI, journal errors: %s", names(j.Errors().Entries))
	}
	for _, e := range failed.Entries {
		if !strings.Contains(e.Error, "cni plugin not initialized") {
			t.Errorf("%s failed, but not for want of the CNI: %s", e.Name, e.Error)
		}
	}
	n := j.Len()

	s, err = ws.GoStack(ctx, "e2e-rule4", "ordered", rule4Program("ordered", true))
	if err != nil {
		t.Fatal(err)
	}
	s.Parallel = engineDefaultParallel
	if _, err := s.Up(ctx); err != nil {
		t.Fatalf("up with the node groups after vpc-cni: %v", err)
	}
	up := readJournal(t, ws).Since(n)
	requireClean(t, "ordered", up)
	cr := up.Creates()
	requireCount(t, "node groups", cr.Type(tNodeGroup).Entries, 30, false)
	requireBefore(t, "rule 4", "vpc-cni before the node groups", cr.Type(tAddon).Entries, cr.Type(tNodeGroup).Entries)
}

// TestLargePlatformsAtDefaultParallel: the large platform (every add-on, 10 node
// groups, 3 Fargate profiles) and SCENARIOS #19 (30 node groups, ten helmReleases), run
// as users run them, with no --parallel (the engine's default, 4 per core, is fewer
// slots than they have operations): the first up converges clean, nodes join after
// vpc-cni and kube-proxy, and a second up changes nothing.
func TestLargePlatformsAtDefaultParallel(t *testing.T) {
	t.Parallel()
	for _, def := range []platforms.Def{platforms.Large, platforms.Nodes30} {
		t.Run(def.Name, func(t *testing.T) {
			t.Parallel()
			ctx := testCtx(t)
			ws := newWorkspace(t, runner.Options{})
			s, err := ws.GoStack(ctx, "e2e-"+def.Name, "dev", def.Program)
			if err != nil {
				t.Fatal(err)
			}
			s.Parallel = 0
			_, up, g := upOnce(t, ctx, ws, s, "up")
			requireFirstUpClean(t, "up", up, g)
			cr := up.Creates()
			part := func(p string) string { return platforms.Component + "-" + p }
			ngs := cr.Type(tNodeGroup).Entries
			if len(ngs) == 0 {
				t.Fatal("no node group created")
			}
			for _, a := range nodesJoinWith {
				requireBefore(t, "rule 4", a+" before the node groups", cr.Type(tAddon).Name(part(a)).Entries, ngs)
			}
			if def.Name == platforms.Nodes30.Name {
				requireCount(t, "node groups", ngs, 30, false)
				requireCount(t, "helmReleases", cr.Type(tRelease).Entries, platforms.Nodes30Releases, false)
			}
			n := readJournal(t, ws).Len()
			sum, err := s.Up(ctx)
			if err != nil {
				t.Fatalf("second up: %v", err)
			}
			if sum.Changed() != 0 || sum.Count("same") == 0 {
				t.Errorf("second up: want every resource unchanged, got %s", sum)
			}
			for _, e := range readJournal(t, ws).Since(n).Mutations().Entries {
				t.Errorf("second up touched the cloud: %s", journal.Label(e))
			}
		})
	}
}
