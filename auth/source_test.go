package auth

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
)

// newSource is a service-account source on the endpoint, with the test
// clock and a logger whose events the test can wait for.
func newSource(t *testing.T, e *endpoint, opts ...Option) (*ServiceAccountSource, *events) {
	t.Helper()
	ev := newEvents()
	all := append([]Option{WithHTTPClient(e.srv.Client()), WithClock(e.clock.Now), WithLogger(slog.New(ev))}, opts...)
	ts, err := NewTokenSource(Credentials{CredentialsJSON: saJSON(t, e.tokenURI()), Roles: []string{"r1", "r2"}, Context: "user-7"}, all...)
	if err != nil {
		t.Fatal(err)
	}
	return ts.(*ServiceAccountSource), ev
}

func token(t *testing.T, ts TokenSource) string {
	t.Helper()
	tok, err := ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestServiceAccountSourceExchangesOnceAndCaches(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	s, ev := newSource(t, e)

	t1 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")
	if t1 != e.token(0) {
		t.Fatal("Token returns the exchanged access token")
	}
	for range 5 {
		if token(t, s) != t1 {
			t.Fatal("the cached token is returned")
		}
	}
	if e.count() != 1 {
		t.Fatalf("%d exchanges, want 1", e.count())
	}

	x := e.last()
	if x.Accept != "application/json" || x.GrantType != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		t.Errorf("exchange %+v", x)
	}
	if x.Scope == nil || *x.Scope != "role:r1 role:r2" {
		t.Errorf("scope %v, want the roles", x.Scope)
	}
	want := map[string]any{"iss": testClientID, "sub": testClientID, "key": testKeyID, "aud": e.tokenURI(), "ctx": "user-7",
		"exp": float64(c.Now().Add(time.Hour).Unix())}
	for k, v := range want {
		if x.Claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, x.Claims[k], v)
		}
	}
}

// The source refreshes a token that reaches its refresh window in the
// background, serving the still valid token meanwhile, and never serves an
// expired one.
func TestServiceAccountSourceRefreshesEarly(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	s, ev := newSource(t, e, WithRefreshWindow(time.Minute))

	t1 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")

	// 8m30s: outside the one-minute window (the default window, a fifth
	// of the lifetime, would already refresh here).
	c.Advance(8*time.Minute + 30*time.Second)
	if token(t, s) != t1 || e.count() != 1 {
		t.Fatalf("outside the window: %d exchanges, want the cached token and no exchange", e.count())
	}

	// 9m15s: inside the window. The exchange is held, so the refresh is
	// provably in flight while callers keep getting the valid token.
	e.mu.Lock()
	e.hold = make(chan struct{})
	e.mu.Unlock()
	c.Advance(45 * time.Second) // 9m15s: before the window's last half
	if token(t, s) != t1 {
		t.Fatal("the valid token is served while the refresh runs")
	}
	e.waitStarted(t) // the first exchange
	e.waitStarted(t) // the refresh, now held
	for range 3 {
		if token(t, s) != t1 {
			t.Fatal("the valid token is served while the refresh runs")
		}
	}
	close(e.hold)
	ev.waitFor(t, "service-account token refreshed")
	if e.count() != 2 {
		t.Fatalf("%d exchanges, want one refresh", e.count())
	}

	// Past the first token's expiry: the new token, without an exchange.
	c.Advance(2 * time.Minute)
	if got := token(t, s); got != e.token(1) || got == t1 {
		t.Fatal("after the refresh the new token is served")
	}
	if e.count() != 2 {
		t.Fatalf("%d exchanges, want 2", e.count())
	}
}

func TestServiceAccountSourceDefaultWindowIsAFifthOfTheLifetime(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	s, ev := newSource(t, e)
	t1 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")
	c.Advance(7*time.Minute + 59*time.Second)
	if token(t, s) != t1 || e.count() != 1 {
		t.Fatal("before the last two minutes: no refresh")
	}
	c.Advance(2 * time.Second)
	if token(t, s) != t1 {
		t.Fatal("the valid token is served while the refresh runs")
	}
	ev.waitFor(t, "service-account token refreshed")
	if e.count() != 2 {
		t.Fatalf("%d exchanges, want a refresh in the last two minutes", e.count())
	}
}

// In the last half of the refresh window (at most its last 30 s) a token
// is too close to expiry to hand out while a refresh can replace it: a
// request carrying it could arrive after it expired. Callers wait for the
// new token, so one whose context has ended gets its context's error.
func TestServiceAccountSourceWaitsForTheRefreshCloseToExpiry(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	s, ev := newSource(t, e) // window 2m (a fifth), margin 30s
	t1 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")

	e.mu.Lock()
	e.hold = make(chan struct{})
	release := sync.OnceFunc(func() { close(e.hold) })
	e.mu.Unlock()
	t.Cleanup(release) // a failed check must not leave the exchange held
	ended, cancel := context.WithCancel(context.Background())
	cancel()

	c.Advance(9*time.Minute + 29*time.Second) // 31s left: still handed out
	if tok, err := s.Token(ended); err != nil || tok != t1 {
		t.Fatalf("31s before expiry: %v, want the cached token without waiting", err)
	}
	e.waitStarted(t) // the first exchange
	e.waitStarted(t) // the refresh, held

	c.Advance(2 * time.Second) // 29s left
	if _, err := s.Token(ended); !errors.Is(err, context.Canceled) {
		t.Fatalf("29s before expiry: %v, want the caller to wait for the refresh", err)
	}
	release()
	if got := token(t, s); got != e.token(1) {
		t.Fatal("29s before expiry: the caller gets the new token")
	}
	ev.waitFor(t, "service-account token refreshed")
}

