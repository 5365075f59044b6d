// Command gendocs writes docs/inputs.md, the reference of every input of the
// EksPlatform component, from the hand-written schema.yaml: each input with its
// type, whether it is required, its default (when the schema gives one or the
// description states it), its description, the nested types it uses and their
// enums. `make docs` runs it; CI regenerates and fails when the committed file
// differs.
//
// Usage, from tools/:
//
//	go run ./cmd/gendocs -schema ../schema.yaml -out ../docs/inputs.md
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	schemaPath := flag.String("schema", "../schema.yaml", "path to the hand-written schema (YAML)")
	out := flag.String("out", "../docs/inputs.md", "Markdown file to write ('-': standard output)")
	flag.Parse()
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
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
	if old, err := os.ReadFile(out); err == nil && string(old) == string(md) {
		fmt.Printf("gendocs: %s is up to date\n", out)
		return nil
	}
	if err := os.WriteFile(out, md, 0o644); err != nil {
		return err
	}
	fmt.Printf("gendocs: wrote %s\n", out)
	return nil
}
