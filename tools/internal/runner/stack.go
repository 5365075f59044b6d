package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Output is one stack output.
type Output struct {
	Value  any  `json:"value"`
	Secret bool `json:"secret"`
}

// Summary is what one operation did.
type Summary struct {
	Op      string            // up, preview, destroy, refresh
	Changes map[string]int    // resource change counts by kind: create, same, update, delete, replace, ...
	Outputs map[string]Output // stack outputs (up)
	Elapsed time.Duration     // wall time of the operation
	Stdout  string            // the engine's progress output
	// Stderr is a subprocess's standard error (Workspace.Run): the Node and Python
	// test programs write the engine's output there.
	Stderr string
}

// Count is the number of resources with change kind op ("create", "same", ...).
func (s Summary) Count(op string) int { return s.Changes[op] }

// Changed is the number of resources with a change other than "same".
func (s Summary) Changed() int {
	n := 0
	for k, v := range s.Changes {
		if k != "same" {
			n += v
		}
	}
	return n
}

// Total is the number of resources the operation looked at.
func (s Summary) Total() int {
	n := 0
	for _, v := range s.Changes {
		n += v
	}
	return n
}

func (s Summary) String() string {
	keys := make([]string, 0, len(s.Changes))
	for k := range s.Changes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, s.Changes[k]))
	}
	return fmt.Sprintf("%s: %s (%s)", s.Op, strings.Join(parts, " "), s.Elapsed.Round(time.Millisecond))
}

// Stack is a stack of the workspace driven through the Automation API.
type Stack struct {
	WS      *Workspace
	Project string
	Name    string
	Stack   auto.Stack
	// Progress, when set, receives the engine's progress output.
	Progress io.Writer
	// Parallel is `pulumi up --parallel`: how many resource operations the engine runs
	// at once. 0 keeps the engine's default, 4 per CPU core.
	Parallel int
}

func (w *Workspace) options(project, runtime string) ([]auto.LocalWorkspaceOption, error) {
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: w.Repo, SkipVersionCheck: true})
	if err != nil {
		return nil, err
	}
	pc := cmd
	if w.OnCommand != nil {
		pc = timedCommand{PulumiCommand: cmd, record: w.OnCommand}
	}
	return []auto.LocalWorkspaceOption{
		auto.Pulumi(pc),
		auto.PulumiHome(w.Home),
		auto.EnvVars(w.Env),
		auto.WorkDir(filepath.Join(w.Dir, "work", project)),
		auto.SecretsProvider("passphrase"),
		auto.Project(workspace.Project{
			Name:    tokens.PackageName(project),
			Runtime: workspace.NewProjectRuntimeInfo(runtime, nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + w.Backend},
		}),
	}, nil
}

// GoStack creates (or selects) a stack whose program is the inline Go program,
// with aws:region set.
func (w *Workspace) GoStack(ctx context.Context, project, stack string, program pulumi.RunFunc) (*Stack, error) {
	opts, err := w.options(project, "go")
	if err != nil {
		return nil, err
	}
	if err := mkdir(filepath.Join(w.Dir, "work", project)); err != nil {
		return nil, err
	}
	s, err := auto.UpsertStackInlineSource(ctx, stack, project, program, opts...)
	if err != nil {
		return nil, fmt.Errorf("create stack %s/%s: %w", project, stack, err)
	}
	if err := s.SetConfig(ctx, "aws:region", auto.ConfigValue{Value: w.Region}); err != nil {
		return nil, err
	}
	return &Stack{WS: w, Project: project, Name: stack, Stack: s}, nil
}

// Attach selects an existing stack (made by any language's program) to read
// its state; running it is not possible.
func (w *Workspace) Attach(ctx context.Context, project, stack string) (*Stack, error) {
	dir := filepath.Join(w.Dir, "work", project+"-attach")
	if err := mkdir(dir); err != nil {
		return nil, err
	}
	opts, err := w.options(project, "go")
	if err != nil {
		return nil, err
	}
	opts = append(opts, auto.WorkDir(dir))
	lw, err := auto.NewLocalWorkspace(ctx, opts...)
	if err != nil {
		return nil, err
	}
	s, err := auto.SelectStack(ctx, stack, lw)
	if err != nil {
		return nil, fmt.Errorf("select stack %s/%s: %w", project, stack, err)
	}
	return &Stack{WS: w, Project: project, Name: stack, Stack: s}, nil
}

