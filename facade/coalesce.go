package facade

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// The defaults of CoalescerOptions.
const (
	// DefaultCoalesceWindow is how long the first call of a batch waits
	// for others: 2 ms, a small part of a vault round trip (tens of
	// milliseconds across a network), which at a few thousand calls a
	// second already gathers several calls per request.
	DefaultCoalesceWindow = 2 * time.Millisecond
	// DefaultCoalesceMaxTokens is how many tokens (or values) one request
	// of a Coalescer carries at most: 25, the SDK's chunk size for bulk
	// calls (DefaultChunkSize) and the vault's page size, so one request
	// stays small and one slow token delays few callers.
	DefaultCoalesceMaxTokens = 25
)

// CoalescerOptions configures a Coalescer. The zero value takes the
// defaults.
type CoalescerOptions struct {
	// Window is how long the first call of a batch waits for other calls
	// to join it before the batch is sent (0: DefaultCoalesceWindow). A
	// batch that fills up is sent at once.
	Window time.Duration
	// MaxTokens is the most tokens (Detokenize) or values (Tokenize) one
	// request carries (0: DefaultCoalesceMaxTokens; at most
	// MaxChunkSize). A call with at least MaxTokens of them is sent on its
	// own, at once.
	MaxTokens int
}

// Coalescer merges concurrent Detokenize calls, and concurrent Tokenize
// calls, made through it within a short window into shared requests of up
// to MaxTokens tokens each: many goroutines detokenizing one token each
// (a service detokenizing per incoming request) then make a few requests
// instead of one each, which the vault's per-vault rate limit counts.
//
// For each caller, its methods behave as the Vault's: the same validation,
// results and errors, its tokens' results in its own order and indexes,
// the request id of the request that carried them. In particular:
//   - A caller's context ends only its own wait (the call returns a
//     *skyflow.TransportError matching the context's error); the shared
//     request goes on for the others, and is abandoned only once every
//     caller in it has gone: a batch every caller left before it was sent
//     is never sent, nor joined by later calls. The error's Sent says
//     whether the caller's tokens reach the vault.
//   - Detokenize batches are sent with continue-on-error, so a token the
//     vault refuses fails alone: a caller with ContinueOnError finds it in
//     its response's Errors (a *skyflow.RecordError); a caller without it
//     gets the error its own request gets from the vault, for which the
//     Coalescer sends that caller's request once more on its own.
//   - Tokenize has no continue-on-error: when the vault refuses a batch
//     (400 or 404: a value it does not hold, a group it does not know),
//     each caller of the batch sends its request again on its own, so a
//     caller gets an error only for its own values.
//   - A failure of the shared request as a whole (429, 5xx, a transport
//     error, an unusable answer) reaches every caller in it, once: the
//     request is retried by the client's retry policy, as any call.
//   - Tokens asking for download URLs and tokens that do not are never
//     mixed; redactions are per token, so one batch carries several, but
//     never one token under two redactions: detokenize answers are matched
//     to callers by token, and two answers for one token only by their
//     order. Tokenize answers carry nothing but the token: they are
//     matched to callers by their order, which the vault keeps.
//
// A Coalescer starts no goroutine of its own while idle: a batch is sent
// by its window's timer or by the call that fills it, on a goroutine that
// ends with its request. It is safe for concurrent use and needs no Close.
type Coalescer struct {
	v      *Vault
	window time.Duration
	max    int

	// detokenize batches, by DownloadURL; tokenize batches.
	detok [2]lane[DetokenizeToken, detokenizeRecord]
	tok   lane[TokenizeValue, string]
}

