package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
)

// Day-2 operations against a running platform (docs/upgrading.md): changes
// made outside Pulumi (drift), and a run whose engine died mid-update.

// TestDrift: after a successful up, a node group, an access entry and an EKS
// add-on are deleted out of band. `pulumi refresh` drops them (and the access
// entry's policy association, which EKS deletes with it) from the state;
// `pulumi up` recreates exactly them. Then a node group's desiredSize and
// minSize are changed out of band: refresh + up keeps the desiredSize (the
// autoscaler owns it) and puts the minSize back.
func TestDrift(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	driftFile := filepath.Join(t.TempDir(), "drift.json")
	ws := newWorkspace(t, runner.Options{Env: map[string]string{"SIMCLOUD_DRIFT": driftFile}})
	checkDrift(t, ctx, ws, driftFile, goDay2(day2Stack(t, ctx, ws, "drift")))
}

// TestPythonDrift: TestDrift with the platform's program in Python (the refreshes
// and exports go through a Go workspace on the same stack: a refresh runs no program).
func TestPythonDrift(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	ctx := testCtx(t)
	driftFile := filepath.Join(t.TempDir(), "drift.json")
	ws := newWorkspace(t, runner.Options{Env: map[string]string{"SIMCLOUD_DRIFT": driftFile}})
	checkDrift(t, ctx, ws, driftFile, procDay2(ws, pythonDriver(t, ws, "drift", "day2")))
}

func checkDrift(t *testing.T, ctx context.Context, ws *runner.Workspace, driftFile string, p day2Program) {
	_, upJ, g := p.upOnce(t, ctx, ws, "first up")
	requireFirstUpClean(t, "first up", upJ, g)
	s := p.stack(t, ctx)

	ng := mustNode(t, g, tNodeGroup, child("ng-general"))
	ae := mustNode(t, g, tAccessEntry, child("access-role-platform-team"))
	addon := mustNode(t, g, tAddon, child("aws-ebs-csi-driver"))
	var assoc []*journal.Node // EKS deletes an access entry's policy associations with it
	for _, n := range g.OfType(tAssociation) {
		if str(n.Res.Inputs, "principalArn") == teamRole {
			assoc = append(assoc, n)
		}
	}
	if len(assoc) == 0 {
		t.Fatalf("no access policy association for %s", teamRole)
	}

	// Someone deletes them in the console.
	if err := simcloud.WriteDrift(driftFile, simcloud.Drift{Delete: []string{ng.URN, ae.URN, addon.URN}}); err != nil {
		t.Fatal(err)
	}
	n := readJournal(t, ws).Len()
	sum, err := s.Refresh(ctx)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	t.Logf("refresh: %s", sum)
	refJ := readJournal(t, ws).Since(n)
	if got := refJ.Op("drift-delete").Len(); got != 3+len(assoc) {
		t.Errorf("refresh: want %d out-of-band deletes journalled, got %d", 3+len(assoc), got)
	}
	requireMutations(t, "refresh", refJ) // a refresh changes nothing in the cloud
	_, g2, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gone := []*journal.Node{ng, ae, addon}
	gone = append(gone, assoc...)
	for _, x := range gone {
		if g2.ByURN[x.URN] != nil {
			t.Errorf("refresh: %s %s was deleted out of band but is still in the state", x.Type, x.Name)
		}
	}
	if got, want := len(g2.Nodes), len(g.Nodes)-len(gone); got != want {
		t.Errorf("refresh: state holds %d resources, want %d (%d dropped)", got, want, len(gone))
	}
	if sum.Count("delete") != len(gone) {
		t.Errorf("refresh: want %d deletes in the summary, got %s", len(gone), sum)
	}

	// up recreates exactly what is gone, and replaces nothing.
	_, upJ, g3 := p.upOnce(t, ctx, ws, "up after refresh")
	want := []string{mut("create", tNodeGroup, "ng-general"), mut("create", tAccessEntry, "access-role-platform-team"),
		mut("create", tAddon, "aws-ebs-csi-driver")}
	for _, a := range assoc {
		want = append(want, "create "+tAssociation+" "+a.Name)
	}
	requireMutations(t, "up after refresh", upJ, want...)
	requireClean(t, "up after refresh", upJ)
	if len(g3.Nodes) != len(g.Nodes) {
		t.Errorf("up after refresh: state holds %d resources, want %d", len(g3.Nodes), len(g.Nodes))
	}

	// The autoscaler scales a node group up; someone lowers its minSize.
	sys := mustNode(t, g3, tNodeGroup, child("ng-system"))
	min0, desired0, max0 := scaling(t, sys)
	if err := simcloud.WriteDrift(driftFile, simcloud.Drift{Set: map[string]map[string]any{
		sys.URN: {"scalingConfig.desiredSize": max0, "scalingConfig.minSize": min0 - 1},
	}}); err != nil {
		t.Fatal(err)
	}
	if desired0 == max0 || min0 < 1 {
		t.Fatalf("ng-system scaling %v/%v/%v leaves no room to drift", min0, desired0, max0)
	}
	n = readJournal(t, ws).Len()
	sum, err = s.Refresh(ctx)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	t.Logf("refresh: %s", sum)
	if got := readJournal(t, ws).Since(n).Op("drift-set").Len(); got != 1 {
		t.Errorf("refresh: want one out-of-band change journalled, got %d", got)
	}
	_, g4, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if mn, d, _ := scaling(t, mustNode(t, g4, tNodeGroup, child("ng-system"))); mn != min0-1 || d != max0 {
		t.Errorf("refresh: ng-system minSize/desiredSize = %v/%v, want the drifted %v/%v", mn, d, min0-1, max0)
	}
	_, upJ, g5 := p.upOnce(t, ctx, ws, "up after scaling drift")
	requireMutations(t, "up after scaling drift", upJ, mut("update", tNodeGroup, "ng-system"))
	if mn, d, mx := scaling(t, mustNode(t, g5, tNodeGroup, child("ng-system"))); mn != min0 || d != max0 || mx != max0 {
		t.Errorf("up after scaling drift: ng-system scaling = %v/%v/%v, want minSize reconciled to %v and the autoscaler's desiredSize %v kept",
			mn, d, mx, min0, max0)
	}
	// The cloud agrees, and nothing is left to do.
	sum, err = s.Refresh(ctx)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if sum.Changed() != 0 {
		t.Errorf("refresh after reconciling: want no changes, got %s", sum)
	}
	sum, _, _ = p.upOnce(t, ctx, ws, "final up")
	if sum.Changed() != 0 {
		t.Errorf("final up: want no changes, got %s", sum)
	}
}

