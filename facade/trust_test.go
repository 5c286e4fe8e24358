package facade_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// Regression specs of issue 12 ("Trustworthy by default"), against hostile
// test servers. Each failed on the code before the fix.

const testAPIKey = "sky-ab1c2-0123456789abcdef0123456789abcdef"

// counting is a test server that counts the requests per path.
type counting struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func serve(t *testing.T, tls bool, h http.HandlerFunc) *counting {
	t.Helper()
	c := &counting{hits: map[string]int{}}
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.hits[r.URL.Path]++
		c.mu.Unlock()
		h(w, r)
	})
	if tls {
		c.Server = httptest.NewTLSServer(wrapped)
	} else {
		c.Server = httptest.NewServer(wrapped)
	}
	t.Cleanup(c.Close)
	return c
}

func (c *counting) count(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits[path]
}

func (c *counting) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.hits {
		n += v
	}
	return n
}

func jsonAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func vaultAt(t *testing.T, baseURL string, opts ...facade.Option) *facade.Vault {
	t.Helper()
	return vaultAtWith(t, baseURL, &auth.Credentials{APIKey: testAPIKey}, opts...)
}

func vaultAtWith(t *testing.T, baseURL string, creds *auth.Credentials, opts ...facade.Option) *facade.Vault {
	t.Helper()
	c, err := facade.New(append([]facade.Option{
		facade.WithVault(facade.VaultConfig{VaultID: "v1", BaseURL: baseURL, Credentials: creds}),
		facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 2, InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Vault("")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// serviceAccount returns service-account credentials JSON whose token URI
// is tokenURI, with a fresh RSA key.
func serviceAccount(t *testing.T, tokenURI string) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	b, _ := json.Marshal(map[string]string{"clientID": "c1", "keyID": "k1", "tokenURI": tokenURI, "privateKey": string(pemKey)})
	return string(b)
}

// 1. Redirects: credentials and record values never leave their origin.

func TestRedirectToAnotherHostIsRefused(t *testing.T) {
	other := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{}`) })
	gateway := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	})
	c, err := facade.New(facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c1", URL: gateway.URL + "/cards",
		Credentials: &auth.Credentials{APIKey: testAPIKey}}))
	if err != nil {
		t.Fatal(err)
	}
	conn, _ := c.Connection("")
	_, err = conn.Invoke(context.Background(), facade.InvokeRequest{Body: map[string]any{"card_number": "4111111111111111"}})
	if !errors.Is(err, skyflow.ErrUnsafeRedirect) {
		t.Fatalf("got %v, want a refused redirect", err)
	}
	if strings.Contains(err.Error(), "/steal") || strings.Contains(err.Error(), "4111") {
		t.Fatalf("the error names more than the target host: %v", err)
	}
	if other.total() != 0 {
		t.Fatal("the other host received the request (credential and body)")
	}
	if gateway.count("/cards") != 1 {
		t.Fatalf("the refused redirect was retried: %d requests", gateway.count("/cards"))
	}
}

func TestRedirectFromHTTPSToHTTPOnTheSameHostIsRefused(t *testing.T) {
	var plain atomic.Int32
	plainSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { plain.Add(1) }))
	plainSrv.Start()
	defer plainSrv.Close()
	vault := serve(t, true, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plainSrv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	v := vaultAt(t, vault.URL, facade.WithHTTPClient(vault.Client()))
	_, err := v.Insert(context.Background(), facade.InsertRequest{Table: "t", Records: []map[string]any{{"ssn": "123-45-6789"}}})
	if !errors.Is(err, skyflow.ErrUnsafeRedirect) {
		t.Fatalf("got %v, want a refused redirect", err)
	}
	if plain.Load() != 0 {
		t.Fatal("the insert went out in clear")
	}
}

func TestSameOriginRedirectIsFollowedAndTheCallersClientIsNotChanged(t *testing.T) {
	srv := serve(t, true, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old/v1/vaults/v1/t" {
			http.Redirect(w, r, "/v1/vaults/v1/t", http.StatusTemporaryRedirect)
			return
		}
		if r.Header.Get(auth.AuthorizationHeader) != "Bearer "+testAPIKey {
			jsonAnswer(w, 401, `{"error":{"message":"no credential"}}`)
			return
		}
		jsonAnswer(w, 200, `{"records":[{"fields":{"skyflow_id":"id-1"}}]}`)
	})
	hc := srv.Client()
	v := vaultAt(t, srv.URL+"/old", facade.WithHTTPClient(hc))
	resp, err := v.Get(context.Background(), facade.GetRequest{Table: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Records) != 1 || srv.count("/v1/vaults/v1/t") != 1 {
		t.Fatalf("same-origin redirect not followed: %+v", resp)
	}
	if hc.CheckRedirect != nil {
		t.Fatal("the caller's *http.Client was changed")
	}
}

// A same-origin 307 or 308 of a POST would send it (body and credential)
// again, after the route may have acted on it: refused, the route saw the
// request once.
func TestSameOriginRedirectOfAPostIsRefused(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		gateway := serve(t, true, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/cards/other", status)
		})
		c, err := facade.New(facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c1", URL: gateway.URL + "/cards/1",
			Credentials: &auth.Credentials{APIKey: testAPIKey}}), facade.WithHTTPClient(gateway.Client()))
		if err != nil {
			t.Fatal(err)
		}
		conn, _ := c.Connection("")
		_, err = conn.Invoke(context.Background(), facade.InvokeRequest{Body: map[string]any{"card_number": "4111111111111111"}})
		if !errors.Is(err, skyflow.ErrUnsafeRedirect) || !strings.Contains(err.Error(), "POST") {
			t.Fatalf("%d: got %v, want a refused redirect", status, err)
		}
		if gateway.total() != 1 {
			t.Fatalf("%d: the route received %d requests, want 1", status, gateway.total())
		}
	}
}

func TestTokenExchangeRedirectIsRefused(t *testing.T) {
	var stolen atomic.Int32
	thief := serve(t, false, func(w http.ResponseWriter, r *http.Request) { stolen.Add(1) })
	tokens := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, thief.URL+"/token", http.StatusTemporaryRedirect)
	})
	creds := serviceAccount(t, tokens.URL+"/v1/auth/sa/oauth/token")
	_, err := auth.GenerateBearerToken(context.Background(), auth.Credentials{CredentialsJSON: creds})
	if !errors.Is(err, skyflow.ErrUnsafeRedirect) {
		t.Fatalf("got %v, want a refused redirect", err)
	}
	vault := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"records":[]}`) })
	v := vaultAtWith(t, vault.URL, &auth.Credentials{CredentialsJSON: creds})
	if _, err := v.Get(context.Background(), facade.GetRequest{Table: "t"}); !errors.Is(err, skyflow.ErrUnsafeRedirect) {
		t.Fatalf("client token exchange: got %v", err)
	}
	if stolen.Load() != 0 {
		t.Fatal("the signed assertion reached another host")
	}
}

