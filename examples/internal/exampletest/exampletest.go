// Package exampletest runs an example's run function against the
// in-process emulator from a Go test, so the examples cannot rot.
package exampletest

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
)

// Run runs the example with -emulator (whatever SKYFLOW_* variables the
// environment holds) plus args, fails the test when it returns an error, and
// returns what it printed. Every string of want must appear in the output,
// and the output must not contain a secret (see NoSecrets).
func Run(t *testing.T, run exampleenv.RunFunc, args []string, want ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, append([]string{"-emulator"}, args...), &out)
	if err != nil {
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

var (
	jwtPattern    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)
	apiKeyPattern = regexp.MustCompile(`sky-[a-zA-Z0-9]{5}-[a-fA-F0-9]{32}`)
)

// NoSecrets fails the test when out holds a whole JWT (a bearer or signed
// data token), an API key or a private key: examples print those
// abbreviated only.
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
