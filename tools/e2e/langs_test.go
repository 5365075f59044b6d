package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

func nodeDriver(t *testing.T, ws *runner.Workspace, stack, variant string) procDriver {
	dir := nodeProject(t)
	return procDriver{ws: ws, dir: dir, argv: []string{"node", filepath.Join(dir, "out", "program.js")},
		project: "e2e-node", stack: stack, variant: variant}
}

func pythonDriver(t *testing.T, ws *runner.Workspace, stack, variant string) procDriver {
	py := pythonVenv(t)
	prog := testdata(t, "program.py")
	return procDriver{ws: ws, dir: filepath.Dir(prog), argv: []string{py, "-B", prog},
		project: "e2e-python", stack: stack, variant: variant}
}

// exampleDriver makes d run the shipped example ex (variant "example") in ex's
// project, with ex's stack configuration.
func exampleDriver(t *testing.T, d procDriver, ex example) procDriver {
	t.Helper()
	cfg, err := json.Marshal(ex.config)
	if err != nil {
		t.Fatal(err)
	}
	d.project, d.variant = ex.project, "example"
	d.env = map[string]string{"E2E_CONFIG": string(cfg)}
	return d
}

// TestTypeScript: the full platform from the shipped example, examples/ts/index.ts
// (compiled unchanged into the e2e project, see nodeProject), loaded by an inline
// program with the SDK packed and installed as a user would.
func TestTypeScript(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	nodeProject(t)
	ws := newWorkspace(t, runner.Options{})
	ex := loadExample(t, "ts")
	lifecycle(t, ctx, ws, exampleDriver(t, nodeDriver(t, ws, "dev", "example"), ex), exampleRun(ex, "dev"))
}

// TestTypeScriptBadInput: the three invalid inputs from TypeScript.
func TestTypeScriptBadInput(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	checkBadInputs(t, ctx, ws, func(variant string) error {
		_, err := nodeDriver(t, ws, variant, variant).up(ctx)
		return err
	})
}

// TestPython: the full platform from the shipped example,
// examples/python/__main__.py, run unchanged by an inline program using the SDK
// installed into a venv.
func TestPython(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	pythonVenv(t)
	ws := newWorkspace(t, runner.Options{})
	ex := loadExample(t, "python")
	d := exampleDriver(t, pythonDriver(t, ws, "dev", "example"), ex)
	d.env["E2E_EXAMPLE"] = filepath.Join(ex.dir, "__main__.py")
	lifecycle(t, ctx, ws, d, exampleRun(ex, "dev"))
}

// TestPythonBadInput: the three invalid inputs from Python.
func TestPythonBadInput(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	checkBadInputs(t, ctx, ws, func(variant string) error {
		_, err := pythonDriver(t, ws, variant, variant).up(ctx)
		return err
	})
}

var _ = context.Background
