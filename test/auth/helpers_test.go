package auth_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/ghttp"
)

const (
	tokenPath = "/v1/auth/sa/oauth/token"
	clientID  = "client-id-1"
	keyID     = "key-id-1"
	// goodAPIKey has the documented form sky-XXXXX-<32 hex>.
	goodAPIKey = "sky-ab12C-0123456789abcdefABCDEF0123456789"
)

var (
	// rsaKey signs the service-account assertions; otherKey proves that the
	// signature check is real; ecKey is a valid key of the wrong type.
	rsaKey, otherKey *rsa.PrivateKey
	ecKey            *ecdsa.PrivateKey
	// serverSecret signs the access tokens the fake endpoint issues.
	serverSecret = []byte("fake-endpoint-hmac-secret")
	// baseTime is the start of every fake clock.
	baseTime = time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC)
)

var _ = BeforeSuite(func() {
	var err error
	rsaKey, err = rsa.GenerateKey(rand.Reader, 2048)
	Expect(err).NotTo(HaveOccurred())
	otherKey, err = rsa.GenerateKey(rand.Reader, 2048)
	Expect(err).NotTo(HaveOccurred())
	ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
})

// --- keys and credentials ----------------------------------------------------

func pkcs1PEM(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func pkcs8PEM(k any) string {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	Expect(err).NotTo(HaveOccurred())
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func sec1PEM(k *ecdsa.PrivateKey) string {
	der, err := x509.MarshalECPrivateKey(k)
	Expect(err).NotTo(HaveOccurred())
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
}

// pemBodyLine returns one base64 line from the middle of a PEM, the part a
// leak would show.
func pemBodyLine(p string) string {
	lines := bytes.Split([]byte(p), []byte("\n"))
	Expect(len(lines)).To(BeNumerically(">", 4))
	return string(lines[len(lines)/2])
}

// saFields are the fields of service-account credentials JSON.
func saFields(tokenURI, privateKey string) map[string]any {
	return map[string]any{
		"clientID":   clientID,
		"keyID":      keyID,
		"tokenURI":   tokenURI,
		"privateKey": privateKey,
		"clientName": "test client",
	}
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// credsJSON is well-formed camelCase credentials JSON with a PKCS#8 key.
func credsJSON(tokenURI string) string {
	return toJSON(saFields(tokenURI, pkcs8PEM(rsaKey)))
}

// writeTemp writes content to a new file in a per-spec temp dir.
func writeTemp(name, content string) string {
	p := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(p, []byte(content), 0o600)).To(Succeed())
	return p
}

// --- JWT helpers ---------------------------------------------------------------
//
// Written with the standard library on purpose: the SDK's tokens are checked
// by code independent of the JWT library the SDK uses.

// claims are decoded JWT claims; numbers are float64.
type claims = map[string]any

// verifyRS256 checks that token is a compact JWT with header alg RS256 whose
// signature verifies with pub, and whose exp (if any) is after now. It
// returns the header and claims.
func verifyRS256(token string, pub *rsa.PublicKey, now time.Time) (header, body claims, err error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, nil, fmt.Errorf("not a compact JWT: %d parts", len(parts))
	}
	header, err = decodeSegment(parts[0])
	if err != nil {
		return nil, nil, err
	}
	if header["alg"] != "RS256" {
		return nil, nil, fmt.Errorf("alg is %v", header["alg"])
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, nil, err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return nil, nil, err
	}
	body, err = decodeSegment(parts[1])
	if err != nil {
		return nil, nil, err
	}
	if exp, ok := body["exp"].(float64); ok && !now.Before(time.Unix(int64(exp), 0)) {
		return nil, nil, fmt.Errorf("token expired at %v", time.Unix(int64(exp), 0))
	}
	return header, body, nil
}

func decodeSegment(seg string) (claims, error) {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return nil, err
	}
	var out claims
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// hsToken mints an HS256 JWT with the given claims (a stand-in for tokens
// issued by Skyflow).
func hsToken(c claims) string {
	enc := func(v any) string { return base64.RawURLEncoding.EncodeToString([]byte(toJSON(v))) }
	signing := enc(map[string]string{"alg": "HS256", "typ": "JWT"}) + "." + enc(c)
	mac := hmac.New(sha256.New, serverSecret)
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// --- fake clock --------------------------------------------------------------

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: baseTime} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// --- log capture ---------------------------------------------------------------

// syncBuffer is a bytes.Buffer safe for the concurrent writes of slog
// handlers called from refresh goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newCapturedLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// --- fake token endpoint ---------------------------------------------------------

// tokenEndpoint is a ghttp server playing the Skyflow token endpoint. It
// records every request body and the access tokens it issued.
type tokenEndpoint struct {
	*ghttp.Server
	clock    *fakeClock
	lifetime time.Duration

	mu      sync.Mutex
	bodies  []map[string]any
	headers []http.Header
	issued  []string
	serial  atomic.Int64
	// gate, when set, holds every issuing response until it is closed.
	gate chan struct{}
}

// hold makes issuing responses wait until the returned release func is
// called (it is also called at spec cleanup).
func (e *tokenEndpoint) hold() (release func()) {
	ch := make(chan struct{})
	e.mu.Lock()
	e.gate = ch
	e.mu.Unlock()
	var once sync.Once
	release = func() { once.Do(func() { close(ch) }) }
	DeferCleanup(release)
	return release
}

// wait blocks while a gate is set and not released.
func (e *tokenEndpoint) wait(r *http.Request) bool {
	e.mu.Lock()
	gate := e.gate
	e.mu.Unlock()
	if gate == nil {
		return true
	}
	select {
	case <-gate:
		return true
	case <-r.Context().Done():
		return false
	}
}

func newTokenEndpoint(clock *fakeClock) *tokenEndpoint {
	e := &tokenEndpoint{Server: ghttp.NewServer(), clock: clock, lifetime: time.Hour}
	DeferCleanup(e.Close)
	return e
}

// tokenURI is a token URI on the fake endpoint; its path deliberately
// differs from the exchange path, which the SDK must use regardless.
func (e *tokenEndpoint) tokenURI() string { return e.URL() + "/oauth/token-uri-path" }

// count is the number of requests the endpoint has received.
func (e *tokenEndpoint) count() int { return len(e.ReceivedRequests()) }

func (e *tokenEndpoint) lastBody() map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	Expect(e.bodies).NotTo(BeEmpty())
	return e.bodies[len(e.bodies)-1]
}

