package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"gopkg.in/yaml.v3"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// example is one shipped example project, examples/<lang>: the full-platform
// lifecycle of each language runs it unchanged, with the stack configuration its
// Pulumi.dev.yaml.example documents, so an example that stops working fails e2e.
type example struct {
	dir     string // absolute path of examples/<lang>
	project string // the name in its Pulumi.yaml: the namespace of its config keys
	// config is Pulumi.dev.yaml.example's config as path-style keys
	// (`pulumi config set --path`), e.g. "eksplatform-ts:publicSubnetIds[0]".
	// aws:region is left to the workspace.
	config map[string]string
}

// loadExample reads examples/<lang>/Pulumi.yaml and Pulumi.dev.yaml.example.
func loadExample(t *testing.T, lang string) example {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "examples", lang)
	var proj struct {
		Name string `yaml:"name"`
	}
	readYAML(t, filepath.Join(dir, "Pulumi.yaml"), &proj)
	if proj.Name == "" {
		t.Fatalf("%s: no project name", filepath.Join(dir, "Pulumi.yaml"))
	}
	var stack struct {
		Config map[string]any `yaml:"config"`
	}
	readYAML(t, filepath.Join(dir, "Pulumi.dev.yaml.example"), &stack)
	ex := example{dir: dir, project: proj.Name, config: map[string]string{}}
	for k, v := range stack.Config {
		if k == "aws:region" {
			continue
		}
		flattenConfig(ex.config, k, v)
	}
	if len(ex.config) == 0 {
		t.Fatalf("%s: no stack configuration", filepath.Join(dir, "Pulumi.dev.yaml.example"))
	}
	return ex
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// flattenConfig turns a YAML config value into path-style keys: lists become
// key[0], key[1], ...; maps key.name; scalars their text.
func flattenConfig(out map[string]string, key string, v any) {
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			flattenConfig(out, fmt.Sprintf("%s[%d]", key, i), e)
		}
	case map[string]any:
		ks := make([]string, 0, len(v))
		for k := range v {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			flattenConfig(out, key+"."+k, v[k])
		}
	default:
		out[key] = fmt.Sprint(v)
	}
}

// configure sets the example's configuration on a Go stack.
func (ex example) configure(ctx context.Context, t *testing.T, s *runner.Stack) {
	t.Helper()
	cm := auto.ConfigMap{}
	for k, v := range ex.config {
		cm[k] = auto.ConfigValue{Value: v}
	}
	if err := s.Stack.SetAllConfigWithOptions(ctx, cm, &auto.ConfigOptions{Path: true}); err != nil {
		t.Fatalf("configure %s/%s: %v", s.Project, s.Name, err)
	}
}
