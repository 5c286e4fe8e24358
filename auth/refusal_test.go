package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow/auth"
)

// rejectingVault answers every request with 401 and records the distinct
// tokens it refused.
type rejectingVault struct {
	srv     *httptest.Server
	mu      sync.Mutex
	refused map[string]bool
}

func newRejectingVault(t *testing.T) *rejectingVault {
	t.Helper()
	v := &rejectingVault{refused: map[string]bool{}}
	v.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v.mu.Lock()
		v.refused[r.Header.Get("Authorization")] = true
		v.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(v.srv.Close)
	return v
}

func (v *rejectingVault) distinct() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.refused)
}

// call sends one request the way the client's pipeline does: the bearer
// editor sets the token; on 401, TokenRefused decides whether the request
// is sent once more with a new token. It returns the last request sent.
func call(t *testing.T, ts auth.TokenSource, url string) *http.Request {
	edit := auth.BearerEditor(ts)
	var last *http.Request
	for attempt := 0; attempt < 2; attempt++ {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		if err != nil {
			t.Error(err)
			return nil
		}
		if err := edit(req.Context(), req); err != nil {
			t.Error(err)
			return nil
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return nil
		}
		resp.Body.Close()
		last = req
		if resp.StatusCode != http.StatusUnauthorized || attempt > 0 || !auth.TokenRefused(ts, req) {
			break
		}
	}
	return last
}

// storm makes n concurrent calls.
func storm(t *testing.T, ts auth.TokenSource, url string, n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call(t, ts, url)
		}()
	}
	wg.Wait()
}

// TestRefusalStorm sends storms of 100 concurrent calls to a vault that
// refuses every token: each storm costs at most one exchange per distinct
// refused token, and exchanges caused by refusals follow the backoff
// schedule (1 s, 2 s, 4 s ... after the previous one) on a fake clock; a
// call the server accepts resets the schedule.
func TestRefusalStorm(t *testing.T) {
	clock := newFakeClock()
	ep := newTokenEndpoint(t, clock)
	vault := newRejectingVault(t)
	ts, err := auth.NewTokenSource(auth.Credentials{CredentialsJSON: ep.credentialsJSON()},
		auth.WithClock(clock.Now), auth.WithHTTPClient(ep.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name      string
		advance   time.Duration
		exchanges int64 // in total, after the storm
	}{
		{"first storm: the first token and one replacement", 0, 2},
		{"the same instant: refusals inside the backoff keep the token", 0, 2},
		{"1 s later: the first backoff is over", time.Second, 3},
		{"1 s later: inside the second backoff (2 s)", time.Second, 3},
		{"1 s later: the second backoff is over", time.Second, 4},
		{"3 s later: inside the third backoff (4 s)", 3 * time.Second, 4},
		{"1 s later: the third backoff is over", time.Second, 5},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		storm(t, ts, vault.srv.URL, 100)
		if got := ep.exchanges.Load(); got != s.exchanges {
			t.Fatalf("%s: %d exchanges, want %d", s.name, got, s.exchanges)
		}
		if got, refused := ep.exchanges.Load(), int64(vault.distinct()); got > refused+1 {
			t.Fatalf("%s: %d exchanges for %d distinct refused tokens", s.name, got, refused)
		}
	}

	// A call the server accepts resets the schedule: the next refusal is
	// honoured at once.
	tok, err := ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	accepted, err := http.NewRequest(http.MethodGet, vault.srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	accepted.Header.Set("Authorization", "Bearer "+tok)
	auth.TokenAccepted(ts, accepted)
	storm(t, ts, vault.srv.URL, 100)
	if got := ep.exchanges.Load(); got != 6 {
		t.Fatalf("after an accepted call: %d exchanges, want 6", got)
	}
}

// TestRefusalBackoffCap checks that the wait between honoured refusals
// stops growing at MaxRefusalBackoff.
func TestRefusalBackoffCap(t *testing.T) {
	clock := newFakeClock()
	ep := newTokenEndpoint(t, clock)
	vault := newRejectingVault(t)
	ts, err := auth.NewTokenSource(auth.Credentials{CredentialsJSON: ep.credentialsJSON()},
		auth.WithClock(clock.Now), auth.WithHTTPClient(ep.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	call(t, ts, vault.srv.URL) // drop 1
	for wait := auth.RefusalBackoff; wait < auth.MaxRefusalBackoff; wait *= 2 {
		clock.Advance(wait)
		call(t, ts, vault.srv.URL)
	}
	before := ep.exchanges.Load()
	for range 3 {
		clock.Advance(auth.MaxRefusalBackoff - time.Millisecond)
		call(t, ts, vault.srv.URL)
		if got := ep.exchanges.Load(); got != before {
			t.Fatalf("a refusal %v after the last drop was honoured", auth.MaxRefusalBackoff-time.Millisecond)
		}
		clock.Advance(time.Millisecond)
		call(t, ts, vault.srv.URL)
		if got := ep.exchanges.Load(); got != before+1 {
			t.Fatalf("a refusal %v after the last drop was not honoured: %d exchanges", auth.MaxRefusalBackoff, got)
		}
		before++
	}
}
