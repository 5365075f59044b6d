package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ResultPrefix starts the one line a Node or Python program prints to report
// an operation: ResultPrefix + JSON of ProcessResult.
const ResultPrefix = "E2E_RESULT "

// ProcessResult is what a Node or Python automation program reports.
type ProcessResult struct {
	OK      bool              `json:"ok"`
	Error   string            `json:"error"`
	Changes map[string]int    `json:"changes"`
	Outputs map[string]Output `json:"outputs"`
}

// Process is a finished subprocess run.
type Process struct {
	Stdout, Stderr string
	Elapsed        time.Duration
	Result         ProcessResult
	HasResult      bool
	Err            error // exec error or non-zero exit
}

// Summary turns a reported operation into a Summary.
func (p Process) Summary(op string) Summary {
	c := p.Result.Changes
	if c == nil {
		c = map[string]int{}
	}
	return Summary{Op: op, Changes: c, Outputs: p.Result.Outputs, Elapsed: p.Elapsed, Stdout: p.Stdout, Stderr: p.Stderr}
}

// Failure describes a run that did not report success, with its output.
func (p Process) Failure() string {
	if p.HasResult && p.Result.Error != "" {
		return p.Result.Error
	}
	return fmt.Sprintf("%v\nstdout:\n%s\nstderr:\n%s", p.Err, tail(p.Stdout, 6000), tail(p.Stderr, 6000))
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// Run runs argv in dir with the workspace's environment plus env, and reads
// the ResultPrefix line it printed.
func (w *Workspace) Run(ctx context.Context, dir string, env map[string]string, argv ...string) Process {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = w.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 10 * time.Second
	t0 := time.Now()
	err := cmd.Run()
	p := Process{Stdout: out.String(), Stderr: errb.String(), Elapsed: time.Since(t0), Err: err}
	if line, ok := lastJSONLine(p.Stdout, ResultPrefix); ok {
		if jerr := json.Unmarshal([]byte(line), &p.Result); jerr == nil {
			p.HasResult = true
		}
	}
	return p
}

func mkdir(d string) error { return os.MkdirAll(d, 0o755) }

// CLI runs bin/pulumi with args in a fresh folder of the workspace, with the
// workspace's environment (backend, PULUMI_HOME, passphrase), and returns its
// stdout; the error carries stderr. It is how a user reads a stack from the
// command line: `pulumi stack export --stack organization/<project>/<stack>`.
func (w *Workspace) CLI(ctx context.Context, args ...string) (string, error) {
	dir, err := os.MkdirTemp(filepath.Join(w.Dir, "work"), "cli-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	cmd := exec.CommandContext(ctx, filepath.Join(w.Bin, "pulumi"), args...)
	cmd.Dir = dir
	cmd.Env = w.Environ()
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("pulumi %s: %w\n%s", strings.Join(args, " "), err, tail(errb.String(), 4000))
	}
	return out.String(), nil
}
