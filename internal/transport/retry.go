// Package transport holds the SDK's one HTTP layer below the generated
// clients: a Doer that retries transient failures with jittered exponential
// backoff, honours Retry-After, bounds each attempt with a timeout, never
// retries a request that could write data twice, and reads answers within
// the attempt up to the call's size limit.
package transport

import (
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

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// Policy configures retries. Zero durations take the defaults of
// DefaultPolicy; MaxRetries 0 means no retries.
type Policy struct {
	// MaxRetries is the number of retries after the first attempt.
	MaxRetries int
	// InitialBackoff is the backoff ceiling before the first retry; it
	// doubles on each retry (full jitter is applied). 0 means 500 ms.
	InitialBackoff time.Duration
	// MaxBackoff caps one backoff. A Retry-After asking for longer is not
	// waited for: the answer is returned at once. 0 means 8 s.
	MaxBackoff time.Duration
	// RetryNonIdempotent allows retrying requests marked non-idempotent
	// after failures where the server may already have applied them
	// (connection reset, 502, 503, 504). Off by default: it can write a
	// record twice.
	RetryNonIdempotent bool
}

// The defaults of Policy's zero durations.
const (
	DefaultInitialBackoff = 500 * time.Millisecond
	DefaultMaxBackoff     = 8 * time.Second
)

// DefaultPolicy is the policy a client uses unless told otherwise: two
// retries, backoff from 500 ms doubling with full jitter, capped at 8 s.
func DefaultPolicy() Policy {
	return Policy{MaxRetries: 2, InitialBackoff: DefaultInitialBackoff, MaxBackoff: DefaultMaxBackoff}
}

// withDefaults fills the zero durations.
func (p Policy) withDefaults() Policy {
	if p.InitialBackoff <= 0 {
		p.InitialBackoff = DefaultInitialBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	return p
}

// Call describes the call a request belongs to.
type Call struct {
	// NonIdempotent marks a write that may not be repeated when the server
	// could have applied it (an insert without upsert, an upload that
	// creates a record, a POST through a connection). It is then retried
	// only when the server certainly did not process it: the connection
	// was never made, or the server answered 429.
	NonIdempotent bool
	// Limit caps the answer's body in bytes (0: no cap). The Doer reads at
	// most Limit+1 bytes of it within the attempt; ReadBody enforces it.
	Limit int64
	// Timeout bounds each attempt, reading the answer included (0: the
	// Doer's default; negative: no bound but the request's context).
	Timeout time.Duration
	// Edit, when not nil, is applied again to the request before every
	// retry: the facade's request editor, which sets the credential
	// header, so a retry carries the token current when it is sent, not
	// one that expired or was replaced during the backoff. When it fails
	// (no token can be had), the previous attempt's answer is returned.
	Edit func(ctx context.Context, req *http.Request) error
}

// Doer implements the generated clients' HttpRequestDoer on top of an
// *http.Client. It is safe for concurrent use.
type Doer struct {
	client         *http.Client
	policy         Policy
	attemptTimeout time.Duration
	// epochs bounds the attempts of calls whose context is never done
	// (see epochs.bound).
	epochs epochs
	logger func() *slog.Logger
	// sleep waits for d or until ctx is done (tests replace it).
	sleep func(ctx context.Context, d time.Duration) error
}

// New builds a Doer. attemptTimeout bounds each attempt (0 = only the
// request's context bounds it). logger may return nil to disable logging.
func New(client *http.Client, policy Policy, attemptTimeout time.Duration, logger func() *slog.Logger) *Doer {
	if client == nil {
		client = &http.Client{}
	}
	return &Doer{client: client, policy: policy.withDefaults(), attemptTimeout: attemptTimeout, logger: logger, sleep: sleepCtx}
}

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
// the whole call, retries and backoffs included. When the context ends
// during a backoff, the previous attempt's answer (or error) is returned.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var call Call
	cc, ready := callOf(ctx)
	if cc != nil {
		call, ctx = cc.call, cc.parent
	}
	if err := ctx.Err(); err != nil {
		// The call ended before its first attempt (for example while its
		// token was fetched): nothing is sent, and the error says so.
		return nil, &notStartedError{cause: err}
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		var (
			resp *http.Response
			err  error
		)
		if attempt == 0 && ready {
			// The request was built with its first attempt's context,
			// whose timeout the caller releases; the body read within the
			// attempt is kept in it.
			resp, err = d.send(req, call.Limit, nil, &cc.body)
		} else {
			// A retry of such a request runs under the call's context
			// again, not under the first attempt's.
			resp, err = d.attempt(ctx, req, call, ready)
		}
		if attempt >= d.policy.MaxRetries || ctx.Err() != nil {
			return resp, err
		}
		backoff, retry := d.shouldRetry(ctx, req, resp, err, call.NonIdempotent, attempt)
		if !retry {
			return resp, err
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		if l := d.log(); l != nil {
			l.LogAttrs(ctx, slog.LevelWarn, "retrying request",
				slog.String("method", req.Method),
				slog.Int("attempt", attempt+1),
				slog.Int("status", status),
				slog.Bool("transport_error", err != nil),
				slog.Duration("backoff", backoff))
		}
		if cc != nil && maybeApplied(resp, err) {
			cc.maybeApplied = true
		}
		if serr := d.sleep(ctx, backoff); serr != nil {
			return resp, err
		}
		if call.Edit != nil {
			// The attempt that failed may still hold the header map (an
			// HTTP/2 stream being torn down): the retry edits its own.
			req.Header = req.Header.Clone()
			if eerr := call.Edit(ctx, req); eerr != nil {
				if l := d.log(); l != nil {
					l.LogAttrs(ctx, slog.LevelWarn, "retry abandoned: the request could not be prepared again",
						slog.String("method", req.Method), slog.Int("attempt", attempt+1))
				}
				return resp, err
			}
		}
		if resp != nil {
			discard(resp)
		}
	}
}

func discard(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	_ = resp.Body.Close()
}

func (d *Doer) log() *slog.Logger {
	if d.logger == nil {
		return nil
	}
	return d.logger()
}

// maxBuffered is how much of a response body an attempt reads before
// returning: bodies up to this size (or the call's limit) are read whole,
// so a connection that breaks mid-body is a failed attempt (and can be
// retried) rather than a truncated answer. Larger bodies stream after their
// first maxBuffered bytes.
const maxBuffered = 8 << 20

// maybeApplied reports whether a failed attempt may have been applied by
// the server: it was sent and no answer says it was not.
func maybeApplied(resp *http.Response, err error) bool {
	if err != nil {
		return !NotSent(err)
	}
	return resp.StatusCode >= 500
}

// attempt sends one try under ctx (the call's context), bounded by the
// per-attempt timeout (which also covers reading the answer: the timeout's
// context stays alive until the response body is closed).
// rebind says req does not run under ctx itself.
func (d *Doer) attempt(ctx context.Context, req *http.Request, call Call, rebind bool) (*http.Response, error) {
	timeout := d.timeoutFor(ctx, call)
	if timeout <= 0 {
		if rebind {
			req = req.WithContext(ctx)
		}
		return d.send(req, call.Limit, nil, nil)
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	resp, err := d.send(req.WithContext(actx), call.Limit, cancel, nil)
	if err != nil {
		cancel()
	}
	return resp, err
}

// send sends req once and reads its answer within the attempt (see
// buffer). cancel, when not nil, is called when the body is closed; into,
// when not nil, holds a body read whole.
func (d *Doer) send(req *http.Request, limit int64, cancel context.CancelFunc, into *bufferedBody) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	if err := buffer(resp, limit, cancel, into); err != nil {
		return nil, err
	}
	return resp, nil
}

// buffer reads up to maxBuffered bytes of the body (limit+1 when the call
// has a smaller limit). A body that ends within them is replaced by a
// *bufferedBody holding it whole (read into one slice sized from
// Content-Length when known); a longer one streams after the bytes read. On
// a read error the body is closed and a *BodyError returned. cancel, when
// not nil, is called when the new body is closed. into, when not nil, is
// the bufferedBody to use (it saves an allocation).
func buffer(resp *http.Response, limit int64, cancel context.CancelFunc, into *bufferedBody) error {
	if resp.Body == nil || resp.Body == http.NoBody || resp.ContentLength == 0 {
		if cancel != nil && resp.Body != nil {
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		}
		return nil
	}
	most := int64(maxBuffered)
	if limit > 0 && limit+1 < most {
		most = limit + 1
	}
	size := int64(512)
	if resp.ContentLength > 0 {
		size = min(resp.ContentLength+1, most) // +1 reads the EOF in one go
	}
	data, complete, err := readUpTo(resp.Body, int(size), int(most))
	if err != nil {
		_ = resp.Body.Close()
		return &BodyError{Err: err}
	}
	if complete {
		_ = resp.Body.Close()
		if into == nil {
			into = new(bufferedBody)
		}
		*into = bufferedBody{data: data, cancel: cancel}
		resp.Body = into
		return nil
	}
	resp.Body = &partialBody{head: data, rest: resp.Body, cancel: cancel}
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

func (b *bufferedBody) Close() error {
	if b.cancel != nil {
		b.cancel()
	}
	return nil
}

// partialBody is a response body whose first bytes the Doer read.
type partialBody struct {
	head   []byte
	rest   io.ReadCloser
	cancel context.CancelFunc
}

func (b *partialBody) Read(p []byte) (int, error) {
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	}
	return b.rest.Read(p)
}

func (b *partialBody) Close() error {
	err := b.rest.Close()
	if b.cancel != nil {
		b.cancel()
	}
	return err
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

// ErrTooLarge is returned by ReadBody for an answer larger than its limit.
var ErrTooLarge = errors.New("answer exceeds the size limit")

// ReadBody reads and closes a response body, at most limit bytes (0: no
// limit). A longer body is an error wrapping ErrTooLarge, read no further. A
// body the Doer read whole is returned without a copy; a read failure is a
// *BodyError.
func ReadBody(body io.ReadCloser, limit int64) ([]byte, error) {
	defer body.Close()
	if b, ok := body.(*bufferedBody); ok {
		data := b.data[b.off:]
		b.off = len(b.data)
		if limit > 0 && int64(len(data)) > limit {
			return nil, tooLarge(limit)
		}
		return data, nil
	}
	r := io.Reader(body)
	if limit > 0 {
		r = io.LimitReader(body, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &BodyError{Err: err}
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, tooLarge(limit)
	}
	return data, nil
}

// SizeError reports an answer larger than the call's limit.
type SizeError struct {
	// Limit is the limit, in bytes.
	Limit int64
}

// Error implements error.
func (e *SizeError) Error() string {
	return "answer exceeds the size limit of " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// Is makes a SizeError match ErrTooLarge.
func (e *SizeError) Is(target error) bool { return target == ErrTooLarge }

func tooLarge(limit int64) error { return &SizeError{Limit: limit} }

// BodyError reports a response whose body could not be read (the
// connection broke mid-answer).
type BodyError struct{ Err error }

// Error implements error.
func (e *BodyError) Error() string { return "reading the answer: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *BodyError) Unwrap() error { return e.Err }

// shouldRetry decides whether to retry, and how long to wait first.
func (d *Doer) shouldRetry(ctx context.Context, req *http.Request, resp *http.Response, err error, nonIdem bool, attempt int) (time.Duration, bool) {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return 0, false // the body cannot be replayed
	}
	backoff := d.backoff(attempt)
	if err != nil {
		var re *RedirectError
		if errors.As(err, &re) {
			return 0, false // the same request meets the same redirect
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			// A per-attempt timeout (the caller's ctx is still alive) is a
			// transient failure, but the server may have applied the write.
			if ctx.Err() != nil {
				return 0, false
			}
			return backoff, !nonIdem || d.policy.RetryNonIdempotent
		}
		if NotSent(err) {
			return backoff, true
		}
		return backoff, !nonIdem || d.policy.RetryNonIdempotent
	}
	if !skyflow.RetryableStatus(resp.StatusCode) {
		return 0, false
	}
	if wait, ok := errs.RetryAfter(resp.Header); ok {
		if wait > d.policy.MaxBackoff {
			// The server asks for longer than the client may wait: the
			// answer goes back to the caller, who sees the delay.
			return 0, false
		}
		backoff = max(backoff, wait)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return backoff, true // rejected before processing
	}
	return backoff, !nonIdem || d.policy.RetryNonIdempotent
}

// NotSent reports errors that prove the request never reached the server:
// the connection could not be made, or the call had ended before its first
// attempt.
func NotSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, skyflow.ErrNotSent)
}

// notStartedError is the error of a call whose context had ended before
// its first attempt: it matches skyflow.ErrNotSent and the context's error.
type notStartedError struct{ cause error }

func (e *notStartedError) Error() string   { return "not sent: " + e.cause.Error() }
func (e *notStartedError) Unwrap() []error { return []error{skyflow.ErrNotSent, e.cause} }

// backoff is the full-jitter exponential backoff before retry attempt+1.
func (d *Doer) backoff(attempt int) time.Duration {
	ceiling := d.policy.InitialBackoff << uint(min(attempt, 20))
	if ceiling <= 0 || ceiling > d.policy.MaxBackoff {
		ceiling = d.policy.MaxBackoff
	}
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

// AttemptTimeout returns the Doer's default per-attempt timeout.
func (d *Doer) AttemptTimeout() time.Duration { return d.attemptTimeout }
