package connections_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

var fastRetries = facade.RetryPolicy{MaxRetries: 2, InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// env is one emulator and a client whose requests are recorded, configured
// with the emulator's demo connection (route /cards/{card_id}).
type env struct {
	srv    *mockserver.Server
	client *facade.Client
	conn   *facade.Connection
	rec    *recorder
}

func startEnv(srvOpts ...mockserver.Option) *env {
	srv, err := mockserver.Start(append([]mockserver.Option{mockserver.WithResponseValidation()}, srvOpts...)...)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		Expect(srv.Problems()).To(BeEmpty())
		srv.Close()
	})
	rec := &recorder{next: http.DefaultTransport}
	client, err := facade.New(
		facade.WithConnection(facade.ConnectionConfig{ConnectionID: srv.ConnectionID(), URL: srv.ConnectionURL(), Credentials: &auth.Credentials{APIKey: srv.APIKey()}}),
		facade.WithHTTPClient(&http.Client{Transport: rec}),
		facade.WithRetryPolicy(fastRetries),
		facade.WithLogger(slog.New(slog.NewTextHandler(GinkgoWriter, nil))),
	)
	Expect(err).NotTo(HaveOccurred())
	conn, err := client.Connection(srv.ConnectionID())
	Expect(err).NotTo(HaveOccurred())
	return &env{srv: srv, client: client, conn: conn, rec: rec}
}

// echo is what the emulator's connection route answers.
type echo struct {
	ConnectionID string              `json:"connection_id"`
	Method       string              `json:"method"`
	Path         string              `json:"path"`
	PathParams   map[string]string   `json:"path_params"`
	Query        map[string][]string `json:"query"`
	Headers      map[string][]string `json:"headers"`
	ContentType  string              `json:"content_type"`
	Body         any                 `json:"body"`
}

func echoOf(resp *facade.InvokeResponse) echo {
	var e echo
	ExpectWithOffset(1, json.Unmarshal(resp.Raw, &e)).To(Succeed())
	return e
}

type recorded struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := recorded{Method: req.Method, Path: req.URL.EscapedPath(), Header: req.Header.Clone()}
	if req.Body != nil {
		data, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		rec.Body = data
		req.Body = io.NopCloser(bytes.NewReader(data))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) Last() recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	ExpectWithOffset(1, r.reqs).NotTo(BeEmpty())
	return r.reqs[len(r.reqs)-1]
}

func (r *recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}
