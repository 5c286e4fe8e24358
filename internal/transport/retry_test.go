package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// script answers each request with the next step, repeating the last one,
// and records the bodies it received.
type script struct {
	mu     sync.Mutex
	steps  []func(w http.ResponseWriter, r *http.Request)
	bodies []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	step := s.steps[min(len(s.bodies), len(s.steps))-1]
	s.mu.Unlock()
	step(w, r)
}

func (s *script) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

// status answers code with a small JSON body and the given header pairs.
func status(code int, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"status":`+strconv.Itoa(code)+`}`)
	}
}

// fixture is a scripted server and a Doer whose waits are recorded
// instead of slept.
type fixture struct {
	srv   *httptest.Server
	steps *script
	doer  *Doer
	waits []time.Duration
}

func newFixture(t *testing.T, p Policy, steps ...func(http.ResponseWriter, *http.Request)) *fixture {
	t.Helper()
	f := &fixture{steps: &script{steps: steps}}
	f.srv = httptest.NewServer(f.steps)
	t.Cleanup(f.srv.Close)
	f.doer = New(f.srv.Client(), p, 0, nil)
	f.doer.sleep = func(ctx context.Context, d time.Duration) error {
		f.waits = append(f.waits, d)
		return ctx.Err()
	}
	return f
}

func (f *fixture) post(t *testing.T, ctx context.Context, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.srv.URL+"/x", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return f.doer.Do(req)
}

var policy = Policy{MaxRetries: 3, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second}

func TestRetries503ResendingTheBody(t *testing.T) {
	f := newFixture(t, policy, status(503), status(503), status(200))
	resp, err := f.post(t, context.Background(), `{"a":1}`)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	if want := []string{`{"a":1}`, `{"a":1}`, `{"a":1}`}; !slices.Equal(f.steps.bodies, want) {
		t.Fatalf("bodies %q, want %q", f.steps.bodies, want)
	}
	if len(f.waits) != 2 {
		t.Fatalf("waits %v, want two", f.waits)
	}
	// Full jitter: each wait is in (0, ceiling], the ceiling doubling.
	if f.waits[0] <= 0 || f.waits[0] > 100*time.Millisecond || f.waits[1] <= 0 || f.waits[1] > 200*time.Millisecond {
		t.Fatalf("waits %v, want within 100 ms then 200 ms", f.waits)
	}
}

func TestHonoursRetryAfterWithinTheCap(t *testing.T) {
	f := newFixture(t, policy, status(429, "Retry-After", "2"), status(503, "Retry-After", "3"), status(200))
	resp, err := f.post(t, context.Background(), `{}`)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	// The jittered backoff (at most 100 ms, then 200 ms) is shorter than
	// the server's delay, so the server's delay is waited exactly.
	if want := []time.Duration{2 * time.Second, 3 * time.Second}; !slices.Equal(f.waits, want) {
		t.Fatalf("waits %v, want %v", f.waits, want)
	}
}

func TestHonoursRetryAfterAsAnHTTPDate(t *testing.T) {
	at := time.Now().Add(4 * time.Second).UTC().Format(http.TimeFormat)
	f := newFixture(t, policy, status(503, "Retry-After", at), status(200))
	resp, err := f.post(t, context.Background(), `{}`)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	// The date has a one-second resolution: the wait is 3 to 4 seconds.
	if len(f.waits) != 1 || f.waits[0] < 2*time.Second || f.waits[0] > 4*time.Second {
		t.Fatalf("waits %v, want about 4 s", f.waits)
	}
}

func TestRetryAfterAboveTheCapFailsAtOnce(t *testing.T) {
	f := newFixture(t, policy, status(429, "Retry-After", "60"), status(200))
	resp, err := f.post(t, context.Background(), `{}`)
	if err != nil || resp.StatusCode != 429 {
		t.Fatalf("got %v, %v; want the 429 itself", resp, err)
	}
	if resp.Header.Get("Retry-After") != "60" {
		t.Fatal("the answer keeps the server's delay for the caller")
	}
	if f.steps.calls() != 1 || len(f.waits) != 0 {
		t.Fatalf("%d calls, waits %v: want no retry and no wait", f.steps.calls(), f.waits)
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	f := newFixture(t, policy, status(502))
	resp, err := f.post(t, context.Background(), `{}`)
	if err != nil || resp.StatusCode != 502 {
		t.Fatalf("got %v, %v", resp, err)
	}
	if f.steps.calls() != 4 || len(f.waits) != 3 {
		t.Fatalf("%d calls, %d waits; want 4 and 3", f.steps.calls(), len(f.waits))
	}
	body, err := ReadBody(resp.Body, 0)
	if err != nil || string(body) != `{"status":502}` {
		t.Fatalf("the last answer is readable: %q, %v", body, err)
	}
}

func TestDoesNotRetryOtherStatuses(t *testing.T) {
	for _, code := range []int{400, 401, 404, 409, 500} {
		f := newFixture(t, policy, status(code), status(200))
		resp, err := f.post(t, context.Background(), `{}`)
		if err != nil || resp.StatusCode != code || f.steps.calls() != 1 {
			t.Errorf("%d: got %v, %v after %d calls", code, resp, err, f.steps.calls())
		}
	}
}

func TestNonIdempotentWrites(t *testing.T) {
	ctx := describe(t, New(nil, policy, 0, nil), Call{NonIdempotent: true})
	for _, code := range []int{502, 503, 504, 408} {
		f := newFixture(t, policy, status(code), status(200))
		resp, err := f.post(t, ctx, `{}`)
		if err != nil || resp.StatusCode != code || f.steps.calls() != 1 {
			t.Errorf("%d: a write the server may have applied is not retried; got %v, %v after %d calls", code, resp, err, f.steps.calls())
		}
	}

	f := newFixture(t, policy, status(429, "Retry-After", "0"), status(200))
	resp, err := f.post(t, ctx, `{}`)
	if err != nil || resp.StatusCode != 200 || f.steps.calls() != 2 {
		t.Fatalf("429 means not processed: got %v, %v after %d calls", resp, err, f.steps.calls())
	}

	allow := policy
	allow.RetryNonIdempotent = true
	f = newFixture(t, allow, status(503), status(200))
	resp, err = f.post(t, ctx, `{}`)
	if err != nil || resp.StatusCode != 200 || f.steps.calls() != 2 {
		t.Fatalf("RetryNonIdempotent: got %v, %v after %d calls", resp, err, f.steps.calls())
	}
}

func TestRetriesARefusedConnectionEvenForWrites(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()

	var waits []time.Duration
	d := New(nil, policy, 0, nil)
	d.sleep = func(ctx context.Context, dur time.Duration) error { waits = append(waits, dur); return nil }
	ctx := describe(t, d, Call{NonIdempotent: true})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/x", strings.NewReader("{}"))
	_, err = d.Do(req)
	if err == nil || !NotSent(err) {
		t.Fatalf("got %v, want a refused connection", err)
	}
	if len(waits) != 3 {
		t.Fatalf("waits %v: every refused attempt is retried", waits)
	}
}

func TestDoesNotRetryABodyItCannotReplay(t *testing.T) {
	f := newFixture(t, policy, status(503), status(200))
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/x", io.MultiReader(strings.NewReader("{}")))
	resp, err := f.doer.Do(req)
	if err != nil || resp.StatusCode != 503 || f.steps.calls() != 1 {
		t.Fatalf("got %v, %v after %d calls", resp, err, f.steps.calls())
	}
}

func TestGetBodyFailureEndsTheCall(t *testing.T) {
	f := newFixture(t, policy, status(503), status(200))
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/x", strings.NewReader("{}"))
	boom := errors.New("cannot reopen")
	req.GetBody = func() (io.ReadCloser, error) { return nil, boom }
	_, err := f.doer.Do(req)
	if !errors.Is(err, boom) || f.steps.calls() != 1 {
		t.Fatalf("got %v after %d calls", err, f.steps.calls())
	}
}

func TestContextEndingDuringABackoffReturnsTheLastAnswer(t *testing.T) {
	f := newFixture(t, policy, status(503), status(200))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.doer.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}
	resp, err := f.post(t, ctx, `{}`)
	if err != nil || resp.StatusCode != 503 || f.steps.calls() != 1 {
		t.Fatalf("got %v, %v after %d calls; want the 503 and no second attempt", resp, err, f.steps.calls())
	}
}

func TestNoRetryOnceTheContextEnded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := newFixture(t, policy, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		status(503)(w, r)
	})
	resp, err := f.post(t, ctx, `{}`)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if f.steps.calls() != 1 || len(f.waits) != 0 {
		t.Fatalf("%d calls, waits %v (err %v): a call whose context ended is not retried", f.steps.calls(), f.waits, err)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"ok":true}`) }

	f := newFixture(t, Policy{MaxRetries: 1}, hang, ok)
	f.doer.attemptTimeout = 50 * time.Millisecond
	resp, err := f.post(t, context.Background(), `{}`)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != `{"ok":true}` {
		t.Fatalf("the retried answer stays readable after its attempt: %q, %v", body, err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if len(f.waits) != 1 {
		t.Fatalf("waits %v: a timed-out read is retried", f.waits)
	}

	// A timed-out write may have been applied: it is not retried.
	f = newFixture(t, Policy{MaxRetries: 1}, hang, ok)
	f.doer.attemptTimeout = 50 * time.Millisecond
	_, err = f.post(t, describe(t, f.doer, Call{NonIdempotent: true}), `{}`)
	if !errors.Is(err, context.DeadlineExceeded) || f.steps.calls() != 1 {
		t.Fatalf("got %v after %d calls", err, f.steps.calls())
	}
}

func TestLogsEachRetry(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	f := newFixture(t, policy, status(503), status(200))
	f.doer.logger = func() *slog.Logger { return logger }
	if _, err := f.post(t, context.Background(), `{}`); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"retrying request", "method=POST", "attempt=1", "status=503", "transport_error=false", "backoff="} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q lacks %q", out, want)
		}
	}
	f.doer.logger = func() *slog.Logger { return nil }
	if f.doer.log() != nil {
		t.Error("a logger func returning nil disables logging")
	}
}

