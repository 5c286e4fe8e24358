package facade

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/skyflowgo/skyflow/internal/errs"
)

// LogLevel is a level of the client's own log filter.
type LogLevel string

// The log levels. The zero value means no level is set: without a logger
// the client then logs nothing, and with one the logger's handler decides.
const (
	LogLevelDebug LogLevel = "DEBUG"
	LogLevelInfo  LogLevel = "INFO"
	LogLevelWarn  LogLevel = "WARN"
	LogLevelError LogLevel = "ERROR"
	LogLevelOff   LogLevel = "OFF"
)

func (l LogLevel) valid() bool {
	switch l {
	case "", LogLevelDebug, LogLevelInfo, LogLevelWarn, LogLevelError, LogLevelOff:
		return true
	}
	return false
}

func (l LogLevel) slogLevel() slog.Level {
	switch l {
	case LogLevelDebug:
		return slog.LevelDebug
	case LogLevelInfo:
		return slog.LevelInfo
	case LogLevelWarn:
		return slog.LevelWarn
	}
	return slog.LevelError
}

// SetLogLevel changes the client's log level at runtime (see
// WithLogLevel); LogLevelOff silences the client, "" removes the level.
func (c *Client) SetLogLevel(level LogLevel) error {
	if !level.valid() {
		return errs.Invalid("LogLevel", "must be DEBUG, INFO, WARN, ERROR or OFF")
	}
	c.logs.level.Store(&level)
	return nil
}

// LogLevel returns the client's log level ("" when none is set).
func (c *Client) LogLevel() LogLevel {
	return *c.logs.level.Load()
}

// logState is the client's logging configuration: the caller's handler
// (nil: none given) and the level, which SetLogLevel changes at runtime.
type logState struct {
	base  slog.Handler
	level atomic.Pointer[LogLevel]
}

func newLogState(base *slog.Logger, level LogLevel) *logState {
	s := &logState{}
	if base != nil {
		s.base = base.Handler()
	}
	s.level.Store(&level)
	return s
}

// logger builds the client's logger: silent unless a logger or a level is
// given; text on stderr when only a level is; the caller's handler,
// filtered by the level when one is set, otherwise. No state is shared
// between clients.
func (s *logState) logger() *slog.Logger {
	inner := s.base
	if inner == nil {
		inner = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	return slog.New(&levelHandler{inner: inner, state: s}).With(slog.String("sdk", "skyflow-go"))
}

// log returns the client's logger (used by the transport for retry lines).
func (c *Client) log() *slog.Logger { return c.logger }

// levelHandler applies the client's rules before the inner handler.
type levelHandler struct {
	inner slog.Handler
	state *logState
}

func (h *levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	level := *h.state.level.Load()
	switch {
	case level == LogLevelOff:
		return false
	case level == "":
		// No level: only a caller's logger, whose handler decides.
		return h.state.base != nil && h.inner.Enabled(ctx, l)
	}
	return l >= level.slogLevel() && h.inner.Enabled(ctx, l)
}

func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(ctx, r)
}

func (h *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelHandler{inner: h.inner.WithAttrs(attrs), state: h.state}
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{inner: h.inner.WithGroup(name), state: h.state}
}
