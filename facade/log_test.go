package facade_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

func failingVault(t *testing.T, opts ...facade.Option) *facade.Vault {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 400, `{"error":{"message":"bad"}}`) })
	return vaultAt(t, srv.URL, opts...)
}

func TestDefaultClientWritesNothing(t *testing.T) {
	out := redacttest.Stderr(t, func() {
		v := failingVault(t)
		if _, err := v.Get(context.Background(), facade.GetRequest{Table: "t"}); err == nil {
			t.Error("the call should fail")
		}
	})
	if out != "" {
		t.Fatalf("the default client wrote to stderr: %q", out)
	}
}

func TestLogLevelWithoutLoggerWritesTextToStderr(t *testing.T) {
	out := redacttest.Stderr(t, func() {
		v := failingVault(t, facade.WithLogLevel(skyflow.LogLevelError))
		_, _ = v.Get(context.Background(), facade.GetRequest{Table: "t"})
	})
	if !strings.Contains(out, `msg="call failed"`) || !strings.Contains(out, "operation=Get") {
		t.Fatalf("stderr: %q", out)
	}
}

func TestLoggerDecidesTheLevelUnlessOneIsSet(t *testing.T) {
	var buf bytes.Buffer
	debug := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"records":[]}`) })

	// The logger's handler keeps DEBUG: no second knob needed.
	v := vaultAt(t, srv.URL, facade.WithLogger(debug))
	if _, err := v.Get(context.Background(), facade.GetRequest{Table: "t"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `msg="call succeeded"`) {
		t.Fatalf("a DEBUG logger got nothing: %q", buf.String())
	}

	// A level, when given too, filters first.
	buf.Reset()
	v = vaultAt(t, srv.URL, facade.WithLogger(debug), facade.WithLogLevel(skyflow.LogLevelError))
	if _, err := v.Get(context.Background(), facade.GetRequest{Table: "t"}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Fatalf("ERROR level let through: %q", buf.String())
	}
}
