// Command gendocs writes docs/inputs.md, the reference of every input of the
// EksPlatform component, from the hand-written schema.yaml: each input with its
// type, whether it is required, its default (when the schema gives one or the
// description states it), its description, the nested types it uses and their
// enums. It also writes the pages generated from the add-on catalogue
// (provider/pkg/addons): docs/catalogue.md, and the tables of pins and vendored files
// in provider/pkg/addons/policies/SOURCES.md. `make docs` runs it; the tests
// (TestCommittedReferenceIsCurrent, TestCommittedCataloguePagesAreCurrent) fail when a
// committed file differs.
//
// Usage, from tools/:
//
//	go run ./cmd/gendocs -schema ../schema.yaml -out ../docs/inputs.md -repo ..
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
)

func main() {
	schemaPath := flag.String("schema", "../schema.yaml", "path to the hand-written schema (YAML)")
	out := flag.String("out", "../docs/inputs.md", "Markdown file to write ('-': standard output)")
	repo := flag.String("repo", "", "the repository's root: also write the catalogue's pages there (docs/catalogue.md, policies/SOURCES.md)")
	flag.Parse()
	err := run(*schemaPath, *out)
	if err == nil && *repo != "" {
		err = writeCataloguePages(*repo)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

// cataloguePages returns the catalogue's generated pages by their path in the
// repository, SOURCES.md's from its committed text (only its marked tables are
// generated).
func cataloguePages(repo string) (map[string]string, error) {
	current, err := os.ReadFile(filepath.Join(repo, addons.SourcesFile))
	if err != nil {
		return nil, err
	}
	sources, err := addons.SourcesMarkdown(string(current))
	if err != nil {
		return nil, err
	}
	return map[string]string{addons.CatalogueFile: addons.CatalogueMarkdown(), addons.SourcesFile: sources}, nil
}

func writeCataloguePages(repo string) error {
	pages, err := cataloguePages(repo)
	if err != nil {
		return err
	}
	for _, path := range slices.Sorted(maps.Keys(pages)) {
		if err := writeIfChanged(filepath.Join(repo, path), []byte(pages[path])); err != nil {
			return err
		}
	}
	return nil
}

func run(schemaPath, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	md, err := Generate(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	if out == "-" {
		_, err = os.Stdout.Write(md)
		return err
	}
	return writeIfChanged(out, md)
}

// writeIfChanged writes content to out unless out already holds it.
func writeIfChanged(out string, content []byte) error {
	if old, err := os.ReadFile(out); err == nil && string(old) == string(content) {
		fmt.Printf("gendocs: %s is up to date\n", out)
		return nil
	}
	if err := os.WriteFile(out, content, 0o644); err != nil {
		return err
	}
	fmt.Printf("gendocs: wrote %s\n", out)
	return nil
}
