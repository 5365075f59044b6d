package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
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
	return Summary{Op: op, Changes: c, Outputs: p.Result.Outputs, Elapsed: p.Elapsed, Stdout: p.Stdout}
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
