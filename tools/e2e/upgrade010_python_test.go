package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// TestPythonUpgradeFrom010: TestUpgradeFrom010's stack from a Python program (variant
// v010, only inputs 0.1.0 has): made by the 0.1.0 plugin, then previewed and upped with
// this one. The preview plans no replacement and warns of no node group replacement,
// the up does what the preview planned (the same counts) without replacing anything,
// the cluster is kept and the node group keeps 0.1.0's EKS name; a second up changes
// nothing. TestUpgradeFrom010 checks the exact list of changes in Go.
func TestPythonUpgradeFrom010(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	current := ws.Env["PATH"]
	// The engine finds the component plugin on PATH: the 0.1.0 one first.
	ws.Env["PATH"] = prevPluginDir(t, ws) + string(os.PathListSeparator) + current
	d := pythonDriver(t, ws, "upgrade", "v010")

	// 0.1.0 did not order the releases after the ALB controller (rule 9): its first up
	// can fail on the controller's webhook, and a second up completes it.
	if sum, err := d.up(ctx); err != nil {
		if !strings.Contains(err.Error(), "mservice.elbv2.k8s.aws") {
			t.Fatalf("0.1.0 first up: %v", err)
		}
		t.Logf("0.1.0 first up failed on the ALB controller's webhook (no rule 9 in 0.1.0); a second up completes it")
		_, j, _ := upStep(t, ctx, ws, d, "0.1.0 second up")
		requireClusterKept(t, "0.1.0 second up", j)
	} else {
		t.Logf("0.1.0 up: %s", sum)
	}
	_, g0, err := d.state(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := str(mustNode(t, g0, tNodeGroup, child("ng-general")).Res.Inputs, "nodeGroupName"); got != "platform-general" {
		t.Fatalf("0.1.0 up: node group EKS name %q, want 0.1.0's platform-general (is the plugin on PATH the 0.1.0 one?)", got)
	}
	oldCluster := mustNode(t, g0, tCluster, child("cluster"))

	// This release's plugin.
	ws.Env["PATH"] = current
	n := readJournal(t, ws).Len()
	pre, err := d.preview(ctx)
	if err != nil {
		t.Fatalf("preview with this release: %v", err)
	}
	t.Logf("preview with this release: %s", pre)
	requireMutations(t, "preview with this release", readJournal(t, ws).Since(n))
	requireNoNodeGroupWarning(t, "preview with this release", pre)

	sum, j, g := upStep(t, ctx, ws, d, "up with this release")
	requireClean(t, "up with this release", j)
	requireClusterKept(t, "up with this release", j)
	for _, kind := range []string{"replace", "create", "delete", "update"} {
		if pre.Count(kind) != sum.Count(kind) {
			t.Errorf("preview planned %s=%d, the up did %d: %s / %s", kind, pre.Count(kind), sum.Count(kind), pre, sum)
		}
	}
	if pre.Count("replace") != 0 || sum.Count("replace") != 0 || sum.Count("update") == 0 {
		t.Errorf("want updates and no replacement: preview %s, up %s", pre, sum)
	}
	if got := mustNode(t, g, tCluster, child("cluster")).Res.ID; got != oldCluster.Res.ID {
		t.Errorf("cluster id %s, want 0.1.0's %s", got, oldCluster.Res.ID)
	}
	ng, oldNg := mustNode(t, g, tNodeGroup, child("ng-general")), mustNode(t, g0, tNodeGroup, child("ng-general"))
	if got := str(ng.Res.Inputs, "nodeGroupName"); got != "platform-general" || ng.Res.ID != oldNg.Res.ID {
		t.Errorf("node group EKS name %q (id %s), want 0.1.0's platform-general (id %s) kept", got, ng.Res.ID, oldNg.Res.ID)
	}
	requireNoChange(t, ctx, ws, d, "second up")
}
