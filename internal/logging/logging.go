// Package logging holds the SDK's one logging rule, shared by the facade
// and auth: silent unless a logger or a level is given; text on stderr
// when only a level is; the caller's handler, filtered by the level when
// one is set, otherwise.
package logging

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// Check returns a *skyflow.ValidationError for a level that is none of the
// SDK's ("" is valid: no level).
func Check(level skyflow.LogLevel) error {
	switch level {
	case "", skyflow.LogLevelDebug, skyflow.LogLevelInfo, skyflow.LogLevelWarn, skyflow.LogLevelError, skyflow.LogLevelOff:
		return nil
	}
	return errs.Invalid("LogLevel", "must be DEBUG, INFO, WARN, ERROR or OFF")
}

func slogLevel(l skyflow.LogLevel) slog.Level {
	switch l {
	case skyflow.LogLevelDebug:
		return slog.LevelDebug
	case skyflow.LogLevelInfo:
		return slog.LevelInfo
	case skyflow.LogLevelWarn:
		return slog.LevelWarn
	}
	return slog.LevelError
}

// State is one logging configuration: the caller's handler (nil: none
// given) and the level, which SetLevel changes at runtime. Nothing is
// shared between States.
type State struct {
	base  slog.Handler
	level atomic.Pointer[skyflow.LogLevel]
}

// New returns the configuration of base (nil: none) and level (checked by
// the caller with Check).
func New(base *slog.Logger, level skyflow.LogLevel) *State {
	s := &State{}
	if base != nil {
		s.base = base.Handler()
	}
	s.level.Store(&level)
	return s
}

// SetLevel changes the level of every logger of s.
func (s *State) SetLevel(level skyflow.LogLevel) { s.level.Store(&level) }

// Level returns the level ("" when none is set).
func (s *State) Level() skyflow.LogLevel { return *s.level.Load() }

// Logger builds the logger of s: its records carry sdk=skyflow-go.
func (s *State) Logger() *slog.Logger {
	inner := s.base
	if inner == nil {
		inner = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	return slog.New(&levelHandler{inner: inner, state: s}).With(slog.String("sdk", "skyflow-go"))
}

// levelHandler applies the rule before the inner handler.
type levelHandler struct {
	inner slog.Handler
	state *State
}

func (h *levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	level := h.state.Level()
	switch {
	case level == skyflow.LogLevelOff:
		return false
	case level == "":
		// No level: only a caller's logger, whose handler decides.
		return h.state.base != nil && h.inner.Enabled(ctx, l)
	}
	return l >= slogLevel(level) && h.inner.Enabled(ctx, l)
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
