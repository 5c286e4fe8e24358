package emulator_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// unsized hides a body's length, so the client sends it chunked and the
// server learns its size only by reading it.
type unsized struct{ r io.Reader }

func (u unsized) Read(p []byte) (int, error) { return u.r.Read(p) }

var _ = Describe("Request bodies are bounded", func() {
	const limit = 4096
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer(mockserver.WithMaxRequestBody(limit))
		c = newClient(srv)
	})

	insertBody := func(size int) []byte {
		return mustJSON(map[string]any{"records": []any{map[string]any{"fields": map[string]any{
			"cardholder_name": strings.Repeat("x", size)}}}})
	}
	send := func(method, path, ctype string, body io.Reader, headers ...string) *response {
		GinkgoHelper()
		req, err := http.NewRequest(method, srv.URL()+path, body)
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return c.send(req)
	}

	It("answers 413 with Skyflow's error body to a declared length over the limit, writing nothing", func() {
		msg := expectError(send("POST", vaultPath(srv, "/table1"), "application/json", bytes.NewReader(insertBody(2*limit))),
			http.StatusRequestEntityTooLarge)
		Expect(msg).To(ContainSubstring("larger than 4096 bytes"))
		Expect(srv.Records("table1")).To(BeEmpty())
		Expect(srv.Count("RecordServiceInsertRecord")).To(BeZero())
	})

	It("answers 413 to a chunked body once it reads past the limit", func() {
		msg := expectError(send("POST", vaultPath(srv, "/table1"), "application/json", unsized{bytes.NewReader(insertBody(2 * limit))}),
			http.StatusRequestEntityTooLarge)
		Expect(msg).To(ContainSubstring("larger than 4096 bytes"))
		Expect(srv.Records("table1")).To(BeEmpty())
	})

	It("serves a body under the limit, chunked or not", func() {
		expectOK(send("POST", vaultPath(srv, "/table1"), "application/json", bytes.NewReader(insertBody(limit/2))))
		expectOK(send("POST", vaultPath(srv, "/table1"), "application/json", unsized{bytes.NewReader(insertBody(limit / 2))}))
		Expect(srv.Records("table1")).To(HaveLen(2))
	})

	It("bounds multipart uploads and connection bodies too", func() {
		id, _ := insertOne(c, srv, "table1", map[string]any{"email": "a@b.c"})
		ctype, raw := multipartBody(part{name: "file", filename: "a.txt", content: strings.Repeat("f", 2*limit)},
			part{name: "tableName", content: "table1"}, part{name: "columnName", content: "file"}, part{name: "skyflowID", content: id})
		expectError(send("POST", "/v2/vaults/"+srv.VaultID()+"/files/upload", ctype, unsized{bytes.NewReader(raw)}),
			http.StatusRequestEntityTooLarge)

		u, err := url.Parse(strings.Replace(srv.ConnectionURL(), "{card_id}", "c1", 1))
		Expect(err).NotTo(HaveOccurred())
		expectError(send("POST", u.Path, "application/json", unsized{strings.NewReader(`{"pan":"` + strings.Repeat("4", 2*limit) + `"}`)},
			"X-Skyflow-Authorization", srv.APIKey()), http.StatusRequestEntityTooLarge)
	})
})

var _ = Describe("The admin API refuses requests a web page could make", func() {
	var srv *mockserver.Server
	BeforeEach(func() { srv = startServer() })

	admin := func(method, path, host string, headers ...string) *response {
		GinkgoHelper()
		var body io.Reader
		if method == "POST" {
			body = strings.NewReader(`{"operation":"*","status":503,"times":1}`)
		}
		req, err := http.NewRequest(method, srv.URL()+"/__admin"+path, body)
		Expect(err).NotTo(HaveOccurred())
		if host != "" {
			req.Host = host
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return newClient(srv).send(req)
	}
	port := func() string {
		u, err := url.Parse(srv.URL())
		Expect(err).NotTo(HaveOccurred())
		return u.Port()
	}

	It("refuses a request from another origin (a cross-site form or fetch)", func() {
		expectError(admin("POST", "/faults", "", "Origin", "https://evil.example"), http.StatusForbidden)
		expectError(admin("GET", "/records?table=table1", "", "Origin", "null"), http.StatusForbidden)
		// The refused fault was not planted: the next call succeeds.
		c := newClient(srv)
		expectOK(c.do("GET", vaultPath(srv, "/table1"), nil))
	})

	It("refuses a host name other than localhost on a loopback listener (DNS rebinding)", func() {
		insertOne(newClient(srv), srv, "table1", map[string]any{"email": "a@b.c"})
		msg := expectError(admin("GET", "/records?table=table1", "rebound.evil.example:"+port()), http.StatusForbidden)
		Expect(msg).To(ContainSubstring("localhost or an IP address"))
	})

	It("serves localhost, IP addresses and its own origin", func() {
		expectOK(admin("GET", "/health", "localhost:"+port()))
		expectOK(admin("GET", "/health", "127.0.0.1:"+port()))
		expectOK(admin("GET", "/health", "", "Origin", "http://127.0.0.1:"+port()))
		expectOK(admin("GET", "/health", "localhost:"+port(), "Origin", "http://localhost:"+port()))
	})

	It("serves host names when it listens beyond loopback (containers reach it by name)", func() {
		exposed := startServer(mockserver.WithAddr("0.0.0.0:0"))
		u, err := url.Parse(exposed.URL())
		Expect(err).NotTo(HaveOccurred())
		req, err := http.NewRequest("GET", exposed.URL()+"/__admin/health", nil)
		Expect(err).NotTo(HaveOccurred())
		req.Host = "skyflow-mock:" + u.Port()
		expectOK(newClient(exposed).send(req))
	})
})

var _ = Describe("Requests in flight", func() {
	It("counts a request held by a Delay fault until its client goes, admin requests aside", func() {
		srv := startServer()
		c := newClient(srv)
		Expect(srv.InFlight()).To(BeZero())
		srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Delay: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+vaultPath(srv, "/table1"), nil)
			req.Header.Set("Authorization", "Bearer "+srv.APIKey())
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		Eventually(srv.InFlight).Should(Equal(1))
		r := c.withAuth("").do("GET", "/__admin/counters", nil)
		Expect(expectOK(r)).To(HaveKeyWithValue("in_flight", BeNumerically("==", 1)))
		cancel()
		Eventually(done).Should(Receive(HaveOccurred()))
		Eventually(srv.InFlight).Should(BeZero())
	})
})

var _ = Describe("OPTIONS *", func() {
	It("gets Skyflow's error body and a request id on the listener and on the proxy, not net/http's empty 200", func() {
		srv := startServer(mockserver.WithProxy("127.0.0.1:0"), mockserver.WithCADir(GinkgoT().TempDir()))
		for _, addr := range []string{hostOf(srv.URL()), hostOf(srv.ProxyURL())} {
			r := rawRequest(addr, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
			Expect(r.Status).To(BeNumerically(">=", 400), "%s: %s", addr, r.Raw)
			expectCommonHeaders(r)
			Expect(r.JSON).To(HaveKey("error"))
		}
	})
})
