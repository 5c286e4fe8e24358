package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryExampleHasATest keeps the per-example tests (which build and run
// each program against the emulator) complete.
func TestEveryExampleHasATest(t *testing.T) {
	examples, err := discover(t.Context(), "go", "../..", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(examples) < 20 {
		t.Fatalf("found only %d examples", len(examples))
	}
	for _, e := range examples {
		if _, err := os.Stat(filepath.Join("../..", e.name, "main_test.go")); err != nil {
			t.Errorf("example %s has no main_test.go", e.name)
		}
	}
}

// TestEveryMainBuildsItsClient checks that every example builds its own
// client in its main, visibly, so a reader can copy main into a program:
// main calls facade.New, and no example imports the examples' internal
// packages.
func TestEveryMainBuildsItsClient(t *testing.T) {
	examples, err := discover(t.Context(), "go", "../..", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range examples {
		path := filepath.Join("../..", e.name, "main.go")
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, "/examples/internal/") {
				t.Errorf("%s imports %s: examples must stand alone", path, imp.Path.Value)
			}
		}
		found := false
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "main" || fn.Recv != nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if ok && sel.Sel.Name == "New" {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "facade" {
						found = true
					}
				}
				return true
			})
		}
		if !found {
			t.Errorf("%s: main does not call facade.New", path)
		}
	}
}

// TestDemo runs the demo itself: every example built and run as a program
// against the emulator, as `make demo` does.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example")
	}
	var out bytes.Buffer
	err := run(t.Context(), []string{"-q", "-C", "../.."}, &out)
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), " 0 failed") {
		t.Errorf("unexpected summary:\n%s", out.String())
	}
}