func TestPolicyDefaults(t *testing.T) {
	d := New(nil, Policy{MaxRetries: 1}, 0, nil)
	if d.policy.InitialBackoff != DefaultInitialBackoff || d.policy.MaxBackoff != DefaultMaxBackoff {
		t.Fatalf("zero durations take the defaults: %+v", d.policy)
	}
	if d.client == nil {
		t.Fatal("a nil client is replaced")
	}
	if p := DefaultPolicy(); p.MaxRetries != 2 || p.InitialBackoff != 500*time.Millisecond || p.MaxBackoff != 8*time.Second {
		t.Fatalf("DefaultPolicy() = %+v", p)
	}
}

func TestBackoffIsJitteredAndCapped(t *testing.T) {
	d := New(nil, Policy{InitialBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}, 0, nil)
	for attempt, ceiling := range []time.Duration{10, 20, 40, 50, 50} {
		ceiling *= time.Millisecond
		for range 50 {
			if b := d.backoff(attempt); b <= 0 || b > ceiling {
				t.Fatalf("attempt %d: backoff %v outside (0, %v]", attempt, b, ceiling)
			}
		}
	}
	if b := d.backoff(1000); b <= 0 || b > 50*time.Millisecond {
		t.Fatalf("a huge attempt number stays capped: %v", b)
	}
}

