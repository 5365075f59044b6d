package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/examples/go/platform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestGo: the full platform from the shipped example's program
// (examples/go/platform.Program, what examples/go/main.go runs) as a Go inline
// program through the Go SDK, with the example's stack configuration.
func TestGo(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	ex := loadExample(t, "go")
	s, err := ws.GoStack(ctx, ex.project, "dev", platform.Program)
	if err != nil {
		t.Fatal(err)
	}
	ex.configure(ctx, t, s)
	lifecycle(t, ctx, ws, goDriver{s}, exampleRun(ex, "dev"))
}

// TestGoConfigMap: CONFIG_MAP mode (SCENARIOS #4): aws-auth is written before
// any node group or Fargate profile, and torn down cleanly.
func TestGoConfigMap(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	s := goStack(t, ctx, ws, "legacy", "configmap")
	sum, err := s.Up(ctx)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	t.Logf("%s", sum)
	_, g, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkUp(t, readJournal(t, ws), g, configMapPlatform)
	n := readJournal(t, ws).Len()
	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	j := readJournal(t, ws)
	checkDestroy(t, j, j.Since(n), g)
	requireNothingLeftInTheCluster(t, ws)
}

// TestGoFaults: the first node group create fails; up fails naming the
// injected failure; a re-run converges with nothing duplicated or lost.
func TestGoFaults(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{FailCreate: "aws:eks/nodeGroup:NodeGroup#1"})
	s := goStack(t, ctx, ws, "faults", "full")
	_, err := s.Up(ctx)
	if err == nil {
		t.Fatal("up succeeded although the first node group create was made to fail")
	}
	if !strings.Contains(err.Error(), "injected failure creating aws:eks/nodeGroup:NodeGroup") {
		t.Errorf("up error does not mention the injected failure:\n%s", tailStr(err.Error(), 3000))
	}
	j := readJournal(t, ws)
	if n := j.Errors().Type(tNodeGroup).Len(); n != 1 {
		t.Errorf("want exactly one failed node group create in the journal, got %d", n)
	}
	sum, err := s.Up(ctx)
	if err != nil {
		t.Fatalf("re-run of up did not converge: %v", err)
	}
	t.Logf("re-run %s", sum)
	j = readJournal(t, ws)
	okCreates := map[string]int{}
	for _, e := range j.Creates().Entries {
		okCreates[e.URN]++
		if okCreates[e.URN] == 2 {
			t.Errorf("%s %s was created successfully twice", e.Type, e.Name)
		}
	}
	_, g, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, n := range g.Nodes {
		seen[n.URN]++
		if seen[n.URN] == 2 {
			t.Errorf("state holds %s twice", n.URN)
		}
		if n.Simulated() && okCreates[n.URN] != 1 {
			t.Errorf("state holds %s %s, created successfully %d times", n.Type, n.Name, okCreates[n.URN])
		}
	}
	for urn := range okCreates {
		if g.ByURN[urn] == nil {
			t.Errorf("%s was created but is missing from the state (leaked)", urn)
		}
	}
	if got := len(g.OfType(tNodeGroup)); got != fullPlatform.nodeGroups {
		t.Errorf("state: want %d node groups, got %d", fullPlatform.nodeGroups, got)
	}
	sum3, err := s.Up(ctx)
	if err != nil {
		t.Fatalf("third up: %v", err)
	}
	if sum3.Changed() != 0 {
		t.Errorf("up after convergence: want no changes, got %s", sum3)
	}
	n := readJournal(t, ws).Len()
	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	j = readJournal(t, ws)
	checkDestroy(t, j, j.Since(n), g)
	_ = journal.Label
}

// TestGoBadInput: three invalid inputs each fail with the component's
// message naming the input path; nothing is created.
func TestGoBadInput(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	checkBadInputs(t, ctx, ws, func(variant string) error {
		s := goStack(t, ctx, ws, variant, variant)
		_, err := s.Up(ctx)
		return err
	})
}
