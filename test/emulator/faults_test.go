package emulator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Fault injection and counters", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
	})

	get := func() *response { return c.do("GET", vaultPath(srv, "/table1"), nil) }

	It("answers 429 with Retry-After for the next N requests, then recovers", func() {
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Times: 2, Status: 429, RetryAfter: "1"})
		for range 2 {
			r := get()
			expectError(r, http.StatusTooManyRequests)
			Expect(r.Header.Get("Retry-After")).To(Equal("1"))
			Expect(grpcCode(r)).To(Equal(8))
		}
		expectOK(get())
		Expect(srv.Count("RecordServiceBulkGetRecord")).To(Equal(3))
	})

	It("applies '*' faults to any operation, after operation faults", func() {
		srv.InjectFault("*", mockserver.Fault{Status: 503, Message: "down for maintenance"})
		srv.InjectFault("TokenServiceDetokenize", mockserver.Fault{Status: 500})
		r := c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{"detokenizationParameters": []any{map[string]any{"token": "x"}}})
		expectError(r, http.StatusInternalServerError)
		r = c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{"detokenizationParameters": []any{map[string]any{"token": "x"}}})
		Expect(expectError(r, http.StatusServiceUnavailable)).To(Equal("down for maintenance"))
		expectError(c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{"detokenizationParameters": []any{map[string]any{"token": "x"}}}), http.StatusNotFound)
	})

	It("keeps a fault with negative Times until cleared", func() {
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Times: -1, Status: 500})
		for range 3 {
			expectError(get(), http.StatusInternalServerError)
		}
		srv.ClearFaults()
		expectOK(get())
	})

	It("faults before authentication, as a gateway would", func() {
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Status: 503})
		expectError(c.withAuth("Bearer nope").do("GET", vaultPath(srv, "/table1"), nil), http.StatusServiceUnavailable)
	})

	It("delays a request (the client's timeout fires first)", func() {
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Delay: 5 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+vaultPath(srv, "/table1"), nil)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		_, err := http.DefaultClient.Do(req)
		Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "got %v", err)
		Expect(srv.Count("RecordServiceBulkGetRecord")).To(Equal(1))
		expectOK(get())
	})

	It("delays then answers normally when no status is set", func() {
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Delay: time.Millisecond})
		expectOK(get())
	})

	It("closes the connection mid-response", func() {
		srv.InjectFault("RecordServiceInsertRecord", mockserver.Fault{CloseConnection: true})
		req, _ := http.NewRequest("POST", srv.URL()+vaultPath(srv, "/table1"), strings.NewReader(`{"records":[{"fields":{"email":"a@b.c"}}]}`))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		Expect(err).To(HaveOccurred(), "the body must be cut short")
		Expect(srv.Records("table1")).To(BeEmpty(), "the faulted request was not handled")
		Expect(srv.Count("RecordServiceInsertRecord")).To(Equal(1))
	})

	It("closes the connection after the write commits, sending nothing", func() {
		srv.InjectFault("RecordServiceInsertRecord", mockserver.Fault{CloseAfterCommit: true})
		req, _ := http.NewRequest("POST", srv.URL()+vaultPath(srv, "/table1"), strings.NewReader(`{"records":[{"fields":{"email":"a@b.c"}}]}`))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		Expect(err).To(HaveOccurred(), "no status line may arrive")
		recs := srv.Records("table1")
		Expect(recs).To(HaveLen(1), "the write was committed")
		Expect(recs[0]).To(HaveKeyWithValue("email", "a@b.c"))
		Expect(srv.Count("RecordServiceInsertRecord")).To(Equal(1))
		Expect(srv.FaultCounts()).To(Equal(map[string]int{"close after commit": 1}))
		expectOK(get())
	})

	It("commits a connection call before dropping its answer", func() {
		srv.InjectFault("InvokeConnection", mockserver.Fault{CloseAfterCommit: true})
		req, _ := http.NewRequest("POST", srv.ConnectionURL(), strings.NewReader(`{"a":1}`))
		req.Header.Set("X-Skyflow-Authorization", srv.APIKey())
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		Expect(err).To(HaveOccurred())
		Expect(srv.Count("InvokeConnection")).To(Equal(1))
		Expect(srv.FaultCounts()).To(HaveKeyWithValue("close after commit", 1))
	})

	It("counts applied faults by name, derived or given, and resets them with the counters", func() {
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Times: 2, Status: 503})
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Status: 429, RetryAfter: "60", Name: "429 long"})
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Delay: time.Millisecond})
		srv.InjectFault("TokenServiceDetokenize", mockserver.Fault{Status: 500})
		for range 4 {
			get()
		}
		expectOK(get())
		Expect(srv.FaultCounts()).To(Equal(map[string]int{"status 503": 2, "429 long": 1, "delay": 1}),
			"a fault not applied yet is not counted")
		srv.ResetCounts()
		Expect(srv.FaultCounts()).To(BeEmpty())
	})

	It("counts requests per operation, whatever their outcome, and resets", func() {
		expectOK(get())
		expectError(c.withAuth("").do("GET", vaultPath(srv, "/table1"), nil), http.StatusUnauthorized)
		expectError(c.do("POST", vaultPath(srv, "/table1"), "{"), http.StatusBadRequest)
		Expect(srv.Count("RecordServiceBulkGetRecord")).To(Equal(2))
		Expect(srv.Count("RecordServiceInsertRecord")).To(Equal(1))
		Expect(srv.Counts()).To(HaveKeyWithValue("RecordServiceInsertRecord", 1))
		srv.ResetCounts()
		Expect(srv.Count("RecordServiceBulkGetRecord")).To(BeZero())
	})

	Describe("over the admin API", func() {
		admin := func(method, path string, body any) *response {
			return c.withAuth("").do(method, "/__admin"+path, body)
		}

		It("injects faults and reads counters", func() {
			expectOK(admin("POST", "/faults", map[string]any{"operation": "RecordServiceBulkGetRecord", "times": 1, "status": 429, "retry_after": "2"}))
			r := get()
			expectError(r, http.StatusTooManyRequests)
			Expect(r.Header.Get("Retry-After")).To(Equal("2"))
			counts := obj(expectOK(admin("GET", "/counters", nil))["counts"])
			Expect(counts).To(HaveKeyWithValue("RecordServiceBulkGetRecord", BeNumerically("==", 1)))
			expectOK(admin("DELETE", "/counters", nil))
			Expect(srv.Count("RecordServiceBulkGetRecord")).To(BeZero())
			expectOK(admin("POST", "/faults", map[string]any{"operation": "*", "times": -1, "status": 500}))
			expectError(get(), http.StatusInternalServerError)
			expectOK(admin("DELETE", "/faults", nil))
			expectOK(get())
			faults := obj(expectOK(admin("GET", "/counters", nil))["faults"])
			Expect(faults).To(HaveKeyWithValue("status 500", BeNumerically("==", 1)))
		})

		It("injects a named close after commit", func() {
			expectOK(admin("POST", "/faults", map[string]any{"operation": "RecordServiceInsertRecord", "close_after_commit": true, "name": "lost answer"}))
			req, _ := http.NewRequest("POST", srv.URL()+vaultPath(srv, "/table1"), strings.NewReader(`{"records":[{"fields":{"email":"x@y.z"}}]}`))
			req.Header.Set("Authorization", "Bearer "+srv.APIKey())
			req.Header.Set("Content-Type", "application/json")
			_, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
			Expect(err).To(HaveOccurred())
			Expect(srv.Records("table1")).To(HaveLen(1))
			faults := obj(expectOK(admin("GET", "/counters", nil))["faults"])
			Expect(faults).To(HaveKeyWithValue("lost answer", BeNumerically("==", 1)))
		})

		It("rejects unknown operations and bad statuses", func() {
			expectError(admin("POST", "/faults", map[string]any{"operation": "Nope", "status": 500}), http.StatusBadRequest)
			expectError(admin("POST", "/faults", map[string]any{"operation": "*", "status": 200}), http.StatusBadRequest)
			expectError(admin("POST", "/faults", map[string]any{"operation": "*", "delay": "soon"}), http.StatusBadRequest)
			expectError(admin("POST", "/faults", "{"), http.StatusBadRequest)
			expectError(admin("GET", "/nope", nil), http.StatusNotFound)
		})

		It("plans runs and lists records", func() {
			expectOK(admin("POST", "/runs", []any{map[string]any{"polls": 0, "final": "FAILED", "message": "nope"}}))
			id := expectOK(c.do("POST", "/v1/detect/deidentify/file/text", map[string]any{
				"file": map[string]any{"base64": "eA==", "data_format": "txt"}, "vault_id": srv.VaultID(),
			}))["run_id"].(string)
			run := expectOK(c.do("GET", "/v1/detect/runs/"+id, nil))
			Expect(run).To(HaveKeyWithValue("status", "FAILED"))
			expectError(admin("POST", "/runs", map[string]any{"final": "MAYBE"}), http.StatusBadRequest)
			insertOne(c, srv, "table1", map[string]any{"email": "a@b.c"})
			recs := records(expectOK(admin("GET", "/records?table=table1", nil)))
			Expect(recs[0]).To(HaveKeyWithValue("email", "a@b.c"))
			expectOK(admin("GET", "/health", nil))
		})
	})
})
