package facade_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

// captureStderr runs fn with os.Stderr redirected and returns what was
// written to it.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() { os.Stderr = saved }()
	fn()
	_ = w.Close()
	os.Stderr = saved
	return <-done
}

func failingVault(t *testing.T, opts ...facade.Option) *facade.Vault {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 400, `{"error":{"message":"bad"}}`) })
	return vaultAt(t, srv.URL, opts...)
}

func TestDefaultClientWritesNothing(t *testing.T) {
	out := captureStderr(t, func() {
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
	out := captureStderr(t, func() {
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
