package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// One `pulumi up` per Kubernetes minor (docs/upgrading.md, "Bump the Kubernetes version
// by one minor"). The simulator refuses what EKS refuses (tools/simcloud/versions.go):
// a control plane moved two minors or down, a kube-proxy newer than the control plane,
// a node group newer than it. So the order checked here is also the only order that
// succeeds.

// checkBump checks the journal of an up that moved the platform from one minor to the
// next: exactly the cluster, kube-proxy (the one simulated add-on whose default
// version names its minor) and every node group were updated, nothing created or
// deleted; the control plane's update ended before any add-on or node group update
// started; and each carries the new minor's version.
func checkBump(t *testing.T, step string, j *journal.Journal, g *journal.Graph, to string, groups ...string) {
	t.Helper()
	want := []string{mut("update", tCluster, "cluster"), mut("update", tAddon, "kube-proxy")}
	for _, ng := range groups {
		want = append(want, mut("update", tNodeGroup, "ng-"+ng))
	}
	requireClean(t, step, j)
	requireClusterKept(t, step, j)
	requireMutations(t, step, j, want...)
	cluster := j.Updates().Type(tCluster).Entries
	requireBefore(t, step, "control plane before the add-ons", cluster, j.Updates().Type(tAddon).Entries)
	requireBefore(t, step, "control plane before the node groups", cluster, j.Updates().Type(tNodeGroup).Entries)
	if got := str(mustNode(t, g, tCluster, child("cluster")).Res.Outputs, "version"); got != to {
		t.Errorf("%s: cluster version %q, want %s", step, got, to)
	}
	kp := mustNode(t, g, tAddon, child("kube-proxy"))
	if got, want := str(kp.Res.Inputs, "addonVersion"), fakeaws.AddonVersion("kube-proxy", to); got != want {
		t.Errorf("%s: kube-proxy addonVersion %q, want %s, the default for %s", step, got, want, to)
	}
	for _, ng := range groups {
		if got := str(mustNode(t, g, tNodeGroup, child("ng-"+ng)).Res.Inputs, "version"); got != to {
			t.Errorf("%s: node group %s version %q, want %s", step, ng, got, to)
		}
	}
}

// requireRefused checks an up that must fail with every fragment of want in its error
// and change nothing in the cloud.
func requireRefused(t *testing.T, ctx context.Context, ws *runner.Workspace, d driver, step string, want ...string) {
	t.Helper()
	requireRunRefused(t, ws, "up", func() error { _, err := d.up(ctx); return err }, step, want...)
}

// requireRunRefused checks that run (an up or a preview, named verb) fails with every
// fragment of want in its error and changes nothing in the cloud.
func requireRunRefused(t *testing.T, ws *runner.Workspace, verb string, run func() error, step string, want ...string) {
	t.Helper()
	n := readJournal(t, ws).Len()
	err := run()
	if err == nil {
		t.Fatalf("%s: %s succeeded, want it refused", step, verb)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: the %s's error lacks %q:\n%s", step, verb, w, tailStr(err.Error(), 3000))
		}
	}
	for _, e := range readJournal(t, ws).Since(n).Mutations().Entries {
		t.Errorf("%s: a refused %s touched the cloud: %s", step, verb, journal.Label(e))
	}
}

// TestGoKubernetesBump: 1.34 → 1.36 is refused naming 1.35; 1.34 → 1.35 upgrades the
// control plane, then kube-proxy and the node group; 1.35 → 1.34 is refused; a second
// up changes nothing; 1.35 → 1.36 upgrades again. A preview of a bump works. 1.34 left
// EKS standard support on 2026-12-02, so the cluster runs with upgradePolicy EXTENDED
// throughout (the platform refuses 1.34 on STANDARD, docs/upgrading.md).
func TestGoKubernetesBump(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	spec := upgradeSpec{version: "1.34", upgradePolicy: "EXTENDED", groups: []upgradeGroup{{"general", []string{"t3.large"}}}}
	s := platformStack(t, ctx, ws, "e2e-bump", "dev", func() *eksplatform.EksPlatformArgs { return spec.args() })
	d := goDriver{s}
	_, j, g := upStep(t, ctx, ws, d, "base 1.34")
	requireFirstUpClean(t, "base 1.34", j, g)

	spec.version = "1.36"
	requireRefused(t, ctx, ws, d, "1.34 → 1.36",
		"kubernetesVersion: 1.36 is more than one minor version above the 1.34 cluster platform runs", "set 1.35")

	spec.version = "1.35"
	sum, err := d.preview(ctx)
	if err != nil {
		t.Fatalf("preview of the bump: %v", err)
	}
	if sum.Count("update") < 3 || sum.Count("replace") != 0 {
		t.Errorf("preview of the bump: want the cluster, kube-proxy and the node group updated and no replacement, got %s", sum)
	}
	_, j, g = upStep(t, ctx, ws, d, "1.34 → 1.35")
	checkBump(t, "1.34 → 1.35", j, g, "1.35", "general")

	spec.version = "1.34"
	requireRefused(t, ctx, ws, d, "1.35 → 1.34",
		"kubernetesVersion: 1.34 is older than the 1.35 cluster platform runs", "EKS cannot downgrade a control plane; set 1.35 (or 1.36 to upgrade)")

	spec.version = "1.35"
	requireNoChange(t, ctx, ws, d, "1.35 again")

	spec.version = "1.36"
	_, j, g = upStep(t, ctx, ws, d, "1.35 → 1.36")
	checkBump(t, "1.35 → 1.36", j, g, "1.36", "general")
	requireNoChange(t, ctx, ws, d, "1.36 again")
}

// langBump: the full platform of the language's test program (two node groups,
// Fargate, Helm add-ons) bumped 1.35 → 1.36, after a refused downgrade; then a second
// up changes nothing. The policy is EXTENDED throughout, so the downgrade to 1.34 (past
// standard support since 2026-12-02) is refused for being a downgrade, which is what
// this test checks, not for its support.
func langBump(t *testing.T, mk func(t *testing.T, ws *runner.Workspace, stack, variant string) procDriver) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	d := mk(t, ws, "bump", "bump")
	at := func(v string) procDriver {
		d.env = map[string]string{"E2E_K8S_VERSION": v, "E2E_UPGRADE_POLICY": "EXTENDED"}
		return d
	}
	_, j, g := upStep(t, ctx, ws, at("1.35"), "base 1.35")
	requireFirstUpClean(t, "base 1.35", j, g)
	requireRefused(t, ctx, ws, at("1.34"), "1.35 → 1.34",
		"kubernetesVersion: 1.34 is older than the 1.35 cluster platform runs")
	_, j, g = upStep(t, ctx, ws, at("1.36"), "1.35 → 1.36")
	checkBump(t, "1.35 → 1.36", j, g, "1.36", "system", "general")
	requireNoChange(t, ctx, ws, at("1.36"), "1.36 again")
}

// TestTypeScriptKubernetesBump: langBump from TypeScript (testdata/program.ts).
func TestTypeScriptKubernetesBump(t *testing.T) {
	t.Parallel()
	nodeProject(t)
	langBump(t, nodeDriver)
}

// TestPythonKubernetesBump: langBump from Python (testdata/program.py).
func TestPythonKubernetesBump(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	langBump(t, pythonDriver)
}
