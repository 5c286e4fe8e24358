package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// What an attempt looked like from the client: the signature of the fault
// that hit it, or ok. The fault kinds of faults.go are named after these.
const (
	sigOK         = "ok"
	sigSlow       = "slow"
	sig429Short   = "429 short"
	sig429Long    = "429 long"
	sig500        = "500"
	sig503        = "503"
	sig401        = "401"
	sigCut        = "cut"
	sigDropped    = "dropped"
	sigStalled    = "stalled"
	sigOtherError = "other"
)

// slowAfter is how long an answer takes to count as slow: the slow-answer
// fault's delay (the emulator holds the request that long before handling
// it), far above a normal answer.
const slowAfter = 400 * time.Millisecond

// trace collects the attempts of one SDK call, in order.
type trace struct {
	mu       sync.Mutex
	attempts []string
}

type traceKey struct{}

// withTrace returns ctx carrying a new trace for one call.
func withTrace(ctx context.Context) (context.Context, *trace) {
	t := &trace{}
	return context.WithValue(ctx, traceKey{}, t), t
}

// traceOf returns the trace of ctx's call (an empty one when it has none).
func traceOf(ctx context.Context) *trace {
	if t, ok := ctx.Value(traceKey{}).(*trace); ok {
		return t
	}
	return &trace{}
}

// maybeApplied reports whether an attempt with this signature may have been
// applied by the server as far as the client can tell: it broke off, timed
// out, or was answered 5xx.
func maybeApplied(sig string) bool {
	switch sig {
	case sigCut, sigDropped, sigStalled, sig500, sig503:
		return true
	}
	return false
}

func (t *trace) add(sig string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.attempts = append(t.attempts, sig)
	return len(t.attempts) - 1
}

func (t *trace) set(i int, sig string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.attempts[i] = sig
}

// snapshot returns the attempts' signatures.
func (t *trace) snapshot() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.attempts...)
}

// observer is the client's transport: it passes every request to base and
// records each attempt's signature in the trace of its call. Token
// exchanges are counted apart.
type observer struct {
	base      *http.Transport
	cap       time.Duration // the retry policy's MaxBackoff
	exchanges atomic.Int64
}

// RoundTrip implements http.RoundTripper.
func (o *observer) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/oauth/token") {
		o.exchanges.Add(1)
		return o.base.RoundTrip(req)
	}
	t, _ := req.Context().Value(traceKey{}).(*trace)
	start := time.Now()
	resp, err := o.base.RoundTrip(req)
	if t == nil {
		return resp, err
	}
	if err != nil {
		t.add(brokenSignature(req.Context(), err))
		return resp, err
	}
	i := t.add(o.signature(resp, time.Since(start)))
	resp.Body = &observedBody{ReadCloser: resp.Body, ctx: req.Context(), t: t, i: i}
	return resp, nil
}

// brokenSignature classifies an attempt that broke off: stalled when its
// deadline passed (the answer was too slow), dropped when the connection
// was lost.
func brokenSignature(ctx context.Context, err error) string {
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		return sigStalled
	}
	return sigDropped
}

// signature classifies an answer by its status (and Retry-After).
func (o *observer) signature(resp *http.Response, took time.Duration) string {
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if err == nil && time.Duration(secs)*time.Second > o.cap {
			return sig429Long
		}
		return sig429Short
	case http.StatusInternalServerError:
		return sig500
	case http.StatusServiceUnavailable:
		return sig503
	case http.StatusUnauthorized:
		return sig401
	}
	if resp.StatusCode/100 != 2 {
		return sigOtherError
	}
	if took >= slowAfter {
		return sigSlow
	}
	return sigOK
}

// observedBody marks its attempt cut when the body breaks off.
type observedBody struct {
	io.ReadCloser
	ctx  context.Context
	t    *trace
	i    int
	once sync.Once
}

func (b *observedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		sig := brokenSignature(b.ctx, err)
		if sig == sigDropped {
			sig = sigCut // the answer had begun
		}
		b.once.Do(func() { b.t.set(b.i, sig) })
	}
	return n, err
}

// logCounter is the client's slog handler: it counts records by message,
// attributes each "retrying request" record to the signature of the
// attempt being retried (the last attempt of its call's trace: the SDK
// logs before it waits and sends again), and writes nothing anywhere.
type logCounter struct {
	mu      sync.Mutex
	counts  map[string]int
	retries map[string]int
}

func newLogCounter() *logCounter {
	return &logCounter{counts: map[string]int{}, retries: map[string]int{}}
}

// Enabled implements slog.Handler.
func (h *logCounter) Enabled(context.Context, slog.Level) bool { return true }

// Handle implements slog.Handler.
func (h *logCounter) Handle(ctx context.Context, r slog.Record) error {
	sig := ""
	if r.Message == "retrying request" {
		sig = "unattributed"
		if t, ok := ctx.Value(traceKey{}).(*trace); ok {
			if a := t.snapshot(); len(a) > 0 {
				sig = a[len(a)-1]
			}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts[r.Message]++
	if sig != "" {
		h.retries[sig]++
	}
	return nil
}

// WithAttrs implements slog.Handler.
func (h *logCounter) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup implements slog.Handler.
func (h *logCounter) WithGroup(string) slog.Handler { return h }

// snapshot returns copies of the counts by message and of the retries by
// signature.
func (h *logCounter) snapshot() (counts, retries map[string]int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.counts), maps.Clone(h.retries)
}
