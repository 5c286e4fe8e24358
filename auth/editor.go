package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/skyflowgo/skyflow"
)

// RequestEditor is the signature of the request editors of the generated
// clients. It is an alias of an unnamed func type, so a RequestEditor can be
// passed wherever any generated package expects its RequestEditorFn.
type RequestEditor = func(ctx context.Context, req *http.Request) error

// The headers that carry credentials. These editors are the only code of
// the SDK that writes them.
const (
	// AuthorizationHeader is the header that carries "Bearer <token>" on
	// vault, Detect and token-exchange calls.
	AuthorizationHeader = "Authorization"
	bearerPrefix        = "Bearer "
)

// ConnectionAuthHeader is the header that carries the raw token on
// connection (gateway) calls. (A connection call may carry an
// Authorization header of the caller's, for the connection's route.)
const ConnectionAuthHeader = "X-Skyflow-Authorization"

// CredentialHeaders lists the request headers that carry credentials: the
// SDK sets them and refuses them as caller-supplied headers.
func CredentialHeaders() []string {
	return []string{AuthorizationHeader, ConnectionAuthHeader}
}

// ErrEmptyToken is returned (inside a *skyflow.AuthError) when a token
// source returns an empty token.
var ErrEmptyToken = errors.New("auth: token source returned an empty token")

// ErrUnsendableToken is returned (inside a *skyflow.AuthError) when a token
// source returns a token an HTTP header cannot carry: one with a control
// character, such as a line break. Such a token is never sent.
var ErrUnsendableToken = errors.New("auth: token source returned a token with a control character")

// BearerEditor returns a request editor that sets
// "Authorization: Bearer <token>" from ts, using the request's context. A
// failure of ts aborts the request with a *skyflow.AuthError wrapping it.
func BearerEditor(ts TokenSource) RequestEditor {
	return headerEditor(ts, AuthorizationHeader, bearerPrefix)
}

// ConnectionEditor returns a request editor for connection calls: it sets
// "x-skyflow-authorization: <token>" (no "Bearer " prefix) from ts. A
// failure of ts aborts the request with a *skyflow.AuthError wrapping it.
func ConnectionEditor(ts TokenSource) RequestEditor {
	return headerEditor(ts, ConnectionAuthHeader, "")
}

func headerEditor(ts TokenSource, header, prefix string) RequestEditor {
	// last is the header value of the last token seen: a source hands out
	// the same token for its lifetime, so the value is built once per
	// token, not once per request. Requests share it read-only (a
	// one-element slice cannot be appended to in place).
	var last atomic.Pointer[headerValue]
	return func(ctx context.Context, req *http.Request) error {
		tok, err := ts.Token(ctx)
		if err != nil {
			return &skyflow.AuthError{Err: err}
		}
		if tok == "" {
			return &skyflow.AuthError{Err: ErrEmptyToken}
		}
		v := last.Load()
		if v == nil || v.token != tok {
			if !headerSafe(tok) {
				return &skyflow.AuthError{Err: ErrUnsendableToken}
			}
			v = &headerValue{token: tok, value: []string{prefix + tok}}
			last.Store(v)
		}
		req.Header[header] = v.value
		return nil
	}
}

// headerSafe reports whether a header value holds no control character
// but a tab: the request would otherwise fail in the HTTP client, after
// its call had been counted as sent, or carry a header of the token's
// making.
func headerSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// headerValue is a credential header's value for one token.
type headerValue struct {
	token string
	value []string
}

// TokenRefused tells ts that the server refused (HTTP 401) the token that
// req carried, as set by BearerEditor or ConnectionEditor. A source that
// caches tokens (an Invalidator) drops that token if it is still the one it
// holds, and TokenRefused reports true: a new token can be fetched, and the
// request sent once more. For other sources it reports false: asking again
// would give the same token. A ServiceAccountSource also reports false
// when the refusal falls inside its refusal backoff and it keeps the token
// (see ServiceAccountSource).
func TokenRefused(ts TokenSource, req *http.Request) bool {
	inv, ok := ts.(Invalidator)
	if !ok || req == nil {
		return false
	}
	tok := sentToken(req)
	if tok == "" {
		return false
	}
	if r, ok := ts.(refuser); ok {
		return r.refuse(tok)
	}
	inv.Invalidate(tok)
	return true
}

// TokenAccepted tells ts that the server accepted (a 2xx answer) the token
// that req carried. A ServiceAccountSource then resets its refusal backoff;
// other sources ignore it. It is cheap enough to call after every
// successful call.
func TokenAccepted(ts TokenSource, req *http.Request) {
	a, ok := ts.(accepter)
	if !ok || req == nil || !a.backingOff() {
		return
	}
	if tok := sentToken(req); tok != "" {
		a.accepted(tok)
	}
}

// sentToken returns the token a request carried.
func sentToken(req *http.Request) string {
	if v := req.Header.Get(ConnectionAuthHeader); v != "" {
		return v
	}
	v := req.Header.Get(AuthorizationHeader)
	if len(v) > len(bearerPrefix) && strings.EqualFold(v[:len(bearerPrefix)], bearerPrefix) {
		return v[len(bearerPrefix):]
	}
	return ""
}
