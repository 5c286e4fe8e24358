package logging

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
)

func TestCheck(t *testing.T) {
	for _, l := range []skyflow.LogLevel{"", skyflow.LogLevelDebug, skyflow.LogLevelInfo, skyflow.LogLevelWarn, skyflow.LogLevelError, skyflow.LogLevelOff} {
		if err := Check(l); err != nil {
			t.Errorf("Check(%q) = %v", l, err)
		}
	}
	for _, l := range []skyflow.LogLevel{"debug", "TRACE", " INFO"} {
		if err := Check(l); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("Check(%q) = %v, want a validation error", l, err)
		}
	}
}

// The level filters the caller's handler, whose own level still applies;
// without a level the handler decides; Off silences; SetLevel applies to
// loggers built before it, With and WithGroup included.
func TestLevelFiltersTheCallersHandler(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s := New(base, skyflow.LogLevelWarn)
	log := s.Logger().With("k", "v").WithGroup("g")
	ctx := context.Background()

	log.Info("info")
	log.Warn("warn", "a", 1)
	if out := buf.String(); strings.Contains(out, "info") || !strings.Contains(out, `msg=warn sdk=skyflow-go k=v g.a=1`) {
		t.Fatalf("WARN level: %q", out)
	}

	buf.Reset()
	s.SetLevel(skyflow.LogLevelDebug)
	if s.Level() != skyflow.LogLevelDebug {
		t.Fatalf("Level() = %q", s.Level())
	}
	log.Debug("debug") // the handler's own INFO level still applies
	log.Info("info")
	if out := buf.String(); strings.Contains(out, "msg=debug") || !strings.Contains(out, "msg=info") {
		t.Fatalf("DEBUG level over an INFO handler: %q", out)
	}

	buf.Reset()
	s.SetLevel("")
	log.Info("handler decides")
	s.SetLevel(skyflow.LogLevelOff)
	log.Error("silenced")
	if out := buf.String(); !strings.Contains(out, "handler decides") || strings.Contains(out, "silenced") {
		t.Fatalf("no level / OFF: %q", out)
	}
	if log.Enabled(ctx, slog.LevelError) {
		t.Fatal("OFF enables nothing")
	}
}

// Without a logger and without a level, nothing is enabled; each level
// maps to its slog level.
func TestNoLoggerNoLevelIsSilent(t *testing.T) {
	ctx := context.Background()
	if New(nil, "").Logger().Enabled(ctx, slog.LevelError) {
		t.Fatal("silent by default")
	}
	for level, want := range map[skyflow.LogLevel]slog.Level{
		skyflow.LogLevelDebug: slog.LevelDebug, skyflow.LogLevelInfo: slog.LevelInfo,
		skyflow.LogLevelWarn: slog.LevelWarn, skyflow.LogLevelError: slog.LevelError,
	} {
		log := New(nil, level).Logger()
		if !log.Enabled(ctx, want) || (want > slog.LevelDebug && log.Enabled(ctx, want-4)) {
			t.Errorf("level %s does not start at %v", level, want)
		}
	}
}
