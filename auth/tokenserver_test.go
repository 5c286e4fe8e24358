package auth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

// fakeClock is a settable clock for auth.WithClock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// tokenEndpoint is an httptest token endpoint: every exchange is answered
// with a new bearer token (a JWT valid for an hour on the clock).
type tokenEndpoint struct {
	srv       *httptest.Server
	clock     *fakeClock
	exchanges atomic.Int64
	pemKey    string
}

func newTokenEndpoint(t *testing.T, clock *fakeClock) *tokenEndpoint {
	t.Helper()
	ep := &tokenEndpoint{clock: clock, pemKey: redacttest.PrivateKeyPEM(t)}
	ep.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ep.exchanges.Add(1)
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"exp": clock.Now().Add(time.Hour).Unix(),
			"jti": "bearer-" + strconv.FormatInt(n, 10),
		}).SignedString([]byte("endpoint-key"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"accessToken": tok, "tokenType": "Bearer"})
	}))
	t.Cleanup(ep.srv.Close)
	return ep
}

// credentialsJSON returns service-account credentials whose token URI is
// the endpoint.
func (ep *tokenEndpoint) credentialsJSON() string {
	return redacttest.CredentialsJSON(ep.srv.URL+"/v1/auth/sa/oauth/token", ep.pemKey)
}
