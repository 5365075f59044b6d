package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// tSettings is the plugin's own resource (provider/internal/clustersettings).
const tSettings = "eksplatform:index:ClusterSettings"

// settingsArgs is a small platform with the given settings inputs.
func settingsArgs(tier string) *eksplatform.EksPlatformArgs {
	a := &eksplatform.EksPlatformArgs{
		KubernetesVersion: pulumi.String("1.36"),
		PublicSubnetIds:   pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
		PrivateSubnetIds:  pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
		NodeGroups: eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
			Name:          pulumi.String("general"),
			InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
			Scaling:       eksplatform.NodeGroupScalingArgs{MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(1), MaxSize: pulumi.Int(2)},
		}},
	}
	if tier != "" {
		a.ControlPlaneTier = pulumi.String(tier)
	}
	return a
}

// consoleEKS is the EKS API as someone in the console or the CLI uses it: the real SDK
// client at the endpoint the plugin is pointed at.
func consoleEKS(ws *runner.Workspace) *eks.Client {
	return eks.New(eks.Options{Region: ws.Region, BaseEndpoint: aws.String(ws.Env["AWS_ENDPOINT_URL_EKS"]),
		Credentials: aws.AnonymousCredentials{}})
}

// eksSays is what DescribeCluster reports of the cluster's settings.
func eksSays(t *testing.T, ctx context.Context, api *eks.Client, cluster string) (protected bool, tier string) {
	t.Helper()
	out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(cluster)})
	if err != nil {
		t.Fatalf("DescribeCluster %s: %v", cluster, err)
	}
	return aws.ToBool(out.Cluster.DeletionProtection), string(out.Cluster.ControlPlaneScalingConfig.Tier)
}

// consoleSetsProtection turns deletion protection on or off outside Pulumi and waits
// for EKS to finish, as the console does.
func consoleSetsProtection(t *testing.T, ctx context.Context, api *eks.Client, cluster string, on bool) {
	t.Helper()
	up, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String(cluster), DeletionProtection: aws.Bool(on)})
	if err != nil {
		t.Fatalf("console: UpdateClusterConfig deletionProtection=%t: %v", on, err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		u, err := api.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: aws.String(cluster), UpdateId: up.Update.Id})
		if err != nil {
			t.Fatal(err)
		}
		if u.Update.Status == types.UpdateStatusSuccessful {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("console: update %s never finished", aws.ToString(up.Update.Id))
		}
	}
}

// calls are the journaled EKS API calls of one kind.
func calls(j *journal.Journal, op string) []journal.Entry {
	return j.Filter(func(e journal.Entry) bool { return e.Op == "call" && e.Type == "eks:"+op && e.Error == "" }).Entries
}

// settingsOutput reads a state output of the settings resource.
func settingsOutput(t *testing.T, g *journal.Graph, key string) any {
	t.Helper()
	n := mustNode(t, g, tSettings, child("cluster-settings"))
	return unsecret(n.Res.Outputs[key])
}

// TestClusterSettings: a new platform with deletion protection on (the default) and a
// provisioned tier; a second up changes nothing; a tier change is an update; someone
// turns protection off in the console, refresh shows it and up repairs it; destroy of
// the platform (protectCluster false) turns protection off first (rule 12) and deletes
// everything. The plugin reaches the simulated EKS API through AWS_ENDPOINT_URL_EKS.
func TestClusterSettings(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	api := consoleEKS(ws)
	tier := "tier-xl"
	s := platformStack(t, ctx, ws, "e2e-settings", "dev", func() *eksplatform.EksPlatformArgs { return settingsArgs(tier) })

	step := "first up"
	_, j, g := upOnce(t, ctx, ws, s, step)
	requireClean(t, step, j)
	if on, got := eksSays(t, ctx, api, "platform"); !on || got != "tier-xl" {
		t.Fatalf("%s: EKS reports deletionProtection %t, tier %s; want true, tier-xl", step, on, got)
	}
	if settingsOutput(t, g, "deletionProtection") != true || settingsOutput(t, g, "controlPlaneTier") != "tier-xl" {
		t.Errorf("%s: state %v %v", step, settingsOutput(t, g, "deletionProtection"), settingsOutput(t, g, "controlPlaneTier"))
	}
	// Rule 12 at create: the settings follow the cluster.
	cluster := one(t, "cluster create", j.Creates().Type(tCluster).Entries)
	updates := calls(j, "UpdateClusterConfig")
	if len(updates) != 2 {
		t.Fatalf("%s: %d UpdateClusterConfig calls, want 2 (protection, tier): %s", step, len(updates), fmtEntries(updates))
	}
	requireBefore(t, "rule 12", "the cluster before its settings", []journal.Entry{cluster}, updates)
	if !g.DependsOn(urnOf(g, tSettings, child("cluster-settings")), urnOf(g, tCluster, child("cluster"))) {
		t.Errorf("rule 12: the settings do not depend on the cluster in the state")
	}

	step = "second up"
	n := readJournal(t, ws).Len()
	sum, err := s.Up(ctx)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if sum.Changed() != 0 || len(calls(readJournal(t, ws).Since(n), "UpdateClusterConfig")) != 0 {
		t.Errorf("%s: want no change, got %s", step, sum)
	}

	step = "tier up"
	tier = "tier-2xl"
	sum, j, _ = upOnce(t, ctx, ws, s, step)
	if sum.Count("update") != 1 || sum.Count("replace") != 0 || sum.Count("create") != 0 {
		t.Errorf("%s: want one update (the settings), got %s", step, sum)
	}
	if u := calls(j, "UpdateClusterConfig"); len(u) != 1 || u[0].Detail != "ControlPlaneScalingConfigUpdate PreviousTier=tier-xl UpdatedTier=tier-2xl" {
		t.Errorf("%s: calls %s, want one tier update", step, fmtEntries(u))
	}
	if _, got := eksSays(t, ctx, api, "platform"); got != "tier-2xl" {
		t.Errorf("%s: EKS reports tier %s, want tier-2xl", step, got)
	}

	step = "drift"
	consoleSetsProtection(t, ctx, api, "platform", false)
	rsum, err := s.Refresh(ctx)
	if err != nil {
		t.Fatalf("%s: refresh: %v", step, err)
	}
	if rsum.Count("update") != 1 {
		t.Errorf("%s: refresh %s, want the settings updated from EKS", step, rsum)
	}
	if got := settingsOutput(t, exported(t, ctx, s), "deletionProtection"); got != false {
		t.Errorf("%s: state after refresh says deletionProtection %v, want false as EKS reports", step, got)
	}
	sum, _, _ = upOnce(t, ctx, ws, s, "repair")
	if sum.Count("update") != 1 {
		t.Errorf("repair: want one update, got %s", sum)
	}
	if on, _ := eksSays(t, ctx, api, "platform"); !on {
		t.Error("repair: deletion protection still off")
	}

	step = "destroy"
	n = readJournal(t, ws).Len()
	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	del := readJournal(t, ws).Since(n)
	off := calls(del, "UpdateClusterConfig")
	if len(off) != 1 || !strings.Contains(off[0].Detail, "DeletionProtectionUpdate DeletionProtection=false") {
		t.Fatalf("%s: calls %s, want protection turned off once", step, fmtEntries(off))
	}
	requireBefore(t, "rule 12", "protection off before the cluster's delete", off, del.Deletes().Type(tCluster).Entries)
	requireAllDeleted(t, readJournal(t, ws))
}

