package facade_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

func faultStatus(status, times int) mockserver.Fault {
	return mockserver.Fault{Times: times, Status: status}
}

var _ = Describe("reliability", func() {
	var e *env
	BeforeEach(func() { e = startEnv(nil) })

	// That the wait Retry-After asks for is honoured is checked beside the
	// Doer (internal/transport), where the waits are recorded.
	It("retries a 429 whose Retry-After is within the policy's cap", func(ctx SpecContext) {
		e.srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Times: 2, Status: 429, RetryAfter: "0"})
		_, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.srv.Count("RecordServiceBulkGetRecord")).To(Equal(3))
	})

	It("fails at once on a Retry-After above the policy's cap, carrying the server's delay", func(ctx SpecContext) {
		e.srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Times: 1, Status: 429, RetryAfter: "3600"})
		_, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1"})
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue(), "got %v", err)
		Expect(apiErr.StatusCode).To(Equal(429))
		Expect(apiErr.RetryAfter).To(Equal(time.Hour))
		Expect(skyflow.IsRetryable(err)).To(BeTrue())
		Expect(e.srv.Count("RecordServiceBulkGetRecord")).To(Equal(1), "no retry, no silent sleep")
	})

	It("retries 503 then succeeds for reads", func(ctx SpecContext) {
		e.srv.InjectFault("RecordServiceBulkGetRecord", faultStatus(503, 1))
		_, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.srv.Count("RecordServiceBulkGetRecord")).To(Equal(2))
	})

	It("retries a connection reset for reads", func(ctx SpecContext) {
		e.srv.InjectFault("TokenServiceDetokenize", mockserver.Fault{Times: 1, CloseConnection: true})
		_, err := e.vault.Detokenize(ctx, facade.DetokenizeRequest{ContinueOnError: true, Tokens: []facade.DetokenizeToken{{Token: "x"}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.srv.Count("TokenServiceDetokenize")).To(Equal(2))
	})

	It("does not retry a plain insert after a 503 (it could write twice), but does with upsert", func(ctx SpecContext) {
		e.srv.InjectFault("RecordServiceInsertRecord", faultStatus(503, 1))
		_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue())
		Expect(apiErr.StatusCode).To(Equal(503))
		Expect(skyflow.IsRetryable(err)).To(BeTrue())
		Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(1))

		e.srv.InjectFault("RecordServiceInsertRecord", faultStatus(503, 1))
		_, err = e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}, Upsert: "email"})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(3))
		Expect(e.srv.Records("table1")).To(HaveLen(1))
	})

	It("retries a plain insert after 429: the server did not process it", func(ctx SpecContext) {
		e.srv.InjectFault("RecordServiceInsertRecord", mockserver.Fault{Times: 1, Status: 429, RetryAfter: "0"})
		_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.srv.Records("table1")).To(HaveLen(1))
	})

	It("gives up after the configured retries and returns the API error", func(ctx SpecContext) {
		e.srv.InjectFault("RecordServiceBulkGetRecord", faultStatus(503, 10))
		_, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1"})
		Expect(err).To(HaveOccurred())
		Expect(e.srv.Count("RecordServiceBulkGetRecord")).To(Equal(1 + fastRetries.MaxRetries))
	})

	It("refreshes a service-account token once on 401 and sends the call again", func(ctx SpecContext) {
		sa := newEnv(e.srv, &auth.Credentials{CredentialsJSON: e.srv.CredentialsJSON()})
		_, err := sa.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.srv.Count("GetAuthToken")).To(Equal(1))

		e.srv.InjectFault("RecordServiceInsertRecord", faultStatus(401, 1))
		_, err = sa.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(2)}})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.srv.Count("GetAuthToken")).To(Equal(2))
		Expect(e.srv.Records("table1")).To(HaveLen(2))
	})

	It("does not loop on a persistent 401", func(ctx SpecContext) {
		sa := newEnv(e.srv, &auth.Credentials{CredentialsJSON: e.srv.CredentialsJSON()})
		e.srv.InjectFault("RecordServiceBulkGetRecord", faultStatus(401, 10))
		_, err := sa.vault.Get(ctx, facade.GetRequest{Table: "table1"})
		Expect(err).To(MatchError(skyflow.ErrUnauthorized))
		Expect(e.srv.Count("RecordServiceBulkGetRecord")).To(Equal(2))
	})

	It("refreshes a service-account token that reaches its refresh window, without failing a call", func(ctx SpecContext) {
		// One clock for the emulator (token expiry) and the token source.
		clock := &testClock{now: time.Now()}
		srv, err := mockserver.Start(mockserver.WithTokenLifetime(10*time.Minute), mockserver.WithClock(clock.Now))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		ts, err := auth.NewTokenSource(auth.Credentials{CredentialsJSON: srv.CredentialsJSON()},
			auth.WithClock(clock.Now), auth.WithRefreshWindow(time.Minute))
		Expect(err).NotTo(HaveOccurred())
		c, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL(), TokenSource: ts}),
			facade.WithRetryPolicy(fastRetries))
		Expect(err).NotTo(HaveOccurred())
		v, err := c.Vault("")
		Expect(err).NotTo(HaveOccurred())
		get := func() {
			GinkgoHelper()
			_, err := v.Get(ctx, facade.GetRequest{Table: "table1"})
			Expect(err).NotTo(HaveOccurred())
		}
		for range 3 {
			get()
		}
		Expect(srv.Count("GetAuthToken")).To(Equal(1))

		By("outside the one-minute window the cached token is used")
		clock.Advance(8 * time.Minute)
		get()
		Expect(srv.Count("GetAuthToken")).To(Equal(1))

		By("inside the window the call goes on with the valid token while a new one is fetched")
		clock.Advance(90 * time.Second)
		get()
		Eventually(func() int { return srv.Count("GetAuthToken") }).Should(Equal(2))

		By("past the first token's expiry every call uses the new token, with no further exchange")
		clock.Advance(2 * time.Minute)
		get()
		get()
		Expect(srv.Count("GetAuthToken")).To(Equal(2))
		Expect(srv.Count("RecordServiceBulkGetRecord")).To(Equal(7), "no call was refused and sent again")
	})

	It("stops a call when its context is cancelled", func(ctx SpecContext) {
		e.srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Times: 1, Delay: time.Minute})
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := e.vault.Get(cctx, facade.GetRequest{Table: "table1"})
		Expect(err).To(MatchError(context.DeadlineExceeded))
		var te *skyflow.TransportError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(time.Since(start)).To(BeNumerically("<", 30*time.Second))
	})

	It("bounds each attempt with the request timeout and retries the read", func(ctx SpecContext) {
		t := startEnv([]facade.Option{facade.WithRequestTimeout(200 * time.Millisecond)})
		t.srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Times: 1, Delay: time.Minute})
		_, err := t.vault.Get(ctx, facade.GetRequest{Table: "table1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(t.srv.Count("RecordServiceBulkGetRecord")).To(Equal(2))
	})

	It("runs 64 goroutines through fresh Vault handles with one token exchange, -race clean", func(ctx SpecContext) {
		c, err := facade.New(
			facade.WithVault(facade.VaultConfig{VaultID: e.srv.VaultID(), BaseURL: e.srv.URL()}),
			facade.WithCredentials(auth.Credentials{CredentialsJSON: e.srv.CredentialsJSON()}),
		)
		Expect(err).NotTo(HaveOccurred())
		var wg sync.WaitGroup
		ids := make([][]string, 64)
		for g := range 64 {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				for i := range 8 {
					v, err := c.Vault(e.srv.VaultID())
					Expect(err).NotTo(HaveOccurred())
					resp, err := v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(g*1000 + i)}, ReturnTokens: true})
					Expect(err).NotTo(HaveOccurred())
					ids[g] = append(ids[g], resp.Inserted[0].SkyflowID)
					d, err := v.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: resp.Inserted[0].Tokens["card_number"], Redaction: facade.RedactionPlainText}}})
					Expect(err).NotTo(HaveOccurred())
					Expect(d.Records[0].Value).To(Equal(luhnCard(g*1000 + i)))
				}
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, list := range ids {
			for _, id := range list {
				seen[id] = true
			}
		}
		Expect(seen).To(HaveLen(512))
		Expect(e.srv.Records("table1")).To(HaveLen(512))
		Expect(e.srv.Count("GetAuthToken")).To(Equal(1))
	})

	It("logs operations with request ids, and never values, tokens or keys", func(ctx SpecContext) {
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}, ReturnTokens: true})
		Expect(err).NotTo(HaveOccurred())
		tok := resp.Inserted[0].Tokens["card_number"]
		_, err = e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: tok, Redaction: facade.RedactionPlainText}}})
		Expect(err).NotTo(HaveOccurred())
		_, err = e.vault.Get(ctx, facade.GetRequest{Table: "table1", Column: "email", ColumnValues: []string{"holder1@example.com"}})
		Expect(err).NotTo(HaveOccurred())
		e.srv.InjectFault("RecordServiceBulkGetRecord", faultStatus(404, 1))
		_, _ = e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: []string{"secret-id-value"}})

		out := e.logs.String()
		Expect(out).To(ContainSubstring(`"operation":"Insert"`))
		Expect(out).To(ContainSubstring(`"request_id":"` + resp.RequestID + `"`))
		Expect(out).To(ContainSubstring(`"level":"ERROR"`))
		for _, secret := range []string{luhnCard(1), "holder1@example.com", "Holder 1", tok, e.srv.APIKey(), "secret-id-value"} {
			Expect(strings.Contains(out, secret)).To(BeFalse(), "log holds a secret: %q", secret)
		}
	})

	It("keeps record values out of transport error text", func(ctx SpecContext) {
		c, err := facade.New(
			facade.WithVault(facade.VaultConfig{VaultID: "v1", BaseURL: "http://127.0.0.1:1", Credentials: &auth.Credentials{APIKey: apiKey}}),
			facade.WithRetryPolicy(facade.RetryPolicy{}),
		)
		Expect(err).NotTo(HaveOccurred())
		v, _ := c.Vault("")
		_, err = v.Get(ctx, facade.GetRequest{Table: "table1", Column: "email", ColumnValues: []string{"private@example.com"}})
		var te *skyflow.TransportError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(err.Error()).NotTo(ContainSubstring("private"))
		Expect(err.Error()).NotTo(ContainSubstring(apiKey))
	})
})

// testClock is a settable clock, safe for concurrent use.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

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