// Close to expiry, a failed refresh still leaves the caller the cached
// token while it has not expired.
func TestServiceAccountSourceFallsBackCloseToExpiryWhenTheRefreshFails(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	s, ev := newSource(t, e)
	t1 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")

	e.mu.Lock()
	e.fail = []answer{{500, `{"error":"down"}`}}
	e.mu.Unlock()
	c.Advance(9*time.Minute + 40*time.Second)
	if got := token(t, s); got != t1 {
		t.Fatal("the refresh failed: the token that has not expired is served")
	}
	ev.waitFor(t, "service-account token refresh failed")
	if got := token(t, s); got != e.token(1) {
		t.Fatal("the next caller waits for a new exchange and gets its token")
	}
	ev.waitFor(t, "service-account token refreshed")
}

func TestServiceAccountSourceWaitsForATokenWhenNoneIsValid(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	s, ev := newSource(t, e)
	t1 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")

	c.Advance(10 * time.Minute) // t1 has expired
	t2 := token(t, s)
	if t2 == t1 || t2 != e.token(1) {
		t.Fatal("an expired token is never served: the caller waits for a new one")
	}
	ev.waitFor(t, "service-account token refreshed")
}

func TestServiceAccountSourceRunsOneExchangeForManyCallers(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	e.hold = make(chan struct{})
	s, ev := newSource(t, e)

	const callers = 16
	var wg sync.WaitGroup
	got := make([]string, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = s.Token(context.Background())
		}()
	}
	e.waitStarted(t)
	close(e.hold)
	wg.Wait()
	ev.waitFor(t, "service-account token refreshed")
	for i, tok := range got {
		if tok != e.token(0) {
			t.Fatalf("caller %d got %q", i, tok)
		}
	}
	if e.count() != 1 {
		t.Fatalf("%d exchanges, want 1", e.count())
	}
}

func TestServiceAccountSourceWaiterLeavesWhenItsContextEnds(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	e.hold = make(chan struct{})
	s, ev := newSource(t, e)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := s.Token(ctx)
		done <- err
	}()
	e.waitStarted(t)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the context's error", err)
	}
	// The exchange carries on for the others.
	close(e.hold)
	ev.waitFor(t, "service-account token refreshed")
	if token(t, s) != e.token(0) || e.count() != 1 {
		t.Fatal("the exchange started for the cancelled caller serves the next one")
	}

	if _, err := s.Token(ctx); err != nil {
		t.Fatalf("a cached token needs no live context: %v", err)
	}
	c.Advance(time.Hour)
	if _, err := s.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("without a valid token an ended context fails at once: %v", err)
	}
}

func TestServiceAccountSourceDoesNotCacheFailures(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	e.fail = []answer{{503, `{"error":{"message":"try later","http_status":"Service Unavailable"}}`}}
	s, ev := newSource(t, e)

	_, err := s.Token(context.Background())
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Message != "try later" ||
		apiErr.Operation != "ServiceAccountToken" || apiErr.RequestID != "rid-1" {
		t.Fatalf("got %#v, want the endpoint's error", err)
	}
	ev.waitFor(t, "service-account token refresh failed")

	if token(t, s) != e.token(0) || e.count() != 2 {
		t.Fatalf("%d exchanges: the next call exchanges again", e.count())
	}
	ev.waitFor(t, "service-account token refreshed")
}

func TestServiceAccountSourceKeepsServingWhenARefreshFails(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	s, ev := newSource(t, e)
	t1 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")

	e.mu.Lock()
	e.fail = []answer{{500, `{"error":"down"}`}}
	e.mu.Unlock()
	c.Advance(9 * time.Minute)
	if token(t, s) != t1 {
		t.Fatal("the valid token is served")
	}
	ev.waitFor(t, "service-account token refresh failed")
	if token(t, s) != t1 {
		t.Fatal("the valid token is still served after a failed refresh")
	}
	ev.waitFor(t, "service-account token refreshed")
	if e.count() != 3 {
		t.Fatalf("%d exchanges, want the failed refresh tried again", e.count())
	}
}

func TestServiceAccountSourceInvalidate(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	s, ev := newSource(t, e)
	t1 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")

	s.Invalidate("some-older-token")
	if token(t, s) != t1 || e.count() != 1 {
		t.Fatal("a token that is not cached is ignored")
	}
	s.Invalidate(t1)
	ev.waitFor(t, "service-account token invalidated")
	t2 := token(t, s)
	ev.waitFor(t, "service-account token refreshed")
	if t2 == t1 || e.count() != 2 {
		t.Fatal("after Invalidate a new token is exchanged")
	}
	var _ Invalidator = s
}

