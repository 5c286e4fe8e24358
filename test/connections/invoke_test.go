package connections_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Connection.Invoke", func() {
	var e *env
	BeforeEach(func() { e = startEnv() })

	card := map[string]string{"card_id": "c1"}

	It("sends JSON by default, authenticated with the raw key in x-skyflow-authorization, and decodes the JSON answer", func(ctx SpecContext) {
		resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{
			PathParams: card,
			Body:       map[string]any{"card_number": "4111111111111111", "amount": 12.5, "nested": map[string]any{"ok": true}},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
		Expect(resp.RequestID).NotTo(BeEmpty())
		Expect(resp.Header.Get("Content-Type")).To(HavePrefix("application/json"))

		data, ok := resp.Data.(map[string]any)
		Expect(ok).To(BeTrue(), "%T", resp.Data)
		Expect(data["method"]).To(Equal("POST"))
		Expect(data["body"]).To(Equal(map[string]any{"card_number": "4111111111111111", "amount": json.Number("12.5"), "nested": map[string]any{"ok": true}}))
		ec := echoOf(resp)
		Expect(ec.ContentType).To(Equal("application/json"))
		Expect(ec.Path).To(Equal("/cards/c1"))
		Expect(ec.Headers).To(HaveKey("Sky-Metadata"))
		Expect(ec.Headers["User-Agent"][0]).To(HavePrefix("skyflow-go/"))

		wire := e.rec.Last()
		Expect(wire.Header.Get("X-Skyflow-Authorization")).To(Equal(e.srv.APIKey()), "no Bearer prefix")
		Expect(wire.Header.Values("Authorization")).To(BeEmpty())
	})

	DescribeTable("sends every method",
		func(ctx SpecContext, method, want string) {
			resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{Method: method, PathParams: card})
			Expect(err).NotTo(HaveOccurred())
			Expect(echoOf(resp).Method).To(Equal(want))
			Expect(echoOf(resp).Body).To(BeNil(), "no body given, none sent")
		},
		Entry("GET", "GET", "GET"),
		Entry("POST", "POST", "POST"),
		Entry("PUT", "PUT", "PUT"),
		Entry("PATCH", "PATCH", "PATCH"),
		Entry("DELETE", "DELETE", "DELETE"),
		Entry("lower case", "get", "GET"),
		Entry("default", "", "POST"),
	)

	It("substitutes path parameters URL-escaped, so a value never leaves its segment", func(ctx SpecContext) {
		const id = "a/b c?d#e%f&é"
		resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{Method: "GET", PathParams: map[string]string{"card_id": id}})
		Expect(err).NotTo(HaveOccurred())
		Expect(echoOf(resp).PathParams).To(Equal(map[string]string{"card_id": id}))
		Expect(e.rec.Last().Path).To(HaveSuffix("/cards/a%2Fb%20c%3Fd%23e%25f&%C3%A9"))
	})

	It("formats query values naturally, slices as repeated keys", func(ctx SpecContext) {
		resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{Method: "GET", PathParams: card, QueryParams: map[string]any{
			"amount": 1.5, "whole": 100.0, "big": 1e21, "small": 1e-7, "f32": float32(0.1),
			"n": 42, "neg": int64(-7), "u": uint8(7), "ok": true, "s": "x&y=z",
			"tags": []string{"a", "b"}, "mixed": []any{1, "two", false}, "num": json.Number("12345678901234567890"),
		}})
		Expect(err).NotTo(HaveOccurred())
		Expect(echoOf(resp).Query).To(Equal(map[string][]string{
			"amount": {"1.5"}, "whole": {"100"}, "big": {"1e+21"}, "small": {"1e-07"}, "f32": {"0.1"},
			"n": {"42"}, "neg": {"-7"}, "u": {"7"}, "ok": {"true"}, "s": {"x&y=z"},
			"tags": {"a", "b"}, "mixed": {"1", "two", "false"}, "num": {"12345678901234567890"},
		}))
	})

	DescribeTable("rejects bad requests before any call, naming the field",
		func(ctx SpecContext, req facade.InvokeRequest, field string) {
			_, err := e.conn.Invoke(ctx, req)
			var ve *skyflow.ValidationError
			Expect(errors.As(err, &ve)).To(BeTrue(), "%v", err)
			Expect(ve.Field).To(Equal(field))
			Expect(e.rec.Count()).To(BeZero())
		},
		Entry("unknown method", facade.InvokeRequest{Method: "TRACE", PathParams: card}, "Method"),
		Entry("missing path parameter", facade.InvokeRequest{}, "PathParams[card_id]"),
		Entry("unknown path parameter", facade.InvokeRequest{PathParams: map[string]string{"card_id": "1", "other": "2"}}, "PathParams[other]"),
		Entry("empty path parameter", facade.InvokeRequest{PathParams: map[string]string{"card_id": ""}}, "PathParams[card_id]"),
		Entry("map query value", facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"q": map[string]any{}}}, "QueryParams[q]"),
		Entry("nil query value", facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"q": nil}}, "QueryParams[q]"),
		Entry("NaN query value", facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"q": math.NaN()}}, "QueryParams[q]"),
		Entry("struct in a query slice", facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"q": []any{1, struct{}{}}}}, "QueryParams[q]"),
		Entry("overriding the auth header", facade.InvokeRequest{PathParams: card, Headers: map[string]string{"x-skyflow-authorization": "mine"}}, "Headers[x-skyflow-authorization]"),
		Entry("a header given twice", facade.InvokeRequest{PathParams: card, Headers: map[string]string{"X-A": "1", "x-a": "2"}}, "Headers[x-a]"),
		Entry("a header value with a newline", facade.InvokeRequest{PathParams: card, Headers: map[string]string{"X-A": "1\r\nX-B: 2"}}, "Headers[X-A]"),
		Entry("an invalid header name", facade.InvokeRequest{PathParams: card, Headers: map[string]string{"bad name": "1"}}, "Headers"),
		Entry("a form body that is not an object", facade.InvokeRequest{PathParams: card, Body: []int{1},
			Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, "Body"),
		Entry("an XML key that is no element name", facade.InvokeRequest{PathParams: card, Body: map[string]any{"1a": "x"},
			Headers: map[string]string{"Content-Type": "application/xml"}}, "Body"),
		Entry("a body that is not JSON-encodable", facade.InvokeRequest{PathParams: card, Body: map[string]any{"f": func() {}}}, "Body"),
	)

	It("forwards the caller's headers", func(ctx SpecContext) {
		resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Headers: map[string]string{"x-merchant-id": "m-42", "Accept": "application/json"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(echoOf(resp).Headers).To(HaveKeyWithValue("X-Merchant-Id", []string{"m-42"}))
		Expect(echoOf(resp).Headers).To(HaveKeyWithValue("Accept", []string{"application/json"}))
	})

	Context("body encodings, checked through the echo", func() {
		nested := map[string]any{
			"card": map[string]any{"number": "4111111111111111", "exp": map[string]any{"month": 12, "year": 2030}},
			"tags": []any{"a", "b"},
			"note": "x&y=z",
			"ok":   true,
		}

		It("form-urlencoded: nested keys a[b][0], in sorted order", func(ctx SpecContext) {
			resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Body: nested,
				Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
			Expect(err).NotTo(HaveOccurred())
			ec := echoOf(resp)
			Expect(ec.ContentType).To(Equal("application/x-www-form-urlencoded"))
			Expect(ec.Body).To(Equal(map[string]any{
				"card": map[string]any{"number": "4111111111111111", "exp": map[string]any{"month": "12", "year": "2030"}},
				"tags": []any{"a", "b"}, "note": "x&y=z", "ok": "true",
			}))
			Expect(string(e.rec.Last().Body)).To(Equal(
				"card%5Bexp%5D%5Bmonth%5D=12&card%5Bexp%5D%5Byear%5D=2030&card%5Bnumber%5D=4111111111111111&note=x%26y%3Dz&ok=true&tags%5B0%5D=a&tags%5B1%5D=b"))
		})

		It("form-urlencoded from a struct, through its JSON names", func(ctx SpecContext) {
			type payment struct {
				Amount   float64 `json:"amount"`
				Currency string  `json:"currency"`
				Skip     string  `json:"-"`
			}
			resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Body: payment{Amount: 9.99, Currency: "EUR", Skip: "x"},
				Headers: map[string]string{"content-type": "application/x-www-form-urlencoded; charset=utf-8"}})
			Expect(err).NotTo(HaveOccurred())
			Expect(echoOf(resp).Body).To(Equal(map[string]any{"amount": "9.99", "currency": "EUR"}))
		})

		It("multipart: one field per flattened key, with the boundary in the Content-Type", func(ctx SpecContext) {
			resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Body: nested,
				Headers: map[string]string{"Content-Type": "multipart/form-data"}})
			Expect(err).NotTo(HaveOccurred())
			ec := echoOf(resp)
			Expect(ec.ContentType).To(Equal("multipart/form-data"))
			Expect(ec.Body).To(Equal(map[string]any{
				"card": map[string]any{"number": "4111111111111111", "exp": map[string]any{"month": "12", "year": "2030"}},
				"tags": []any{"a", "b"}, "note": "x&y=z", "ok": "true",
			}))
			ct := e.rec.Last().Header.Get("Content-Type")
			Expect(ct).To(MatchRegexp(`^multipart/form-data; boundary=\S+$`))
		})

		It("multipart with the caller's boundary", func(ctx SpecContext) {
			_, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Body: map[string]any{"a": "1"},
				Headers: map[string]string{"Content-Type": "multipart/form-data; boundary=my-boundary-42"}})
			Expect(err).NotTo(HaveOccurred())
			Expect(e.rec.Last().Header.Get("Content-Type")).To(Equal("multipart/form-data; boundary=my-boundary-42"))
			Expect(string(e.rec.Last().Body)).To(HavePrefix("--my-boundary-42\r\n"))
		})

		DescribeTable("XML: a map under <root>, keys sorted, slices repeated",
			func(ctx SpecContext, ct string) {
				resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Body: nested, Headers: map[string]string{"Content-Type": ct}})
				Expect(err).NotTo(HaveOccurred())
				ec := echoOf(resp)
				Expect(ec.ContentType).To(Equal(ct))
				Expect(ec.Body).To(Equal(map[string]any{"root": map[string]any{
					"card": map[string]any{"number": "4111111111111111", "exp": map[string]any{"month": "12", "year": "2030"}},
					"tags": []any{"a", "b"}, "note": "x&y=z", "ok": "true",
				}}))
				Expect(string(e.rec.Last().Body)).To(Equal("<root><card><exp><month>12</month><year>2030</year></exp><number>4111111111111111</number></card>" +
					"<note>x&amp;y=z</note><ok>true</ok><tags>a</tags><tags>b</tags></root>"))
			},
			Entry("application/xml", "application/xml"),
			Entry("text/xml", "text/xml"),
		)

		It("XML given as a string is sent as it is", func(ctx SpecContext) {
			resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Body: `<payment currency="EUR"><amount>5</amount></payment>`,
				Headers: map[string]string{"Content-Type": "text/xml"}})
			Expect(err).NotTo(HaveOccurred())
			Expect(echoOf(resp).Body).To(Equal(map[string]any{"payment": map[string]any{"@currency": "EUR", "amount": "5"}}))
		})

		It("a raw string or []byte is sent as it is, JSON by default", func(ctx SpecContext) {
			resp, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Body: `{"already":"json"}`})
			Expect(err).NotTo(HaveOccurred())
			Expect(echoOf(resp).Body).To(Equal(map[string]any{"already": "json"}))

			resp, err = e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card, Body: []byte("plain words"), Headers: map[string]string{"Content-Type": "text/plain"}})
			Expect(err).NotTo(HaveOccurred())
			Expect(echoOf(resp).Body).To(Equal("plain words"))
			Expect(echoOf(resp).ContentType).To(Equal("text/plain"))
		})
	})

	Context("errors", func() {
		DescribeTable("turns an error answer into an *APIError with the error-from-client detail",
			func(ctx SpecContext, fromClient string, want bool) {
				_, err := e.conn.Invoke(ctx, facade.InvokeRequest{PathParams: card,
					Headers: map[string]string{"X-Mock-Status": "400", "X-Mock-Error-From-Client": fromClient}})
				var apiErr *skyflow.APIError
				Expect(errors.As(err, &apiErr)).To(BeTrue(), "%v", err)
				Expect(apiErr.StatusCode).To(Equal(400))
				Expect(apiErr.Message).To(ContainSubstring("answered 400"))
				Expect(apiErr.RequestID).NotTo(BeEmpty())
				Expect(apiErr.Operation).To(Equal("Invoke"))
				Expect(apiErr.Details).To(ContainElement(map[string]any{facade.ErrorFromClientDetail: want}))
			},
			Entry("from the client", "true", true),
			Entry("not from the client", "false", false),
		)

		It("adds no error-from-client detail when the header is absent", func(ctx SpecContext) {
			cfg, err := e.client.GetConnection(e.srv.ConnectionID())
			Expect(err).NotTo(HaveOccurred())
			Expect(e.client.AddConnection(facade.ConnectionConfig{ConnectionID: "wrong-route",
				URL: strings.Replace(cfg.URL, "/cards/", "/nowhere/", 1), Credentials: cfg.Credentials})).To(Succeed())
			c, err := e.client.Connection("wrong-route")
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Invoke(ctx, facade.InvokeRequest{PathParams: card})
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue(), "%v", err)
			Expect(apiErr.StatusCode).To(Equal(404))
			Expect(errors.Is(err, skyflow.ErrNotFound)).To(BeTrue())
			for _, d := range apiErr.Details {
				Expect(d).NotTo(HaveKey(facade.ErrorFromClientDetail))
			}
		})

		It("rejects a wrong key with 401", func(ctx SpecContext) {
			cfg, _ := e.client.GetConnection(e.srv.ConnectionID())
			Expect(e.client.AddConnection(facade.ConnectionConfig{ConnectionID: "bad-key", URL: cfg.URL,
				Credentials: &auth.Credentials{APIKey: "sky-zz9zz-ffffffffffffffffffffffffffffffff"}})).To(Succeed())
			c, _ := e.client.Connection("bad-key")
			_, err := c.Invoke(ctx, facade.InvokeRequest{PathParams: card})
			Expect(err).To(MatchError(skyflow.ErrUnauthorized))
		})

		It("retries a GET after a transient failure, but not a POST", func(ctx SpecContext) {
			e.srv.InjectFault("InvokeConnection", mockserver.Fault{Status: 503})
			_, err := e.conn.Invoke(ctx, facade.InvokeRequest{Method: "GET", PathParams: card})
			Expect(err).NotTo(HaveOccurred())
			Expect(e.srv.Count("InvokeConnection")).To(Equal(2))

			e.srv.InjectFault("InvokeConnection", mockserver.Fault{Status: 503})
			_, err = e.conn.Invoke(ctx, facade.InvokeRequest{Method: "POST", PathParams: card, Body: map[string]any{"a": 1}})
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue(), "%v", err)
			Expect(apiErr.StatusCode).To(Equal(503))
			Expect(e.srv.Count("InvokeConnection")).To(Equal(3))
		})

		It("honours ctx", func(ctx SpecContext) {
			e.srv.InjectFault("InvokeConnection", mockserver.Fault{Delay: 10 * time.Second})
			dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := e.conn.Invoke(dctx, facade.InvokeRequest{PathParams: card})
			Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "%v", err)
			var te *skyflow.TransportError
			Expect(errors.As(err, &te)).To(BeTrue())
			Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
		})
	})

	It("resolves the first connection when no id is given, and rejects an unknown one", func() {
		c, err := e.client.Connection("")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.ID()).To(Equal(e.srv.ConnectionID()))
		_, err = e.client.Connection("nope")
		Expect(err).To(MatchError(skyflow.ErrValidation))
		empty, _ := facade.New()
		_, err = empty.Connection("")
		Expect(err).To(MatchError(skyflow.ErrValidation))
	})
})

