package internal_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/internal/transport"
)

// scripted answers each request with the next status of a script.
type scripted struct {
	mu      sync.Mutex
	script  []func(w http.ResponseWriter)
	bodies  []string
	attempt atomic.Int32
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	i := int(s.attempt.Add(1)) - 1
	step := s.script[min(i, len(s.script)-1)]
	s.mu.Unlock()
	step(w)
}

func status(code int, headers ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(`{}`))
	}
}

var _ = Describe("the retrying transport", func() {
	var (
		srv    *httptest.Server
		script *scripted
		waits  []time.Duration
		doer   *transport.Doer
	)
	newDoer := func(p transport.Policy) {
		doer = transport.New(srv.Client(), p, 0, nil)
		doer.SetSleep(func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return ctx.Err()
		})
	}
	post := func(ctx context.Context, body string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/x", bytes.NewReader([]byte(body)))
		Expect(err).NotTo(HaveOccurred())
		return doer.Do(req)
	}
	BeforeEach(func() {
		script = &scripted{}
		srv = httptest.NewServer(script)
		DeferCleanup(srv.Close)
		waits = nil
		newDoer(transport.Policy{MaxRetries: 3, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second})
	})

	It("retries 503 then succeeds, resending the same body", func(ctx SpecContext) {
		script.script = []func(http.ResponseWriter){status(503), status(503), status(200)}
		resp, err := post(ctx, `{"a":1}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
		Expect(script.bodies).To(Equal([]string{`{"a":1}`, `{"a":1}`, `{"a":1}`}))
		Expect(waits).To(HaveLen(2))
		Expect(waits[0]).To(BeNumerically("<=", 100*time.Millisecond))
		Expect(waits[1]).To(BeNumerically("<=", 200*time.Millisecond))
	})

	It("honours Retry-After on 429, capped by MaxBackoff", func(ctx SpecContext) {
		script.script = []func(http.ResponseWriter){status(429, "Retry-After", "2"), status(429, "Retry-After", "60"), status(200)}
		resp, err := post(ctx, `{}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
		Expect(waits).To(Equal([]time.Duration{2 * time.Second, 5 * time.Second}))
	})

	It("gives up after MaxRetries and returns the last response", func(ctx SpecContext) {
		script.script = []func(http.ResponseWriter){status(502)}
		resp, err := post(ctx, `{}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(502))
		Expect(script.attempt.Load()).To(BeEquivalentTo(4))
	})

	It("does not retry other errors", func(ctx SpecContext) {
		script.script = []func(http.ResponseWriter){status(400), status(200)}
		resp, err := post(ctx, `{}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(400))
		Expect(script.attempt.Load()).To(BeEquivalentTo(1))
	})

	It("does not retry a non-idempotent write after a 503, but does after a 429", func(ctx SpecContext) {
		script.script = []func(http.ResponseWriter){status(503), status(200)}
		resp, err := post(transport.NonIdempotent(ctx), `{}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(503))

		script.attempt.Store(0)
		script.script = []func(http.ResponseWriter){status(429, "Retry-After", "0"), status(200)}
		resp, err = post(transport.NonIdempotent(ctx), `{}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
	})

	It("retries a non-idempotent write after a 503 when the policy allows it", func(ctx SpecContext) {
		newDoer(transport.Policy{MaxRetries: 1, RetryNonIdempotent: true})
		script.script = []func(http.ResponseWriter){status(503), status(200)}
		resp, err := post(transport.NonIdempotent(ctx), `{}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
	})

	It("retries a refused connection even for a non-idempotent write", func(ctx SpecContext) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		addr := ln.Addr().String()
		Expect(ln.Close()).To(Succeed())
		req, _ := http.NewRequestWithContext(transport.NonIdempotent(ctx), http.MethodPost, "http://"+addr+"/x", bytes.NewReader([]byte("{}")))
		_, err = doer.Do(req)
		Expect(err).To(HaveOccurred())
		Expect(waits).To(HaveLen(3), "every refused attempt was retried")
	})

	It("does not retry a body it cannot replay", func(ctx SpecContext) {
		script.script = []func(http.ResponseWriter){status(503), status(200)}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/x", io.MultiReader(bytes.NewReader([]byte("{}"))))
		resp, err := doer.Do(req)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(503))
		Expect(script.attempt.Load()).To(BeEquivalentTo(1))
	})

	It("stops waiting when the context is cancelled", func(ctx SpecContext) {
		script.script = []func(http.ResponseWriter){status(503)}
		cctx, cancel := context.WithCancel(ctx)
		doer.SetSleep(func(ctx context.Context, d time.Duration) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		})
		_, err := post(cctx, `{}`)
		Expect(err).To(MatchError(context.Canceled))
		Expect(script.attempt.Load()).To(BeEquivalentTo(1))
	})

	It("bounds each attempt with the per-attempt timeout and keeps the body readable", func(ctx SpecContext) {
		slow := make(chan struct{})
		DeferCleanup(func() { close(slow) })
		script.script = []func(http.ResponseWriter){
			func(w http.ResponseWriter) { <-slow },
			func(w http.ResponseWriter) { w.WriteHeader(200); _, _ = w.Write([]byte(`{"ok":true}`)) },
		}
		doer = transport.New(srv.Client(), transport.Policy{MaxRetries: 1}, 50*time.Millisecond, nil)
		resp, err := post(ctx, `{}`)
		Expect(err).NotTo(HaveOccurred())
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(body)).To(Equal(`{"ok":true}`))
		Expect(resp.Body.Close()).To(Succeed())
	})
})
