package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryExampleHasATest keeps the per-example tests (which call run
// in-process, under the race detector) complete.
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
