package e2e

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// driver runs one stack's operations in one language.
type driver interface {
	up(ctx context.Context) (runner.Summary, error)
	preview(ctx context.Context) (runner.Summary, error)
	destroy(ctx context.Context) (runner.Summary, error)
	state(ctx context.Context) (json.RawMessage, *journal.Graph, error)
	names() (project, stack string)
}

// scale is SIMCLOUD_SCALE for the tests (E2E_SCALE overrides).
func scale() float64 {
	if s := os.Getenv("E2E_SCALE"); s != "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 {
			return f
		}
	}
	return runner.DefaultScale
}

// newWorkspace makes a workspace in a temporary directory, at o.Scale when the test
// asks for one (the "fires without the ordering" tests slow the clock so a create
// outlasts the engine's round trips) and at scale() otherwise.
func newWorkspace(t *testing.T, o runner.Options) *runner.Workspace {
	t.Helper()
	if o.Scale == 0 {
		o.Scale = scale()
	}
	o.Dir = t.TempDir()
	ws, err := runner.NewWorkspace(o)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func readJournal(t *testing.T, ws *runner.Workspace) *journal.Journal {
	t.Helper()
	j, err := ws.ReadJournal()
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// lifecycle: up (everything created in order) → up (no change) → preview (no
// change) → destroy (everything deleted, dependents first).
func lifecycle(t *testing.T, ctx context.Context, ws *runner.Workspace, d driver, want expect) {
	t0 := time.Now()
	sum, err := d.up(ctx)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	t.Logf("%s", sum)
	j := readJournal(t, ws)
	upJ := j
	raw, g, err := d.state(ctx)
	if err != nil {
		t.Fatalf("state: %v", err)
	}
	checkUp(t, upJ, g, want)
	_ = raw
	project, stack := d.names()
	stored, err := ws.StoredDeployment(project, stack)
	if err != nil {
		t.Fatalf("stored state: %v", err)
	}
	checkSecretKubeconfig(t, sum.Outputs, stored)
	if sum.Count("create") == 0 {
		t.Errorf("up created nothing: %s", sum)
	}
	if lb, _ := g.CriticalPath(journal.Minutes); lb > 0 {
		t0, t1 := upJ.Creates().Span()
		cloud := journal.SimMinutes(time.Duration(t1-t0)*time.Millisecond, ws.Scale)
		t.Logf("simulated provisioning %.1f min (first create to last; whole up incl. engine start %.1f min), lower bound (critical path) %.1f min, ratio %.2f",
			cloud, journal.SimMinutes(sum.Elapsed, ws.Scale), lb, cloud/lb)
	}

	n := j.Len()
	sum2, err := d.up(ctx)
	if err != nil {
		t.Fatalf("second up: %v", err)
	}
	t.Logf("second %s", sum2)
	if sum2.Changed() != 0 || sum2.Count("same") == 0 {
		t.Errorf("second up: want every resource unchanged, got %s", sum2)
	}
	j = readJournal(t, ws)
	for _, e := range j.Since(n).Mutations().Entries {
		t.Errorf("second up touched the cloud: %s", journal.Label(e))
	}

	prev, err := d.preview(ctx)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	t.Logf("%s", prev)
	if prev.Changed() != 0 {
		t.Errorf("preview after up: want no changes, got %s", prev)
	}

	n = readJournal(t, ws).Len()
	dsum, err := d.destroy(ctx)
	if err != nil {
		t.Fatalf("destroy: %v", err)
	}
	t.Logf("%s", dsum)
	if dsum.Count("delete") == 0 {
		t.Errorf("destroy deleted nothing: %s", dsum)
	}
	j = readJournal(t, ws)
	checkDestroy(t, j, j.Since(n), g)
	requireNothingLeftInTheCluster(t, ws)
	if _, g2, err := d.state(ctx); err == nil {
		for _, n := range g2.Nodes {
			if n.Simulated() {
				t.Errorf("after destroy the state still holds %s %s", n.Type, n.Name)
			}
		}
	}
	t.Logf("lifecycle took %s", time.Since(t0).Round(time.Millisecond))
}

// goDriver runs an inline Go program.
type goDriver struct{ s *runner.Stack }

func (d goDriver) up(ctx context.Context) (runner.Summary, error)      { return d.s.Up(ctx) }
func (d goDriver) preview(ctx context.Context) (runner.Summary, error) { return d.s.Preview(ctx) }
func (d goDriver) destroy(ctx context.Context) (runner.Summary, error) { return d.s.Destroy(ctx) }
func (d goDriver) names() (string, string)                             { return d.s.Project, d.s.Name }
func (d goDriver) state(ctx context.Context) (json.RawMessage, *journal.Graph, error) {
	return d.s.Export(ctx)
}

func goStack(t *testing.T, ctx context.Context, ws *runner.Workspace, stack, variant string) *runner.Stack {
	t.Helper()
	s, err := ws.GoStack(ctx, "e2e-go", stack, goProgram(variant))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// procDriver runs a Node or Python automation program (testdata/program.*), one
// process per operation.
type procDriver struct {
	ws      *runner.Workspace
	dir     string
	argv    []string
	project string
	stack   string
	variant string
	env     map[string]string // more environment, e.g. E2E_CONFIG for the example
}

func (d procDriver) run(ctx context.Context, action string) (runner.Summary, error) {
	env := map[string]string{
		"E2E_ACTION":  action,
		"E2E_PROJECT": d.project,
		"E2E_STACK":   d.stack,
		"E2E_VARIANT": d.variant,
		"E2E_REGION":  d.ws.Region,
	}
	for k, v := range d.env {
		env[k] = v
	}
	p := d.ws.Run(ctx, d.dir, env, d.argv...)
	if !p.HasResult || !p.Result.OK {
		return p.Summary(action), &procError{p}
	}
	return p.Summary(action), nil
}

type procError struct{ p runner.Process }

func (e *procError) Error() string { return e.p.Failure() }

func (d procDriver) up(ctx context.Context) (runner.Summary, error) { return d.run(ctx, "up") }
func (d procDriver) preview(ctx context.Context) (runner.Summary, error) {
	return d.run(ctx, "preview")
}
func (d procDriver) destroy(ctx context.Context) (runner.Summary, error) {
	return d.run(ctx, "destroy")
}
func (d procDriver) names() (string, string) { return d.project, d.stack }
func (d procDriver) state(ctx context.Context) (json.RawMessage, *journal.Graph, error) {
	s, err := d.ws.Attach(ctx, d.project, d.stack)
	if err != nil {
		return nil, nil, err
	}
	return s.Export(ctx)
}

// checkBadInputs runs every bad input through up: each fails naming the
// input path, and nothing reaches the cloud.
func checkBadInputs(t *testing.T, ctx context.Context, ws *runner.Workspace, up func(variant string) error) {
	for _, bi := range badInputs {
		n := readJournal(t, ws).Len()
		err := up(bi.variant)
		if err == nil {
			t.Errorf("%s: up succeeded, want an error containing %q", bi.variant, bi.want)
			continue
		}
		if !strings.Contains(err.Error(), bi.want) {
			t.Errorf("%s: error does not contain %q:\n%s", bi.variant, bi.want, tailStr(err.Error(), 3000))
		}
		for _, e := range readJournal(t, ws).Since(n).Mutations().Entries {
			t.Errorf("%s: invalid input still reached the cloud: %s", bi.variant, journal.Label(e))
		}
	}
}

func tailStr(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// TestNewWorkspaceKeepsAnExplicitScale: a test that asks for a clock (the "fires
// without the ordering" tests ask for 0.01) runs at it; one that asks for none runs at
// scale(). Nothing is started.
func TestNewWorkspaceKeepsAnExplicitScale(t *testing.T) {
	if ws := newWorkspace(t, runner.Options{Scale: 0.01}); ws.Scale != 0.01 || ws.Env["SIMCLOUD_SCALE"] != "0.01" {
		t.Errorf("asked for scale 0.01, got %g (SIMCLOUD_SCALE=%q)", ws.Scale, ws.Env["SIMCLOUD_SCALE"])
	}
	if ws := newWorkspace(t, runner.Options{}); ws.Scale != scale() {
		t.Errorf("asked for no scale, got %g, want scale() = %g", ws.Scale, scale())
	}
}
