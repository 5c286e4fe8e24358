package transport

import (
	"context"
	"sync/atomic"
	"time"
)

type callKey struct{}

// CallContext is the context a call's request is built with (see Begin):
// the caller's context, carrying the call's description, bounded by the
// first attempt's timeout. It is one allocation, which also holds the
// answer the first attempt reads: the call's description rides in it
// instead of in a context.WithValue and its boxed value.
type CallContext struct {
	// Context is what the first attempt runs under: its deadline,
	// cancellation and (but in epoch mode) values.
	context.Context
	// values, in epoch mode, is the caller's context: Context is then an
	// epoch's context (see epochs), which brings the deadline and
	// cancellation, and values brings every value.
	values context.Context
	parent context.Context
	call   Call
	// cancel releases the first attempt's own timeout (nil: none armed).
	cancel context.CancelFunc
	// body holds the first attempt's answer when read whole.
	body bufferedBody
	// maybeApplied is set by the Doer (see MaybeApplied).
	maybeApplied bool
	// unbound is the context without the call (see Unbound).
	unbound unbound
}

// MaybeApplied reports whether an attempt of the call that may have
// reached the server failed without a usable answer (its connection broke
// after sending, it timed out, or a gateway answered 5xx) and the call went
// on to another attempt: the server may have applied the request even when
// the last attempt was refused. Read it once the Doer has returned.
func (c *CallContext) MaybeApplied() bool { return c.maybeApplied }

// Value returns the CallContext itself for the Doer's key and delegates
// every other key.
func (c *CallContext) Value(key any) any {
	if key == (callKey{}) {
		return c
	}
	if c.values != nil {
		// The epoch's context holds only the context package's own keys.
		if v := c.Context.Value(key); v != nil {
			return v
		}
		return c.values.Value(key)
	}
	return c.Context.Value(key)
}

// Release stops the first attempt's timer. Call it once the answer is read
// (or the call failed); it may be called more than once.
func (c *CallContext) Release() {
	if c.cancel != nil {
		c.cancel()
	}
}

// Begin starts a call made through d: the returned context carries c and
// is bounded by the first attempt's timeout (from c.Timeout, or d's
// default), so the request built with it needs no copy for its first
// attempt; the Doer arms a new timeout for every retry. The caller must
// call Release once the answer is read.
func (d *Doer) Begin(ctx context.Context, c Call) *CallContext {
	cc := &CallContext{Context: ctx, parent: ctx, call: c}
	cc.unbound.Context = cc
	timeout := d.timeoutFor(ctx, c)
	switch {
	case timeout <= 0:
	case timeout == d.attemptTimeout && ctx.Done() == nil:
		// A context that is never done, and the default timeout: an
		// epoch's context bounds the attempt, at no cost per call.
		cc.Context, cc.values = d.epochs.bound(timeout), ctx
	default:
		cc.Context, cc.cancel = context.WithTimeout(ctx, timeout)
	}
	return cc
}

// Unbound returns ctx without the call it belongs to: work done for a
// call but not part of it (fetching the call's token, which may exchange
// one with a request of its own) then runs as its own request, under ctx's
// deadline, cancellation and other values, with the Doer's default policy.
// Under the call's description, such a request would take the call's
// retry rules, size limit and editor; the editor fetches the token again,
// and a retry of the exchange would wait for the exchange itself.
func Unbound(ctx context.Context) context.Context {
	cc, ready := callOf(ctx)
	switch {
	case cc == nil:
		return ctx
	case ready:
		// The CallContext itself: its own unbound view, set by Begin (no
		// allocation, never written again).
		return &cc.unbound
	}
	return &unbound{ctx}
}

// unbound hides the call description of its context.
type unbound struct{ context.Context }

func (u *unbound) Value(key any) any {
	if key == (callKey{}) {
		return nil
	}
	return u.Context.Value(key)
}

// callOf returns the call a request belongs to (nil: none described) and
// reports whether the request was built with its CallContext, whose
// first attempt's timeout is armed already.
func callOf(ctx context.Context) (cc *CallContext, ready bool) {
	if c, ok := ctx.(*CallContext); ok {
		return c, true
	}
	c, _ := ctx.Value(callKey{}).(*CallContext)
	return c, false
}

// timeoutFor is the timeout of one attempt of call c under ctx: c's own,
// else the Doer's default; 0 when none is needed, because none is set or
// because ctx's own deadline comes first.
func (d *Doer) timeoutFor(ctx context.Context, c Call) time.Duration {
	timeout := c.Timeout
	if timeout == 0 {
		timeout = d.attemptTimeout
	}
	if timeout <= 0 {
		return 0
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= timeout {
		return 0 // the caller's deadline bounds the attempt already
	}
	return timeout
}

// epochs bounds attempts whose context is never done (the caller passed
// context.Background or another context without cancellation) for the
// price of one timer per epoch instead of one per attempt.
//
// An epoch is a context that expires timeout+timeout/epochsPerTimeout
// after it starts; the attempts that start within the first
// timeout/epochsPerTimeout of it share it. So each attempt is bounded by
// at least its timeout and at most 1/epochsPerTimeout more (80 s becomes
// at most 81.25 s). An epoch's timer fires on its own; no goroutine waits
// for it. Every attempt still in flight when it fires fails like an
// attempt that timed out, and is retried as one.
type epochs struct {
	cur atomic.Pointer[epoch]
}

// epochsPerTimeout is how many epochs start within one timeout: the
// precision of an epoch-bounded attempt's timeout.
const epochsPerTimeout = 64

type epoch struct {
	ctx context.Context
	// stop is the epoch context's cancel function. It is never called:
	// the context may bound attempts until its deadline, and its timer
	// releases it then.
	stop    context.CancelFunc
	timeout time.Duration
	// until is when attempts stop joining this epoch.
	until time.Time
}

// bound returns the context of the current epoch for timeout, starting a
// new epoch when the current one is closed to new attempts.
func (e *epochs) bound(timeout time.Duration) context.Context {
	now := time.Now()
	cur := e.cur.Load()
	if cur != nil && cur.timeout == timeout && now.Before(cur.until) {
		return cur.ctx
	}
	slack := timeout / epochsPerTimeout
	ctx, stop := context.WithTimeout(context.Background(), timeout+slack)
	// When another attempt started an epoch meanwhile, this one bounds
	// this attempt alone and expires on its own.
	e.cur.CompareAndSwap(cur, &epoch{ctx: ctx, stop: stop, timeout: timeout, until: now.Add(slack)})
	return ctx
}
