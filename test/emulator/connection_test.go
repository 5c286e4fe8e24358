package emulator_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Connections", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
	})

	// invoke calls the connection route with x-skyflow-authorization.
	invoke := func(method, route, ctype string, body []byte, headers ...string) *response {
		GinkgoHelper()
		u := strings.Replace(srv.ConnectionURL(), "/cards/{card_id}", route, 1)
		var rd *bytes.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		var req *http.Request
		var err error
		if rd != nil {
			req, err = http.NewRequest(method, u, rd)
		} else {
			req, err = http.NewRequest(method, u, nil)
		}
		Expect(err).NotTo(HaveOccurred())
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("X-Skyflow-Authorization", srv.APIKey())
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return c.withAuth("").send(req)
	}

	It("has a connection URL with a placeholder", func() {
		Expect(srv.ConnectionURL()).To(Equal(srv.URL() + "/v1/gateway/outboundRoutes/" + srv.ConnectionID() + "/cards/{card_id}"))
	})

	It("echoes method, path, query, headers without secrets, and a JSON body", func() {
		body := expectOK(invoke("POST", "/cards/card-9?q=1&q=2", "application/json", []byte(`{"card_number":"tok-card","cvv":"tok-cvv"}`), "X-Custom", "yes", "Authorization", "Bearer secret"))
		Expect(body).To(HaveKeyWithValue("method", "POST"))
		Expect(body).To(HaveKeyWithValue("path", "/cards/card-9"))
		Expect(body).To(HaveKeyWithValue("connection_id", srv.ConnectionID()))
		Expect(obj(body["path_params"])).To(HaveKeyWithValue("card_id", "card-9"))
		Expect(obj(body["query"])).To(HaveKeyWithValue("q", []any{"1", "2"}))
		headers := obj(body["headers"])
		Expect(headers).To(HaveKeyWithValue("X-Custom", []any{"yes"}))
		Expect(headers).NotTo(HaveKey("X-Skyflow-Authorization"))
		Expect(headers).NotTo(HaveKey("Authorization"))
		Expect(string(mustJSON(body))).NotTo(ContainSubstring(srv.APIKey()))
		Expect(obj(body["body"])).To(Equal(map[string]any{"card_number": "tok-card", "cvv": "tok-cvv"}))
		Expect(srv.Count("InvokeConnection")).To(Equal(1))
	})

	It("accepts a bearer token issued by the server", func() {
		tok, err := srv.IssueToken(time.Hour)
		Expect(err).NotTo(HaveOccurred())
		u := strings.Replace(srv.ConnectionURL(), "{card_id}", "c1", 1)
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("X-Skyflow-Authorization", tok)
		expectOK(c.withAuth("").send(req))
	})

	It("decodes form-urlencoded bodies with nested keys", func() {
		form := url.Values{"card[number]": {"4111"}, "card[exp][0]": {"12"}, "card[exp][1]": {"30"}, "name": {"John"}, "tags[]": {"a", "b"}}
		body := expectOK(invoke("POST", "/cards/x", "application/x-www-form-urlencoded", []byte(form.Encode())))
		Expect(body["body"]).To(Equal(map[string]any{
			"card": map[string]any{"number": "4111", "exp": []any{"12", "30"}},
			"name": "John",
			"tags": []any{"a", "b"},
		}))
	})

	It("decodes multipart bodies", func() {
		ctype, raw := multipartBody(part{name: "card[number]", content: "4111"}, part{name: "doc", filename: "a.txt", content: "abc"})
		body := expectOK(invoke("PUT", "/cards/x", ctype, raw))
		b := obj(body["body"])
		Expect(b["card"]).To(Equal(map[string]any{"number": "4111"}))
		Expect(obj(b["doc"])).To(HaveKeyWithValue("filename", "a.txt"))
		Expect(body["content_type"]).To(Equal("multipart/form-data"))
	})

	It("decodes XML bodies", func() {
		xml := `<?xml version="1.0"?><root><card_number>tok-card</card_number><item id="1">a</item><item>b</item></root>`
		body := expectOK(invoke("POST", "/cards/x", "text/xml", []byte(xml)))
		Expect(body["body"]).To(Equal(map[string]any{"root": map[string]any{
			"card_number": "tok-card",
			"item":        []any{map[string]any{"@id": "1", "#text": "a"}, "b"},
		}}))
		expectError(invoke("POST", "/cards/x", "application/xml", []byte("<root><a></root>")), http.StatusBadRequest)
	})

	It("checks x-skyflow-authorization (raw, without Bearer)", func() {
		u := strings.Replace(srv.ConnectionURL(), "{card_id}", "c1", 1)
		for _, cred := range []string{"", "nope", "Bearer " + srv.APIKey()} {
			req, _ := http.NewRequest("POST", u, strings.NewReader("{}"))
			if cred != "" {
				req.Header.Set("X-Skyflow-Authorization", cred)
			}
			req.Header.Set("Authorization", "Bearer "+srv.APIKey())
			expectError(c.withAuth("").send(req), http.StatusUnauthorized)
		}
	})

	It("404s unknown connections and routes", func() {
		expectError(invoke("POST", "/other/x", "application/json", []byte("{}")), http.StatusNotFound)
		expectError(invoke("POST", "/cards/x/extra", "application/json", []byte("{}")), http.StatusNotFound)
		req, _ := http.NewRequest("GET", srv.URL()+"/v1/gateway/outboundRoutes/nope/cards/1", nil)
		req.Header.Set("X-Skyflow-Authorization", srv.APIKey())
		expectError(c.withAuth("").send(req), http.StatusNotFound)
	})

	It("answers an error with error-from-client when asked to", func() {
		r := invoke("POST", "/cards/x", "application/json", []byte("{}"), "X-Mock-Status", "502", "X-Mock-Error-From-Client", "true")
		expectError(r, http.StatusBadGateway)
		Expect(r.Header.Get("Error-From-Client")).To(Equal("true"))
		r = invoke("POST", "/cards/x", "application/json", []byte("{}"), "X-Mock-Status", "400")
		expectError(r, http.StatusBadRequest)
		Expect(r.Header.Get("Error-From-Client")).To(Equal("false"))
	})

	It("rejects a malformed JSON body", func() {
		expectError(invoke("POST", "/cards/x", "application/json", []byte("{")), http.StatusBadRequest)
	})
})
