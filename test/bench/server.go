// Package bench measures the SDK's overhead over a minimal hand-written
// net/http client doing byte-identical requests, against the same canned
// Skyflow-shaped server in the same run (see BENCHMARKS.md at the root of
// the repository). The server normally runs in a child process (the test
// binary re-executed), so the client's CPU per call can be read from the
// client process's rusage alone.
package bench

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fixed identities of the canned server.
const (
	vaultID   = "f4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9"
	table     = "cards"
	tokenPath = "/v1/auth/sa/oauth/token"
)

// accessToken is the bearer token the canned token endpoint issues: a JWT
// (unsigned for the client's purposes: the SDK reads only its exp claim)
// that expires on 2100-01-01.
var accessToken = func() string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(`{"iss":"bench","sub":"bench","exp":4102444800}`)) + "." +
		enc.EncodeToString([]byte("not-a-signature"))
}()

// Captured is one request as the server saw it.
type Captured struct {
	Proto    string
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// handler is the canned Skyflow-shaped server: every answer is prebuilt
// (or built once per size) so the server spends as little CPU as possible.
// Large bodies (uploads, de-identify files) are discarded while counted.
type handler struct {
	capture func(Captured) // nil: nothing is kept
	// requests numbers the requests: each answer's X-Request-Id is
	// "req-<n>", so a client can tell which request carried a call.
	requests atomic.Int64

	mu     sync.Mutex
	insert map[int][]byte
	get    map[int][]byte
	flow   flowCache // Flow DB answers (flowdb.go)
}

func newHandler(capture func(Captured)) *handler {
	return &handler{capture: capture, insert: map[int][]byte{}, get: map[int][]byte{}}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr["Content-Type"] = []string{"application/json"}
	hdr["X-Request-Id"] = []string{"req-" + strconv.FormatInt(h.requests.Add(1), 10)}
	p := r.URL.Path

	// Large bodies: count and discard, never hold.
	if strings.HasPrefix(p, "/v2/vaults/") || strings.HasPrefix(p, "/v1/detect/deidentify/file") {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, `{"error":{"message":"body"}}`, http.StatusBadRequest)
			return
		}
		if strings.HasPrefix(p, "/v2/") {
			_, _ = fmt.Fprintf(w, `{"skyflowID":"0d3c1c5e-6a55-4b1c-9f43-1f2b3c4d5e6f","fileMetadata":{"received":%d}}`, n)
		} else {
			_, _ = fmt.Fprintf(w, `{"run_id":"run-%d"}`, n)
		}
		return
	}

	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(r.Body); err != nil {
		http.Error(w, `{"error":{"message":"body"}}`, http.StatusBadRequest)
		return
	}
	body := buf.Bytes()
	if h.capture != nil {
		h.capture(Captured{Proto: r.Proto, Method: r.Method, Path: p, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: bytes.Clone(body)})
	}

	var out []byte
	switch {
	case p == tokenPath:
		out = tokenResponse
	case strings.HasPrefix(p, "/v1/detect/runs/"):
		out = runResponse
	case p == "/v1/detect/deidentify/string":
		out = deidentifyResponse
	case p == "/v1/vaults/"+vaultID+"/detokenize":
		var err error
		if out, err = detokenizeResponse(body); err != nil {
			http.Error(w, `{"error":{"message":"body"}}`, http.StatusBadRequest)
			return
		}
	case p == "/v1/vaults/"+vaultID+"/"+table && r.Method == http.MethodPost:
		out = h.cached(h.insert, bytes.Count(body, []byte(`"fields"`)), insertResponse)
	case p == "/v1/vaults/"+vaultID+"/"+table && r.Method == http.MethodGet:
		out = h.cached(h.get, strings.Count(r.URL.RawQuery, "skyflow_ids="), getResponse)
	default:
		if out = h.flowAnswer(p, body); out != nil {
			break
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":{"grpc_code":5,"http_code":404,"http_status":"Not Found","message":"no such route"}}`)
		return
	}
	hdr["Content-Length"] = []string{strconv.Itoa(len(out))}
	_, _ = w.Write(out)
}

