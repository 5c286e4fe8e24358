// Package skyflow holds the error types of the Skyflow Go SDK, shared by every
// package of the SDK: the client (package facade) and credentials and tokens
// (package auth) return only these types and sentinels, so one errors.As or
// errors.Is works whatever the call.
//
// The SDK's errors, by where they arise:
//
//   - *ValidationError: input rejected before any network call (matches
//     ErrValidation).
//   - *AuthError: the token source could not supply a token (credentials
//     problems, a failed token exchange); Err is the cause.
//   - *FileError: a local file could not be opened, read or written.
//   - *TransportError: no usable answer arrived (connection failure, timeout,
//     cancelled context, a body cut off mid-way). Sent says whether the
//     request may have reached the server.
//   - *APIError: Skyflow answered with an error status, or with a success
//     answer that cannot be used (matches ErrUnexpectedResponse).
//   - *RunFailedError and *RunPollError: a Detect run that failed, or whose
//     polling stopped.
//
// The file generate.go beside this one holds the go:generate directives that
// rebuild gen/ and the emulator's servers from api/openapi.
package skyflow

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound is matched by an *APIError with status 404.
	ErrNotFound = errors.New("skyflow: not found")
	// ErrUnauthorized is matched by an *APIError with status 401.
	ErrUnauthorized = errors.New("skyflow: unauthorized")
	// ErrForbidden is matched by an *APIError with status 403.
	ErrForbidden = errors.New("skyflow: forbidden")
	// ErrRateLimited is matched by an *APIError with status 429.
	ErrRateLimited = errors.New("skyflow: rate limited")
	// ErrValidation is matched by every *ValidationError.
	ErrValidation = errors.New("skyflow: invalid input")
	// ErrUnexpectedResponse is matched by an *APIError for a success answer
	// the SDK cannot use: not JSON, a missing field, or an answer that does
	// not match the request (a count or shape mismatch). It is never retried.
	ErrUnexpectedResponse = errors.New("skyflow: unexpected response")
	// ErrNotSent marks work that was never sent to Skyflow, for example the
	// records of a chunk not started because the call stopped first. Such
	// records were certainly not written.
	ErrNotSent = errors.New("skyflow: not sent")
	// ErrUnsafeRedirect is matched by the cause of a *TransportError when
	// the SDK refused to follow a redirect to another scheme or host
	// (credentials and record values never leave the origin they were
	// sent to).
	ErrUnsafeRedirect = errors.New("skyflow: redirect to another origin refused")
	// ErrRunFailed is matched by every *RunFailedError.
	ErrRunFailed = errors.New("skyflow: detect run failed")
)

// APIError is an error answer from a Skyflow API, or a success answer the
// SDK cannot use (then errors.Is(err, ErrUnexpectedResponse) is true and
// Message says what was expected). Use errors.As to read it:
//
//	var apiErr *skyflow.APIError
//	if errors.As(err, &apiErr) {
//		log.Printf("status %d, request id %s", apiErr.StatusCode, apiErr.RequestID)
//	}
type APIError struct {
	// StatusCode is the HTTP status code of the answer.
	StatusCode int
	// HTTPStatus is the status text of the error body (for example
	// "Bad Request"), or the standard text of StatusCode when the body has
	// none.
	HTTPStatus string
	// GRPCCode is the gRPC status code of the error body, 0 when absent.
	GRPCCode int
	// Message is the server's description of the problem (or the SDK's, for
	// an unusable success answer). A server can echo parts of the request
	// in it.
	Message string
	// Details holds the free-form detail objects of the error body.
	Details []map[string]any
	// RequestID is the value of the x-request-id response header.
	RequestID string
	// Header holds the response headers (x-request-id, ...).
	Header http.Header
	// RetryAfter is the delay the server asked for in its Retry-After
	// header (0 when absent). The SDK waits for it when retrying, unless it
	// exceeds the retry policy's MaxBackoff: the call then fails at once
	// with this error, so the caller can decide when to try again.
	RetryAfter time.Duration
	// Operation names the SDK operation that failed (for example "Insert").
	Operation string
	// MaybeApplied is true when an earlier attempt of the call may have
	// been applied before this answer refused a retry (its connection
	// broke after sending, it timed out, or a gateway answered 5xx): the
	// error does not prove the call had no effect. A 404 to the retry of a
	// delete, for example, can mean the first attempt deleted the record.
	// See MaybeApplied (the function) for the outcome of any error.
	MaybeApplied bool
	// Err is an underlying cause, if any (for example ErrUnexpectedResponse
	// and a JSON decoding error).
	Err error
}

