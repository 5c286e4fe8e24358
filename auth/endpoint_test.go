package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The token endpoint of these tests: an httptest server that checks each
// assertion as Skyflow does (RS256 under the service account's key, iss,
// sub, key and aud claims) and answers scripted access tokens.

const (
	testClientID = "client-1"
	testKeyID    = "key-1"
	tokenPath    = "/v1/auth/sa/oauth/token"
)

var (
	keyOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

// testKey is one RSA key for every test of the package (generating one
// takes a while).
func testKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKey = k
	})
	return rsaKey
}

func pkcs8PEM(t *testing.T, k any) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func pkcs1PEM(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

// saJSON is service-account credentials JSON for tokenURI.
func saJSON(t *testing.T, tokenURI string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{
		"clientID": testClientID, "keyID": testKeyID, "tokenURI": tokenURI,
		"privateKey": pkcs8PEM(t, testKey(t)), "clientName": "test client",
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// exchange is one request the endpoint received.
type exchange struct {
	Accept    string
	GrantType string
	Scope     *string
	Claims    jwt.MapClaims
}

// endpoint is a fake token endpoint. Each exchange issues an access token
// whose exp is the clock's time plus lifetime. Setting hold makes each
// exchange wait until a value is sent on it; fail answers with the given
// status and body instead of a token.
type endpoint struct {
	t        *testing.T
	srv      *httptest.Server
	clock    *clock
	lifetime time.Duration

	mu        sync.Mutex
	exchanges []exchange
	issued    []string
	hold      chan struct{}
	started   chan struct{}
	fail      []answer
}

type answer struct {
	status int
	body   string
}

func newEndpoint(t *testing.T, c *clock, lifetime time.Duration) *endpoint {
	t.Helper()
	e := &endpoint{t: t, clock: c, lifetime: lifetime, started: make(chan struct{}, 100)}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *endpoint) tokenURI() string { return e.srv.URL + tokenPath }

func (e *endpoint) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != tokenPath {
		http.NotFound(w, r)
		return
	}
	var body struct {
		GrantType string  `json:"grant_type"`
		Assertion string  `json:"assertion"`
		Scope     *string `json:"scope"`
	}
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &body); err != nil {
		http.Error(w, `{"error":"bad body"}`, http.StatusBadRequest)
		return
	}
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.clock.Now)).
		ParseWithClaims(body.Assertion, claims, func(*jwt.Token) (any, error) { return &testKey(e.t).PublicKey, nil })
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"message":"bad assertion","http_status":"Unauthorized"}}`)
		return
	}
	e.mu.Lock()
	e.exchanges = append(e.exchanges, exchange{Accept: r.Header.Get("Accept"), GrantType: body.GrantType, Scope: body.Scope, Claims: claims})
	n := len(e.exchanges)
	hold := e.hold
	var fail *answer
	if len(e.fail) > 0 {
		fail = &e.fail[0]
		e.fail = e.fail[1:]
	}
	e.mu.Unlock()
	e.started <- struct{}{}
	if hold != nil {
		<-hold
	}
	w.Header().Set("X-Request-Id", "rid-"+strconv.Itoa(n))
	w.Header().Set("Content-Type", "application/json")
	if fail != nil {
		w.WriteHeader(fail.status)
		_, _ = io.WriteString(w, fail.body)
		return
	}
	tok := e.accessToken(n)
	e.mu.Lock()
	e.issued = append(e.issued, tok)
	e.mu.Unlock()
	_, _ = io.WriteString(w, `{"accessToken":"`+tok+`","tokenType":"Bearer"}`)
}

// accessToken is the n-th token: a JWT with exp = now + lifetime.
func (e *endpoint) accessToken(n int) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"n": n, "exp": e.clock.Now().Add(e.lifetime).Unix(),
	}).SignedString([]byte("endpoint-secret"))
	if err != nil {
		panic(err)
	}
	return s
}

// waitStarted waits until an exchange reached the endpoint.
func (e *endpoint) waitStarted(t *testing.T) {
	t.Helper()
	select {
	case <-e.started:
	case <-time.After(10 * time.Second):
		t.Fatal("no exchange reached the endpoint")
	}
}

func (e *endpoint) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.exchanges)
}

func (e *endpoint) token(i int) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.issued[i]
}

func (e *endpoint) last() exchange {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.exchanges[len(e.exchanges)-1]
}

// events is a slog handler that passes each message to a channel, so a test
// can wait for a logged event instead of sleeping.
type events struct {
	ch chan string
}

func newEvents() *events { return &events{ch: make(chan string, 100)} }

func (e *events) Enabled(context.Context, slog.Level) bool { return true }
func (e *events) Handle(_ context.Context, r slog.Record) error {
	e.ch <- r.Message
	return nil
}
func (e *events) WithAttrs([]slog.Attr) slog.Handler { return e }
func (e *events) WithGroup(string) slog.Handler      { return e }

// waitFor waits for the message msg, failing on any other first.
func (e *events) waitFor(t *testing.T, msg string) {
	t.Helper()
	select {
	case got := <-e.ch:
		if got != msg {
			t.Fatalf("logged %q, want %q", got, msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%q was never logged", msg)
	}
}