// 2. Credentials only go over https (loopback aside).

func TestPlainHTTPAndUnsafeURLsAreRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  facade.Option
		want string
	}{
		{"vault over http", facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: "http://vault.example.com"}), "BaseURL"},
		{"vault with user info", facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: "https://user:s3cr3t@vault.example.com"}), "BaseURL"},
		{"vault with a query", facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: "https://vault.example.com/?key=s3cr3t"}), "BaseURL"},
		{"vault with a fragment", facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: "https://vault.example.com/#s3cr3t"}), "BaseURL"},
		{"connection over http", facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c", URL: "http://gateway.example.com/x"}), "URL"},
		{"connection with user info", facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c", URL: "https://u:s3cr3t@gateway.example.com/x"}), "URL"},
	} {
		_, err := facade.New(c.opt)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.want {
			t.Errorf("%s: got %v, want a *ValidationError on %s", c.name, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "example.com") {
			t.Errorf("%s: the error shows the URL: %v", c.name, err)
		}
	}
	for _, ok := range []string{"http://localhost:8080", "http://127.0.0.1:9", "http://[::1]:9", "https://vault.example.com/base"} {
		if _, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: ok})); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// 5. No call waits forever.

func TestHangingServerIsBoundedPerAttempt(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { <-release })
	v := vaultAt(t, srv.URL, facade.WithRequestTimeout(50*time.Millisecond), facade.WithRetryPolicy(facade.RetryPolicy{}))
	_, err := v.Get(context.Background(), facade.GetRequest{Table: "t"})
	var te *skyflow.TransportError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want an attempt timeout", err)
	}
}

