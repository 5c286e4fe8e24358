package facade

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/skyflowgo/skyflow/internal/errs"
)

// LogLevel is the client's log level.
type LogLevel string

// The log levels. The zero value ("") means LogLevelError, the default.
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

// SetLogLevel changes the client's log level at runtime. LogLevelOff
// silences the client; any other level turns it back on.
func (c *Client) SetLogLevel(level LogLevel) error {
	if !level.valid() {
		return errs.Invalid("LogLevel", "must be DEBUG, INFO, WARN, ERROR or OFF")
	}
	c.setLevel(level)
	return nil
}

// LogLevel returns the client's current log level.
func (c *Client) LogLevel() LogLevel {
	if c.off.Load() {
		return LogLevelOff
	}
	switch c.level.Level() {
	case slog.LevelDebug:
		return LogLevelDebug
	case slog.LevelInfo:
		return LogLevelInfo
	case slog.LevelWarn:
		return LogLevelWarn
	}
	return LogLevelError
}

func (c *Client) setLevel(level LogLevel) {
	c.off.Store(level == LogLevelOff)
	c.level.Set(level.slogLevel())
}

// log returns the client's logger (used by the transport for retry lines).
func (c *Client) log() *slog.Logger { return c.logger }

// newLogger builds the client's logger: the caller's handler (or text on
// stderr) behind the client's own level filter, so SetLogLevel works
// whatever handler is used and no state is shared between clients.
func newLogger(base *slog.Logger, level *slog.LevelVar, off *atomic.Bool) *slog.Logger {
	var h slog.Handler
	if base != nil {
		h = base.Handler()
	} else {
		h = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	return slog.New(&levelHandler{inner: h, level: level, off: off}).With(slog.String("sdk", "skyflow-go"))
}

// levelHandler filters records by the client's level.
type levelHandler struct {
	inner slog.Handler
	level *slog.LevelVar
	off   *atomic.Bool
}

func (h *levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return !h.off.Load() && l >= h.level.Level() && h.inner.Enabled(ctx, l)
}

func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(ctx, r)
}

func (h *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelHandler{inner: h.inner.WithAttrs(attrs), level: h.level, off: h.off}
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{inner: h.inner.WithGroup(name), level: h.level, off: h.off}
}