func TestServiceAccountSourceAssumesAShortLifetimeWithoutExp(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, -time.Minute) // tokens that expired on arrival
	s, ev := newSource(t, e)
	t1 := token(t, s)
	ev.waitFor(t, "service-account token has no usable expiry; assuming a short lifetime (check the system clock)")
	c.Advance(3 * time.Minute)
	if token(t, s) != t1 || e.count() != 1 {
		t.Fatal("the token is used for the assumed lifetime")
	}
}

func TestServiceAccountSourceRejectsBadScopes(t *testing.T) {
	json := saJSON(t, "https://example.com/token")
	if _, err := NewTokenSource(Credentials{CredentialsJSON: json, Roles: []string{""}}); !errors.Is(err, ErrInvalidRole) {
		t.Errorf("empty role: %v", err)
	}
	if _, err := NewTokenSource(Credentials{CredentialsJSON: json, Context: []int{1}}); !errors.Is(err, ErrInvalidContext) {
		t.Errorf("bad ctx: %v", err)
	}
}

func TestTokenSourceFromCredentials(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, 10*time.Minute)
	opts := []Option{WithHTTPClient(e.srv.Client()), WithClock(c.Now)}

	const key = "sky-ab12c-0123456789abcdef0123456789abcdef"
	ts, err := NewTokenSource(Credentials{APIKey: key}, opts...)
	if err != nil || token(t, ts) != key {
		t.Fatalf("API key: %v", err)
	}
	if _, ok := ts.(Invalidator); ok {
		t.Error("an API key source has nothing to invalidate")
	}

	static := testJWT(t, map[string]any{"exp": c.Now().Add(time.Minute).Unix()})
	ts, err = NewTokenSource(Credentials{Token: static}, opts...)
	if err != nil || token(t, ts) != static {
		t.Fatalf("static token: %v", err)
	}
	c.Advance(time.Minute)
	if _, err := ts.Token(context.Background()); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("a static token past its exp: %v", err)
	}

	ts, err = NewTokenSource(Credentials{CredentialsJSON: saJSON(t, e.tokenURI()), Roles: []string{"admin"}}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if token(t, ts) != e.token(0) || *e.last().Scope != "role:admin" {
		t.Fatal("service-account JSON: a token exchanged with the roles as scope")
	}

	env := map[string]string{EnvCredentials: saJSON(t, e.tokenURI())}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	ts, err = NewTokenSource(Credentials{Roles: []string{"from-env"}}, append(opts, WithEnvLookup(lookup))...)
	if err != nil {
		t.Fatal(err)
	}
	if token(t, ts) != e.token(1) || *e.last().Scope != "role:from-env" {
		t.Fatal("no kind given: SKYFLOW_CREDENTIALS with the given roles")
	}

	env[EnvCredentials] = `{"clientID":"x"}`
	_, err = NewTokenSource(Credentials{}, WithEnvLookup(lookup))
	var ve *skyflow.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrMissingKeyID) || ve.Reason != "missing from the service-account credentials (credentials from SKYFLOW_CREDENTIALS)" {
		t.Fatalf("bad credentials from the environment: %v", err)
	}
	delete(env, EnvCredentials)
	if _, err := NewTokenSource(Credentials{}, WithEnvLookup(lookup)); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("no credentials at all: %v", err)
	}
	if _, err := NewTokenSource(Credentials{Token: "not-a-jwt"}); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("bad static token: %v", err)
	}
}

func TestStaticTokenSource(t *testing.T) {
	c := newClock()
	tok := testJWT(t, map[string]any{"exp": c.Now().Add(time.Hour).Unix()})
	ts, err := StaticTokenSource(tok, WithClock(c.Now))
	if err != nil || token(t, ts) != tok {
		t.Fatalf("%v", err)
	}
	c.Advance(time.Hour)
	_, err = ts.Token(context.Background())
	var ve *skyflow.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrTokenExpired) || ve.Field != "Token" {
		t.Fatalf("got %v", err)
	}
	if _, err := StaticTokenSource(tok, WithClock(c.Now)); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("an expired token is refused at construction: %v", err)
	}
	for _, bad := range []string{"", "abc", testJWT(t, map[string]any{"sub": "no exp"})} {
		if _, err := StaticTokenSource(bad); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestAPIKeySource(t *testing.T) {
	for _, bad := range []string{"", "sky-ab12c-0123", "key-ab12c-0123456789abcdef0123456789abcdef", "sky-ab12c-0123456789abcdef0123456789abcdeg"} {
		if _, err := APIKeySource(bad); !errors.Is(err, ErrInvalidAPIKey) || !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestCredentialHeaders(t *testing.T) {
	got := CredentialHeaders()
	if len(got) != 2 || got[0] != "Authorization" || got[1] != "X-Skyflow-Authorization" {
		t.Fatalf("%v", got)
	}
}
