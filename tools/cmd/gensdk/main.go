// Command gensdk generates the EksPlatform SDKs (Go, Node.js, Python) from the
// hand-written schema.yaml at the repository root.
//
// Usage, from tools/:
//
//	go run ./cmd/gensdk -schema ../schema.yaml -version 0.1.0 -out ../sdk
//
// It writes sdk/go/eksplatform, sdk/nodejs and sdk/python, removing files that
// the generator no longer produces. The output depends only on the schema and
// the version, so CI can regenerate and compare (see gensdk_test.go).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// DefaultVersion is the package version stamped into the SDKs when -version is
// not given.
const DefaultVersion = "0.1.0"

func main() {
	schemaPath := flag.String("schema", "../schema.yaml", "path to the hand-written schema (YAML or JSON)")
	version := flag.String("version", DefaultVersion, "package version to stamp into the SDKs")
	out := flag.String("out", "../sdk", "SDK root folder; writes go/eksplatform, nodejs and python under it")
	langs := flag.String("languages", strings.Join(AllLanguages, ","), "comma-separated languages to generate")
	flag.Parse()

	if err := run(*schemaPath, *version, *out, strings.Split(*langs, ",")); err != nil {
		fmt.Fprintf(os.Stderr, "gensdk: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, version, out string, langs []string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	sdks, err := Generate(raw, version, langs)
	if err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	for _, lang := range langs {
		n, err := WriteSDK(out, lang, sdks[lang])
		if err != nil {
			return err
		}
		fmt.Printf("gensdk: %-6s %3d files -> %s\n", lang, n, OutputDir(out, lang))
	}
	return nil
}