func (e *tokenEndpoint) allBodies() []map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]map[string]any(nil), e.bodies...)
}

func (e *tokenEndpoint) lastHeader() http.Header {
	e.mu.Lock()
	defer e.mu.Unlock()
	Expect(e.headers).NotTo(BeEmpty())
	return e.headers[len(e.headers)-1]
}

func (e *tokenEndpoint) issuedTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.issued...)
}

// record stores the request body and headers, then restores the body.
func (e *tokenEndpoint) record(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(r.Body)
	Expect(err).NotTo(HaveOccurred())
	r.Body = io.NopCloser(bytes.NewReader(data))
	var body map[string]any
	Expect(json.Unmarshal(data, &body)).To(Succeed(), "request body is JSON")
	e.mu.Lock()
	e.bodies = append(e.bodies, body)
	e.headers = append(e.headers, r.Header.Clone())
	e.mu.Unlock()
}

// issue answers with a fresh access token valid for e.lifetime on the fake
// clock.
func (e *tokenEndpoint) issue(w http.ResponseWriter, r *http.Request) {
	if !e.wait(r) {
		return
	}
	n := e.serial.Add(1)
	now := e.clock.Now()
	tok := hsToken(claims{
		"sub": clientID,
		"jti": fmt.Sprintf("access-%d", n),
		"iat": now.Unix(),
		"exp": now.Add(e.lifetime).Unix(),
	})
	e.mu.Lock()
	e.issued = append(e.issued, tok)
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", fmt.Sprintf("ok-%d", n))
	_, _ = fmt.Fprintf(w, `{"accessToken":%q,"tokenType":"Bearer"}`, tok)
}

// respondError answers with a JSON error body.
func respondError(status int, body, requestID string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", requestID)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// serveTokens makes every exchange succeed.
func (e *tokenEndpoint) serveTokens() {
	e.RouteToHandler(http.MethodPost, tokenPath, ghttp.CombineHandlers(
		ghttp.VerifyContentType("application/json"),
		e.record, e.issue))
}

// serveSequence answers successive exchanges with the given handlers
// (e.issue for a success).
func (e *tokenEndpoint) serveSequence(handlers ...http.HandlerFunc) {
	for _, h := range handlers {
		e.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, tokenPath),
			ghttp.VerifyContentType("application/json"),
			e.record, h))
	}
}

// skyflowError is a standard Skyflow error body.
func skyflowError(httpCode, grpcCode int, status, message string) string {
	return toJSON(map[string]any{"error": map[string]any{
		"grpc_code": grpcCode, "http_code": httpCode, "http_status": status, "message": message,
	}})
}

// countingDoer counts the requests it forwards.
type countingDoer struct {
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
	n atomic.Int64
}

func (d *countingDoer) Do(r *http.Request) (*http.Response, error) {
	d.n.Add(1)
	return d.next.Do(r)
}