func TestSlowDripBodyIsBounded(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	v := vaultAt(t, srv.URL, facade.WithRequestTimeout(100*time.Millisecond), facade.WithRetryPolicy(facade.RetryPolicy{}))
	_, err := v.Get(context.Background(), facade.GetRequest{Table: "t"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the attempt timeout to end a slow-drip answer", err)
	}
}

func TestDefaultTimeoutsAreSet(t *testing.T) {
	if facade.DefaultRequestTimeout <= 0 || facade.DefaultFileRequestTimeout < facade.DefaultRequestTimeout || facade.DefaultResponseHeaderTimeout <= 0 {
		t.Fatal("default timeouts must bound every call")
	}
	c, err := facade.New()
	if err != nil {
		t.Fatal(err)
	}
	if got := facade.RequestTimeouts(c); got[0] != facade.DefaultRequestTimeout || got[1] != facade.DefaultFileRequestTimeout {
		t.Fatalf("timeouts in effect %v, want the defaults", got)
	}
}

// 6. Answers are read within a size limit.

func TestOversizedAnswerIsRefusedAndReadNoFurther(t *testing.T) {
	var written atomic.Int64
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"records":[{"fields":{"x":"`)
		chunk := []byte(strings.Repeat("a", 64<<10))
		for i := 0; i < 400<<20/len(chunk); i++ { // 400 MiB
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	v := vaultAt(t, srv.URL, facade.WithMaxResponseSize(1<<20))
	_, err := v.Get(context.Background(), facade.GetRequest{Table: "t"})
	if !errors.Is(err, skyflow.ErrUnexpectedResponse) || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v, want the size limit error", err)
	}
	srv.CloseClientConnections()
	if n := written.Load(); n > 64<<20 {
		t.Fatalf("the client read on: the server wrote %d MiB", n>>20)
	}
}

// 7. Paging stops when a page makes no progress.

func TestPagingStopsWhenTheServerIgnoresTheOffset(t *testing.T) {
	page := make([]string, 25)
	for i := range page {
		page[i] = `{"fields":{"skyflow_id":"id-` + string(rune('a'+i)) + `"}}`
	}
	body := `{"records":[` + strings.Join(page, ",") + `]}`
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, body) })
	v := vaultAt(t, srv.URL)
	n := 0
	var last error
	for _, err := range v.Records(context.Background(), facade.GetRequest{Table: "t"}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if !errors.Is(last, skyflow.ErrUnexpectedResponse) || n != 25 || srv.total() != 2 {
		t.Fatalf("records %d, requests %d, err %v: want one page, two requests and an error", n, srv.total(), last)
	}
}

// A server that sends pages round a cycle (A, B, A, ...), or records
// without ids, is stopped too: a page that repeats any earlier one is an
// error. Pages that follow each other legitimately are not.
func TestPagingStopsWhenPagesCycle(t *testing.T) {
	pageOf := func(prefix string, withIDs bool) string {
		recs := make([]string, 25)
		for i := range recs {
			if withIDs {
				recs[i] = `{"fields":{"skyflow_id":"` + prefix + strconv.Itoa(i) + `","n":` + strconv.Itoa(i) + `}}`
			} else {
				recs[i] = `{"fields":{"name":"` + prefix + strconv.Itoa(i) + `"}}`
			}
		}
		return `{"records":[` + strings.Join(recs, ",") + `]}`
	}
	for name, tc := range map[string]struct {
		pages []string // answered in turn, round and round
		want  int      // records yielded before the error
	}{
		"alternating pages":        {[]string{pageOf("a", true), pageOf("b", true)}, 50},
		"a cycle of three":         {[]string{pageOf("a", true), pageOf("b", true), pageOf("c", true)}, 75},
		"records without ids":      {[]string{pageOf("a", false)}, 25},
		"alternating, without ids": {[]string{pageOf("a", false), pageOf("b", false)}, 50},
	} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int32
			srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
				jsonAnswer(w, 200, tc.pages[int(n.Add(1)-1)%len(tc.pages)])
			})
			v := vaultAt(t, srv.URL)
			// The bound only turns a regression into a failure, not a hang.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got := 0
			var last error
			for _, err := range v.Records(ctx, facade.GetRequest{Table: "t"}) {
				if err != nil {
					last = err
					break
				}
				got++
			}
			if !errors.Is(last, skyflow.ErrUnexpectedResponse) || got != tc.want || srv.total() != tc.want/25+1 {
				t.Fatalf("records %d, requests %d, err %v: want %d records, then an error", got, srv.total(), last, tc.want)
			}
		})
	}

	// Distinct pages, then a short one: every record, no error.
	var n atomic.Int32
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			jsonAnswer(w, 200, pageOf("a", false))
		case 2:
			jsonAnswer(w, 200, pageOf("b", false))
		default:
			jsonAnswer(w, 200, `{"records":[{"fields":{"name":"last"}}]}`)
		}
	})
	got := 0
	for _, err := range vaultAt(t, srv.URL).Records(context.Background(), facade.GetRequest{Table: "t"}) {
		if err != nil {
			t.Fatal(err)
		}
		got++
	}
	if got != 51 {
		t.Fatalf("%d records, want 51", got)
	}
}

