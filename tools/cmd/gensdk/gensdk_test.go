package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// regenerateHint is what to run when the committed SDKs are stale.
const regenerateHint = "cd tools && go run ./cmd/gensdk -schema ../schema.yaml -version %s -out ../sdk"

// repoRoot finds the repository root from this package's folder (go test runs
// in it): the nearest parent holding go.mod of the root module.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/eksplatform/pulumi-eksplatform\n") {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no root go.mod (module github.com/eksplatform/pulumi-eksplatform) above %s", dir)
		}
	}
}

// committedVersion is the version the committed SDK was stamped with (so a
// release built with -version X still compares equal), or DefaultVersion.
func committedVersion(t *testing.T, sdkRoot string) string {
	b, err := os.ReadFile(filepath.Join(OutputDir(sdkRoot, "go"), "pulumi-plugin.json"))
	if err != nil {
		return DefaultVersion
	}
	var plugin struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &plugin); err != nil || plugin.Version == "" {
		return DefaultVersion
	}
	return plugin.Version
}

// diffTrees lists the files that differ between two SDK trees for one language.
func diffTrees(t *testing.T, want, got string) []string {
	t.Helper()
	wantFiles, err := ListFiles(want)
	if err != nil {
		t.Fatal(err)
	}
	gotFiles, err := ListFiles(got)
	if err != nil {
		t.Fatal(err)
	}
	inGot := map[string]bool{}
	for _, f := range gotFiles {
		inGot[f] = true
	}
	var diffs []string
	for _, f := range wantFiles {
		if !inGot[f] {
			diffs = append(diffs, "missing from committed SDK: "+f)
			continue
		}
		delete(inGot, f)
		a, _ := os.ReadFile(filepath.Join(want, f))
		b, _ := os.ReadFile(filepath.Join(got, f))
		if !bytes.Equal(a, b) {
			diffs = append(diffs, "differs: "+f)
		}
	}
	for _, f := range gotFiles {
		if inGot[f] {
			diffs = append(diffs, "stale file in committed SDK (generator no longer writes it): "+f)
		}
	}
	return diffs
}

// TestCommittedSDKsUpToDate regenerates the SDKs from schema.yaml into a temp
// dir and fails on any difference from the committed sdk/ folders.
func TestCommittedSDKsUpToDate(t *testing.T) {
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join(root, "sdk")
	version := committedVersion(t, committed)
	sdks, err := Generate(raw, version, AllLanguages)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, lang := range AllLanguages {
		if _, err := WriteSDK(tmp, lang, sdks[lang]); err != nil {
			t.Fatal(err)
		}
		if diffs := diffTrees(t, OutputDir(tmp, lang), OutputDir(committed, lang)); len(diffs) > 0 {
			t.Errorf("%s SDK in %s is not what schema.yaml generates:\n  %s\nregenerate with: "+regenerateHint,
				lang, OutputDir(committed, lang), strings.Join(diffs, "\n  "), version)
		}
	}
}

func generateTestdata(t *testing.T) map[string]map[string][]byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sdks, err := Generate(raw, "1.2.3", AllLanguages)
	if err != nil {
		t.Fatal(err)
	}
	return sdks
}

func TestGenerateIsDeterministic(t *testing.T) {
	first := generateTestdata(t)
	for i := range 3 {
		again := generateTestdata(t)
		for _, lang := range AllLanguages {
			if len(again[lang]) != len(first[lang]) {
				t.Fatalf("run %d: %s: %d files, first run %d", i, lang, len(again[lang]), len(first[lang]))
			}
			for p, b := range first[lang] {
				if !bytes.Equal(again[lang][p], b) {
					t.Errorf("run %d: %s/%s differs between runs", i, lang, p)
				}
			}
		}
	}
}

func TestGenerateLayoutAndSettings(t *testing.T) {
	sdks := generateTestdata(t)
	contains := func(lang, file string, subs ...string) {
		t.Helper()
		b, ok := sdks[lang][file]
		if !ok {
			t.Errorf("%s SDK has no %s; files: %v", lang, file, keys(sdks[lang]))
			return
		}
		for _, s := range subs {
			if !strings.Contains(string(b), s) {
				t.Errorf("%s/%s does not contain %q", lang, file, s)
			}
		}
	}
	contains("go", "eksPlatform.go", "package eksplatform", `"eksplatform:index:EksPlatform"`,
		"RegisterRemoteComponentResource", `"kubeconfig"`, "AdditionalSecretOutputs")
	contains("go", "init.go", "github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform/internal")
	contains("go", "pulumi-plugin.json", `"version": "1.2.3"`, "github://api.github.com/eksplatform/pulumi-eksplatform")
	contains("nodejs", "package.json", `"name": "@eksplatform/pulumi"`, `"version": "1.2.3"`, `"@pulumi/pulumi": "^3.263.0"`, `"typescript"`)
	contains("nodejs", "eksPlatform.ts", "export class EksPlatform", `additionalSecretOutputs: ["kubeconfig"]`)
	contains("python", "pyproject.toml", `name = "pulumi_eksplatform"`, `version = "1.2.3"`, "pulumi>=3.142.0,<4.0.0")
	contains("python", "README.md")
	contains("python", "pulumi_eksplatform/eks_platform.py", "class EksPlatform(pulumi.ComponentResource)", `additional_secret_outputs=["kubeconfig"]`)
	for _, lang := range AllLanguages {
		for p := range sdks[lang] {
			if strings.Contains(p, `\`) || strings.HasPrefix(p, "/") || strings.Contains(p, "..") {
				t.Errorf("%s: bad path %q", lang, p)
			}
		}
	}
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestWriteSDKRemovesStaleFilesKeepsBuildDirs(t *testing.T) {
	root := t.TempDir()
	dir := OutputDir(root, "nodejs")
	for p, content := range map[string]string{
		"old/renamed.ts":          "stale",
		"index.ts":                "old",
		"node_modules/x/index.js": "dependency",
		"bin/index.js":            "build output",
	} {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := WriteSDK(root, "nodejs", map[string][]byte{"index.ts": []byte("new"), "types/input.ts": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	got, err := ListFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[index.ts types/input.ts]" {
		t.Errorf("files after write: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "old")); !os.IsNotExist(err) {
		t.Errorf("empty stale folder not removed: %v", err)
	}
	for _, keep := range []string{"node_modules/x/index.js", "bin/index.js"} {
		if _, err := os.Stat(filepath.Join(dir, keep)); err != nil {
			t.Errorf("%s should be left alone: %v", keep, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.ts")); string(b) != "new" {
		t.Errorf("index.ts = %q", b)
	}
}

func TestSchemaErrorsAreReported(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct{ schema, want string }{
		"unknown field": {
			schema: strings.Replace(string(base), "isComponent: true", "isComponent: true\n    isComponnet: true", 1),
			want:   `unknown field "isComponnet"`,
		},
		"external ref": {
			schema: strings.Replace(string(base), `$ref: "#/types/eksplatform:index:Scaling"`,
				`$ref: "/aws/v6.83.4/schema.json#/types/aws:eks/NodeGroupScalingConfig:NodeGroupScalingConfig"`, 1),
			want: `package "aws"`,
		},
		"dangling ref": {
			schema: strings.Replace(string(base), `$ref: "#/types/eksplatform:index:Scaling"`,
				`$ref: "#/types/eksplatform:index:Nope"`, 1),
			want: "eksplatform:index:Nope",
		},
		"bad version": {schema: string(base), want: "not a semantic version"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			version := "1.0.0"
			if name == "bad version" {
				version = "one"
			}
			_, err := Generate([]byte(c.schema), version, AllLanguages)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
