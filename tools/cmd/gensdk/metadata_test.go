package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The committed SDKs carry the package metadata of schema.yaml, each in its language's
// convention, and every pluginDownloadURL names where `make dist` archives are published
// under the names the engine asks for: a github://api.github.com/<owner>/<repo> source
// makes the engine fetch release v<version>'s asset
// pulumi-<kind>-<name>-v<version>-<os>-<arch>.tar.gz from <owner>/<repo>
// (standardAssetName and githubSource in pulumi/sdk/v3 go/common/workspace/plugins.go),
// which is what tools/scripts/dist.sh writes.
func TestSDKPackageMetadataFollowsTheSchema(t *testing.T) {
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Name              string   `yaml:"name"`
		Description       string   `yaml:"description"`
		Homepage          string   `yaml:"homepage"`
		Repository        string   `yaml:"repository"`
		License           string   `yaml:"license"`
		PluginDownloadURL string   `yaml:"pluginDownloadURL"`
		Keywords          []string `yaml:"keywords"`
		Language          struct {
			Go struct {
				ImportBasePath string `yaml:"importBasePath"`
			} `yaml:"go"`
			Nodejs struct {
				PackageName string `yaml:"packageName"`
			} `yaml:"nodejs"`
			Python struct {
				PackageName string `yaml:"packageName"`
			} `yaml:"python"`
		} `yaml:"language"`
	}
	if err := yaml.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	if schema.License == "" || schema.Repository == "" || len(schema.Keywords) == 0 || schema.Description == "" {
		t.Fatalf("schema.yaml lacks license, repository, keywords or description: %+v", schema)
	}
	read := func(path string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, "sdk", path))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// pluginDownloadURL: the schema's repository, on GitHub.
	m := regexp.MustCompile(`^github://api\.github\.com/([^/]+)/([^/]+)$`).FindStringSubmatch(schema.PluginDownloadURL)
	if m == nil || "https://github.com/"+m[1]+"/"+m[2] != schema.Repository {
		t.Errorf("pluginDownloadURL %q is not github://api.github.com/<owner>/<repo> of repository %s", schema.PluginDownloadURL, schema.Repository)
	}
	var plugin struct {
		Resource bool
		Name     string
		Server   string
	}
	for _, f := range []string{"go/eksplatform/pulumi-plugin.json", "python/" + schema.Language.Python.PackageName + "/pulumi-plugin.json"} {
		if err := json.Unmarshal(read(f), &plugin); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !plugin.Resource || plugin.Name != schema.Name || plugin.Server != schema.PluginDownloadURL {
			t.Errorf("%s = %+v, want resource plugin %s from %s", f, plugin, schema.Name, schema.PluginDownloadURL)
		}
	}

	// dist.sh publishes the asset names the engine fetches from that source.
	dist, err := os.ReadFile(filepath.Join(root, "tools", "scripts", "dist.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`PLUGIN="pulumi-resource-` + schema.Name + `"`, `"$PLUGIN-v$VERSION-$platform.tar.gz"`} {
		if !strings.Contains(string(dist), want) {
			t.Errorf("tools/scripts/dist.sh does not name plugin archives pulumi-resource-%s-v<version>-<os>-<arch>.tar.gz (no %s)", schema.Name, want)
		}
	}

	// Node: package.json.
	var pkg struct {
		Name, Description, Homepage, Repository, License string
		Keywords                                         []string
		Pulumi                                           struct {
			Resource bool
			Name     string
			Server   string
		}
	}
	if err := json.Unmarshal(read("nodejs/package.json"), &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Name != schema.Language.Nodejs.PackageName || pkg.License != schema.License || pkg.Repository != schema.Repository ||
		pkg.Homepage != schema.Homepage || !slices.Equal(pkg.Keywords, schema.Keywords) || pkg.Description == "" {
		t.Errorf("sdk/nodejs/package.json metadata %+v does not follow schema.yaml", pkg)
	}
	if !pkg.Pulumi.Resource || pkg.Pulumi.Name != schema.Name || pkg.Pulumi.Server != schema.PluginDownloadURL {
		t.Errorf("sdk/nodejs/package.json pulumi = %+v, want resource plugin %s from %s", pkg.Pulumi, schema.Name, schema.PluginDownloadURL)
	}

	// Python: pyproject.toml (PEP 621).
	py := string(read("python/pyproject.toml"))
	keywords, _ := json.Marshal(schema.Keywords)
	for _, want := range []string{
		`name = "` + schema.Language.Python.PackageName + `"`,
		`description = "` + schema.Description + `"`,
		`keywords = ` + strings.ReplaceAll(string(keywords), `","`, `", "`),
		`text = "` + schema.License + `"`,
		`Homepage = "` + schema.Homepage + `"`,
		`Repository = "` + schema.Repository + `"`,
		`readme = "README.md"`,
	} {
		if !strings.Contains(py, want) {
			t.Errorf("sdk/python/pyproject.toml lacks %s", want)
		}
	}

	// Go: the module path is the import base path's, and docs come from the schema.
	if !strings.HasPrefix(schema.Language.Go.ImportBasePath, strings.TrimPrefix(schema.Repository, "https://")+"/sdk/go/") {
		t.Errorf("go importBasePath %s is not under the repository's sdk/go", schema.Language.Go.ImportBasePath)
	}
	if !strings.Contains(string(read("go/eksplatform/eksPlatform.go")), "// "+firstLine(t, root)) {
		t.Errorf("the Go SDK's EksPlatform doc comment is not the schema's description")
	}
}

// firstLine is the first line of the EksPlatform resource's description in schema.yaml.
func firstLine(t *testing.T, root string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Resources map[string]struct {
			Description string `yaml:"description"`
		} `yaml:"resources"`
	}
	if err := yaml.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	d := s.Resources["eksplatform:index:EksPlatform"].Description
	if d == "" {
		t.Fatal("schema.yaml: EksPlatform has no description")
	}
	line, _, _ := strings.Cut(d, "\n")
	return line
}
