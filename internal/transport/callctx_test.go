package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// stallOnce answers every request but the first, which it holds until the
// client gives up.
func stallOnce(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newTestDoer(timeout time.Duration) *Doer {
	d := New(&http.Client{}, Policy{MaxRetries: 2, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, timeout, nil)
	return d
}

func getCall(t *testing.T, d *Doer, ctx context.Context, url string) (*http.Response, error) {
	t.Helper()
	cc := d.Begin(ctx, Call{})
	defer cc.Release()
	req, err := http.NewRequestWithContext(cc, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.Do(req)
	if err == nil {
		_, err = ReadBody(resp.Body, 0)
	}
	return resp, err
}

type ctxKey struct{}

func TestAttemptTimeoutBoundsAContextThatIsNeverDone(t *testing.T) {
	srv, n := stallOnce(t)
	d := newTestDoer(50 * time.Millisecond)
	// context.WithValue never ends: the epoch path bounds the attempt.
	ctx := context.WithValue(context.Background(), ctxKey{}, "v")
	if _, err := getCall(t, d, ctx, srv.URL); err != nil {
		t.Fatalf("the call failed: %v", err)
	}
	if got := n.Load(); got != 2 {
		t.Fatalf("the server saw %d requests, want 2 (the stalled attempt timed out and was retried)", got)
	}
}

func TestAttemptTimeoutBoundsACancellableContext(t *testing.T) {
	srv, n := stallOnce(t)
	d := newTestDoer(50 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := getCall(t, d, ctx, srv.URL); err != nil {
		t.Fatalf("the call failed: %v", err)
	}
	if got := n.Load(); got != 2 {
		t.Fatalf("the server saw %d requests, want 2", got)
	}
}

func TestTheCallersDeadlineIsNotRetried(t *testing.T) {
	srv, n := stallOnce(t)
	d := newTestDoer(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := getCall(t, d, ctx, srv.URL)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if got := n.Load(); got != 1 {
		t.Fatalf("the server saw %d requests, want 1", got)
	}
}

func TestCallContextCarriesTheCallersValues(t *testing.T) {
	d := newTestDoer(time.Minute)
	for _, ctx := range []context.Context{
		context.WithValue(context.Background(), ctxKey{}, "v"),
		context.WithValue(context.WithoutCancel(context.Background()), ctxKey{}, "v"),
	} {
		cc := d.Begin(ctx, Call{Limit: 7})
		if got := cc.Value(ctxKey{}); got != "v" {
			t.Errorf("Value = %v, want v", got)
		}
		if c, ready := callOf(cc); c != cc || !ready || c.call.Limit != 7 {
			t.Errorf("callOf did not find the call")
		}
		cc.Release()
	}
}

func TestEpochDeadlineIsTheTimeoutPlusAtMostItsSlack(t *testing.T) {
	const timeout = time.Minute
	d := newTestDoer(timeout)
	for range 3 {
		before := time.Now()
		cc := d.Begin(context.Background(), Call{})
		after := time.Now()
		dl, ok := cc.Deadline()
		if !ok {
			t.Fatal("the first attempt has no deadline")
		}
		if dl.Before(before.Add(timeout)) || dl.After(after.Add(timeout+timeout/epochsPerTimeout)) {
			t.Fatalf("deadline %v after the call started, want between %v and %v",
				dl.Sub(before), timeout, timeout+timeout/epochsPerTimeout)
		}
		cc.Release()
		if cc.Err() != nil {
			t.Fatal("Release ended an epoch's context other calls share")
		}
	}
}

func TestOwnTimeoutIsReleased(t *testing.T) {
	d := newTestDoer(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cc := d.Begin(ctx, Call{})
	if _, ok := cc.Deadline(); !ok {
		t.Fatal("the first attempt has no deadline")
	}
	cc.Release()
	if !errors.Is(cc.Err(), context.Canceled) {
		t.Fatalf("after Release, Err = %v, want context.Canceled", cc.Err())
	}
	if ctx.Err() != nil {
		t.Fatal("Release cancelled the caller's context")
	}
}

func TestNoTimeoutWhenTheCallersDeadlineComesFirst(t *testing.T) {
	d := newTestDoer(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	want, _ := ctx.Deadline()
	cc := d.Begin(ctx, Call{})
	defer cc.Release()
	if got, _ := cc.Deadline(); !got.Equal(want) {
		t.Fatalf("deadline %v, want the caller's %v", got, want)
	}
	if cc.cancel != nil {
		t.Fatal("a timer was armed although the caller's deadline comes first")
	}
}

// Unbound hides the call, keeps the caller's values, deadline and
// cancellation, and costs nothing for a CallContext itself.
func TestUnboundHidesTheCallOnly(t *testing.T) {
	d := newTestDoer(time.Minute)
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	cc := d.Begin(parent, Call{Limit: 7})
	defer cc.Release()
	wrapped := context.WithValue(cc, otherKey{}, 1) // a context derived from the call's
	for name, ctx := range map[string]context.Context{"call": Unbound(cc), "derived": Unbound(wrapped)} {
		if c, _ := callOf(ctx); c != nil {
			t.Errorf("%s: the call is still visible", name)
		}
		if c, _ := callOf(context.WithoutCancel(ctx)); c != nil {
			t.Errorf("%s: the call is visible through WithoutCancel", name)
		}
		if ctx.Value(ctxKey{}) != "v" {
			t.Errorf("%s: lost the caller's value", name)
		}
		if _, ok := ctx.Deadline(); !ok {
			t.Errorf("%s: lost the attempt's deadline", name)
		}
	}
	if plain := context.Background(); Unbound(plain) != plain {
		t.Error("a context without a call is returned as is")
	}
	if n := testing.AllocsPerRun(100, func() { _ = Unbound(cc) }); n != 0 {
		t.Errorf("Unbound(CallContext) allocates %v times", n)
	}
	cancel()
	if Unbound(cc).Err() == nil {
		t.Error("the caller's cancellation does not reach the unbound context")
	}
}

type otherKey struct{}
