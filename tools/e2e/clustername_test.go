package e2e

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// TestPythonClusterNameTaken: a second stack, from Python, asks for the cluster name a
// first stack's platform runs (EKS cluster names are unique in a region and account, and
// the simulator refuses a second cluster of one name). Its preview and its up are
// refused as a name taken (clusterName, naming the other platform and the command that
// claims the cluster after a rename), not as the settings it gives differently (its own
// kmsKeyArn, secrets encryption off), and nothing is created: the journal holds no
// operation of the refused runs. The first platform is untouched (a no-op up).
func TestPythonClusterNameTaken(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	spec := &guardSpec{upgradeSpec: upgradeSpec{version: "1.36", groups: []upgradeGroup{{"general", []string{"t3.large"}}}}}
	first := goDriver{platformStack(t, ctx, ws, "e2e-taken", "prod", spec.args)}
	_, j, g := upStep(t, ctx, ws, first, "first stack")
	requireFirstUpClean(t, "first stack", j, g)
	name := str(mustNode(t, g, tCluster, child("cluster")).Res.Inputs, "name")

	second := pythonDriver(t, ws, "second", "guard")
	taken := `clusterName: the EKS cluster ` + name + ` is another platform's: its eksplatform:platform tag is "e2e-taken/prod/` + component +
		`" (project/stack/component), and this platform is "e2e-python/second/` + component + `"`
	for _, step := range []struct {
		name string
		env  map[string]string
	}{
		{"its own kmsKeyArn", map[string]string{"E2E_KMS_KEY_ARN": "arn:aws:kms:us-west-2:123456789012:key/second"}},
		{"secrets encryption off", map[string]string{"E2E_SECRETS_ENCRYPTION": "false"}},
	} {
		step.env["E2E_CLUSTER_NAME"] = name
		second.env = step.env
		want := []string{taken, "choose another clusterName", "aws eks tag-resource --resource-arn arn:aws:eks:"}
		requirePreviewRefused(t, ctx, ws, second, "second stack, "+step.name+" (preview)", want...)
		n := readJournal(t, ws).Len()
		var upErr error
		requireRunRefused(t, ws, "up", func() error { _, upErr = second.up(ctx); return upErr }, "second stack, "+step.name, want...)
		if upErr != nil && (strings.Contains(upErr.Error(), "kmsKeyArn:") || strings.Contains(upErr.Error(), "secretsEncryption:")) {
			t.Errorf("second stack, %s: the error names a setting, not the name taken: %s", step.name, tailStr(upErr.Error(), 2000))
		}
		// requireRunRefused found no mutation; no operation of the second stack at all.
		for _, e := range readJournal(t, ws).Since(n).Entries {
			if strings.Contains(e.URN, "::e2e-python::") {
				t.Errorf("second stack, %s: the refused up reached the cloud: %s %s %s", step.name, e.Op, e.Type, e.Name)
			}
		}
	}
	requireNoChange(t, ctx, ws, first, "first stack after the refusals")
}
