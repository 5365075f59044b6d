package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// YAMLHost is the Pulumi YAML language host `make tools` builds into bin/ from
// its own module, tools/yamlhost.
const YAMLHost = "pulumi-language-yaml"

// RequireBinary checks that bin/<name> is there and executable.
func (w *Workspace) RequireBinary(name string) error {
	st, err := os.Stat(filepath.Join(w.Bin, name))
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("runner: missing %s in %s: run make tools", name, w.Bin)
	}
	return nil
}

// CLIProject is a Pulumi project folder driven with the real command line,
// bin/pulumi, as a user drives it: no Automation API. Its environment is the
// workspace's without PULUMI_BACKEND_URL, so the backend is whatever
// `pulumi login` chose (stored in the workspace's PULUMI_HOME).
type CLIProject struct {
	WS  *Workspace
	Dir string
}

// CLIRun is one finished `pulumi` command.
type CLIRun struct {
	Args           []string
	Stdout, Stderr string
	Elapsed        time.Duration
	Err            error // exec error or non-zero exit
}

// Failure describes a failed command with its output.
func (r CLIRun) Failure() string {
	return fmt.Sprintf("pulumi %s: %v\nstdout:\n%s\nstderr:\n%s",
		strings.Join(r.Args, " "), r.Err, tail(r.Stdout, 6000), tail(r.Stderr, 6000))
}

// stackFile matches a stack settings file, Pulumi.<stack>.yaml (not *.example).
var stackFile = regexp.MustCompile(`^Pulumi\.[^.]+\.ya?ml$`)

// CopyProject copies the project folder src (its files and folders, without
// stack settings files Pulumi.<stack>.yaml a user may have left there) to
// <workspace>/work/<name> and returns it as a CLIProject.
func (w *Workspace) CopyProject(src, name string) (*CLIProject, error) {
	dst := filepath.Join(w.Dir, "work", name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || (filepath.Dir(rel) == "." && stackFile.MatchString(d.Name())) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		return nil, fmt.Errorf("copy project %s: %w", src, err)
	}
	return &CLIProject{WS: w, Dir: dst}, nil
}

// Environ is the workspace's environment without PULUMI_BACKEND_URL.
func (p *CLIProject) Environ() []string {
	var out []string
	for _, kv := range p.WS.Environ() {
		if !strings.HasPrefix(kv, "PULUMI_BACKEND_URL=") {
			out = append(out, kv)
		}
	}
	return out
}

// Pulumi runs bin/pulumi args... in the project folder, non-interactively.
func (p *CLIProject) Pulumi(ctx context.Context, args ...string) CLIRun {
	args = append(append([]string{}, args...), "--non-interactive")
	cmd := exec.CommandContext(ctx, filepath.Join(p.WS.Bin, "pulumi"), args...)
	cmd.Dir = p.Dir
	cmd.Env = p.Environ()
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 10 * time.Second
	t0 := time.Now()
	err := cmd.Run()
	return CLIRun{Args: args, Stdout: out.String(), Stderr: errb.String(), Elapsed: time.Since(t0), Err: err}
}

// Update is one entry of `pulumi stack history --json`.
type Update struct {
	Kind            string         `json:"kind"`   // update, preview, refresh, destroy, ...
	Result          string         `json:"result"` // succeeded, failed, ...
	ResourceChanges map[string]int `json:"resourceChanges"`
}

// LastUpdate is the newest entry of `pulumi stack history --json`: what the
// last up, refresh or destroy did.
func (p *CLIProject) LastUpdate(ctx context.Context) (Update, error) {
	r := p.Pulumi(ctx, "stack", "history", "--json")
	if r.Err != nil {
		return Update{}, fmt.Errorf("%s", r.Failure())
	}
	var hs []Update
	if err := json.Unmarshal([]byte(r.Stdout), &hs); err != nil {
		return Update{}, fmt.Errorf("stack history --json: %w\n%s", err, tail(r.Stdout, 2000))
	}
	if len(hs) == 0 {
		return Update{}, fmt.Errorf("stack history is empty")
	}
	return hs[0], nil
}

// Summary turns an update into a Summary of operation op.
func (u Update) Summary(op string, elapsed time.Duration, stdout string) Summary {
	c := map[string]int{}
	for k, v := range u.ResourceChanges {
		c[k] = v
	}
	return Summary{Op: op, Changes: c, Elapsed: elapsed, Stdout: stdout}
}
