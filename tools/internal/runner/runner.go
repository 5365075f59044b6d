// Package runner runs Pulumi programs through the real engine (bin/pulumi)
// against the simulated cloud (bin/pulumi-resource-{aws,kubernetes,tls}) and
// the component plugin (bin/pulumi-resource-eksplatform), each run in a
// workspace of its own: a file:// backend, a PULUMI_HOME and a journal in a
// temporary folder, so no ambient state leaks in or out.
//
// Go programs run in-process as Automation API inline programs; Node and
// Python programs run as subprocesses with the same environment.
package runner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
)

// DefaultScale is the SIMCLOUD_SCALE tests use: one simulated minute is
// 120 ms, so a 9-minute cluster takes about a second.
const DefaultScale = 0.002

// Passphrase encrypts the secrets of every test stack.
const Passphrase = "eksplatform-e2e"

// Binaries every run needs, relative to the repository's bin/.
var Binaries = []string{
	"pulumi",
	"pulumi-resource-eksplatform",
	"pulumi-resource-aws",
	"pulumi-resource-kubernetes",
	"pulumi-resource-tls",
}

const rootModule = "module github.com/eksplatform/pulumi-eksplatform\n"

// RepoRoot finds the repository root: the closest folder above the working
// directory whose go.mod is the root module's.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte(rootModule)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("runner: repository root (go.mod of github.com/eksplatform/pulumi-eksplatform) not found above the working directory")
		}
		dir = parent
	}
}

// BinDir returns the repository's bin/ after checking that every binary in
// Binaries is there and executable.
func BinDir() (repo, bin string, err error) {
	repo, err = RepoRoot()
	if err != nil {
		return "", "", err
	}
	bin = filepath.Join(repo, "bin")
	var missing []string
	for _, b := range Binaries {
		st, err := os.Stat(filepath.Join(bin, b))
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			missing = append(missing, b)
		}
	}
	if len(missing) > 0 {
		return "", "", fmt.Errorf("runner: missing %s in %s: run make build tools", strings.Join(missing, ", "), bin)
	}
	return repo, bin, nil
}

// Options configure a workspace.
type Options struct {
	// Scale is SIMCLOUD_SCALE (0: DefaultScale).
	Scale float64
	// FailCreate is SIMCLOUD_FAIL_CREATE, e.g. "aws:eks/nodeGroup:NodeGroup#1".
	FailCreate string
	// CallerARN is SIMCLOUD_CALLER_ARN ("" keeps the simulator's default).
	CallerARN string
	// Region is the aws:region config (default us-west-2).
	Region string
	// Dir is the folder to create the workspace in (default: a new temp folder).
	Dir string
	// Env holds extra environment variables.
	Env map[string]string
}

// Workspace is one isolated place to run stacks in.
type Workspace struct {
	Repo    string // repository root
	Bin     string // repository bin/
	Dir     string // root of the workspace
	Backend string // file:// backend folder
	Home    string // PULUMI_HOME
	Journal string // SIMCLOUD_JOURNAL
	Scale   float64
	Region  string
	Env     map[string]string // what every run adds to the environment
	// OnCommand, when set before a stack is made, is told every `pulumi`
	// process the Automation API runs for it, with its wall time.
	OnCommand func(CommandTiming)

	ownDir bool
}

// NewWorkspace verifies bin/ and prepares a workspace.
func NewWorkspace(o Options) (*Workspace, error) {
	repo, bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	w := &Workspace{Repo: repo, Bin: bin, Scale: o.Scale, Region: o.Region}
	if w.Scale == 0 {
		w.Scale = DefaultScale
	}
	if w.Region == "" {
		w.Region = "us-west-2"
	}
	if o.Dir == "" {
		d, err := os.MkdirTemp("", "eksplatform-run-")
		if err != nil {
			return nil, err
		}
		w.Dir, w.ownDir = d, true
	} else {
		w.Dir = o.Dir
	}
	w.Backend = filepath.Join(w.Dir, "backend")
	w.Home = filepath.Join(w.Dir, "pulumi-home")
	w.Journal = filepath.Join(w.Dir, "journal.jsonl")
	for _, d := range []string{w.Backend, w.Home, filepath.Join(w.Dir, "work")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	w.Env = map[string]string{
		"PATH":                     bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"PULUMI_HOME":              w.Home,
		"PULUMI_BACKEND_URL":       "file://" + w.Backend,
		"PULUMI_CONFIG_PASSPHRASE": Passphrase,
		"PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK":    "true",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING":        "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"SIMCLOUD_JOURNAL":                            w.Journal,
		"SIMCLOUD_SCALE":                              strconv.FormatFloat(w.Scale, 'g', -1, 64),
		"SIMCLOUD_FAIL_CREATE":                        o.FailCreate,
		"NO_COLOR":                                    "1",
	}
	if o.CallerARN != "" {
		w.Env["SIMCLOUD_CALLER_ARN"] = o.CallerARN
	}
	for k, v := range o.Env {
		w.Env[k] = v
	}
	return w, nil
}

// Close removes the workspace folder when NewWorkspace made it.
func (w *Workspace) Close() error {
	if w.ownDir {
		return os.RemoveAll(w.Dir)
	}
	return nil
}

// SetFailCreate changes SIMCLOUD_FAIL_CREATE for later runs.
func (w *Workspace) SetFailCreate(spec string) { w.Env["SIMCLOUD_FAIL_CREATE"] = spec }

// Environ is the process environment with the workspace's variables applied.
func (w *Workspace) Environ() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := w.Env[k]; ok {
			continue
		}
		// Never let an ambient setting steer the runs.
		if strings.HasPrefix(k, "SIMCLOUD_") || k == "PULUMI_ACCESS_TOKEN" || k == "KUBECONFIG" {
			continue
		}
		out = append(out, kv)
	}
	for k, v := range w.Env {
		out = append(out, k+"="+v)
	}
	return out
}

// ReadJournal reads the workspace's journal.
func (w *Workspace) ReadJournal() (*journal.Journal, error) { return journal.Read(w.Journal) }

// JournalLen is the number of journal entries so far (to look at one step's entries later).
func (w *Workspace) JournalLen() int {
	j, err := w.ReadJournal()
	if err != nil {
		return 0
	}
	return j.Len()
}

// lastJSONLine returns the last line of out that starts with prefix, without it.
func lastJSONLine(out, prefix string) (string, bool) {
	var last string
	found := false
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, prefix) {
			last, found = strings.TrimPrefix(l, prefix), true
		}
	}
	return last, found
}
