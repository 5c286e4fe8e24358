// Package transport holds the SDK's one HTTP layer below the generated
// clients: a Doer that retries transient failures with jittered exponential
// backoff, honours Retry-After, bounds each attempt with a timeout, and never
// retries a request that could write data twice.
package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/skyflowgo/skyflow/internal/errs"
)

// Policy configures retries. The zero value means no retries.
type Policy struct {
	// MaxRetries is the number of retries after the first attempt.
	MaxRetries int
	// InitialBackoff is the backoff before the first retry; it doubles on
	// each retry (full jitter is applied).
	InitialBackoff time.Duration
	// MaxBackoff caps one backoff, and caps how long a Retry-After header
	// can make the client wait.
	MaxBackoff time.Duration
	// RetryNonIdempotent allows retrying requests marked non-idempotent
	// after failures where the server may already have applied them
	// (connection reset, 502, 503, 504). Off by default: it can write a
	// record twice.
	RetryNonIdempotent bool
}

// DefaultPolicy is the policy a client uses unless told otherwise: two
// retries, backoff from 500 ms doubling with full jitter, capped at 8 s.
func DefaultPolicy() Policy {
	return Policy{MaxRetries: 2, InitialBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second}
}

type ctxKey int

const (
	nonIdempotentKey ctxKey = iota
	attemptHookKey
)

// NonIdempotent marks the requests made with ctx as writes that may not be
// repeated when the server could have applied them (an insert without
// upsert, an upload that creates a record). They are then retried only when
// the server certainly did not process them: the connection was never made,
// or the server answered 429 (rate limited before processing).
func NonIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, nonIdempotentKey, true)
}

func isNonIdempotent(ctx context.Context) bool {
	v, _ := ctx.Value(nonIdempotentKey).(bool)
	return v
}

// Doer implements the generated clients' HttpRequestDoer on top of an
// *http.Client. It is safe for concurrent use.
type Doer struct {
	client         *http.Client
	policy         Policy
	attemptTimeout time.Duration
	logger         func() *slog.Logger
	// sleep waits for d or until ctx is done; replaced in tests.
	sleep func(ctx context.Context, d time.Duration) error
}

// New builds a Doer. attemptTimeout bounds each attempt (0 = only the
// request's context bounds it). logger may return nil to disable logging.
func New(client *http.Client, policy Policy, attemptTimeout time.Duration, logger func() *slog.Logger) *Doer {
	if client == nil {
		client = &http.Client{}
	}
	return &Doer{client: client, policy: policy, attemptTimeout: attemptTimeout, logger: logger, sleep: sleepCtx}
}

// SetSleep replaces how the Doer waits between attempts (tests record the
// waits instead of sleeping). It must be called before the Doer is used.
func (d *Doer) SetSleep(sleep func(ctx context.Context, d time.Duration) error) { d.sleep = sleep }

// Client returns the underlying *http.Client.
func (d *Doer) Client() *http.Client { return d.client }

func sleepCtx(ctx context.Context, dur time.Duration) error {
	if dur <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Do sends req, retrying as the policy allows. The request's context bounds
// the whole call, retries and backoffs included.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	nonIdem := isNonIdempotent(ctx)
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		resp, err := d.attempt(req)
		if attempt >= d.policy.MaxRetries || ctx.Err() != nil {
			return resp, err
		}
		wait, retry := d.shouldRetry(req, resp, err, nonIdem)
		if !retry {
			return resp, err
		}
		backoff := d.backoff(attempt)
		if wait > backoff {
			backoff = wait
		}
		if d.policy.MaxBackoff > 0 && backoff > d.policy.MaxBackoff {
			backoff = d.policy.MaxBackoff
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
			// Drain a little so the connection can be reused, then close.
			_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
			_ = resp.Body.Close()
		}
		if l := d.log(); l != nil {
			l.LogAttrs(ctx, slog.LevelWarn, "retrying request",
				slog.String("method", req.Method),
				slog.Int("attempt", attempt+1),
				slog.Int("status", status),
				slog.Bool("transport_error", err != nil),
				slog.Duration("backoff", backoff))
		}
		if serr := d.sleep(ctx, backoff); serr != nil {
			if err != nil {
				return nil, err
			}
			return nil, serr
		}
	}
}

func (d *Doer) log() *slog.Logger {
	if d.logger == nil {
		return nil
	}
	return d.logger()
}

// maxBuffered is how much of a response body an attempt reads before
// returning: bodies up to this size are read whole, so a connection that
// breaks mid-body is a failed attempt (and can be retried) rather than a
// truncated response. Larger bodies stream after their first maxBuffered
// bytes.
const maxBuffered = 8 << 20

