package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README is the entry point (what it is and why, the two commands, a five-minute
// example, where everything else is); the reference, the performance report and the
// release guide live in docs/. These tests keep it that way.

const readmeMaxLines = 300

func readREADME(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestREADMEIsShort: at most 300 lines; what does not fit belongs in docs/.
func TestREADMEIsShort(t *testing.T) {
	if n := strings.Count(strings.TrimRight(readREADME(t), "\n"), "\n") + 1; n > readmeMaxLines {
		t.Errorf("README.md has %d lines, at most %d: move reference text to docs/ and link it", n, readmeMaxLines)
	}
}

// TestREADMELinksNothingOutside: every link of the README stays in the repository
// (docs/design.md, "Conventions"), bare URLs outside code included, since GitHub
// renders them as links.
func TestREADMELinksNothingOutside(t *testing.T) {
	md := readREADME(t)
	for _, target := range linkTargets(md) {
		if external(target) {
			t.Errorf("README.md links outside the repository: %q", target)
		}
	}
	text := withoutCode(md)
	for _, scheme := range []string{"http://", "https://", "www."} {
		if i := strings.Index(text, scheme); i >= 0 {
			t.Errorf("README.md has a bare URL outside code: %q", text[i:min(len(text), i+60)])
		}
	}
}

// TestREADMEExampleIsExamplesYAML: the five-minute example's program is
// examples/yaml/Pulumi.yaml, the folder TestCLI runs through the pulumi command line:
// every line of the README's yaml block is a line of that file, in the same order.
func TestREADMEExampleIsExamplesYAML(t *testing.T) {
	md := readREADME(t)
	start := strings.Index(md, "\n```yaml\n")
	if start < 0 {
		t.Fatal("README.md has no ```yaml block (the five-minute example's program)")
	}
	block := md[start+len("\n```yaml\n"):]
	end := strings.Index(block, "\n```")
	if end < 0 {
		t.Fatal("README.md's ```yaml block is not closed")
	}
	block = block[:end]
	raw, err := os.ReadFile(filepath.Join(repoRoot, "examples", "yaml", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file := strings.Split(string(raw), "\n")
	at := 0
	for _, line := range strings.Split(block, "\n") {
		for at < len(file) && file[at] != line {
			at++
		}
		if at == len(file) {
			t.Fatalf("README.md's yaml block: %q is not in examples/yaml/Pulumi.yaml (in this order)", line)
		}
		at++
	}
}