var _ = Describe("Connection.Invoke responses that are not JSON objects", func() {
	var client *facade.Client
	BeforeEach(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "rid-1")
			switch r.URL.Path {
			case "/text":
				w.Header().Set("Content-Type", "text/plain")
				_, _ = w.Write([]byte("hello"))
			case "/array":
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				_, _ = w.Write([]byte(`[1, "two", 12345678901234567890]`))
			case "/broken":
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"not": `))
			case "/untyped":
				w.Header()["Content-Type"] = nil // no sniffing: no Content-Type at all
				_, _ = w.Write([]byte(`{"a":1}`))
			case "/empty":
				w.WriteHeader(http.StatusNoContent)
			}
		}))
		DeferCleanup(srv.Close)
		var err error
		client, err = facade.New(facade.WithConnection(facade.ConnectionConfig{ConnectionID: "k", URL: srv.URL + "/{kind}",
			Credentials: &auth.Credentials{APIKey: "sky-ab1c2-0123456789abcdef0123456789abcdef"}}))
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("keep the raw body and decode only JSON",
		func(ctx SpecContext, kind string, data any, raw string, status int) {
			c, _ := client.Connection("")
			resp, err := c.Invoke(ctx, facade.InvokeRequest{Method: "GET", PathParams: map[string]string{"kind": kind}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(status))
			Expect(resp.RequestID).To(Equal("rid-1"))
			Expect(string(resp.Raw)).To(Equal(raw))
			if data == nil {
				Expect(resp.Data).To(BeNil())
			} else {
				Expect(resp.Data).To(Equal(data))
			}
		},
		Entry("text", "text", nil, "hello", 200),
		Entry("a JSON array, numbers exact", "array", []any{json.Number("1"), "two", json.Number("12345678901234567890")}, `[1, "two", 12345678901234567890]`, 200),
		Entry("broken JSON", "broken", nil, `{"not": `, 200),
		Entry("JSON without a Content-Type", "untyped", map[string]any{"a": json.Number("1")}, `{"a":1}`, 200),
		Entry("no content", "empty", nil, "", 204),
	)
})
