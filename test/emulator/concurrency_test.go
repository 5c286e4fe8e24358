package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Concurrency", func() {
	It("loses and duplicates nothing under hundreds of parallel inserts and detokenizes", func() {
		srv := startServer()
		const n = 300
		transport := &http.Transport{MaxIdleConnsPerHost: 64}
		DeferCleanup(transport.CloseIdleConnections)
		hc := &http.Client{Transport: transport}
		post := func(path string, body any) (map[string]any, error) {
			b, _ := json.Marshal(body)
			req, err := http.NewRequest("POST", srv.URL()+path, bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "Bearer "+srv.APIKey())
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("status %d: %s", resp.StatusCode, raw)
			}
			var m map[string]any
			return m, json.Unmarshal(raw, &m)
		}

		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			errs   []error
			ids    = map[string]string{}
			tokens = map[string]string{}
		)
		fail := func(err error) {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				email := fmt.Sprintf("user%03d@example.com", i)
				body, err := post(vaultPath(srv, "/table1"), map[string]any{"tokenization": true, "records": []any{
					map[string]any{"fields": map[string]any{"email": email, "ssn": fmt.Sprintf("123-45-%04d", i)}},
				}})
				if err != nil {
					fail(err)
					return
				}
				rec := body["records"].([]any)[0].(map[string]any)
				tok := rec["tokens"].(map[string]any)["email"].(string)
				// Detokenize right away, while other goroutines insert.
				det, err := post(vaultPath(srv, "/detokenize"), map[string]any{"detokenizationParameters": []any{map[string]any{"token": tok, "redaction": "PLAIN_TEXT"}}})
				if err != nil {
					fail(err)
					return
				}
				if got := det["records"].([]any)[0].(map[string]any)["value"]; got != email {
					fail(fmt.Errorf("token of %s detokenized to %v", email, got))
				}
				mu.Lock()
				ids[rec["skyflow_id"].(string)] = email
				tokens[tok] = email
				mu.Unlock()
			}()
		}
		// Duplicates of the same unique value race too: exactly one wins.
		var dupOK, dupConflict int
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := post(vaultPath(srv, "/table1"), map[string]any{"records": []any{map[string]any{"fields": map[string]any{"email": "same@example.com"}}}})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					dupOK++
				case strings.Contains(err.Error(), "status 409"):
					dupConflict++
				default:
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		Expect(errs).To(BeEmpty())
		Expect(dupOK).To(Equal(1))
		Expect(dupConflict).To(Equal(19))
		Expect(ids).To(HaveLen(n), "every insert got its own id")
		Expect(tokens).To(HaveLen(n), "every value got its own token")
		recs := srv.Records("table1")
		Expect(recs).To(HaveLen(n + 1))
		seen := map[string]bool{}
		for _, r := range recs {
			e := r["email"].(string)
			Expect(seen).NotTo(HaveKey(e), "duplicate record for %s", e)
			seen[e] = true
		}
		Expect(srv.Count("RecordServiceInsertRecord")).To(Equal(n + 20))
		Expect(srv.Count("TokenServiceDetokenize")).To(Equal(n))
	})

	It("runs many servers side by side", func() {
		var wg sync.WaitGroup
		servers := make([]*mockserver.Server, 8)
		for i := range servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer GinkgoRecover()
				s, err := mockserver.Start()
				Expect(err).NotTo(HaveOccurred())
				servers[i] = s
			}()
		}
		wg.Wait()
		for _, s := range servers {
			DeferCleanup(s.Close)
			c := newClient(s)
			insertOne(c, s, "table1", map[string]any{"email": "a@b.c"})
			Expect(s.Records("table1")).To(HaveLen(1))
		}
		Expect(servers[0].APIKey()).NotTo(Equal(servers[1].APIKey()))
	})
})

var _ = Describe("Logging", func() {
	It("logs one line per request without credentials, tokens or values", func() {
		var buf bytes.Buffer
		var mu sync.Mutex
		logger := slog.New(slog.NewJSONHandler(lockedWriter{w: &buf, mu: &mu}, nil))
		srv := startServer(mockserver.WithLogger(logger))
		c := newClient(srv)
		_, toks := insertOne(c, srv, "table1", map[string]any{"email": "secret.person@example.com", "ssn": "987-65-4321"})
		expectOK(c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{"detokenizationParameters": []any{map[string]any{"token": toks["ssn"]}}}))
		bearer, err := srv.IssueToken(time.Hour)
		Expect(err).NotTo(HaveOccurred())
		expectOK(c.withAuth("Bearer "+bearer).do("GET", vaultPath(srv, "/table1"), nil))
		expectError(c.withAuth("Bearer sky-abcde-0123456789abcdef0123456789abcdef").do("GET", vaultPath(srv, "/table1"), nil), http.StatusUnauthorized)
		mu.Lock()
		logs := buf.String()
		mu.Unlock()
		Expect(strings.Count(logs, "\n")).To(Equal(4))
		Expect(logs).To(ContainSubstring(`"operation":"TokenServiceDetokenize"`))
		for _, secret := range []string{srv.APIKey(), bearer, "sky-abcde", toks["ssn"].(string), toks["email"].(string), "secret.person", "987-65-4321", srv.VaultID()} {
			Expect(logs).NotTo(ContainSubstring(secret))
		}
	})
})

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
