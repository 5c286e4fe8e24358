package facade_test

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

const routePath = "/v1/gateway/outboundRoutes/conn-1/cards/"

// newConnection is a connection whose URL is on the fake, with one {card}
// placeholder.
func newConnection(t *testing.T, f *fake, opts ...facade.Option) *facade.Connection {
	t.Helper()
	c, _ := newClient(t, f, append(opts, facade.WithConnection(facade.ConnectionConfig{
		ConnectionID: "conn-1",
		URL:          f.srv.URL + routePath + "{card}?fixed=1",
		Credentials:  &auth.Credentials{APIKey: apiKey},
	}))...)
	cn, err := c.Connection("conn-1")
	if err != nil {
		t.Fatal(err)
	}
	return cn
}

func TestInvokeSendsTheRequestAsConfigured(t *testing.T) {
	f := newFake(t)
	f.on("PUT "+routePath+"a%2Fb", reply(200, `{"n":12345678901234567890,"ok":true}`, "X-Request-Id", "gw-1"))
	cn := newConnection(t, f, facade.WithHeader("X-Account", "acc"))
	resp, err := cn.Invoke(bg, facade.InvokeRequest{
		Method:      "put",
		PathParams:  map[string]string{"card": "a/b"},
		QueryParams: map[string]any{"s": "x y", "b": true, "i": 7, "u": uint8(3), "f": 1.5, "big": 1e21, "tiny": float32(1e-7), "n": json.Number("2"), "list": []int{1, 2}},
		Headers:     map[string]string{"X-Trace": "t1"},
		Body:        map[string]any{"card": "4111"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.RequestID != "gw-1" || string(resp.Raw) != `{"n":12345678901234567890,"ok":true}` ||
		!reflect.DeepEqual(resp.Data, map[string]any{"n": json.Number("12345678901234567890"), "ok": true}) || resp.Header.Get("X-Request-Id") != "gw-1" {
		t.Fatalf("got %+v", resp)
	}
	r := f.last()
	q, _ := url.ParseQuery(r.Query)
	wantQ := url.Values{"fixed": {"1"}, "s": {"x y"}, "b": {"true"}, "i": {"7"}, "u": {"3"}, "f": {"1.5"}, "big": {"1e+21"},
		"tiny": {"1e-07"}, "n": {"2"}, "list": {"1", "2"}}
	if !reflect.DeepEqual(q, wantQ) {
		t.Fatalf("query %v\nwant %v", q, wantQ)
	}
	if r.Header.Get(auth.ConnectionAuthHeader) != apiKey || r.Header.Get(auth.AuthorizationHeader) != "" || r.Header.Get("X-Trace") != "t1" ||
		r.Header.Get("X-Account") != "acc" || r.Header.Get("Content-Type") != "application/json" || string(r.Body) != `{"card":"4111"}` {
		t.Fatalf("request %+v", r)
	}
}

func TestInvokeMethodsAndBodies(t *testing.T) {
	f := newFake(t)
	for _, m := range []string{"GET", "POST", "PATCH", "DELETE"} {
		f.on(m+" "+routePath+"1", reply(200, `"`+m+`"`))
	}
	cn := newConnection(t, f)
	for _, c := range []struct {
		method string
		body   any
		ct     string
		want   string
	}{
		{"GET", nil, "", ""},
		{"", "raw text", "", "raw text"},
		{"PATCH", []byte("bytes"), "text/plain", "bytes"},
		{"DELETE", nil, "", ""},
	} {
		req := facade.InvokeRequest{Method: c.method, PathParams: map[string]string{"card": "1"}, Body: c.body}
		if c.ct != "" {
			req.Headers = map[string]string{"Content-Type": c.ct}
		}
		resp, err := cn.Invoke(bg, req)
		if err != nil {
			t.Fatal(err)
		}
		r := f.last()
		wantMethod := c.method
		if wantMethod == "" {
			wantMethod = "POST"
		}
		if r.Method != wantMethod || string(r.Body) != c.want || resp.Data != wantMethod {
			t.Errorf("%s: sent %s %q, got %v", c.method, r.Method, r.Body, resp.Data)
		}
		wantCT := c.ct
		if c.body != nil && c.ct == "" {
			wantCT = "application/json"
		}
		if got := r.Header.Get("Content-Type"); got != wantCT {
			t.Errorf("%s: Content-Type %q, want %q", c.method, got, wantCT)
		}
	}
}

// Form and multipart bodies are flattened with nested keys in sorted order;
// a nil value is an empty value, never the text "null".
func TestInvokeFormBodies(t *testing.T) {
	f := newFake(t)
	f.on("POST "+routePath+"1", ok(`{}`))
	cn := newConnection(t, f)
	body := map[string]any{"b": nil, "a": map[string]any{"y": []any{1, "two", nil, true}, "x": "v w"}, "c": 1.5, "e": map[string]any{}}
	_, err := cn.Invoke(bg, facade.InvokeRequest{PathParams: map[string]string{"card": "1"}, Body: body,
		Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if err != nil {
		t.Fatal(err)
	}
	r := f.last()
	want := "a%5Bx%5D=v+w&a%5By%5D%5B0%5D=1&a%5By%5D%5B1%5D=two&a%5By%5D%5B2%5D=&a%5By%5D%5B3%5D=true&b=&c=1.5"
	if string(r.Body) != want || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Fatalf("body %s\nwant %s", r.Body, want)
	}

	type card struct {
		Number string `json:"number"`
		Holder *string
	}
	_, err = cn.Invoke(bg, facade.InvokeRequest{PathParams: map[string]string{"card": "1"}, Body: card{Number: "4111"},
		Headers: map[string]string{"Content-Type": "multipart/form-data"}})
	if err != nil {
		t.Fatal(err)
	}
	got := parts(t, f.last())
	wantParts := []part{{"Holder", "", "", ""}, {"number", "", "", "4111"}}
	if !reflect.DeepEqual(got, wantParts) {
		t.Fatalf("parts %+v, want %+v", got, wantParts)
	}
	if ct := f.last().Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/form-data; boundary=") {
		t.Fatalf("Content-Type %q", ct)
	}

	_, err = cn.Invoke(bg, facade.InvokeRequest{PathParams: map[string]string{"card": "1"}, Body: map[string]any{"k": nil},
		Headers: map[string]string{"Content-Type": "multipart/form-data; boundary=my-boundary-42"}})
	if err != nil {
		t.Fatal(err)
	}
	if ct := f.last().Header.Get("Content-Type"); ct != "multipart/form-data; boundary=my-boundary-42" {
		t.Fatalf("the caller's boundary is kept: %q", ct)
	}
	if got := parts(t, f.last()); !reflect.DeepEqual(got, []part{{"k", "", "", ""}}) {
		t.Fatalf("parts %+v", got)
	}
}

func TestInvokeXMLBodies(t *testing.T) {
	f := newFake(t)
	f.on("POST "+routePath+"1", reply(200, `<ok/>`, "Content-Type", "application/xml"))
	cn := newConnection(t, f)
	resp, err := cn.Invoke(bg, facade.InvokeRequest{PathParams: map[string]string{"card": "1"},
		Body:    map[string]any{"b": []any{"1", []any{"x", "y"}}, "a": map[string]any{"n": "<&>"}, "c": nil},
		Headers: map[string]string{"Content-Type": "application/soap+xml"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `<root><a><n>&lt;&amp;&gt;</n></a><b>1</b><b><item>x</item><item>y</item></b><c/></root>`
	if string(f.last().Body) != want {
		t.Fatalf("body %s\nwant %s", f.last().Body, want)
	}
	if resp.Data != nil || string(resp.Raw) != `<ok/>` {
		t.Fatalf("a non-JSON answer has no Data: %+v", resp)
	}
	_, err = cn.Invoke(bg, facade.InvokeRequest{PathParams: map[string]string{"card": "1"}, Body: map[string]any{"1bad": 1},
		Headers: map[string]string{"Content-Type": "text/xml"}})
	if !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("a key that is no XML name: %v", err)
	}
}

func TestInvokeAnswerData(t *testing.T) {
	f := newFake(t)
	cn := newConnection(t, f)
	for _, c := range []struct {
		ct, body string
		want     any
	}{
		{"application/json", `[1,"a"]`, []any{json.Number("1"), "a"}},
		{"application/problem+json", `{"a":1}`, map[string]any{"a": json.Number("1")}},
		{"", `{"a":1}`, map[string]any{"a": json.Number("1")}},
		{"", `{"a":1} trailing`, nil},
		{"text/plain", `{"a":1}`, nil},
		{"application/json", ` `, nil},
		{"application/json", `{bad`, nil},
		{"bad/type;;", `{"a":1}`, nil},
	} {
		f.on("GET "+routePath+"1", func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.Header()["Content-Type"] = []string{c.ct}
			_, _ = w.Write([]byte(c.body))
		})
		resp, err := cn.Invoke(bg, facade.InvokeRequest{Method: "GET", PathParams: map[string]string{"card": "1"}})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(resp.Data, c.want) {
			t.Errorf("%q %q: Data %#v, want %#v", c.ct, c.body, resp.Data, c.want)
		}
	}
}

func TestInvokeErrors(t *testing.T) {
	f := newFake(t)
	f.on("POST "+routePath+"1", reply(400, `{"error":{"message":"declined"}}`, "Error-From-Client", "true"),
		reply(502, `upstream down`, "Error-From-Client", "FALSE"), reply(500, `{}`, "Error-From-Client", "maybe"))
	cn := newConnection(t, f)
	for _, want := range []struct {
		status  int
		message string
		details []map[string]any
	}{
		{400, "declined", []map[string]any{{facade.ErrorFromClientDetail: true}}},
		{502, "upstream down", []map[string]any{{facade.ErrorFromClientDetail: false}}},
		{500, "internal server error", nil},
	} {
		_, err := cn.Invoke(bg, facade.InvokeRequest{PathParams: map[string]string{"card": "1"}, Body: map[string]any{}})
		var apiErr *skyflow.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != want.status || apiErr.Message != want.message ||
			!reflect.DeepEqual(apiErr.Details, want.details) || apiErr.Operation != "Invoke" {
			t.Errorf("got %#v, want %+v", err, want)
		}
	}
}

// A POST through a connection is never sent twice once the route may have
// seen it: not after a 503, not after a 401.
func TestInvokePostIsNotRepeated(t *testing.T) {
	f := newFake(t)
	retry := facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 2, InitialBackoff: 1, MaxBackoff: 1})
	ts := &refreshing{}
	c, _ := newClient(t, f, retry, facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c", URL: f.srv.URL + routePath + "1", TokenSource: ts}))
	cn, _ := c.Connection("c")
	f.on("POST "+routePath+"1", reply(503, `{}`), reply(401, `{}`), ok(`{}`))
	if _, err := cn.Invoke(bg, facade.InvokeRequest{Body: "x"}); !skyflow.IsRetryable(err) {
		t.Fatalf("got %v", err)
	}
	if _, err := cn.Invoke(bg, facade.InvokeRequest{Body: "x"}); !errors.Is(err, skyflow.ErrUnauthorized) {
		t.Fatalf("got %v", err)
	}
	if n := f.count("POST " + routePath + "1"); n != 2 || len(ts.invalidated) != 0 {
		t.Fatalf("%d requests, invalidated %v", n, ts.invalidated)
	}
	// A PUT may be repeated: it is resent with a new token after a 401.
	f.on("PUT "+routePath+"1", reply(401, `{}`), ok(`{}`))
	if _, err := cn.Invoke(bg, facade.InvokeRequest{Method: "PUT", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	if r := f.last(); r.Header.Get(auth.ConnectionAuthHeader) != "token-1" || string(r.Body) != "x" {
		t.Fatalf("resent %+v", r)
	}
}

func TestInvokeValidation(t *testing.T) {
	f := newFake(t)
	cn := newConnection(t, f)
	card := map[string]string{"card": "1"}
	for _, c := range []struct {
		req   facade.InvokeRequest
		field string
	}{
		{facade.InvokeRequest{Method: "TRACE", PathParams: card}, "Method"},
		{facade.InvokeRequest{Method: "GET", PathParams: card, Body: "x"}, "Body"},
		{facade.InvokeRequest{}, "PathParams[card]"},
		{facade.InvokeRequest{PathParams: map[string]string{"card": "1", "other": "2"}}, "PathParams[other]"},
		{facade.InvokeRequest{PathParams: map[string]string{"card": ""}}, "PathParams[card]"},
		{facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"": "x"}}, "QueryParams"},
		{facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"k": map[string]any{}}}, "QueryParams[k]"},
		{facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"k": []byte("x")}}, "QueryParams[k]"},
		{facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"k": []any{struct{}{}}}}, "QueryParams[k]"},
		{facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"k": math.NaN()}}, "QueryParams[k]"},
		{facade.InvokeRequest{PathParams: card, QueryParams: map[string]any{"k": nil}}, "QueryParams[k]"},
		{facade.InvokeRequest{PathParams: card, Headers: map[string]string{"Bad Name": "x"}}, "Headers"},
		{facade.InvokeRequest{PathParams: card, Headers: map[string]string{"x-skyflow-authorization": "x"}}, "Headers[x-skyflow-authorization]"},
		{facade.InvokeRequest{PathParams: card, Headers: map[string]string{"Host": "x"}}, "Headers[Host]"},
		{facade.InvokeRequest{PathParams: card, Headers: map[string]string{"X-A": "1", "x-a": "2"}}, "Headers[x-a]"},
		{facade.InvokeRequest{PathParams: card, Headers: map[string]string{"X-A": "1\r\nX-B: 2"}}, "Headers[X-A]"},
		{facade.InvokeRequest{PathParams: card, Body: map[string]any{}, Headers: map[string]string{"Content-Type": "a/b; ="}}, "Headers[Content-Type]"},
		{facade.InvokeRequest{PathParams: card, Body: []int{1}, Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, "Body"},
		{facade.InvokeRequest{PathParams: card, Body: map[string]any{}, Headers: map[string]string{"Content-Type": "multipart/form-data; boundary=" + strings.Repeat("b", 80)}}, "Headers[Content-Type]"},
		{facade.InvokeRequest{PathParams: card, Body: func() {}}, "Body"},
		{facade.InvokeRequest{PathParams: card, Body: func() {}, Headers: map[string]string{"Content-Type": "text/xml"}}, "Body"},
	} {
		_, err := cn.Invoke(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want %s", c.req, err, c.field)
		}
	}
	if len(f.requests()) != 0 {
		t.Fatal("an invalid request is never sent")
	}
}