func (s *Stack) progress() (io.Writer, *strings.Builder) {
	var b strings.Builder
	if s.Progress != nil {
		return io.MultiWriter(&b, s.Progress), &b
	}
	return &b, &b
}

func changes(m *map[string]int) map[string]int {
	out := map[string]int{}
	if m != nil {
		for k, v := range *m {
			out[k] = v
		}
	}
	return out
}

// Up runs `pulumi up`.
func (s *Stack) Up(ctx context.Context) (Summary, error) {
	w, b := s.progress()
	t0 := time.Now()
	opts := []optup.Option{optup.ProgressStreams(w), optup.SuppressProgress()}
	if s.Parallel > 0 {
		opts = append(opts, optup.Parallel(s.Parallel))
	}
	res, err := s.Stack.Up(ctx, opts...)
	sum := Summary{Op: "up", Elapsed: time.Since(t0), Stdout: b.String(), Changes: map[string]int{}}
	if err != nil {
		return sum, err
	}
	sum.Changes = changes(res.Summary.ResourceChanges)
	sum.Outputs = map[string]Output{}
	for k, v := range res.Outputs {
		sum.Outputs[k] = Output{Value: v.Value, Secret: v.Secret}
	}
	return sum, nil
}

// Preview runs `pulumi preview`.
func (s *Stack) Preview(ctx context.Context) (Summary, error) {
	w, b := s.progress()
	t0 := time.Now()
	res, err := s.Stack.Preview(ctx, optpreview.ProgressStreams(w), optpreview.SuppressProgress())
	sum := Summary{Op: "preview", Elapsed: time.Since(t0), Stdout: b.String(), Changes: map[string]int{}}
	if err != nil {
		return sum, err
	}
	for k, v := range res.ChangeSummary {
		sum.Changes[string(k)] = v
	}
	return sum, nil
}

// Destroy runs `pulumi destroy`.
func (s *Stack) Destroy(ctx context.Context) (Summary, error) {
	w, b := s.progress()
	t0 := time.Now()
	res, err := s.Stack.Destroy(ctx, optdestroy.ProgressStreams(w), optdestroy.SuppressProgress())
	sum := Summary{Op: "destroy", Elapsed: time.Since(t0), Stdout: b.String(), Changes: map[string]int{}}
	if err != nil {
		return sum, err
	}
	sum.Changes = changes(res.Summary.ResourceChanges)
	return sum, nil
}

// Refresh runs `pulumi refresh`.
func (s *Stack) Refresh(ctx context.Context) (Summary, error) {
	w, b := s.progress()
	t0 := time.Now()
	res, err := s.Stack.Refresh(ctx, optrefresh.ProgressStreams(w), optrefresh.SuppressProgress())
	sum := Summary{Op: "refresh", Elapsed: time.Since(t0), Stdout: b.String(), Changes: map[string]int{}}
	if err != nil {
		return sum, err
	}
	sum.Changes = changes(res.Summary.ResourceChanges)
	return sum, nil
}

// Export returns the stack's state as raw deployment JSON and as a graph.
func (s *Stack) Export(ctx context.Context) (json.RawMessage, *journal.Graph, error) {
	u, err := s.Stack.Export(ctx)
	if err != nil {
		return nil, nil, err
	}
	g, err := journal.ParseDeployment(u.Deployment)
	return u.Deployment, g, err
}

// Deployment decodes the stack's state.
func (s *Stack) Deployment(ctx context.Context) (apitype.DeploymentV3, error) {
	var d apitype.DeploymentV3
	raw, _, err := s.Export(ctx)
	if err != nil {
		return d, err
	}
	return d, json.Unmarshal(raw, &d)
}

// Remove deletes the stack (after a destroy) from the backend.
func (s *Stack) Remove(ctx context.Context) error {
	return s.Stack.Workspace().RemoveStack(ctx, s.Name)
}

// StoredDeployment reads the stack's checkpoint as the file:// backend stores
// it (secrets encrypted, unlike Export, which the Automation API runs with
// --show-secrets) and returns its deployment.
func (w *Workspace) StoredDeployment(project, stack string) (json.RawMessage, error) {
	p := filepath.Join(w.Backend, ".pulumi", "stacks", project, stack+".json")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var cp struct {
		Checkpoint struct {
			Latest json.RawMessage `json:"latest"`
		} `json:"checkpoint"`
	}
	if err := json.Unmarshal(b, &cp); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return cp.Checkpoint.Latest, nil
}