// Error implements error. The text holds the operation, the status, the
// server's message and the request id. It never holds request data the
// SDK put there; but a server or proxy that echoes the request into its
// message puts that text here too (see Message).
func (e *APIError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Operation)
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
	writeRequestID(&b, e.RequestID)
	if e.MaybeApplied {
		b.WriteString("; an earlier attempt may have been applied")
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether the error matches the sentinel of its HTTP status
// (ErrNotFound, ErrUnauthorized, ErrForbidden, ErrRateLimited).
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

// Retryable reports whether sending the same request again later may
// succeed: the status is 408, 429, 502, 503 or 504. The SDK already retries
// these as its retry policy allows.
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

// MaybeApplied reports whether the call that returned err may have taken
// effect although it failed, so that its outcome is unknown rather than
// failed: a *TransportError with Sent (the answer was lost after sending),
// an *APIError with MaybeApplied (a retry was refused after an attempt
// that may have been applied), an *APIError with a 5xx status (a gateway
// can answer one after the vault wrote), or a success answer the SDK could
// not use (ErrUnexpectedResponse). It is false for nil, for input rejected
// before sending, for credentials that gave no token, for work never sent
// (ErrNotSent) and for a 4xx refusal of the only request that was sent.
// A write whose outcome is unknown must be checked (read back) before it
// is repeated, unless repeating it is harmless (an upsert, an update).
func MaybeApplied(err error) bool {
	if err == nil || errors.Is(err, ErrNotSent) {
		return false
	}
	var (
		au *AuthError
		te *TransportError
		ae *APIError
		re *RecordError
	)
	switch {
	case errors.As(err, &au):
		// No token, so nothing was sent; the errors of the token
		// exchange it wraps say nothing of the call.
		return false
	case errors.As(err, &re):
		return re.MaybeApplied
	case errors.As(err, &te):
		return te.Sent
	case errors.As(err, &ae):
		return ae.MaybeApplied || ae.StatusCode >= 500 || errors.Is(ae, ErrUnexpectedResponse)
	}
	return false
}

// IsRetryable reports whether err is an *APIError with a transient status
// (see RetryableStatus), for callers that add their own retry loop.
func IsRetryable(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Retryable()
}

// RecordError is the failure of one record or token inside an answer that
// succeeded as a whole: an insert or detokenize with continue-on-error, a
// bulk call, a Flow DB call. It matches the sentinel of its status, like
// *APIError (errors.Is(err, ErrNotFound) for a 404 element).
type RecordError struct {
	// Operation names the SDK operation.
	Operation string
	// Index is the record's (or token's) position in the request, or in
	// the input of a bulk call.
	Index int
	// StatusCode is the element's HTTP status, as the API reports it (0
	// when it gives none).
	StatusCode int
	// Message is the API's reason. A server can echo parts of the request
	// in it.
	Message string
	// RequestID is the id of the request that carried the element.
	RequestID string
	// MaybeApplied is true when the element of a write may have taken
	// effect although it failed: its status is 5xx, or an earlier attempt
	// of the request that carried it may have been applied (a retry then
	// finds its own work done, a duplicate or a token already gone). See
	// MaybeApplied (the function).
	MaybeApplied bool
}

// Error implements error. The text holds the operation, the position, the
// status and the API's message.
func (e *RecordError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Operation)
	b.WriteString("element ")
	b.WriteString(strconv.Itoa(e.Index))
	if e.StatusCode != 0 {
		b.WriteString(": ")
		b.WriteString(strconv.Itoa(e.StatusCode))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	writeRequestID(&b, e.RequestID)
	if e.MaybeApplied {
		b.WriteString("; it may have been applied")
	}
	return b.String()
}

// Is reports whether the error matches the sentinel of its status.
func (e *RecordError) Is(target error) bool {
	return (&APIError{StatusCode: e.StatusCode}).Is(target)
}

// ValidationError reports input rejected by the SDK before any network call.
// Field names the offending input (for example "Values[3]" or "clientID");
// Reason says what is wrong with it. Neither ever contains the value itself.
type ValidationError struct {
	// Field is the request field (or credentials key) that is invalid.
	Field string
	// Reason describes the problem.
	Reason string
	// Err is a more specific sentinel for errors.Is, if any (for example
	// auth.ErrInvalidAPIKey).
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

// TransportError reports that no usable answer arrived: the connection
// failed, an attempt timed out, the context ended, or the answer was cut off.
// Err is the cause and works with errors.Is (for example
// context.DeadlineExceeded). The request URL is left out: its query can hold
// record values.
type TransportError struct {
	// Operation names the SDK operation.
	Operation string
	// Sent is true when the request may have reached the server (its
	// outcome is unknown): in this attempt or in an earlier one of the same
	// call. It is false when no attempt did: no connection was ever made,
	// or the call's context had ended before its first attempt (Err then
	// matches ErrNotSent and the context's error).
	Sent bool
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *TransportError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Operation)
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// AuthError reports that a call could not get a token from its token
// source: invalid or expired credentials (Err is then a *ValidationError),
// a failed token exchange (an *APIError or *TransportError), or a context
// that ended while waiting. Nothing was sent to the API.
type AuthError struct {
	// Operation names the SDK operation.
	Operation string
	// Err is the token source's error.
	Err error
}

// Error implements error.
func (e *AuthError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Operation)
	b.WriteString("getting a token: ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *AuthError) Unwrap() error { return e.Err }

// FileError reports a local file that could not be opened, read or written
// (an upload's source, a Detect input, a Detect output). The path is left out
// of the text (file names can hold personal data); Err is the cause, so
// errors.Is(err, fs.ErrNotExist) and errors.Is(err, fs.ErrPermission) work.
type FileError struct {
	// Operation names the SDK operation.
	Operation string
	// Op is what failed: "open", "read" or "write".
	Op string
	// Output is, for a failed write of a Detect output, the output's
	// position (0 is the processed file); -1 otherwise.
	Output int
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *FileError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Operation)
	b.WriteString("cannot ")
	b.WriteString(e.Op)
	if e.Output >= 0 {
		b.WriteString(" output ")
		b.WriteString(strconv.Itoa(e.Output))
	} else {
		b.WriteString(" the file")
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// RunFailedError reports a Detect run that ended without a result: its
// status is FAILED (Message then carries the API's reason), or it stayed
// UNKNOWN (or another status the SDK does not know) for several polls.
type RunFailedError struct {
	// Operation names the SDK operation.
	Operation string
	// RunID is the id of the run ("" for a synchronous call).
	RunID string
	// Status is the run's last status.
	Status string
	// Message is the API's status message (the failure reason).
	Message string
	// RequestID is the id of the last request.
	RequestID string
}

// Error implements error.
func (e *RunFailedError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Operation)
	b.WriteString("run")
	if e.RunID != "" {
		b.WriteByte(' ')
		b.WriteString(e.RunID)
	}
	if e.Status == "FAILED" {
		b.WriteString(" failed")
	} else {
		b.WriteString(" ended with status ")
		if e.Status == "" {
			b.WriteString("(none)")
		} else {
			b.WriteString(e.Status)
		}
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	writeRequestID(&b, e.RequestID)
	return b.String()
}

// Is makes every RunFailedError match ErrRunFailed.
func (e *RunFailedError) Is(target error) bool { return target == ErrRunFailed }

// RunPollError reports that a Detect call started a run but stopped polling
// it before it ended: the context ended, the wait time ran out during a
// poll, or a poll failed. The run may still complete; resume with
// GetDetectRun(RunID). Err is the cause (an *APIError, *TransportError,
// *AuthError or context error).
type RunPollError struct {
	// Operation names the SDK operation.
	Operation string
	// RunID is the id of the run.
	RunID string
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *RunPollError) Error() string {
	var b strings.Builder
	writePrefix(&b, e.Operation)
	b.WriteString("polling run ")
	b.WriteString(e.RunID)
	b.WriteString(" stopped: ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *RunPollError) Unwrap() error { return e.Err }

// writePrefix starts an error text: "skyflow: ", then the operation and
// ": " when there is one.
func writePrefix(b *strings.Builder, operation string) {
	b.WriteString("skyflow: ")
	if operation != "" {
		b.WriteString(operation)
		b.WriteString(": ")
	}
}

// writeRequestID ends an error text with the request id, when there is one.
func writeRequestID(b *strings.Builder, id string) {
	if id != "" {
		b.WriteString(" (request id ")
		b.WriteString(id)
		b.WriteByte(')')
	}
}
