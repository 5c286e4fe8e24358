package auth

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

// refreshOnce builds a service-account source with opts and fetches one
// token: one "refreshed" event at INFO.
func refreshOnce(t *testing.T, opts ...Option) {
	t.Helper()
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	all := append([]Option{WithHTTPClient(e.srv.Client()), WithClock(c.Now)}, opts...)
	ts, err := NewTokenSource(Credentials{CredentialsJSON: saJSON(t, e.tokenURI())}, all...)
	if err != nil {
		t.Fatal(err)
	}
	token(t, ts)
}

// auth follows the facade's logging rule: silent by default, text on
// stderr with a level alone, the caller's logger filtered by the level.
func TestLoggingRule(t *testing.T) {
	if out := redacttest.Stderr(t, func() { refreshOnce(t) }); out != "" {
		t.Fatalf("the default wrote to stderr: %q", out)
	}

	out := redacttest.Stderr(t, func() { refreshOnce(t, WithLogLevel(skyflow.LogLevelInfo)) })
	if !strings.Contains(out, "level=INFO") || !strings.Contains(out, `msg="service-account token refreshed"`) || !strings.Contains(out, "sdk=skyflow-go") {
		t.Fatalf("a level alone writes text to stderr: %q", out)
	}

	for _, level := range []skyflow.LogLevel{skyflow.LogLevelWarn, skyflow.LogLevelOff} {
		if out := redacttest.Stderr(t, func() { refreshOnce(t, WithLogLevel(level)) }); out != "" {
			t.Fatalf("level %s let an INFO event through: %q", level, out)
		}
	}

	var buf bytes.Buffer
	debug := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	refreshOnce(t, WithLogger(debug), WithLogLevel(skyflow.LogLevelWarn))
	if buf.Len() != 0 {
		t.Fatalf("the level filters the caller's logger first: %q", buf.String())
	}
	refreshOnce(t, WithLogger(debug))
	if !strings.Contains(buf.String(), "service-account token refreshed") {
		t.Fatalf("the caller's handler decides without a level: %q", buf.String())
	}
	if out := redacttest.Stderr(t, func() { refreshOnce(t, WithLogger(debug)) }); out != "" {
		t.Fatalf("a caller's logger writes nothing to stderr: %q", out)
	}
}

func TestWithLogLevelRefusesUnknownLevels(t *testing.T) {
	bad := WithLogLevel("VERBOSE")
	isLevel := func(err error) bool {
		var ve *skyflow.ValidationError
		return errors.As(err, &ve) && ve.Field == "LogLevel"
	}
	if _, err := NewTokenSource(Credentials{APIKey: "sky-ab1c2-0123456789abcdef0123456789abcdef"}, bad); !isLevel(err) {
		t.Fatalf("NewTokenSource: %v", err)
	}
	if _, err := StaticTokenSource("x", bad); !isLevel(err) {
		t.Fatalf("StaticTokenSource: %v", err)
	}
	if _, err := GenerateBearerToken(t.Context(), Credentials{CredentialsJSON: "{}"}, bad); !isLevel(err) {
		t.Fatalf("GenerateBearerToken: %v", err)
	}
	if _, err := GenerateSignedDataTokens(Credentials{CredentialsJSON: "{}"}, SignedDataTokensRequest{DataTokens: []string{"t"}}, bad); !isLevel(err) {
		t.Fatalf("GenerateSignedDataTokens: %v", err)
	}
}
