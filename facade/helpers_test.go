package facade_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// The facade's tests run every public method against an httptest server
// that answers scripted replies and records what reached the wire.

const (
	vaultID = "v1"
	apiKey  = "sky-ab1c2-0123456789abcdef0123456789abcdef"
)

// request is one request the fake server received.
type request struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// json decodes the request's JSON body into a generic value.
func (r request) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("request body is not a JSON object: %v: %s", err, r.Body)
	}
	return v
}

// handler answers one request; the body has been read already.
type handler func(w http.ResponseWriter, r *http.Request, body []byte)

// fake is a scripted Skyflow: routes map "METHOD /path" to the handlers of
// the successive requests (the last one repeats).
type fake struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	routes map[string][]handler
	reqs   []request
	rid    int
}

func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{t: t, routes: map[string][]handler{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// on scripts the answers of a route, "METHOD /path".
func (f *fake) on(route string, answers ...handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = answers
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	f.rid++
	w.Header().Set("X-Request-Id", "rid-"+strconv.Itoa(f.rid))
	key := r.Method + " " + r.URL.EscapedPath()
	list := f.routes[key]
	var h handler
	if len(list) > 0 {
		h = list[0]
		if len(list) > 1 {
			f.routes[key] = list[1:]
		}
	}
	f.mu.Unlock()
	if h == nil {
		reply(404, `{"error":{"message":"no route `+key+`"}}`)(w, r, body)
		return
	}
	h(w, r, body)
}

// requests returns the requests received so far.
func (f *fake) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

// last returns the last request received.
func (f *fake) last() request {
	f.t.Helper()
	reqs := f.requests()
	if len(reqs) == 0 {
		f.t.Fatal("no request reached the server")
	}
	return reqs[len(reqs)-1]
}

// count counts the requests to a route, "METHOD /path".
func (f *fake) count(route string) int {
	n := 0
	for _, r := range f.requests() {
		if r.Method+" "+r.Path == route {
			n++
		}
	}
	return n
}

// reply answers a JSON body with a status.
func reply(status int, body string, headers ...string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func ok(body string) handler { return reply(200, body) }

// logs is a goroutine-safe log sink.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// noRetries keeps the client from retrying unless a test asks for it.
var noRetries = facade.WithRetryPolicy(facade.RetryPolicy{})

// quiet keeps a client without a test logger off stderr.
var quiet = facade.WithLogLevel(skyflow.LogLevelOff)

// newClient is a client with the fake's URL as the vault's base URL, an
// API key, no retries and JSON logs at debug level into the returned sink.
func newClient(t *testing.T, f *fake, opts ...facade.Option) (*facade.Client, *logs) {
	t.Helper()
	l := &logs{}
	all := []facade.Option{
		facade.WithVault(facade.VaultConfig{VaultID: vaultID, BaseURL: f.srv.URL, Credentials: &auth.Credentials{APIKey: apiKey}}),
		noRetries,
		facade.WithLogger(slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		facade.WithLogLevel(skyflow.LogLevelDebug),
	}
	c, err := facade.New(append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, l
}

func newVault(t *testing.T, f *fake, opts ...facade.Option) *facade.Vault {
	t.Helper()
	c, _ := newClient(t, f, opts...)
	v, err := c.Vault("")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// vaultPath is the path of a vault API call on the test vault.
func vaultPath(rest string) string { return "/v1/vaults/" + vaultID + rest }

var bg = context.Background()

// waits is a polling clock for tests: it records the waits asked for
// and fires each at once.
type waits struct {
	mu   sync.Mutex
	list []time.Duration
}

func (w *waits) after(d time.Duration) <-chan time.Time {
	w.mu.Lock()
	w.list = append(w.list, d)
	w.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

func (w *waits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.list...)
}

func secs(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, s := range n {
		out[i] = time.Duration(s) * time.Second
	}
	return out
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