// cached returns the response for n records, building it once.
func (h *handler) cached(m map[int][]byte, n int, build func(int) []byte) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	out, ok := m[n]
	if !ok {
		out = build(n)
		m[n] = out
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

var tokenResponse = mustJSON(map[string]string{"accessToken": accessToken, "tokenType": "Bearer"})

var runResponse = mustJSON(map[string]any{
	"status":               "SUCCESS",
	"output":               []map[string]string{{"processedFile": "b2s=", "processedFileType": "redacted_text", "processedFileExtension": "txt"}},
	"word_character_count": map[string]int{"wordCount": 1, "characterCount": 2},
})

// skyflowID returns a stable, uuid-shaped id for record i.
func skyflowID(i int) string {
	return fmt.Sprintf("%08x-4b1c-4d2e-8f3a-%012x", 0x5eed0000+i, 0xabcdef000000+i)
}

// tokenFor returns a stable, uuid-shaped token for column c of record i.
func tokenFor(c, i int) string {
	return fmt.Sprintf("%08x-%04x-4c5d-9e6f-%012x", 0x70c00000+i, c, 0x123456000000+i)
}

// insertResponse answers an insert of n records with ReturnTokens.
func insertResponse(n int) []byte {
	type rec struct {
		SkyflowID string            `json:"skyflow_id"`
		Tokens    map[string]string `json:"tokens"`
	}
	recs := make([]rec, n)
	for i := range recs {
		recs[i] = rec{SkyflowID: skyflowID(i), Tokens: map[string]string{
			"card_number": tokenFor(0, i), "cardholder_name": tokenFor(1, i), "email": tokenFor(2, i),
		}}
	}
	return mustJSON(map[string]any{"records": recs})
}

// detokenizeResponse answers a detokenize request: one value per token
// asked, in order, each record carrying its token (so a client that
// merges the tokens of several calls into one request can match them).
func detokenizeResponse(body []byte) ([]byte, error) {
	var in struct {
		Params []struct {
			Token string `json:"token"`
		} `json:"detokenizationParameters"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	type rec struct {
		Token     string `json:"token"`
		Value     string `json:"value"`
		ValueType string `json:"valueType"`
	}
	recs := make([]rec, len(in.Params))
	for i, p := range in.Params {
		recs[i] = rec{Token: p.Token, Value: cardNumber(i), ValueType: "STRING"}
	}
	return json.Marshal(map[string]any{"records": recs})
}

// getResponse answers a get of n ids with plain-text values.
func getResponse(n int) []byte {
	type rec struct {
		Fields map[string]any `json:"fields"`
	}
	recs := make([]rec, n)
	for i := range recs {
		rf := record(i)
		rf["skyflow_id"] = skyflowID(i)
		recs[i] = rec{Fields: rf}
	}
	return mustJSON(map[string]any{"records": recs})
}

// deidentifyResponse answers the de-identify of detectText.
var deidentifyResponse = func() []byte {
	type loc struct {
		StartIndex          int `json:"start_index"`
		EndIndex            int `json:"end_index"`
		StartIndexProcessed int `json:"start_index_processed"`
		EndIndexProcessed   int `json:"end_index_processed"`
	}
	type ent struct {
		Token        string             `json:"token"`
		Value        string             `json:"value"`
		Location     loc                `json:"location"`
		EntityType   string             `json:"entity_type"`
		EntityScores map[string]float64 `json:"entity_scores"`
	}
	processed := detectText
	var ents []ent
	shift := 0
	for i, e := range detectEntities {
		start := strings.Index(detectText, e.value)
		tok := "[" + strings.ToUpper(e.typ) + "_" + strconv.Itoa(i+1) + "]"
		ps := start + shift
		processed = processed[:ps] + tok + processed[ps+len(e.value):]
		ents = append(ents, ent{
			Token: tok, Value: e.value, EntityType: e.typ,
			Location:     loc{StartIndex: start, EndIndex: start + len(e.value), StartIndexProcessed: ps, EndIndexProcessed: ps + len(tok)},
			EntityScores: map[string]float64{e.typ: 0.97},
		})
		shift += len(tok) - len(e.value)
	}
	return mustJSON(map[string]any{
		"processed_text": processed, "entities": ents,
		"word_count": len(strings.Fields(detectText)), "character_count": len(detectText),
	})
}()

// detectText is the text the de-identify workload sends (about 600 bytes,
// six entities).
const detectText = "Patient John Smith, born 1984-03-12, called from +1 415 555 0132 about the refill. " +
	"His card 4111111111111111 was declined, so he asked us to write to john.smith@example.com instead. " +
	"The clinic at 1200 Market Street, San Francisco will follow up next week. Notes: the patient prefers " +
	"morning appointments, has no known allergies, and asked that the discharge summary be sent by mail. " +
	"Insurance on file is current; the co-pay was settled at the front desk. Follow-up scheduled with the " +
	"cardiology team; no further action needed from billing."

var detectEntities = []struct{ value, typ string }{
	{"John Smith", "name"},
	{"1984-03-12", "dob"},
	{"+1 415 555 0132", "phone_number"},
	{"4111111111111111", "credit_card"},
	{"john.smith@example.com", "email_address"},
	{"1200 Market Street, San Francisco", "location_address"},
}

// record returns the column values of record i (a fresh map).
func record(i int) map[string]any {
	return map[string]any{
		"card_number":     cardNumber(i),
		"cardholder_name": "Holder Number " + strconv.Itoa(i),
		"email":           "holder" + strconv.Itoa(i) + "@example.com",
	}
}

// cardNumber returns a 16-digit card number unique for i.
func cardNumber(i int) string { return fmt.Sprintf("4111%012d", i) }

// selfSigned returns a TLS certificate for 127.0.0.1 and its DER bytes.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "skyflow-bench"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der, nil
}

// serverEnv makes the test binary serve the canned handler instead of
// running tests (see TestMain).
const serverEnv = "SKYFLOW_BENCH_SERVER"

// serveChild runs in the child process: it serves the canned handler over
// TLS (HTTP/2 negotiated as with any Go server) on a free loopback port,
// prints "<addr> <base64 cert DER>" on stdout, and exits when stdin closes
// (the parent exited or closed the pipe).
func serveChild() {
	cert, der, err := selfSigned()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench server:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench server:", err)
		os.Exit(2)
	}
	srv := &http.Server{Handler: newHandler(nil), TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	fmt.Printf("%s %s\n", ln.Addr(), base64.StdEncoding.EncodeToString(der))
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// remote is a canned server running in a child process.
type remote struct {
	addr  string
	roots *x509.CertPool
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

var (
	remoteOnce sync.Once
	theRemote  *remote
	remoteErr  error
)

// sharedRemote starts the child server on first use.
func sharedRemote() (*remote, error) {
	remoteOnce.Do(func() { theRemote, remoteErr = startRemote() })
	return theRemote, remoteErr
}

func startRemote() (*remote, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("bench server did not start: %w", err)
	}
	addr, certText, ok := strings.Cut(strings.TrimSpace(line), " ")
	der, derr := base64.StdEncoding.DecodeString(certText)
	cert, cerr := x509.ParseCertificate(der)
	if !ok || derr != nil || cerr != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, errors.New("bench server: bad handshake line")
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &remote{addr: addr, roots: roots, cmd: cmd, stdin: stdin}, nil
}

// stopRemote ends the child server, if it was started.
func stopRemote() {
	if theRemote == nil {
		return
	}
	_ = theRemote.stdin.Close()
	done := make(chan struct{})
	go func() { _ = theRemote.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = theRemote.cmd.Process.Kill()
		<-done
	}
}

// baseURL is the server's base URL.
func (r *remote) baseURL() string { return "https://" + r.addr }
