package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// gRPC status codes used in error bodies (google.golang.org/grpc/codes).
const (
	grpcInvalidArgument    = 3
	grpcDeadlineExceeded   = 4
	grpcNotFound           = 5
	grpcAlreadyExists      = 6
	grpcPermissionDenied   = 7
	grpcResourceExhausted  = 8
	grpcFailedPrecondition = 9
	grpcUnimplemented      = 12
	grpcInternal           = 13
	grpcUnavailable        = 14
	grpcUnauthenticated    = 16
)

// grpcForStatus maps an HTTP status to the gRPC code grpc-gateway pairs with
// it (the inverse of runtime.HTTPStatusFromCode).
func grpcForStatus(status int) int {
	switch status {
	case http.StatusBadRequest:
		return grpcInvalidArgument
	case http.StatusUnauthorized:
		return grpcUnauthenticated
	case http.StatusForbidden:
		return grpcPermissionDenied
	case http.StatusNotFound:
		return grpcNotFound
	case http.StatusMethodNotAllowed:
		return grpcUnimplemented
	case http.StatusConflict:
		return grpcAlreadyExists
	case http.StatusPreconditionFailed:
		return grpcFailedPrecondition
	case http.StatusTooManyRequests:
		return grpcResourceExhausted
	case http.StatusNotImplemented:
		return grpcUnimplemented
	case http.StatusServiceUnavailable, http.StatusBadGateway:
		return grpcUnavailable
	case http.StatusGatewayTimeout, http.StatusRequestTimeout:
		return grpcDeadlineExceeded
	}
	if status >= 500 {
		return grpcInternal
	}
	return grpcInvalidArgument
}

// apiError is an error that becomes the Skyflow error body
// {"error":{"grpc_code","http_code","http_status","message","details"}}.
type apiError struct {
	status  int
	grpc    int
	message string
	details []map[string]any
	header  map[string]string // extra response headers, e.g. Allow
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.message) }

func newError(status int, format string, args ...any) *apiError {
	return &apiError{status: status, grpc: grpcForStatus(status), message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return newError(http.StatusNotFound, format, args...)
}

func conflict(format string, args ...any) *apiError {
	return newError(http.StatusConflict, format, args...)
}

func unauthenticated(format string, args ...any) *apiError {
	return newError(http.StatusUnauthorized, format, args...)
}

func forbidden(format string, args ...any) *apiError {
	return newError(http.StatusForbidden, format, args...)
}

// tooLarge is the answer to a request body over the limit n.
func tooLarge(n int64) *apiError {
	return newError(http.StatusRequestEntityTooLarge, "request body larger than %d bytes", n)
}

// bodyReadError is the answer to a failed read of a request body: 413 when
// it went over its limit, else a 400 saying what was being read.
func bodyReadError(err error, format string, args ...any) *apiError {
	if mb := (*http.MaxBytesError)(nil); errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	return badRequest(format, args...)
}

// errorBody is the wire shape of the Skyflow error body.
type errorBody struct {
	Error errorBodyError `json:"error"`
}

type errorBodyError struct {
	GrpcCode   int              `json:"grpc_code"`
	HTTPCode   int              `json:"http_code"`
	HTTPStatus string           `json:"http_status"`
	Message    string           `json:"message"`
	Details    []map[string]any `json:"details"`
}

func (e *apiError) body() errorBody {
	details := e.details
	if details == nil {
		details = []map[string]any{}
	}
	return errorBody{Error: errorBodyError{
		GrpcCode:   e.grpc,
		HTTPCode:   e.status,
		HTTPStatus: http.StatusText(e.status),
		Message:    e.message,
		Details:    details,
	}}
}

// writeError writes the Skyflow error body with the error's status.
func writeError(w http.ResponseWriter, e *apiError) {
	b, err := marshal(e.body())
	if err != nil { // cannot happen: the body holds only strings, ints and JSON maps
		b = []byte(`{"error":{"grpc_code":13,"http_code":500,"http_status":"Internal Server Error","message":"error encoding failed","details":[]}}` + "\n")
	}
	for k, v := range e.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

// asAPIError converts any error into an *apiError (500 for unexpected ones).
func asAPIError(err error) *apiError {
	if e, ok := err.(*apiError); ok {
		return e
	}
	return newError(http.StatusInternalServerError, "internal error: %v", err)
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		writeError(w, asAPIError(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// marshal encodes v as one line of JSON without HTML escaping, so messages
// keep characters such as < and > readable.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