// TestInterruptedUp: the engine is killed (SIGKILL, as a CI timeout does)
// right after the first node group create completed in AWS. The documented
// recovery (docs/upgrading.md, "Recovering an interrupted run") is run with
// the CLI; the next up converges with exactly one of each EKS object, and a
// second up changes nothing. A wrong recovery would try to create a node group
// that exists and fail with ResourceInUseException.
func TestInterruptedUp(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{Env: map[string]string{"SIMCLOUD_KILL_AFTER_CREATE_OF": tNodeGroup}})
	checkInterruptedUp(t, ctx, ws, goDay2(day2Stack(t, ctx, ws, "interrupted")))
}

// TestPythonInterruptedUp: TestInterruptedUp with the platform's program in Python:
// the engine the Python Automation API started is killed, and the same recovery
// (the CLI in a project folder of the stack) converges.
func TestPythonInterruptedUp(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{Env: map[string]string{"SIMCLOUD_KILL_AFTER_CREATE_OF": tNodeGroup}})
	checkInterruptedUp(t, ctx, ws, procDay2(ws, pythonDriver(t, ws, "interrupted", "day2")))
}

func checkInterruptedUp(t *testing.T, ctx context.Context, ws *runner.Workspace, p day2Program) {
	if _, err := p.up(ctx); err == nil {
		t.Fatal("up succeeded although the engine was to be killed")
	} else {
		t.Logf("interrupted up: %s", tailStr(err.Error(), 600))
	}
	// What AWS holds once every operation the dead engine had sent has ended (the
	// plugin that killed the engine may still journal one after the engine is gone).
	early := readJournal(t, ws).Len()
	j := settledJournal(t, ws)
	if late := j.Len() - early; late > 0 {
		t.Logf("%d journal entries were written after the engine died: %s", late, fmtEntries(j.Since(early).Entries))
	}
	killed := j.Creates().Type(tNodeGroup).Filter(func(e journal.Entry) bool { return e.Detail != "" })
	if killed.Len() == 0 {
		t.Fatalf("no node group create completed before the kill: %s", fmtEntries(j.Creates().Type(tNodeGroup).Entries))
	}

	// The stack is locked by the dead run.
	s := p.stack(t, ctx)
	if _, err := p.up(ctx); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("up on the interrupted stack: want the lock error, got %v", err)
	}
	// 1. Remove the dead run's lock.
	if _, err := pulumiCLI(ctx, t, s, "cancel", "--yes", "--stack", s.Name); err != nil {
		t.Fatal(err)
	}
	// 2. List the pending creates and look each up in AWS (here: the simulated
	// cloud's journal); write the ids of those that exist into the state.
	ops := pendingOps(ctx, t, s)
	if len(ops) == 0 {
		t.Fatal("the interrupted run left no pending operation")
	}
	ids := map[string]string{}
	for _, op := range ops {
		if op.Type != "creating" {
			continue
		}
		if id, ok := cloudID(j, op.Resource.URN); ok {
			ids[op.Resource.URN] = id
		}
	}
	if len(ids) < killed.Len() {
		t.Errorf("only %d pending creates exist in the cloud, want at least the %d completed node groups", len(ids), killed.Len())
	}
	// pulumi refresh --import-pending-creates <urn> <id> (v3.259.0) turns the
	// pending create into a pending import that the refresh then drops: the
	// object is lost from the state and the next up creates it again. So the
	// recovery edits the state instead (docs/upgrading.md).
	idsJSON, _ := json.Marshal(ids)
	dir := t.TempDir()
	state, fixed := filepath.Join(dir, "state.json"), filepath.Join(dir, "fixed.json")
	if _, err := pulumiCLI(ctx, t, s, "stack", "export", "--stack", s.Name, "--file", state); err != nil {
		t.Fatal(err)
	}
	jq := exec.CommandContext(ctx, "jq", "--argjson", "ids", string(idsJSON), adoptPendingCreates, state)
	out, err := jq.Output()
	if err != nil {
		t.Fatalf("jq: %v", err)
	}
	writeFile(t, fixed, string(out))
	if _, err := pulumiCLI(ctx, t, s, "stack", "import", "--stack", s.Name, "--file", fixed); err != nil {
		t.Fatal(err)
	}
	// 3. Refresh: read the adopted objects from AWS, drop the pending creates that never reached it.
	if _, err := pulumiCLI(ctx, t, s, "refresh", "--yes", "--skip-preview", "--stack", s.Name, "--clear-pending-creates"); err != nil {
		t.Fatal(err)
	}
	if left := pendingOps(ctx, t, s); len(left) != 0 {
		t.Errorf("pending operations left after the recovery: %v", left)
	}
	_, g, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for urn := range ids {
		n := g.ByURN[urn]
		if n == nil {
			t.Errorf("recovery: %s, created in AWS, is not in the state", urn)
		} else if str(n.Res.Outputs, "arn") == "" {
			t.Errorf("recovery: %s has no outputs after the refresh: %v", urn, n.Res.Outputs)
		}
	}

	// 4. up converges: exactly one of each object.
	n := readJournal(t, ws).Len()
	sum, err := p.up(ctx)
	if err != nil {
		t.Fatalf("up after the recovery: %v", err)
	}
	t.Logf("up after the recovery: %s", sum)
	all := readJournal(t, ws)
	requireClean(t, "up after the recovery", all.Since(n))
	for k, c := range liveObjects(all) {
		if c > 1 {
			t.Errorf("the cloud holds %d of %s", c, k)
		}
	}
	for _, typ := range []string{tCluster, tNodeGroup, tAccessEntry, tAddon, tFargate} {
		for name, c := range countByName(all, "create", typ) {
			if c != 1 {
				t.Errorf("%s %s created %d times", typ, name, c)
			}
		}
	}
	_, g, err = s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(g.OfType(tNodeGroup)); got != fullPlatform.nodeGroups {
		t.Errorf("state: want %d node groups, got %d", fullPlatform.nodeGroups, got)
	}
	live := liveObjects(all)
	for _, x := range g.Nodes {
		if x.Simulated() && live[x.Type+" "+x.Res.ID.String()] != 1 {
			t.Errorf("state holds %s %s (id %s), which the cloud does not", x.Type, x.Name, x.Res.ID)
		}
	}
	// 5. A second up changes nothing.
	sum, _, _ = p.upOnce(t, ctx, ws, "second up")
	if sum.Changed() != 0 {
		t.Errorf("second up: want no changes, got %s", sum)
	}
}

// adoptPendingCreates is the jq program of docs/upgrading.md: with $ids a map
// from URN to the id found in AWS, it moves those pending creates into the
// state's resources with that id, and leaves the others pending.
const adoptPendingCreates = `
  .deployment.resources += [.deployment.pending_operations[]
    | select(.type == "creating" and $ids[.resource.urn] != null)
    | .resource + {id: $ids[.resource.urn]}]
  | .deployment.pending_operations |= map(select(.type != "creating" or $ids[.resource.urn] == null))`
