// Package errs holds the SDK's error types and the one decoder that turns a
// Skyflow error response into a Go error. The facade and auth packages
// re-export these types under their own names, so users only ever see
// facade.APIError / facade.ValidationError (and the auth aliases), and
// errors.As works across packages because the types are identical.
package errs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Sentinel errors matched with errors.Is. An *APIError matches the sentinel
// that corresponds to its HTTP status; a *ValidationError matches
// ErrValidation.
var (
	ErrNotFound     = errors.New("skyflow: not found")
	ErrUnauthorized = errors.New("skyflow: unauthorized")
	ErrForbidden    = errors.New("skyflow: forbidden")
	ErrRateLimited  = errors.New("skyflow: rate limited")
	ErrValidation   = errors.New("skyflow: invalid input")
)

// APIError is an error response from a Skyflow API (or a response that could
// not be understood). Its text never includes request or response payloads.
type APIError struct {
	// StatusCode is the HTTP status code of the response.
	StatusCode int
	// HTTPStatus is the status text from the error body (for example
	// "Bad Request"), or the standard text of StatusCode when the body has none.
	HTTPStatus string
	// GRPCCode is the gRPC status code from the error body, 0 when absent.
	GRPCCode int
	// Message is the server's description of the problem.
	Message string
	// Details holds the free-form detail objects of the error body.
	Details []map[string]any
	// RequestID is the value of the x-request-id response header.
	RequestID string
	// Operation names the SDK operation that failed (for example "Insert"),
	// when known.
	Operation string
	// Err is an underlying cause, if any (for example a JSON decoding error of
	// a 2xx response).
	Err error
}

// Error implements error. The text holds the operation, status, message and
// request id; never record values, tokens or credentials.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("skyflow: ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		if e.HTTPStatus != "" {
			b.WriteByte(' ')
			b.WriteString(e.HTTPStatus)
		}
	} else {
		b.WriteString("api error")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether the error matches one of the package sentinels, based on
// the HTTP status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// Retryable reports whether repeating the same request may succeed: rate
// limiting, request timeouts and the transient gateway errors.
func (e *APIError) Retryable() bool {
	return RetryableStatus(e.StatusCode)
}

// RetryableStatus reports whether an HTTP status is transient (408, 429, 502,
// 503, 504).
func RetryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// ValidationError reports input rejected by the SDK before any network call.
// Field names the offending input (for example "Values[3]" or "clientID");
// Reason says what is wrong with it. Neither ever contains the value itself.
type ValidationError struct {
	// Field is the request field (or credentials key) that is invalid.
	Field string
	// Reason describes the problem.
	Reason string
	// Err is a more specific sentinel for errors.Is, if any.
	Err error
}

// Error implements error.
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return "skyflow: invalid input: " + e.Reason
	}
	return "skyflow: invalid " + e.Field + ": " + e.Reason
}

// Is makes every ValidationError match ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Unwrap returns the more specific sentinel, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

// Invalid builds a *ValidationError.
func Invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// RequestIDHeader is the response header carrying Skyflow's request id.
const RequestIDHeader = "X-Request-Id"

// Decode turns a non-2xx response into an *APIError. It understands every
// error body Skyflow sends: the standard object form
// {"error":{"grpc_code","http_code","http_status","message","details"}}, the
// plain-string form {"error":"..."}, the batch form
// {"responses":[{"Status":4xx,"Body":{"error":"..."}}]}, and non-JSON text.
// It never panics, whatever the body.
func Decode(status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	if header != nil {
		e.RequestID = header.Get(RequestIDHeader)
	}
	isJSON := parseBody(e, body)
	if e.HTTPStatus == "" {
		e.HTTPStatus = http.StatusText(status)
	}
	if e.Message == "" {
		if isJSON {
			body = nil // JSON of another shape: the status says more
		}
		e.Message = fallbackMessage(status, body)
	}
	return e
}

// maxPlainMessage caps how much of a non-JSON error body becomes the message.
const maxPlainMessage = 512

func fallbackMessage(status int, body []byte) string {
	text := strings.TrimSpace(string(body))
	if text == "" || !isPrintable(text) || looksLikeHTML(text) {
		if t := http.StatusText(status); t != "" {
			return strings.ToLower(t)
		}
		return "unexpected status " + strconv.Itoa(status)
	}
	if len(text) > maxPlainMessage {
		text = text[:maxPlainMessage] + "…"
	}
	return text
}

func looksLikeHTML(s string) bool {
	return strings.HasPrefix(s, "<")
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' || (r < 0x20 && r != '\n' && r != '\r' && r != '\t') {
			return false
		}
	}
	return true
}

type wireBody struct {
	Error     json.RawMessage `json:"error"`
	Responses []struct {
		Status int `json:"Status"`
		Body   struct {
			Error json.RawMessage `json:"error"`
		} `json:"Body"`
	} `json:"responses"`
}

type wireError struct {
	GRPCCode   *int             `json:"grpc_code"`
	HTTPCode   *int             `json:"http_code"`
	HTTPStatus string           `json:"http_status"`
	Message    string           `json:"message"`
	Details    []map[string]any `json:"details"`
}

// parseBody fills e from a JSON error body and reports whether the body was
// a JSON object at all.
func parseBody(e *APIError, body []byte) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return false
	}
	var w wireBody
	if json.Unmarshal(body, &w) != nil {
		return false
	}
	if len(w.Error) > 0 {
		applyErrorField(e, w.Error)
		return true
	}
	var msgs []string
	for _, r := range w.Responses {
		if r.Status < 400 {
			continue
		}
		if m := stringOrMessage(r.Body.Error); m != "" {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) > 0 {
		e.Message = strings.Join(msgs, "; ")
	}
	return true
}

// applyErrorField handles both {"error": {...}} and {"error": "text"}.
func applyErrorField(e *APIError, raw json.RawMessage) {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		e.Message = text
		return
	}
	var we wireError
	if json.Unmarshal(raw, &we) != nil {
		return
	}
	e.Message = we.Message
	e.HTTPStatus = we.HTTPStatus
	if we.GRPCCode != nil {
		e.GRPCCode = *we.GRPCCode
	}
	e.Details = we.Details
}

func stringOrMessage(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text
	}
	var we wireError
	if json.Unmarshal(raw, &we) == nil {
		return we.Message
	}
	return ""
}
