package facade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	gconn "github.com/skyflowgo/skyflow/gen/connection"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// Connection is a cheap handle on one configured connection. It shares the
// client's HTTP stack (retries, timeouts, the *http.Client) and token cache.
// It is safe for concurrent use.
type Connection struct {
	c  *Client
	id string
}

// Connection returns a handle on the connection with the given id, or on
// the first connection added when connectionID is "".
func (c *Client) Connection(connectionID string) (*Connection, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if connectionID == "" {
		if len(c.conns) == 0 {
			return nil, errs.Invalid("ConnectionID", "no connection is configured")
		}
		return &Connection{c: c, id: c.conns[0]}, nil
	}
	if _, ok := c.connMap[connectionID]; !ok {
		return nil, errs.Invalid("ConnectionID", "no connection with this id is configured")
	}
	return &Connection{c: c, id: connectionID}, nil
}

// ID returns the connection id of the handle.
func (cn *Connection) ID() string { return cn.id }

// InvokeRequest is one call through a connection.
type InvokeRequest struct {
	// Method is GET, POST, PUT, PATCH or DELETE (any case); "" means POST.
	Method string
	// PathParams replace the {name} placeholders of the connection URL.
	// Each value is URL-path-escaped (a "/" in a value stays inside its
	// segment). Every placeholder needs a value, and every key a
	// placeholder.
	PathParams map[string]string
	// QueryParams are added to the URL, in key order. Values may be
	// strings, bools, integers, floats (formatted as JSON numbers: 1.5,
	// 100, 1e+21, never 1.500000), json.Number, or slices of those (one
	// key=value pair per element).
	QueryParams map[string]any
	// Headers are sent as given (forwarded to the connection's route).
	// x-skyflow-authorization, Host, Content-Length and Transfer-Encoding
	// are set by the SDK and cannot be given. Content-Type chooses how Body
	// is encoded.
	Headers map[string]string
	// Body is encoded according to the Content-Type header:
	//
	//   - application/json (the default, also used for other types): the
	//     JSON encoding of Body;
	//   - application/x-www-form-urlencoded: Body's fields flattened with
	//     nested keys, a[b]=x and a[0]=x, in sorted key order;
	//   - multipart/form-data: one text field per flattened key, in sorted
	//     key order; the Content-Type gets the boundary;
	//   - application/xml, text/xml and +xml types: Body's fields as XML
	//     elements under <root>, keys sorted, slices as repeated elements.
	//
	// For the form, multipart and XML encodings Body must be an object (a
	// map with string keys, or a struct, read through its JSON encoding). A
	// string or []byte Body is sent as it is, whatever the Content-Type.
	// nil sends no body.
	Body any
}

// InvokeResponse is the answer of a connection's route.
type InvokeResponse struct {
	// Data is the decoded JSON body when the response is JSON (or has no
	// Content-Type and parses as JSON): map[string]any, []any, string,
	// bool or json.Number (numbers keep every digit); nil otherwise.
	Data any
	// Raw is the response body as received.
	Raw []byte
	// StatusCode is the HTTP status.
	StatusCode int
	// Header holds the response headers.
	Header http.Header
	// RequestID is Skyflow's request id (x-request-id).
	RequestID string
}

// ErrorFromClientDetail is the key of the detail an *skyflow.APIError of Invoke
// carries when the gateway sent the error-from-client header:
// {"error_from_client": true} when the failure came from the client side
// of the call, false otherwise.
const ErrorFromClientDetail = "error_from_client"

// Invoke calls the connection's route: the connection URL with its path
// parameters substituted and the query parameters added, authenticated with
// x-skyflow-authorization (the bearer token or API key, without "Bearer ").
// A non-2xx answer is a *skyflow.APIError (see ErrorFromClientDetail). POST
// and PATCH are never sent twice once the route may have seen them: they
// are retried only when the connection was never made or the gateway
// answered 429, and not resent after a 401.
func (cn *Connection) Invoke(ctx context.Context, req InvokeRequest) (*InvokeResponse, error) {
	method, err := invokeMethod(req.Method)
	if err != nil {
		return nil, err
	}
	if method == http.MethodGet && req.Body != nil {
		return nil, errs.Invalid("Body", "cannot be sent with GET")
	}
	st, err := cn.c.connState(cn.id)
	if err != nil {
		return nil, err
	}
	target, err := connectionURL(st.url, req.PathParams, req.QueryParams)
	if err != nil {
		return nil, err
	}
	headers, err := invokeHeaders(req.Headers)
	if err != nil {
		return nil, err
	}
	body, contentType, err := encodeInvokeBody(req.Body, headers.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		headers.Set("Content-Type", contentType)
	}
	// The generated client builds the request (method, body, content type)
	// on the connection's host; setURL then puts the exact connection URL
	// on it, as the user configured it: the generated path builder escapes
	// "/" inside a path parameter, and a connection URL need not follow the
	// gateway's path shape at all.
	setURL := func(_ context.Context, r *http.Request) error {
		r.URL, r.Host = target, target.Host
		for k, vs := range headers {
			r.Header[k] = vs
		}
		if body == nil || headers.Get("Content-Type") == "" {
			r.Header.Del("Content-Type")
		}
		return nil
	}
	const op = "Invoke"
	r, err := cn.c.run(ctx, &operation{
		endpoint:   st.ep,
		name:       op,
		replayable: true,
		effect:     connectionEffect(method),
		limit:      cn.c.maxResponse,
	}, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return st.invoke(ctx, method, body, setURL, edit)
	})
	if err != nil {
		var apiErr *skyflow.APIError
		if errors.As(err, &apiErr) && apiErr.Header != nil {
			addErrorFromClient(apiErr, apiErr.Header)
		}
		return nil, err
	}
	return &InvokeResponse{
		Data:       decodeInvokeData(r.header.Get("Content-Type"), r.body),
		Raw:        r.body,
		StatusCode: r.status,
		Header:     r.header,
		RequestID:  r.requestID,
	}, nil
}

