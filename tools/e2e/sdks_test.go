package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// Versions a user's project pins (as tools/scripts/check-sdks.sh does).
const (
	pulumiNodeVersion   = "3.263.0"
	typescriptVersion   = "5.9.3"
	pulumiPythonVersion = "3.263.0"
)

// hashTree hashes the files under dir (skipping build and install products) plus extra strings.
func hashTree(dir string, extra ...string) (string, error) {
	h := sha256.New()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "bin", "build", "dist", "__pycache__":
				return filepath.SkipDir
			}
			if strings.HasSuffix(d.Name(), ".egg-info") {
				return filepath.SkipDir
			}
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(dir, f)
		_, _ = fmt.Fprintf(h, "%s\x00%d\x00", rel, len(b))
		h.Write(b)
	}
	for _, e := range extra {
		_, _ = fmt.Fprintf(h, "%s\x00", e)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// cached returns dir when it exists, else builds it in a temp sibling with
// build and renames it into place (so an interrupted build is never reused).
func cached(dir string, build func(tmp string) error) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, ".ok")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "tmp-"+filepath.Base(dir)+"-")
	if err != nil {
		return "", err
	}
	if err := build(tmp); err != nil {
		_ = os.RemoveAll(tmp)
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".ok"), nil, 0o644); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return dir, nil
}

func sh(ctx context.Context, dir, script string) error {
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", script, err, tailStr(string(out), 4000))
	}
	return nil
}

func repoRoot(t *testing.T) string {
	t.Helper()
	repo, err := runner.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

func testdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	nodeOnce sync.Once
	nodeDir  string
	nodeErr  error
)

// nodeProject packs sdk/nodejs the way it is published, installs the tarball
// with @pulumi/pulumi into a fresh project and compiles testdata/program.ts there,
// with the shipped example examples/ts/index.ts, copied unchanged, as
// example/index.ts (which program.ts loads for variant "example"). Cached under
// .e2e/node-<hash of sdk/nodejs, the program and the example>.
func nodeProject(t *testing.T) string {
	t.Helper()
	repo := repoRoot(t)
	nodeOnce.Do(func() {
		t0 := time.Now()
		prog := testdata(t, "program.ts")
		src, err := os.ReadFile(prog)
		if err != nil {
			nodeErr = err
			return
		}
		example := filepath.Join(repo, "examples", "ts", "index.ts")
		exampleSrc, err := os.ReadFile(example)
		if err != nil {
			nodeErr = err
			return
		}
		// examples/karpenter (SCENARIOS #9) is compiled beside it, to karpenter/index.
		karpenter := filepath.Join(repo, "examples", "karpenter", "index.ts")
		karpenterSrc, err := os.ReadFile(karpenter)
		if err != nil {
			nodeErr = err
			return
		}
		key, err := hashTree(filepath.Join(repo, "sdk", "nodejs"), string(src), string(exampleSrc), string(karpenterSrc), pulumiNodeVersion, typescriptVersion)
		if err != nil {
			nodeErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		nodeDir, nodeErr = cached(filepath.Join(repo, ".e2e", "node-"+key), func(tmp string) error {
			script := fmt.Sprintf(`
flags="--no-audit --no-fund --prefer-offline --loglevel=error"
mkdir -p sdk project
tar -C %[1]q --exclude=./node_modules --exclude=./bin -cf - . | tar -C sdk -xf -
(cd sdk && npm install $flags && npm run build --silent)
cp sdk/package.json sdk/README.md sdk/bin/
tgz=$(cd sdk/bin && npm pack --silent --pack-destination .. | tail -n1)
cat > project/package.json <<JSON
{"name":"eksplatform-e2e","private":true,
 "dependencies":{"@pulumi/pulumi":"%[2]s","@eksplatform/pulumi":"file:../sdk/$tgz"},
 "devDependencies":{"typescript":"%[3]s","@types/node":"^20"}}
JSON
cat > project/tsconfig.json <<'JSON'
{"compilerOptions":{"target":"ES2022","module":"commonjs","moduleResolution":"node","strict":true,
 "esModuleInterop":true,"skipLibCheck":true,"types":["node"],"outDir":"out"},"files":["program.ts","karpenter/index.ts"]}
JSON
cp %[4]q project/program.ts
mkdir -p project/example
cp %[5]q project/example/index.ts
mkdir -p project/karpenter
cp %[6]q project/karpenter/index.ts
(cd project && npm install $flags && npx --no-install tsc -p tsconfig.json)
test -f project/out/example/index.js
test -f project/out/karpenter/index.js
`, filepath.Join(repo, "sdk", "nodejs"), pulumiNodeVersion, typescriptVersion, prog, example, karpenter)
			return sh(ctx, tmp, script)
		})
		if nodeErr == nil {
			nodeDir = filepath.Join(nodeDir, "project")
			t.Logf("node project ready in %s (%s)", nodeDir, time.Since(t0).Round(time.Second))
		}
	})
	if nodeErr != nil {
		t.Fatalf("preparing the Node project: %v", nodeErr)
	}
	return nodeDir
}

var (
	pyOnce sync.Once
	pyDir  string
	pyErr  error
)

// pythonVenv makes a venv with pulumi and ./sdk/python installed, cached under
// .e2e/python-<hash of sdk/python>; it returns the venv's python.
func pythonVenv(t *testing.T) string {
	t.Helper()
	repo := repoRoot(t)
	pyOnce.Do(func() {
		t0 := time.Now()
		key, err := hashTree(filepath.Join(repo, "sdk", "python"), pulumiPythonVersion)
		if err != nil {
			pyErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		pyDir, pyErr = cached(filepath.Join(repo, ".e2e", "python-"+key), func(tmp string) error {
			py := os.Getenv("PYTHON")
			if py == "" {
				py = "python3"
			}
			script := fmt.Sprintf(`
%[1]s -m venv venv
mkdir -p sdk
tar -C %[2]q --exclude=./build --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C sdk -xf -
venv/bin/python -m pip install --quiet --disable-pip-version-check "pulumi==%[3]s" ./sdk
venv/bin/python -c "import pulumi_eksplatform, pulumi.automation"
`, py, filepath.Join(repo, "sdk", "python"), pulumiPythonVersion)
			return sh(ctx, tmp, script)
		})
		if pyErr == nil {
			t.Logf("python venv ready in %s (%s)", pyDir, time.Since(t0).Round(time.Second))
		}
	})
	if pyErr != nil {
		t.Fatalf("preparing the Python venv: %v", pyErr)
	}
	return filepath.Join(pyDir, "venv", "bin", "python")
}
