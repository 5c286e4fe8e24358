package auth

import (
	"context"
	"errors"
	"net/http"
)

// RequestEditor is the signature of the request editors of the generated
// clients. It is an alias of an unnamed func type, so a RequestEditor can be
// passed wherever any generated package expects its RequestEditorFn.
type RequestEditor = func(ctx context.Context, req *http.Request) error

// ConnectionAuthHeader is the header that carries the token on connection
// (gateway) calls.
const ConnectionAuthHeader = "X-Skyflow-Authorization"

var (
	errNilSource  = errors.New("auth: token source is nil")
	errEmptyToken = errors.New("auth: token source returned an empty token")
)

// BearerEditor returns a request editor that sets
// "Authorization: Bearer <token>" from ts, using the request's context. An
// error from ts aborts the request and is returned unchanged.
func BearerEditor(ts TokenSource) RequestEditor {
	return headerEditor(ts, "Authorization", "Bearer ")
}

// ConnectionEditor returns a request editor for connection calls: it sets
// "x-skyflow-authorization: <token>" (no "Bearer " prefix) from ts. An error
// from ts aborts the request and is returned unchanged.
func ConnectionEditor(ts TokenSource) RequestEditor {
	return headerEditor(ts, ConnectionAuthHeader, "")
}

func headerEditor(ts TokenSource, header, prefix string) RequestEditor {
	return func(ctx context.Context, req *http.Request) error {
		if ts == nil {
			return errNilSource
		}
		tok, err := ts.Token(ctx)
		if err != nil {
			return err
		}
		if tok == "" {
			return errEmptyToken
		}
		req.Header.Set(header, prefix+tok)
		return nil
	}
}