// attempt sends one try, bounded by the per-attempt timeout (which also
// covers reading the buffered part of the body; the timeout's context stays
// alive until the response body is closed).
func (d *Doer) attempt(req *http.Request) (*http.Response, error) {
	if d.attemptTimeout <= 0 {
		resp, err := d.client.Do(req)
		if err != nil {
			return nil, err
		}
		return resp, buffer(resp, nil)
	}
	ctx, cancel := context.WithTimeout(req.Context(), d.attemptTimeout)
	resp, err := d.client.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	if err := buffer(resp, cancel); err != nil {
		cancel()
		return nil, err
	}
	return resp, nil
}

// buffer reads up to maxBuffered bytes of the body. A body that ends within
// them is replaced by a *bufferedBody holding it whole (read into one slice
// sized from Content-Length when known); a longer one streams after its
// first maxBuffered bytes. On a read error the body is closed and the error
// returned. cancel, when not nil, is called when the new body is closed.
func buffer(resp *http.Response, cancel context.CancelFunc) error {
	if resp.Body == nil || resp.Body == http.NoBody || resp.ContentLength == 0 {
		if cancel != nil && resp.Body != nil {
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		}
		return nil
	}
	size := 512
	if resp.ContentLength > 0 {
		size = int(min(resp.ContentLength, maxBuffered)) + 1 // +1 reads the EOF in one go
	}
	data, complete, err := readUpTo(resp.Body, size, maxBuffered)
	if err != nil {
		_ = resp.Body.Close()
		return &BodyError{Err: err}
	}
	if complete {
		_ = resp.Body.Close()
		resp.Body = &bufferedBody{data: data, cancel: cancel}
		return nil
	}
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(data), resp.Body), resp.Body}
	if cancel != nil {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	}
	return nil
}

// readUpTo reads r until EOF or until limit bytes are read, into a slice
// of initial capacity size. complete reports that EOF was reached.
func readUpTo(r io.Reader, size, limit int) (data []byte, complete bool, err error) {
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(cap(buf), limit-len(buf)))
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, true, nil
		case err != nil:
			return nil, false, err
		case len(buf) >= limit:
			return buf, false, nil
		}
	}
}

// bufferedBody is a response body read whole by the Doer.
type bufferedBody struct {
	data   []byte
	off    int
	cancel context.CancelFunc
}

func (b *bufferedBody) Read(p []byte) (int, error) {
	if b.off >= len(b.data) {
		return 0, io.EOF
	}
	n := copy(p, b.data[b.off:])
	b.off += n
	return n, nil
}

func (b *bufferedBody) WriteTo(w io.Writer) (int64, error) {
	if b.off >= len(b.data) {
		return 0, nil
	}
	n, err := w.Write(b.data[b.off:])
	b.off += n
	return int64(n), err
}

func (b *bufferedBody) Close() error {
	if b.cancel != nil {
		b.cancel()
	}
	return nil
}

// Bytes returns the unread rest of a response body that the Doer read
// whole, without copying it, and marks it read; ok is false for any other
// body (read it as usual). The bytes belong to the caller.
func Bytes(body io.Reader) (data []byte, ok bool) {
	b, ok := body.(*bufferedBody)
	if !ok {
		return nil, false
	}
	data = b.data[b.off:]
	b.off = len(b.data)
	return data, true
}

// BodyError reports a response whose body could not be read (the
// connection broke mid-response).
type BodyError struct{ Err error }

// Error implements error.
func (e *BodyError) Error() string { return "reading response body: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *BodyError) Unwrap() error { return e.Err }

type readCloser struct {
	io.Reader
	io.Closer
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// shouldRetry decides whether to retry and how long the server asked to
// wait.
func (d *Doer) shouldRetry(req *http.Request, resp *http.Response, err error, nonIdem bool) (time.Duration, bool) {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return 0, false // the body cannot be replayed
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			// A per-attempt timeout (the caller's ctx is still alive) is a
			// transient failure, but the server may have applied the write.
			if req.Context().Err() != nil {
				return 0, false
			}
			return 0, !nonIdem || d.policy.RetryNonIdempotent
		}
		if notSent(err) {
			return 0, true
		}
		return 0, !nonIdem || d.policy.RetryNonIdempotent
	}
	if !errs.RetryableStatus(resp.StatusCode) {
		return 0, false
	}
	wait := retryAfter(resp.Header.Get("Retry-After"))
	if resp.StatusCode == http.StatusTooManyRequests {
		return wait, true // rejected before processing
	}
	return wait, !nonIdem || d.policy.RetryNonIdempotent
}

// notSent reports errors that prove the request never reached the server:
// the connection could not be made.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// backoff is the full-jitter exponential backoff before retry attempt+1.
func (d *Doer) backoff(attempt int) time.Duration {
	base := d.policy.InitialBackoff
	if base <= 0 {
		return 0
	}
	ceiling := base << uint(min(attempt, 20))
	if d.policy.MaxBackoff > 0 && ceiling > d.policy.MaxBackoff {
		ceiling = d.policy.MaxBackoff
	}
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}