// 10. Cancellation during a retry backoff: the context's error wins.

func TestCancelDuringBackoffMatchesTheContextAndKeepsTheLastError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 503, `{"error":{"message":"busy"}}`)
	})
	// The context ends once the first answer has been read whole: the
	// client is then waiting before its retry.
	hc := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil {
			resp.Body = &onEOF{ReadCloser: resp.Body, fn: cancel}
		}
		return resp, err
	})}
	v := vaultAt(t, srv.URL, facade.WithHTTPClient(hc),
		facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 3, InitialBackoff: time.Hour, MaxBackoff: time.Hour}))
	_, err := v.Get(ctx, facade.GetRequest{Table: "t"})
	var apiErr *skyflow.APIError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("got %v: want context.Canceled with the 503 reachable", err)
	}
	if srv.total() != 1 {
		t.Fatalf("%d requests", srv.total())
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// onEOF calls fn once the body has been read to its end.
type onEOF struct {
	io.ReadCloser
	fn   func()
	once sync.Once
}

func (b *onEOF) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.fn)
	}
	return n, err
}

// 11. A POST through a connection is never sent twice after a 401.

func TestConnectionPostIsNotResentAfter401(t *testing.T) {
	var exchanges atomic.Int32
	tokens := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		exchanges.Add(1)
		jsonAnswer(w, 200, `{"accessToken":"`+jwtFor(t, time.Hour)+`","tokenType":"Bearer"}`)
	})
	route := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 401, `{"error":{"message":"denied"}}`) })
	c, err := facade.New(facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c1", URL: route.URL + "/pay",
		Credentials: &auth.Credentials{CredentialsJSON: serviceAccount(t, tokens.URL+"/v1/auth/sa/oauth/token")}}))
	if err != nil {
		t.Fatal(err)
	}
	conn, _ := c.Connection("")
	for i := 0; i < 10; i++ {
		if _, err := conn.Invoke(context.Background(), facade.InvokeRequest{Method: "POST", Body: map[string]any{"n": i}}); !errors.Is(err, skyflow.ErrUnauthorized) {
			t.Fatalf("got %v", err)
		}
	}
	if n := route.count("/pay"); n != 10 {
		t.Fatalf("the route received %d POSTs for 10 calls", n)
	}
	if n := exchanges.Load(); n != 1 {
		t.Fatalf("%d token exchanges, want 1", n)
	}
	// A GET is harmless to repeat: it is sent once more with a new token.
	if _, err := conn.Invoke(context.Background(), facade.InvokeRequest{Method: "GET"}); !errors.Is(err, skyflow.ErrUnauthorized) {
		t.Fatal(err)
	}
	if n := route.count("/pay"); n != 12 {
		t.Fatalf("GET after 401: %d requests in all, want 12", n)
	}
}