// TestProtectedClusterDeleteFiresWithoutTheOrdering: rule 12's failure, modelled by the
// simulated EKS. With the settings resource gone from the state (so nothing turns
// protection off before the cluster's delete), destroy fails on EKS's refusal to delete
// a protected cluster; once protection is off, it completes.
func TestProtectedClusterDeleteFiresWithoutTheOrdering(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	api := consoleEKS(ws)
	s := platformStack(t, ctx, ws, "e2e-settings-unordered", "dev", func() *eksplatform.EksPlatformArgs { return settingsArgs("") })
	_, _, g := upOnce(t, ctx, ws, s, "up")
	if on, _ := eksSays(t, ctx, api, "platform"); !on {
		t.Fatal("up: deletion protection is not on by default")
	}
	if _, err := pulumiCLI(ctx, t, s, "state", "delete", urnOf(g, tSettings, child("cluster-settings")), "--yes"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Destroy(ctx)
	if err == nil || !strings.Contains(err.Error(), "InvalidRequestException: Cluster platform has deletion protection enabled") {
		t.Fatalf("destroy without the settings first: err %v, want EKS's protected-cluster refusal", err)
	}
	if failed := readJournal(t, ws).Deletes().Type(tCluster).Len(); failed != 0 {
		t.Fatalf("the protected cluster was deleted %d times", failed)
	}
	consoleSetsProtection(t, ctx, api, "platform", false)
	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("destroy once protection is off: %v", err)
	}
	requireAllDeleted(t, readJournal(t, ws))
}

// TestProtectedClusterKeepsDeletionProtection: with protectCluster the engine refuses
// to delete the cluster (it deletes what is not protected, the settings among them,
// and fails); the settings' delete leaves EKS's deletion protection on. With
// protectCluster unset, the next up makes the settings again (protection already on:
// no EKS call) and destroy turns protection off before the cluster's delete.
func TestProtectedClusterKeepsDeletionProtection(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	api := consoleEKS(ws)
	protect := true
	s := platformStack(t, ctx, ws, "e2e-settings-protect", "dev", func() *eksplatform.EksPlatformArgs {
		a := settingsArgs("")
		a.ProtectCluster = pulumi.Bool(protect)
		return a
	})
	_, _, g := upOnce(t, ctx, ws, s, "up")
	if settingsOutput(t, g, "releaseProtectionOnDelete") != false {
		t.Errorf("up: releaseProtectionOnDelete %v with protectCluster, want false", settingsOutput(t, g, "releaseProtectionOnDelete"))
	}
	n := readJournal(t, ws).Len()
	if _, err := s.Destroy(ctx); err == nil || !strings.Contains(err.Error(), "protect") {
		t.Fatalf("destroy with protectCluster: err %v, want the engine's refusal", err)
	}
	if off := calls(readJournal(t, ws).Since(n), "UpdateClusterConfig"); len(off) != 0 {
		t.Errorf("the refused destroy changed EKS: %s", fmtEntries(off))
	}
	if on, _ := eksSays(t, ctx, api, "platform"); !on {
		t.Error("the refused destroy turned deletion protection off")
	}

	protect = false
	sum, j, _ := upOnce(t, ctx, ws, s, "protectCluster unset")
	if len(calls(j, "UpdateClusterConfig")) != 0 || sum.Count("replace") != 0 {
		t.Errorf("protectCluster unset: %s, calls %s; want no EKS update (protection is still on)", sum, fmtEntries(calls(j, "UpdateClusterConfig")))
	}
	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	requireAllDeleted(t, readJournal(t, ws))
}