// Coalescer returns a Coalescer that sends its calls to this vault.
func (v *Vault) Coalescer(opts CoalescerOptions) (*Coalescer, error) {
	switch {
	case opts.Window < 0:
		return nil, errs.Invalid("Window", "must not be negative (0 for the default)")
	case opts.MaxTokens < 0 || opts.MaxTokens > MaxChunkSize:
		return nil, errs.Invalid("MaxTokens", "must be between 1 and %d (0 for the default)", MaxChunkSize)
	}
	if opts.Window == 0 {
		opts.Window = DefaultCoalesceWindow
	}
	if opts.MaxTokens == 0 {
		opts.MaxTokens = DefaultCoalesceMaxTokens
	}
	c := &Coalescer{v: v, window: opts.Window, max: opts.MaxTokens}
	for i := range c.detok {
		downloadURL := i == 1
		c.detok[i].send = func(ctx context.Context, tokens []DetokenizeToken) ([]detokenizeRecord, string, error) {
			return v.detokenize(ctx, tokens, true, downloadURL)
		}
		c.detok[i].clash = sameTokenOtherRedaction
	}
	c.tok.send = v.tokenize
	return c, nil
}

// Detokenize returns the values behind req's tokens, as Vault.Detokenize
// does, sending them with the tokens of concurrent calls.
func (c *Coalescer) Detokenize(ctx context.Context, req DetokenizeRequest) (*DetokenizeResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	if len(req.Tokens) >= c.max {
		return c.v.Detokenize(ctx, req)
	}
	l := &c.detok[0]
	if req.DownloadURL {
		l = &c.detok[1]
	}
	records, rid, err := l.do(ctx, c, "Detokenize", req.Tokens)
	switch {
	case errors.Is(err, errAlone):
		return c.v.Detokenize(ctx, req)
	case err != nil:
		return nil, err
	}
	if !req.ContinueOnError {
		for i := range records {
			if records[i].Error != "" {
				// Without continue-on-error, the vault fails the caller's
				// own request: send it, for exactly that error.
				return c.v.Detokenize(ctx, req)
			}
		}
	}
	return detokenizeResponse(records, rid), nil
}

// Tokenize returns the tokens of req's values, as Vault.Tokenize does,
// sending them with the values of concurrent calls.
func (c *Coalescer) Tokenize(ctx context.Context, req TokenizeRequest) (*TokenizeResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	if len(req.Values) >= c.max {
		return c.v.Tokenize(ctx, req)
	}
	tokens, rid, err := c.tok.do(ctx, c, "Tokenize", req.Values)
	switch {
	case errors.Is(err, errAlone):
		return c.v.Tokenize(ctx, req)
	case err != nil:
		return nil, err
	}
	return &TokenizeResponse{Tokens: tokens, RequestID: rid}, nil
}

// errAlone tells a caller to send its request on its own: the vault
// refused its batch as a whole for what may be another caller's item.
var errAlone = errors.New("send alone")

// sameTokenOtherRedaction reports whether two tokens cannot go in one
// request for different callers: the same token with other redactions,
// whose answers carry nothing but their order to tell which is which (a
// server that reorders them would give one caller the value redacted as
// the other asked).
func sameTokenOtherRedaction(a, b DetokenizeToken) bool {
	if a.Token != b.Token {
		return false
	}
	ra, rb := a.Redaction, b.Redaction
	if ra == "" {
		ra = RedactionDefault
	}
	if rb == "" {
		rb = RedactionDefault
	}
	return ra != rb
}

// lane gathers the calls of one kind (and settings) into batches.
type lane[In, Out any] struct {
	// send makes one request for a batch's items and returns one result
	// per item, in order, and the request id.
	send func(ctx context.Context, items []In) ([]Out, string, error)
	// clash, when set, reports two items of different calls that must
	// not share a request.
	clash func(a, b In) bool

	mu  sync.Mutex
	cur *batch[In, Out] // the batch open to new calls (nil: none)
}

// batch is the items of several calls, sent as one request.
type batch[In, Out any] struct {
	items []In
	timer *time.Timer
	// callers is how many calls joined; waiting how many still wait.
	callers, waiting int
	// cancel abandons the request once it is in flight (nil before).
	cancel context.CancelFunc
	// done is closed once out, rid and err are set.
	done chan struct{}
	out  []Out
	rid  string
	err  error
}

