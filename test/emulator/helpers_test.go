package emulator_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// startServer starts an emulator with response validation on, closes it
// after the spec and fails the spec if any response drifted from the spec.
func startServer(opts ...mockserver.Option) *mockserver.Server {
	GinkgoHelper()
	srv, err := mockserver.Start(append([]mockserver.Option{mockserver.WithResponseValidation()}, opts...)...)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		problems := srv.Problems()
		srv.Close()
		Expect(problems).To(BeEmpty(), "the emulator drifted from the spec or panicked")
	})
	return srv
}

// response is a decoded HTTP response.
type response struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// client talks to an emulator over plain HTTP.
type client struct {
	base string
	auth string // Authorization header value; empty for none
	http *http.Client
}

func newClient(srv *mockserver.Server) *client {
	return &client{base: srv.URL(), auth: "Bearer " + srv.APIKey(), http: &http.Client{Timeout: 30 * time.Second}}
}

func (c *client) withAuth(v string) *client {
	cp := *c
	cp.auth = v
	return &cp
}

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (c *client) do(method, path string, body any, headers ...string) *response {
	GinkgoHelper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
		ctype = "application/json"
	case []byte:
		rd = bytes.NewReader(b)
		ctype = "application/json"
	default:
		enc, err := json.Marshal(b)
		Expect(err).NotTo(HaveOccurred())
		rd = bytes.NewReader(enc)
		ctype = "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	Expect(err).NotTo(HaveOccurred())
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) *response {
	GinkgoHelper()
	resp, err := c.http.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	r := &response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && len(raw) > 0 {
		var m map[string]any
		if json.Unmarshal(raw, &m) == nil {
			r.JSON = m
		}
	}
	return r
}

// expectOK asserts a 200 JSON answer with a request id.
func expectOK(r *response) map[string]any {
	GinkgoHelper()
	Expect(r.Status).To(Equal(http.StatusOK), "body: %s", r.Raw)
	expectCommonHeaders(r)
	Expect(r.JSON).NotTo(BeNil(), "body: %s", r.Raw)
	return r.JSON
}

func expectCommonHeaders(r *response) {
	GinkgoHelper()
	Expect(r.Header.Get("Content-Type")).To(HavePrefix("application/json"))
	_, err := uuid.Parse(r.Header.Get("X-Request-Id"))
	Expect(err).NotTo(HaveOccurred(), "x-request-id %q is not a uuid", r.Header.Get("X-Request-Id"))
}

// expectError asserts the Skyflow error body with the given status and
// returns its message.
func expectError(r *response, status int) string {
	GinkgoHelper()
	Expect(r.Status).To(Equal(status), "body: %s", r.Raw)
	expectCommonHeaders(r)
	Expect(r.JSON).To(HaveKey("error"), "body: %s", r.Raw)
	e, ok := r.JSON["error"].(map[string]any)
	Expect(ok).To(BeTrue(), "error is not an object: %s", r.Raw)
	Expect(e).To(HaveKeyWithValue("http_code", BeNumerically("==", status)))
	Expect(e).To(HaveKeyWithValue("http_status", http.StatusText(status)))
	Expect(e).To(HaveKey("grpc_code"))
	Expect(e).To(HaveKeyWithValue("details", BeAssignableToTypeOf([]any{})))
	msg, _ := e["message"].(string)
	Expect(msg).NotTo(BeEmpty())
	return msg
}

// grpcCode returns the grpc_code of an error body.
func grpcCode(r *response) int {
	GinkgoHelper()
	e := r.JSON["error"].(map[string]any)
	return int(e["grpc_code"].(float64))
}

// obj and arr walk decoded JSON.
func obj(v any) map[string]any {
	GinkgoHelper()
	m, ok := v.(map[string]any)
	Expect(ok).To(BeTrue(), "%v is not an object", v)
	return m
}

func arr(v any) []any {
	GinkgoHelper()
	a, ok := v.([]any)
	Expect(ok).To(BeTrue(), "%v is not an array", v)
	return a
}

// records returns the records array of a response body.
func records(body map[string]any) []map[string]any {
	GinkgoHelper()
	var out []map[string]any
	for _, r := range arr(body["records"]) {
		out = append(out, obj(r))
	}
	return out
}

// testClock is a settable clock for WithClock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// vaultPath builds /v1/vaults/{vault}/... paths.
func vaultPath(srv *mockserver.Server, rest string) string {
	return "/v1/vaults/" + srv.VaultID() + rest
}

// insertOne inserts one record into a table of the demo vault and returns
// its id and tokens.
func insertOne(c *client, srv *mockserver.Server, table string, fields map[string]any) (string, map[string]any) {
	GinkgoHelper()
	body := expectOK(c.do("POST", vaultPath(srv, "/"+table), map[string]any{
		"records": []any{map[string]any{"fields": fields}}, "tokenization": true, "byot": "DISABLE",
	}))
	rec := records(body)[0]
	toks, _ := rec["tokens"].(map[string]any)
	return rec["skyflow_id"].(string), toks
}

// pemPKCS1 encodes an RSA key as a PKCS#1 PEM.
func pemPKCS1(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func mustJSON(v any) []byte {
	GinkgoHelper()
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func timeNow() time.Time { return time.Now() }

func newHTTPTestServer(h http.Handler) *httptest.Server { return httptest.NewServer(h) }