func TestNotSent(t *testing.T) {
	dial := &net.OpError{Op: "dial", Err: errors.New("no route")}
	if !NotSent(dial) || !NotSent(syscall.ECONNREFUSED) {
		t.Error("a failed dial proves nothing was sent")
	}
	if NotSent(&net.OpError{Op: "read", Err: errors.New("reset")}) || NotSent(io.ErrUnexpectedEOF) {
		t.Error("a failure after connecting proves nothing")
	}
}

func TestSleepCtx(t *testing.T) {
	if err := sleepCtx(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if err := sleepCtx(context.Background(), time.Nanosecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("an ended context ends the wait: %v", err)
	}
	if err := sleepCtx(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("no wait on an ended context: %v", err)
	}
}

// describe is a context that describes the call c made through d, as the
// facade builds it; its first attempt's timer is released when the test
// ends.
func describe(t *testing.T, d *Doer, c Call) context.Context {
	cc := d.Begin(context.Background(), c)
	t.Cleanup(cc.Release)
	return cc
}

// credentialServer answers with codes in turn (the last one repeated) and
// records each request's X-Credential header.
func credentialServer(t *testing.T, codes ...int) (*httptest.Server, func() []string) {
	var (
		mu   sync.Mutex
		seen []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		seen = append(seen, r.Header.Get("X-Credential"))
		code := codes[min(len(seen), len(codes))-1]
		mu.Unlock()
		status(code)(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

func TestEveryRetryIsEditedAgain(t *testing.T) {
	srv, seen := credentialServer(t, 503, 503, 200)
	d := New(srv.Client(), Policy{MaxRetries: 3, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, 0, nil)
	edits := 0
	cc := d.Begin(context.Background(), Call{Edit: func(_ context.Context, req *http.Request) error {
		edits++
		req.Header.Set("X-Credential", "token-"+strconv.Itoa(edits))
		return nil
	}})
	defer cc.Release()
	req, _ := http.NewRequestWithContext(cc, http.MethodGet, srv.URL, nil)
	req.Header.Set("X-Credential", "token-0")
	resp, err := d.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	if got, want := seen(), []string{"token-0", "token-1", "token-2"}; !slices.Equal(got, want) {
		t.Fatalf("credentials sent %q, want %q: each retry is edited again", got, want)
	}
	if !cc.MaybeApplied() {
		t.Fatal("two 503s: an attempt may have been applied")
	}
}

func TestAFailedEditEndsTheRetriesWithTheLastAnswer(t *testing.T) {
	srv, seen := credentialServer(t, 503, 200)
	d := New(srv.Client(), Policy{MaxRetries: 3, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, 0, nil)
	cc := d.Begin(context.Background(), Call{Edit: func(context.Context, *http.Request) error {
		return errors.New("no token")
	}})
	defer cc.Release()
	req, _ := http.NewRequestWithContext(cc, http.MethodGet, srv.URL, nil)
	resp, err := d.Do(req)
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("got %v, %v; want the 503 the last attempt received", resp, err)
	}
	if body, err := ReadBody(resp.Body, 0); err != nil || string(body) != `{"status":503}` {
		t.Fatalf("the last answer stays readable: %q, %v", body, err)
	}
	if n := len(seen()); n != 1 {
		t.Fatalf("%d requests: no retry without its credential", n)
	}
}

func TestMaybeAppliedOnlyAfterAnAttemptThatMayHaveBeenApplied(t *testing.T) {
	srv, _ := credentialServer(t, 429, 200)
	d := New(srv.Client(), Policy{MaxRetries: 3, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, 0, nil)
	cc := d.Begin(context.Background(), Call{})
	defer cc.Release()
	req, _ := http.NewRequestWithContext(cc, http.MethodGet, srv.URL, nil)
	if resp, err := d.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	if cc.MaybeApplied() {
		t.Fatal("a 429 says the request was not processed")
	}
}