// do adds items to the open batch (sending it when full, or opening one
// whose window starts now), waits for the batch's answer or for ctx, and
// returns the items' results. op names the call for errors. It returns
// errAlone when the caller must send its request on its own.
func (l *lane[In, Out]) do(ctx context.Context, c *Coalescer, op string, items []In) ([]Out, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", &skyflow.TransportError{Operation: op, Err: err}
	}
	b, start := l.join(c, items)
	select {
	case <-b.done:
	case <-ctx.Done():
		if left, sent := l.leave(b); left {
			return nil, "", &skyflow.TransportError{Operation: op, Sent: sent, Err: ctx.Err()}
		}
		<-b.done // answered meanwhile: ctx ended too late to matter
	}
	if b.err != nil {
		var ae *skyflow.APIError
		if b.callers > 1 && errors.As(b.err, &ae) && refusesAnItem(ae) {
			return nil, "", errAlone
		}
		return nil, "", b.err
	}
	return append([]Out(nil), b.out[start:start+len(items)]...), b.rid, nil
}

// refusesAnItem reports whether the vault refused a request as a whole
// for what may be one of its items (a token or value it does not hold or
// cannot read), rather than for the request itself.
func refusesAnItem(e *skyflow.APIError) bool {
	return (e.StatusCode == 400 || e.StatusCode == 404) && !errors.Is(e, skyflow.ErrUnexpectedResponse)
}

// join adds items to the open batch and returns it with the position of
// the first item.
func (l *lane[In, Out]) join(c *Coalescer, items []In) (*batch[In, Out], int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.cur; b != nil && (len(b.items)+len(items) > c.max || l.clashes(b.items, items)) {
		l.closeLocked(b)
		go l.run(b)
	}
	b := l.cur
	if b == nil {
		b = &batch[In, Out]{items: make([]In, 0, c.max), done: make(chan struct{})}
		b.timer = time.AfterFunc(c.window, func() { l.expire(b) })
		l.cur = b
	}
	start := len(b.items)
	b.items = append(b.items, items...)
	b.callers++
	b.waiting++
	if len(b.items) == c.max {
		l.closeLocked(b)
		go l.run(b)
	}
	return b, start
}

// clashes reports whether an item of a call clashes with one of a batch.
func (l *lane[In, Out]) clashes(batch, items []In) bool {
	if l.clash == nil {
		return false
	}
	for i := range items {
		for k := range batch {
			if l.clash(batch[k], items[i]) {
				return true
			}
		}
	}
	return false
}

// closeLocked closes b to new calls. l.mu is held.
func (l *lane[In, Out]) closeLocked(b *batch[In, Out]) {
	if l.cur == b {
		l.cur = nil
	}
	b.timer.Stop()
}

// expire sends b when its window ends, unless it was sent already.
func (l *lane[In, Out]) expire(b *batch[In, Out]) {
	l.mu.Lock()
	open := l.cur == b
	if open {
		l.closeLocked(b)
	}
	l.mu.Unlock()
	if open {
		l.run(b)
	}
}

// run sends b and hands its answer to its callers. The request runs under
// a context of its own, which no caller's context ends: it is cancelled
// only when every caller has gone (or never sent, if all went first).
func (l *lane[In, Out]) run(b *batch[In, Out]) {
	defer close(b.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l.mu.Lock()
	gone := b.waiting == 0
	b.cancel = cancel
	l.mu.Unlock()
	if gone {
		b.err = context.Canceled
		return
	}
	b.out, b.rid, b.err = l.send(ctx, b.items)
}

// leave records that a caller of b stopped waiting, and abandons b if it
// was the last: its request is cancelled when in flight, never sent when
// not, and an open batch is closed at once (its timer stopped), so that
// no later call joins it and sends the items of callers that have gone.
// left is false when b was answered first; sent says whether b's request,
// which carries the caller's items, has started or will start for the
// callers still waiting.
func (l *lane[In, Out]) leave(b *batch[In, Out]) (left, sent bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-b.done:
		return false, true
	default:
	}
	b.waiting--
	switch {
	case b.waiting > 0:
		return true, true
	case b.cancel != nil:
		b.cancel()
		return true, true
	case l.cur == b:
		l.closeLocked(b)
		b.err = context.Canceled
		close(b.done)
	}
	// A batch closed but not yet running: run finds nobody waiting.
	return true, false
}
