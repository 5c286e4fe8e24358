// Package errs holds the one decoder that turns a Skyflow error response
// into a *skyflow.APIError, used by the facade and auth packages alike, and a
// constructor for validation errors. The error types themselves are public,
// in the root package skyflow.
package errs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
)

// Invalid builds a *skyflow.ValidationError.
func Invalid(field, format string, args ...any) *skyflow.ValidationError {
	return &skyflow.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// RequestIDHeader is the response header carrying Skyflow's request id.
const RequestIDHeader = "X-Request-Id"

// Decode turns a non-2xx response into an *APIError. It understands every
// error body Skyflow sends: the standard object form
// {"error":{"grpc_code","http_code","http_status","message","details"}}, the
// plain-string form {"error":"..."}, the batch form
// {"responses":[{"Status":4xx,"Body":{"error":"..."}}]}, and non-JSON text.
// It never panics, whatever the body.
func Decode(status int, header http.Header, body []byte) *skyflow.APIError {
	e := &skyflow.APIError{StatusCode: status, Header: header}
	if header != nil {
		e.RequestID = header.Get(RequestIDHeader)
		e.RetryAfter, _ = RetryAfter(header)
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

// RetryAfter parses the Retry-After header of an answer (seconds or an
// HTTP date); ok is false when there is none.
func RetryAfter(h http.Header) (wait time.Duration, ok bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(secs, 0)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
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

// parseBody fills e from a JSON error body and reports whether the body was
// a JSON object at all.
func parseBody(e *skyflow.APIError, body []byte) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return false
	}
	if raw := fields["error"]; len(raw) > 0 && string(raw) != "null" {
		applyErrorField(e, raw)
		return true
	}
	var items []json.RawMessage
	if json.Unmarshal(fields["responses"], &items) != nil {
		return true
	}
	var msgs []string
	for _, raw := range items {
		var item map[string]json.RawMessage
		if json.Unmarshal(raw, &item) != nil {
			continue
		}
		var status int
		if json.Unmarshal(item["Status"], &status) != nil || status < 400 {
			continue
		}
		var itemBody map[string]json.RawMessage
		if json.Unmarshal(item["Body"], &itemBody) != nil {
			continue
		}
		if m := stringOrMessage(itemBody["error"]); m != "" {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) > 0 {
		e.Message = strings.Join(msgs, "; ")
	}
	return true
}

// applyErrorField handles both {"error": {...}} and {"error": "text"},
// keeping every field of the object form that parses.
func applyErrorField(e *skyflow.APIError, raw json.RawMessage) {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		e.Message = text
		return
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return
	}
	e.Message = stringField(obj["message"])
	e.HTTPStatus = stringField(obj["http_status"])
	var code int
	if json.Unmarshal(obj["grpc_code"], &code) == nil {
		e.GRPCCode = code
	}
	var details []map[string]any
	if json.Unmarshal(obj["details"], &details) == nil {
		e.Details = details
	} else {
		// Details of mixed shapes: keep the objects among them.
		var list []json.RawMessage
		if json.Unmarshal(obj["details"], &list) == nil {
			for _, d := range list {
				var m map[string]any
				if json.Unmarshal(d, &m) == nil && m != nil {
					e.Details = append(e.Details, m)
				}
			}
		}
	}
}

// stringField decodes a JSON string, or returns "" for anything else.
func stringField(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

func stringOrMessage(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		return stringField(obj["message"])
	}
	return ""
}