// 12. A delete whose answer was lost is not reported as not found.

func TestLostDeleteAnswerIsReportedDeleted(t *testing.T) {
	var n atomic.Int32
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if n.Add(1) == 1 {
			// The vault deletes, then the answer is lost.
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
			return
		}
		jsonAnswer(w, 404, `{"error":{"http_code":404,"message":"records not found"}}`)
	})
	v := vaultAt(t, srv.URL)
	resp, err := v.Delete(context.Background(), facade.DeleteRequest{Table: "t", IDs: []string{"id-1", "id-2"}})
	if err != nil {
		t.Fatalf("got %v, want the records reported deleted", err)
	}
	if !resp.Unconfirmed || len(resp.DeletedIDs) != 2 {
		t.Fatalf("got %+v", resp)
	}
	// Without a lost answer, 404 is not found.
	_, err = vaultAt(t, serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 404, `{"error":{"message":"records not found"}}`)
	}).URL).Delete(context.Background(), facade.DeleteRequest{Table: "t", IDs: []string{"id-1"}})
	if !errors.Is(err, skyflow.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
}

// 13. Answers that do not match the request are errors.

func TestAnswersThatDoNotMatchTheRequest(t *testing.T) {
	for _, c := range []struct {
		name string
		body string
		call func(v *facade.Vault) error
	}{
		{"insert without skyflow_id", `{"records":[{"tokens":{"a":"t"}}]}`, func(v *facade.Vault) error {
			_, err := v.Insert(context.Background(), facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}})
			return err
		}},
		{"insert short", `{"records":[{"skyflow_id":"x"}]}`, func(v *facade.Vault) error {
			_, err := v.Insert(context.Background(), facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}, {"a": 2}}})
			return err
		}},
		{"upload without id", `{"skyflowID":""}`, func(v *facade.Vault) error {
			_, err := v.UploadFile(context.Background(), facade.UploadFileRequest{Table: "t", Column: "f", Reader: strings.NewReader("x"), FileName: "a.txt"})
			return err
		}},
	} {
		srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			jsonAnswer(w, 200, c.body)
		})
		if err := c.call(vaultAt(t, srv.URL)); !errors.Is(err, skyflow.ErrUnexpectedResponse) || skyflow.IsRetryable(err) {
			t.Errorf("%s: got %v, want a non-retryable unexpected-response error", c.name, err)
		}
	}
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{}`) })
	c, _ := facade.New(facade.WithVault(facade.VaultConfig{VaultID: "v1", BaseURL: srv.URL, Credentials: &auth.Credentials{APIKey: testAPIKey}}))
	d, _ := c.Detect("")
	if _, err := d.DeidentifyText(context.Background(), facade.DeidentifyTextRequest{Text: "SSN 123-45-6789"}); !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Errorf("DeidentifyText answered {}: got %v", err)
	}
	if _, err := d.ReidentifyText(context.Background(), facade.ReidentifyTextRequest{Text: "[SSN_1]"}); !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Errorf("ReidentifyText answered {}: got %v", err)
	}
}

// 14, 15. Bad input fails before any request, never retried.

func TestBadInputFailsBeforeAnyRequest(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{}`) })
	v := vaultAt(t, srv.URL)
	c, _ := facade.New(facade.WithVault(facade.VaultConfig{VaultID: "v1", BaseURL: srv.URL, Credentials: &auth.Credentials{APIKey: testAPIKey}}),
		facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c1", URL: srv.URL + "/cards/{id}", Credentials: &auth.Credentials{APIKey: testAPIKey}}))
	d, _ := c.Detect("")
	conn, _ := c.Connection("")
	cycle := map[string]any{}
	cycle["self"] = cycle
	ctx := context.Background()
	for _, call := range []struct {
		name string
		run  func() error
	}{
		{"update table ..", func() error {
			_, err := v.Update(ctx, facade.UpdateRequest{Table: "..", SkyflowID: "x", Fields: map[string]any{"a": 1}})
			return err
		}},
		{"update id .", func() error {
			_, err := v.Update(ctx, facade.UpdateRequest{Table: "t", SkyflowID: ".", Fields: map[string]any{"a": 1}})
			return err
		}},
		{"delete table ..", func() error {
			_, err := v.Delete(ctx, facade.DeleteRequest{Table: "..", IDs: []string{"x"}})
			return err
		}},
		{"get table .", func() error { _, err := v.Get(ctx, facade.GetRequest{Table: "."}); return err }},
		{"run ..", func() error { _, err := d.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: ".."}); return err }},
		{"invoke ..", func() error {
			_, err := conn.Invoke(ctx, facade.InvokeRequest{PathParams: map[string]string{"id": ".."}})
			return err
		}},
		{"NaN", func() error {
			_, err := v.Insert(ctx, facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": math.NaN()}}})
			return err
		}},
		{"chan", func() error {
			_, err := v.Insert(ctx, facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": make(chan int)}}})
			return err
		}},
		{"func", func() error {
			_, err := v.Update(ctx, facade.UpdateRequest{Table: "t", SkyflowID: "x", Fields: map[string]any{"a": func() {}}})
			return err
		}},
		{"cycle", func() error {
			_, err := v.Insert(ctx, facade.InsertRequest{Table: "t", Records: []map[string]any{cycle}})
			return err
		}},
	} {
		if err := call.run(); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%s: got %v, want a *ValidationError", call.name, err)
		}
	}
	if srv.total() != 0 {
		t.Fatalf("%d requests were sent", srv.total())
	}
	for _, opt := range []facade.Option{
		facade.WithHeader("X-Trace", "a\r\nInjected: 1"),
		facade.WithHeader("X-Trace", "a\x00b"),
		facade.WithHeader("Host", "evil.example.com"),
		facade.WithHeader(auth.AuthorizationHeader, "Bearer x"),
		facade.WithUserAgentSuffix("app/1\nInjected: 1"),
	} {
		if _, err := facade.New(opt); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("got %v, want a *ValidationError at New", err)
		}
	}
}

// 17. An error body with a wrongly typed field keeps the server's message.

func TestErrorBodyIsDecodedTolerantly(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 400, `{"error":{"grpc_code":"x","http_code":400,"http_status":"Bad Request","message":"column ssn is unknown","details":[{"a":1},"odd"]}}`)
	})
	_, err := vaultAt(t, srv.URL).Get(context.Background(), facade.GetRequest{Table: "t"})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "column ssn is unknown" || apiErr.HTTPStatus != "Bad Request" || len(apiErr.Details) != 1 {
		t.Fatalf("got %#v", apiErr)
	}
}

// jwtFor returns an unsigned-looking JWT with an exp claim d from now (the
// SDK reads exp without verifying the signature).
func jwtFor(t *testing.T, d time.Duration) string {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "HS256", "typ": "JWT"}) + "." + enc(map[string]int64{"exp": time.Now().Add(d).Unix()}) + ".c2ln"
}
