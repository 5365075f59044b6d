package e2e

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// TestPythonNodeGroupReplacement: from a Python program, new instance types for one
// node group replace that group with no capacity gap (TestGoUpgrades step c in Go):
// the preview plans one replacement and nothing else; the up creates the new group
// under a new generation-suffixed EKS name, and it is ACTIVE before the old one's
// delete starts; the other group and the cluster are untouched; a second up changes
// nothing. The preview warns that "general" will be replaced, naming the new EKS name
// the up then gives it, the running one and the cause; a preview that replaces nothing
// warns about no node group (replacement_warning_test.go).
func TestPythonNodeGroupReplacement(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	base := pythonDriver(t, ws, "replace", "day2")
	_, j, g := upStep(t, ctx, ws, base, "base")
	requireFirstUpClean(t, "base", j, g)
	oldName := str(mustNode(t, g, tNodeGroup, child("ng-general")).Res.Outputs, "nodeGroupName")
	system := str(mustNode(t, g, tNodeGroup, child("ng-system")).Res.Outputs, "nodeGroupName")

	// A preview that replaces nothing says nothing about node groups.
	requireNoNodeGroupWarning(t, "no-op preview", previewStep(t, ctx, ws, base, "no-op preview"))

	resized := base
	resized.variant = "day2-resized"
	sum := previewStep(t, ctx, ws, resized, "preview")
	if sum.Count("replace") != 1 {
		t.Errorf("preview: want exactly one replacement (the node group), got %s", sum)
	}
	// It warns which group is replaced, new name first, and why (issue 14, item 6);
	// nothing about the unchanged system group.
	planned := requireReplacementWarning(t, "preview", sum, "general", oldName, "instanceTypes")
	if strings.Contains(engineOutput(sum), "node group system ") {
		t.Errorf("preview: a warning about the unchanged group system:\n%s", tailStr(engineOutput(sum), 3000))
	}
	up, j, g := upStep(t, ctx, ws, resized, "new instance types")
	if made := requireReplacementWarning(t, "new instance types", up, "general", oldName, "instanceTypes"); made != planned {
		t.Errorf("new instance types: the up warned of %q, the preview of %q", made, planned)
	}
	requireMutations(t, "new instance types", j,
		mut("delete", tNodeGroup, "ng-general"),
		mut("create", tNodeGroup, "ng-general"))
	requireReplacedNewFirst(t, "new instance types", "new node group ACTIVE before the old one is deleted",
		j.Creates().Type(tNodeGroup).Entries, j.Deletes().Type(tNodeGroup).Entries)
	general := mustNode(t, g, tNodeGroup, child("ng-general"))
	if got := str(general.Res.Inputs, "instanceTypes"); got != `["m5.large","m5a.large"]` {
		t.Errorf("node group instanceTypes %s, want [m5.large m5a.large]", got)
	}
	if newName := str(general.Res.Outputs, "nodeGroupName"); newName == oldName || newName[:len(newName)-8] != oldName[:len(oldName)-8] || newName != planned {
		t.Errorf("EKS names: old %q, new %q, the preview's %q; want the same prefix and a new generation suffix, as the preview said", oldName, newName, planned)
	}
	if got := str(mustNode(t, g, tNodeGroup, child("ng-system")).Res.Outputs, "nodeGroupName"); got != system {
		t.Errorf("ng-system's EKS name moved from %q to %q", system, got)
	}
	requireNoChange(t, ctx, ws, resized, "again")
	requireNoNodeGroupWarning(t, "preview again", previewStep(t, ctx, ws, resized, "preview again"))
}
