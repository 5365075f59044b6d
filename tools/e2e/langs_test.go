package e2e

import (
	"context"
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

// TestTypeScript: the full platform from a TypeScript inline program using the
// SDK packed and installed as a user would.
func TestTypeScript(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	nodeProject(t)
	ws := newWorkspace(t, runner.Options{})
	lifecycle(t, ctx, ws, nodeDriver(t, ws, "dev", "full"), fullPlatform)
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

// TestPython: the full platform from a Python inline program using the SDK
// installed into a venv.
func TestPython(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	pythonVenv(t)
	ws := newWorkspace(t, runner.Options{})
	lifecycle(t, ctx, ws, pythonDriver(t, ws, "dev", "full"), fullPlatform)
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