// connState is what calls through one configured connection need, built
// once per configuration.
type connState struct {
	url string
	api *gconn.Client
	ep  *endpoint
}

// invoke sends the request through the generated operation of its method.
// The path parameters given to it are placeholders (setURL replaces the
// URL); the body travels as the caller's encoding produced it.
func (st *connState) invoke(ctx context.Context, method string, body []byte, setURL, edit editorFn) (*http.Response, error) {
	const id, route = "", ""
	if method == http.MethodGet {
		return st.api.InvokeConnectionGet(ctx, id, route, setURL, edit)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	switch method {
	case http.MethodPut:
		return st.api.InvokeConnectionPutWithBody(ctx, id, route, "", rd, setURL, edit)
	case http.MethodPatch:
		return st.api.InvokeConnectionPatchWithBody(ctx, id, route, "", rd, setURL, edit)
	case http.MethodDelete:
		return st.api.InvokeConnectionDeleteWithBody(ctx, id, route, "", rd, setURL, edit)
	}
	return st.api.InvokeConnectionPostWithBody(ctx, id, route, "", rd, setURL, edit)
}

func addErrorFromClient(e *skyflow.APIError, h http.Header) {
	v := strings.TrimSpace(h.Get("Error-From-Client"))
	var b bool
	switch {
	case strings.EqualFold(v, "true"):
		b = true
	case strings.EqualFold(v, "false"):
	default:
		return
	}
	e.Details = append(e.Details, map[string]any{ErrorFromClientDetail: b})
}

func invokeMethod(m string) (string, error) {
	if m == "" {
		return http.MethodPost, nil
	}
	m = strings.ToUpper(m)
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return m, nil
	}
	return "", errs.Invalid("Method", "must be GET, POST, PUT, PATCH or DELETE")
}

// placeholder matches a {name} path parameter of a connection URL.
var placeholder = regexp.MustCompile(`\{([^{}/?#]+)\}`)

// connectionURL substitutes the path parameters (escaped) into the path of
// the connection URL and appends the query parameters.
func connectionURL(tmpl string, pathParams map[string]string, query map[string]any) (*url.URL, error) {
	path, rest := tmpl, ""
	if i := strings.IndexAny(tmpl, "?#"); i >= 0 {
		path, rest = tmpl[:i], tmpl[i:]
	}
	used := map[string]bool{}
	var missing string
	path = placeholder.ReplaceAllStringFunc(path, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := pathParams[name]
		if !ok {
			if missing == "" {
				missing = name
			}
			return m
		}
		used[name] = true
		return url.PathEscape(v)
	})
	if missing != "" {
		return nil, errs.Invalid("PathParams["+missing+"]", "is required by the connection URL")
	}
	for _, k := range sortedKeys(pathParams) {
		if !used[k] {
			return nil, errs.Invalid("PathParams["+k+"]", "matches no {%s} placeholder of the connection URL", k)
		}
		if err := checkPathParam("PathParams["+k+"]", pathParams[k]); err != nil {
			return nil, err
		}
	}
	u, err := url.Parse(path + rest)
	if err != nil {
		return nil, errs.Invalid("PathParams", "produce an invalid URL")
	}
	if len(query) > 0 {
		vals := url.Values{}
		for _, k := range sortedKeys(query) {
			if k == "" {
				return nil, errs.Invalid("QueryParams", "has an empty key")
			}
			list, err := queryValues(query[k])
			if err != nil {
				return nil, errs.Invalid("QueryParams["+k+"]", "%s", err.Error())
			}
			vals[k] = list
		}
		enc := vals.Encode()
		if u.RawQuery != "" {
			u.RawQuery += "&" + enc
		} else {
			u.RawQuery = enc
		}
	}
	return u, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sdkHeader reports whether a header is one the SDK sets on a connection
// call and a caller may not: the connection's credential header, and the
// ones net/http derives from the request.
func sdkHeader(canonical string) bool {
	switch canonical {
	case auth.ConnectionAuthHeader, "Host", "Content-Length", "Transfer-Encoding":
		return true
	}
	return false
}

func invokeHeaders(in map[string]string) (http.Header, error) {
	h := http.Header{}
	for _, k := range sortedKeys(in) {
		ck := http.CanonicalHeaderKey(k)
		switch {
		case !validHeaderName(k):
			return nil, errs.Invalid("Headers", "has an invalid header name")
		case sdkHeader(ck):
			return nil, errs.Invalid("Headers["+k+"]", "is set by the SDK")
		case h[ck] != nil:
			return nil, errs.Invalid("Headers["+k+"]", "is given twice (header names are case-insensitive)")
		case !validHeaderValue(in[k]):
			return nil, errs.Invalid("Headers["+k+"]", "has a control character in its value")
		}
		h[ck] = []string{in[k]}
	}
	return h, nil
}

// decodeInvokeData decodes a JSON response body (numbers as json.Number).
func decodeInvokeData(contentType string, raw []byte) any {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			return nil
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil // trailing data: not one JSON value
	}
	return v
}

// connectionEffect is what a connection call does, by its method: the
// route is another service's, so every call may change something; POST
// and PATCH may do it twice when sent twice.
func connectionEffect(method string) effect {
	if method == http.MethodPost || method == http.MethodPatch {
		return writes
	}
	return rewrites
}
