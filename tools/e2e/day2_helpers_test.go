package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// day2Stack is the full platform of the Go tests (goArgs("full")) on a
// Kubernetes version in standard support, in project e2e-day2.
func day2Stack(t *testing.T, ctx context.Context, ws *runner.Workspace, stack string) *runner.Stack {
	t.Helper()
	return platformStack(t, ctx, ws, "e2e-day2", stack, func() *eksplatform.EksPlatformArgs {
		a := goArgs("full")
		a.KubernetesVersion = pulumi.String("1.35")
		return a
	})
}

// platformStack is a Go inline program of one platform, made from args each time the
// program runs (so a test changes what args reads between ups), exporting clusterName.
func platformStack(t *testing.T, ctx context.Context, ws *runner.Workspace, project, stack string, args func() *eksplatform.EksPlatformArgs) *runner.Stack {
	t.Helper()
	s, err := ws.GoStack(ctx, project, stack, func(ctx *pulumi.Context) error {
		p, err := eksplatform.NewEksPlatform(ctx, component, args())
		if err != nil {
			return err
		}
		ctx.Export("clusterName", p.ClusterName)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// day2Program is the program of a day-2 test: up runs it in its own language; stack
// is the same stack in a Go workspace (created or attached), for what runs no program:
// refresh, export, and the CLI in its project folder.
type day2Program struct {
	up    func(ctx context.Context) (runner.Summary, error)
	stack func(t *testing.T, ctx context.Context) *runner.Stack
}

// upOnce is upOnce for the program: an up that must succeed, with its journal and state.
func (p day2Program) upOnce(t *testing.T, ctx context.Context, ws *runner.Workspace, step string) (runner.Summary, *journal.Journal, *journal.Graph) {
	t.Helper()
	n := readJournal(t, ws).Len()
	sum, err := p.up(ctx)
	if err != nil {
		t.Fatalf("%s: up: %v", step, err)
	}
	t.Logf("%s: %s", step, sum)
	j := readJournal(t, ws).Since(n)
	_, g, err := p.stack(t, ctx).Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sum, j, g
}

// goDay2 is a Go inline program's stack.
func goDay2(s *runner.Stack) day2Program {
	return day2Program{up: s.Up, stack: func(*testing.T, context.Context) *runner.Stack { return s }}
}

// procDay2 is a TypeScript or Python program's stack, attached once it exists.
func procDay2(ws *runner.Workspace, d procDriver) day2Program {
	var s *runner.Stack
	return day2Program{up: d.up, stack: func(t *testing.T, ctx context.Context) *runner.Stack {
		t.Helper()
		if s == nil {
			var err error
			if s, err = ws.Attach(ctx, d.project, d.stack); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}}
}

// pulumiCLI runs bin/pulumi as a user would, in the stack's project folder
// (the Automation API keeps Pulumi.yaml there) with the workspace's
// environment, and returns stdout and stderr together.
func pulumiCLI(ctx context.Context, t *testing.T, s *runner.Stack, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(ctx, filepath.Join(s.WS.Bin, "pulumi"), args...)
	cmd.Dir = s.Stack.Workspace().WorkDir()
	cmd.Env = s.WS.Environ()
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	t.Logf("$ pulumi %s\n%s", strings.Join(args, " "), tailStr(string(out), 3000))
	if err != nil {
		return string(out), fmt.Errorf("pulumi %s: %w\n%s", strings.Join(args, " "), err, tailStr(string(out), 4000))
	}
	return string(out), nil
}

// pendingOp is one entry of a checkpoint's pending_operations.
type pendingOp struct {
	Type     string `json:"type"`
	Resource struct {
		URN  string `json:"urn"`
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"resource"`
}

// pendingOps reads the stack's pending operations with `pulumi stack export`,
// the way the recovery in docs/upgrading.md does.
func pendingOps(ctx context.Context, t *testing.T, s *runner.Stack) []pendingOp {
	t.Helper()
	out, err := pulumiCLI(ctx, t, s, "stack", "export", "--stack", s.Name)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Deployment struct {
			PendingOperations []pendingOp `json:"pending_operations"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &st); err != nil {
		t.Fatalf("stack export: %v", err)
	}
	return st.Deployment.PendingOperations
}

// cloudID is what a user finds in the AWS console for a resource: the id of its
// successful create, if the (simulated) cloud holds it.
func cloudID(j *journal.Journal, urn string) (string, bool) {
	id, ok := "", false
	for _, e := range j.Entries {
		if e.URN != urn || e.Error != "" {
			continue
		}
		switch e.Op {
		case "create":
			id, ok = e.ID, true
		case "delete", "drift-delete":
			ok = false
		}
	}
	return id, ok
}

// countByName counts a step's successful journal entries of op and type by name.
func countByName(j *journal.Journal, op, typ string) map[string]int {
	out := map[string]int{}
	for _, e := range j.Op(op).Type(typ).Entries {
		out[e.Name]++
	}
	return out
}

// liveObjects counts, over the whole journal, the live instances of each EKS
// object by type and id: what `aws eks list-*` would show.
func liveObjects(j *journal.Journal) map[string]int {
	live := map[string]int{}
	for _, e := range j.Entries {
		if e.Error != "" {
			continue
		}
		k := e.Type + " " + e.ID
		switch e.Op {
		case "create":
			live[k]++
		case "delete", "drift-delete":
			if live[k] > 0 {
				live[k]--
			}
		}
	}
	return live
}

// scaling reads a node group's scalingConfig from the state.
func scaling(t *testing.T, n *journal.Node) (min, desired, max float64) {
	t.Helper()
	sc, _ := n.Res.Outputs["scalingConfig"].(map[string]any)
	in, _ := n.Res.Inputs["scalingConfig"].(map[string]any)
	if sc == nil || in == nil {
		t.Fatalf("%s has no scalingConfig in its state", n.Name)
	}
	if fmt.Sprint(sc) != fmt.Sprint(in) {
		t.Errorf("%s: scalingConfig outputs %v differ from inputs %v", n.Name, sc, in)
	}
	f := func(k string) float64 { v, _ := sc[k].(float64); return v }
	return f("minSize"), f("desiredSize"), f("maxSize")
}

// settledJournal reads the workspace's journal once the simulated cloud has settled:
// no simcloud process of the workspace is left. When the engine is killed
// (SIMCLOUD_KILL_AFTER_CREATE_OF), the plugin that kills it sends SIGKILL to the engine
// first, so the engine's caller returns while that plugin is still running: it then
// kills the engine's other plugins and exits, and a create it had been sent (AWS
// carries on) may complete and be journalled in between. A journal read as soon as the
// engine has died can miss an object that exists in the cloud, and a recovery built on
// it would create that object a second time (ResourceInUseException). Linux only, like
// the kill itself: it finds the processes by SIMCLOUD_JOURNAL in /proc/<pid>/environ.
func settledJournal(t *testing.T, ws *runner.Workspace) *journal.Journal {
	t.Helper()
	want := []byte("SIMCLOUD_JOURNAL=" + ws.Journal + "\x00")
	t0 := time.Now()
	deadline := t0.Add(2 * time.Minute)
	seen := map[string]bool{}
	for {
		var left []string
		files, _ := filepath.Glob("/proc/[0-9]*/environ")
		for _, f := range files {
			pid := filepath.Base(filepath.Dir(f))
			if pid == strconv.Itoa(os.Getpid()) {
				continue
			}
			if b, err := os.ReadFile(f); err == nil && bytes.Contains(append([]byte{0}, b...), append([]byte{0}, want...)) {
				comm, _ := os.ReadFile(filepath.Join(filepath.Dir(f), "comm"))
				p := pid + " (" + strings.TrimSpace(string(comm)) + ")"
				left, seen[p] = append(left, p), true
			}
		}
		if len(left) == 0 {
			if len(seen) > 0 {
				t.Logf("waited %s for the workspace's processes to end: %s", time.Since(t0).Round(time.Millisecond), strings.Join(sortedKeys(seen), ", "))
			}
			return readJournal(t, ws)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the simulated cloud did not settle: processes of the workspace still running after the engine died: %s", strings.Join(left, ", "))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
