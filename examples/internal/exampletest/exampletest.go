// Package exampletest runs an example program from its Go test: it builds
// the program, starts the emulator, runs the program against it with the
// variables the demo runner sets, and checks what it printed. So the
// examples cannot rot.
package exampletest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow/examples/internal/emulator"
)

// Run builds the example in the test's directory, runs it against a fresh
// emulator and returns what it printed (stdout and stderr). The test fails
// when the program fails, when its output lacks a string of want, or when
// it holds a secret (see NoSecrets).
func Run(t *testing.T, want ...string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(dir)
	exe := filepath.Join(t.TempDir(), name)
	args := []string{"build", "-o", exe}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.CommandContext(t.Context(), goCommand(), append(args, ".")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	emu, err := emulator.Start(name)
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = emu.Environ(os.Environ())
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("example failed: %v\n--- output:\n%s", err, out.String())
	}
	NoSecrets(t, out.String())
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q\n--- output:\n%s", w, out.String())
		}
	}
	if testing.Verbose() {
		t.Log("\n" + out.String())
	}
	return out.String()
}

func goCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

var (
	jwtPattern    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)
	apiKeyPattern = regexp.MustCompile(`sky-[a-zA-Z0-9]{5}-[a-fA-F0-9]{32}`)
)

// NoSecrets fails the test when out holds a whole JWT (a bearer or signed
// data token), an API key or a private key: examples never print those.
func NoSecrets(t *testing.T, out string) {
	t.Helper()
	if m := jwtPattern.FindString(out); m != "" {
		t.Errorf("output holds a whole JWT (%d chars)", len(m))
	}
	if apiKeyPattern.MatchString(out) {
		t.Errorf("output holds an API key")
	}
	if strings.Contains(out, "PRIVATE KEY") {
		t.Errorf("output holds a private key")
	}
}
