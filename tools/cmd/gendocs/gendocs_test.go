package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommittedReferenceIsCurrent fails when docs/inputs.md is not what
// schema.yaml generates (run `make docs`).
func TestCommittedReferenceIsCurrent(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "inputs.md"))
	if err != nil {
		t.Fatalf("%v (run `make docs`)", err)
	}
	if string(got) != string(want) {
		t.Fatal("docs/inputs.md is stale: run `make docs` and commit it")
	}
	s, err := parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	// Every input, nested type and property of the schema appears in it.
	for _, p := range s.Inputs {
		if !strings.Contains(string(got), "| `"+p.Name+"` |") {
			t.Errorf("input %s missing", p.Name)
		}
	}
	for _, typ := range s.Types {
		if !strings.Contains(string(got), "\n### "+typ.Name+"\n") {
			t.Errorf("type %s missing", typ.Name)
		}
	}
}

// TestCommittedCataloguePagesAreCurrent fails when docs/catalogue.md or the generated
// tables of provider/pkg/addons/policies/SOURCES.md are not what the add-on catalogue
// gives (run `make docs`).
func TestCommittedCataloguePagesAreCurrent(t *testing.T) {
	repo := filepath.Join("..", "..", "..")
	pages, err := cataloguePages(repo)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 {
		t.Fatalf("%d pages, want docs/catalogue.md and SOURCES.md", len(pages))
	}
	for path, want := range pages {
		got, err := os.ReadFile(filepath.Join(repo, path))
		if err != nil {
			t.Fatalf("%v (run `make docs`)", err)
		}
		if string(got) != want {
			t.Errorf("%s is stale: run `make docs` and commit it", path)
		}
	}
}

const small = `
name: x
resources:
  x:index:Thing:
    isComponent: true
    description: A thing.
    inputProperties:
      size:
        type: integer
        description: How big. Defaults to 3.
      mode:
        $ref: "#/types/x:index:Mode"
        description: The mode.
      parts:
        type: array
        items: {$ref: "#/types/x:index:Part"}
        description: Parts.
      labels:
        type: object
        additionalProperties: {type: string}
        description: Labels.
      color:
        type: string
        enum: [{value: red}, {value: blue}]
        default: red
        description: Color | hue.
    requiredInputs: [parts]
    properties:
      token:
        type: string
        secret: true
        description: A token.
types:
  x:index:Part:
    type: object
    description: A part.
    properties:
      name: {type: string, description: "Name, \"v1.2\" style. Defaults to ` + "`a.b`" + `; or not."}
      kind: {type: string, description: "` + "`soft`" + ` (default) or ` + "`hard`" + `."}
      on: {type: boolean, description: "Enabled by default."}
    required: [name]
  x:index:Mode:
    type: string
    description: Modes.
    enum:
      - {name: Fast, value: fast, description: Quick.}
      - {name: Slow, value: slow}
  x:index:Unused:
    type: object
    properties: {a: {type: string}}
`

func TestGenerateSmallSchema(t *testing.T) {
	out, err := Generate([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	md := string(out)
	for _, want := range []string{
		"# Thing inputs",
		"Required: `parts`",
		"| `size` | integer | 3 | How big. Defaults to 3. |",
		"| `mode` | [Mode](#mode) (string enum) | — | The mode. |",
		"| `parts` | [Part](#part)[] | **required** | Parts. |",
		"| `labels` | map of string | — | Labels. |",
		"| `color` | string (enum) | `red` | Color \\| hue. One of `blue`, `red`. |",
		"| `token` | string, **secret** | A token. |",
		"Used at `parts[]`.",
		"| `name` | string | **required** |",
		"| `kind` | string | `soft` |",
		"| `on` | boolean | enabled |",
		"| `fast` | Fast | Quick. |",
		"### Unused\n\nNot used by any input.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	// Types are listed in the order the inputs meet them.
	if strings.Index(md, "### Mode") > strings.Index(md, "### Part") {
		t.Error("Mode (met first) should come before Part")
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"`1.33`. Bumping":             "`1.33`",
		"min 1, desired 2, max 3.":    "min 1, desired 2, max 3",
		"`a.b`; or not":               "`a.b`",
		"the component's name":        "the component's name",
		"30. Later":                   "30",
		"`api`, `audit`. More. Even.": "`api`, `audit`",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnknownTypeFails(t *testing.T) {
	bad := strings.Replace(small, `"#/types/x:index:Mode"`, `"#/types/x:index:Nope"`, 1)
	if _, err := Generate([]byte(bad)); err == nil || !strings.Contains(err.Error(), "x:index:Nope") {
		t.Fatalf("want an unknown-type error, got %v", err)
	}
}
