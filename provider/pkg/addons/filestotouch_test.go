package addons

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// crossReferences are the Go files outside an add-on's three that name it on purpose:
// rules of another feature about that one add-on. A new add-on has none.
var crossReferences = map[string][]string{
	// Karpenter refuses to run beside the Cluster Autoscaler (both would scale nodes for
	// the same pending pods).
	"clusterAutoscaler": {"pkg/platform/karpenter_config.go"},
}

// TestAHelmAddonIsThreeGoFiles measures docs/design.md's "Files to touch" for a Helm
// add-on: the Go code of provider/ names it (its key in a string, its constructor as
// an identifier; comments are not code) in three files, its own, addons.go (its line
// in Catalogue) and args.go (its field in Args), and nowhere else but the rules listed
// in crossReferences. The add-on's pin, provenance, Kubernetes facts and pages are
// derived from its file, and its schema entry is the fourth hand edit.
func TestAHelmAddonIsThreeGoFiles(t *testing.T) {
	root := filepath.Join("..", "..")
	constructors := catalogueConstructors(t)
	keys := catalogueKeys()
	if len(constructors) != len(keys) {
		t.Fatalf("Catalogue calls %v, the catalogue has %v", constructors, keys)
	}
	files := goFiles(t, root)
	for i, key := range keys {
		own := ""
		word := regexp.MustCompile(`\b` + regexp.QuoteMeta(key) + `\b`)
		var naming []string
		for path, toks := range files {
			if slices.Contains(toks.funcs, constructors[i]) {
				own = path
			}
			if slices.Contains(toks.idents, constructors[i]) || slices.ContainsFunc(toks.strings, word.MatchString) {
				naming = append(naming, path)
			}
		}
		want := append([]string{"pkg/addons/addons.go", "pkg/addons/args.go", own}, crossReferences[key]...)
		slices.Sort(naming)
		slices.Sort(want)
		if own == "" || !slices.Equal(naming, want) {
			t.Errorf("%s (%s): named in %v, want its own file, addons.go and args.go only (%v): a new add-on would need those edits too; derive them from the Addon or update docs/design.md's count", key, constructors[i], naming, want)
		}
	}
}

// catalogueConstructors are the functions Catalogue calls, in order.
func catalogueConstructors(t *testing.T) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "addons.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "Catalogue" {
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					if id, ok := call.Fun.(*ast.Ident); ok {
						names = append(names, id.Name)
					}
				}
				return true
			})
		}
	}
	return names
}

// codeTokens are a Go file's identifiers, string literals (unquoted) and top-level
// function names.
type codeTokens struct{ idents, strings, funcs []string }

// goFiles reads every non-test Go file under root, by its path from root.
func goFiles(t *testing.T, root string) map[string]codeTokens {
	out := map[string]codeTokens{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out[filepath.ToSlash(rel)] = tokensOf(src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tokensOf(src []byte) codeTokens {
	var ct codeTokens
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile("", fset.Base(), len(src)), src, nil, 0)
	prev := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF:
			return ct
		case token.IDENT:
			ct.idents = append(ct.idents, lit)
			if prev == token.FUNC {
				ct.funcs = append(ct.funcs, lit)
			}
		case token.STRING:
			ct.strings = append(ct.strings, lit)
		}
		prev = tok
	}
}
