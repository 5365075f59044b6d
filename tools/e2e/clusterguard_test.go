package e2e

import (
	"context"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The cluster guard end to end (docs/upgrading.md, "Changes that would replace the
// cluster"). The simulator's diff replaces the cluster exactly where the bridged
// provider does (tools/simcloud/diff.go, provider/pkg/fakeaws/types.go), so without the
// guard the refused steps below would replace it.

// requirePreviewRefused checks a preview fails with every fragment of want.
func requirePreviewRefused(t *testing.T, ctx context.Context, ws *runner.Workspace, d driver, step string, want ...string) {
	t.Helper()
	requireRunRefused(t, ws, "preview", func() error { _, err := d.preview(ctx); return err }, step, want...)
}

// guardSpec is the Go program's platform with the guarded inputs of this step.
type guardSpec struct {
	upgradeSpec
	clusterName      string
	secretsOff       bool
	bootstrapAdmin   bool
	allowReplacement bool
}

func (s *guardSpec) args() *eksplatform.EksPlatformArgs {
	a := s.upgradeSpec.args()
	if s.clusterName != "" {
		a.ClusterName = pulumi.String(s.clusterName)
	}
	if s.secretsOff {
		a.SecretsEncryption = pulumi.Bool(false)
	}
	if s.bootstrapAdmin {
		a.BootstrapClusterCreatorAdminPermissions = pulumi.Bool(true)
	}
	if s.allowReplacement {
		a.AllowClusterReplacement = pulumi.Bool(true)
	}
	return a
}

// TestGoClusterGuard: on a running platform, turning secrets encryption off, changing
// bootstrapClusterCreatorAdminPermissions and renaming the cluster are each refused, in
// preview and up, with nothing changed in the cloud; the platform is then unchanged.
// With allowClusterReplacement the preview shows the replacement, and the up replaces
// the cluster under its name: the old cluster (and everything on it) is deleted before
// the new one is created, since EKS refuses a second cluster of one name; a second up
// changes nothing. An allowed rename then creates the new cluster before deleting the
// old one.
func TestGoClusterGuard(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	spec := &guardSpec{upgradeSpec: upgradeSpec{version: "1.36", groups: []upgradeGroup{{"general", []string{"t3.large"}}}}}
	s := platformStack(t, ctx, ws, "e2e-guard", "dev", spec.args)
	d := goDriver{s}
	_, j, g := upStep(t, ctx, ws, d, "base")
	requireFirstUpClean(t, "base", j, g)

	spec.secretsOff = true
	const encryption = "secretsEncryption: changing it from true to false replaces the EKS cluster (and with it every node, add-on and workload); keep true, or set allowClusterReplacement: true to replace it"
	requirePreviewRefused(t, ctx, ws, d, "encryption off (preview)", encryption)
	requireRefused(t, ctx, ws, d, "encryption off", encryption)
	spec.secretsOff = false

	spec.bootstrapAdmin = true
	requireRefused(t, ctx, ws, d, "bootstrap admin",
		"bootstrapClusterCreatorAdminPermissions: changing it from false to true replaces the EKS cluster")
	spec.bootstrapAdmin = false

	spec.clusterName = "platform-2"
	const rename = "clusterName: changing it from platform to platform-2 replaces the EKS cluster (and with it every node, add-on and workload); keep platform, or set allowClusterReplacement: true to replace it"
	requirePreviewRefused(t, ctx, ws, d, "rename (preview)", rename)
	requireRefused(t, ctx, ws, d, "rename", rename)
	spec.clusterName = ""

	requireNoChange(t, ctx, ws, d, "unchanged after the refusals")

	spec.secretsOff, spec.allowReplacement = true, true
	sum, err := d.preview(ctx)
	if err != nil {
		t.Fatalf("allowed replacement (preview): %v", err)
	}
	if sum.Count("replace") == 0 {
		t.Errorf("allowed replacement (preview): want the cluster replaced, got %s", sum)
	}
	_, j, _ = upStep(t, ctx, ws, d, "allowed replacement")
	requireClean(t, "allowed replacement", j)
	t.Logf("allowed replacement: %s", listOrNone(mutations(j)))
	created, deleted := j.Creates().Type(tCluster).Entries, j.Deletes().Type(tCluster).Entries
	if len(created) != 1 || len(deleted) != 1 {
		t.Fatalf("allowed replacement: want the cluster deleted once and created once, got %d deletes and %d creates", len(deleted), len(created))
	}
	// One URN, one EKS name: the delete and the create are compared as two entries
	// (requireBefore skips pairs of one URN and would check nothing here).
	if deleted[0].ID != created[0].ID {
		t.Errorf("allowed replacement: want the cluster replaced under its name, got the old %q and the new %q", deleted[0].ID, created[0].ID)
	}
	requireEntryBefore(t, "allowed replacement", "the old cluster deleted before the new one is created", deleted[0], created[0])
	for _, typ := range []string{tNodeGroup, tAddon} {
		if j.Deletes().Type(typ).Len() == 0 || j.Creates().Type(typ).Len() == 0 {
			t.Errorf("allowed replacement: the cluster's %s were not deleted and made again", typ)
		}
	}
	requireNoChange(t, ctx, ws, d, "after the replacement")

	// An allowed rename: two names, so the new cluster is created first and the old one
	// deleted at the end of the run.
	spec.clusterName = "platform-2"
	_, j, g = upStep(t, ctx, ws, d, "allowed rename")
	requireClean(t, "allowed rename", j)
	t.Logf("allowed rename: %s", listOrNone(mutations(j)))
	created, deleted = j.Creates().Type(tCluster).Entries, j.Deletes().Type(tCluster).Entries
	if len(created) != 1 || len(deleted) != 1 {
		t.Fatalf("allowed rename: want one cluster created and the old one deleted, got %d creates and %d deletes", len(created), len(deleted))
	}
	// Two EKS names, one URN: the new cluster (its ID is its name) is created before the
	// old one is deleted. Compared entry to entry, since requireBefore skips one URN.
	if created[0].ID != "platform-2" || deleted[0].ID != "platform" {
		t.Errorf("allowed rename: want platform-2 created and platform deleted, got %q created and %q deleted", created[0].ID, deleted[0].ID)
	}
	requireEntryBefore(t, "allowed rename", "the new cluster created before the old one is deleted", created[0], deleted[0])
	if got := str(mustNode(t, g, tCluster, child("cluster")).Res.Inputs, "name"); got != "platform-2" {
		t.Errorf("allowed rename: cluster name %q, want platform-2", got)
	}
	requireNoChange(t, ctx, ws, d, "after the rename")
}

// langGuard: from the language's test program (variant "guard", inputs from the
// environment), turning secrets encryption off and renaming the cluster are refused with
// nothing changed; with allowClusterReplacement the preview shows the replacement.
func langGuard(t *testing.T, mk func(t *testing.T, ws *runner.Workspace, stack, variant string) procDriver) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	d := mk(t, ws, "guard", "guard")
	with := func(env map[string]string) procDriver {
		d.env = env
		return d
	}
	_, j, g := upStep(t, ctx, ws, with(nil), "base")
	requireFirstUpClean(t, "base", j, g)
	requireRefused(t, ctx, ws, with(map[string]string{"E2E_SECRETS_ENCRYPTION": "false"}), "encryption off",
		"secretsEncryption: changing it from true to false replaces the EKS cluster", "set allowClusterReplacement: true")
	requireRefused(t, ctx, ws, with(map[string]string{"E2E_CLUSTER_NAME": "platform-2"}), "rename",
		"clusterName: changing it from platform to platform-2 replaces the EKS cluster")
	sum, err := with(map[string]string{"E2E_SECRETS_ENCRYPTION": "false", "E2E_ALLOW_REPLACEMENT": "true"}).preview(ctx)
	if err != nil {
		t.Fatalf("allowed replacement (preview): %v", err)
	}
	if sum.Count("replace") == 0 {
		t.Errorf("allowed replacement (preview): want the cluster replaced, got %s", sum)
	}
	requireNoChange(t, ctx, ws, with(nil), "unchanged")
}

// TestTypeScriptClusterGuard: langGuard from TypeScript (testdata/program.ts).
func TestTypeScriptClusterGuard(t *testing.T) {
	t.Parallel()
	nodeProject(t)
	langGuard(t, nodeDriver)
}

// TestPythonClusterGuard: langGuard from Python (testdata/program.py).
func TestPythonClusterGuard(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	langGuard(t, pythonDriver)
}
