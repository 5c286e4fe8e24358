package skyflow_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
)

func TestMaybeAppliedSaysWhenAFailureMayHaveTakenEffect(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"invalid input", &skyflow.ValidationError{Field: "Table", Reason: "is blank"}, false},
		{"no token", &skyflow.AuthError{Err: errors.New("exchange refused")}, false},
		{"no token: the exchange's gateway failed", &skyflow.AuthError{Err: &skyflow.APIError{StatusCode: 503}}, false},
		{"no token: the exchange's answer was lost", &skyflow.AuthError{Err: &skyflow.TransportError{Sent: true, Err: io.ErrUnexpectedEOF}}, false},
		{"never sent", fmt.Errorf("chunk 3: %w", skyflow.ErrNotSent), false},
		{"connection refused", &skyflow.TransportError{Operation: "Insert", Err: errors.New("refused")}, false},
		{"answer lost", &skyflow.TransportError{Operation: "Insert", Sent: true, Err: context.DeadlineExceeded}, true},
		{"refused", &skyflow.APIError{StatusCode: 400}, false},
		{"rate limited", &skyflow.APIError{StatusCode: 429}, false},
		{"refused after a lost answer", &skyflow.APIError{StatusCode: 404, MaybeApplied: true}, true},
		{"gateway error", &skyflow.APIError{StatusCode: 502}, true},
		{"unusable answer", &skyflow.APIError{StatusCode: 200, Err: skyflow.ErrUnexpectedResponse}, true},
		{"wrapped", fmt.Errorf("saving: %w", &skyflow.APIError{StatusCode: 409, MaybeApplied: true}), true},
		{"element refused", &skyflow.RecordError{StatusCode: 409}, false},
		{"element that may have been applied", &skyflow.RecordError{StatusCode: 500, MaybeApplied: true}, true},
	} {
		if got := skyflow.MaybeApplied(c.err); got != c.want {
			t.Errorf("%s: MaybeApplied(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestAPIErrorSaysAnEarlierAttemptMayHaveBeenApplied(t *testing.T) {
	e := &skyflow.APIError{Operation: "Delete", StatusCode: 404, HTTPStatus: "Not Found", MaybeApplied: true}
	if !strings.HasSuffix(e.Error(), "an earlier attempt may have been applied") {
		t.Fatalf("%q does not say the outcome is unknown", e.Error())
	}
	e.MaybeApplied = false
	if strings.Contains(e.Error(), "earlier attempt") {
		t.Fatalf("%q: nothing to say", e.Error())
	}
}

func TestErrorTexts(t *testing.T) {
	cause := errors.New("cause")
	for _, c := range []struct {
		err  error
		want string
	}{
		{&skyflow.APIError{Operation: "Get", StatusCode: 404, HTTPStatus: "Not Found", Message: "no such record", RequestID: "r1"},
			"skyflow: Get: 404 Not Found: no such record (request id r1)"},
		{&skyflow.APIError{Message: "unreadable"}, "skyflow: api error: unreadable"},
		{&skyflow.RecordError{Operation: "Detokenize", Index: 3, StatusCode: 404, Message: "token not found", RequestID: "r2"},
			"skyflow: Detokenize: element 3: 404: token not found (request id r2)"},
		{&skyflow.RecordError{Index: 0}, "skyflow: element 0"},
		{&skyflow.ValidationError{Field: "Table", Reason: "is blank"}, "skyflow: invalid Table: is blank"},
		{&skyflow.ValidationError{Reason: "no vault"}, "skyflow: invalid input: no vault"},
		{&skyflow.TransportError{Operation: "Insert", Err: cause}, "skyflow: Insert: cause"},
		{&skyflow.TransportError{Err: cause}, "skyflow: cause"},
		{&skyflow.AuthError{Operation: "Query", Err: cause}, "skyflow: Query: getting a token: cause"},
		{&skyflow.AuthError{Err: cause}, "skyflow: getting a token: cause"},
		{&skyflow.FileError{Operation: "UploadFile", Op: "open", Output: -1, Err: cause}, "skyflow: UploadFile: cannot open the file: cause"},
		{&skyflow.FileError{Operation: "DeidentifyFile", Op: "write", Output: 2, Err: cause}, "skyflow: DeidentifyFile: cannot write output 2: cause"},
		{&skyflow.RunFailedError{Operation: "DeidentifyFile", RunID: "run-1", Status: "FAILED", Message: "bad file", RequestID: "r3"},
			"skyflow: DeidentifyFile: run run-1 failed: bad file (request id r3)"},
		{&skyflow.RunFailedError{Operation: "DeidentifyFile", Status: "UNKNOWN"}, "skyflow: DeidentifyFile: run ended with status UNKNOWN"},
		{&skyflow.RunFailedError{Operation: "DeidentifyFile"}, "skyflow: DeidentifyFile: run ended with status (none)"},
		{&skyflow.RunPollError{Operation: "DeidentifyFile", RunID: "run-2", Err: cause}, "skyflow: DeidentifyFile: polling run run-2 stopped: cause"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%T: %q, want %q", c.err, got, c.want)
		}
	}
}

func TestErrorsMatchTheirSentinelsAndCauses(t *testing.T) {
	for _, c := range []struct {
		err    error
		target error
		want   bool
	}{
		{&skyflow.APIError{StatusCode: 404}, skyflow.ErrNotFound, true},
		{&skyflow.APIError{StatusCode: 401}, skyflow.ErrUnauthorized, true},
		{&skyflow.APIError{StatusCode: 403}, skyflow.ErrForbidden, true},
		{&skyflow.APIError{StatusCode: 429}, skyflow.ErrRateLimited, true},
		{&skyflow.APIError{StatusCode: 500}, skyflow.ErrNotFound, false},
		{&skyflow.APIError{StatusCode: 200, Err: skyflow.ErrUnexpectedResponse}, skyflow.ErrUnexpectedResponse, true},
		{&skyflow.RecordError{StatusCode: 404}, skyflow.ErrNotFound, true},
		{&skyflow.RecordError{StatusCode: 409}, skyflow.ErrNotFound, false},
		{&skyflow.ValidationError{Field: "x"}, skyflow.ErrValidation, true},
		{&skyflow.ValidationError{Err: skyflow.ErrUnsafeRedirect}, skyflow.ErrUnsafeRedirect, true},
		{&skyflow.TransportError{Err: context.DeadlineExceeded}, context.DeadlineExceeded, true},
		{&skyflow.AuthError{Err: &skyflow.ValidationError{}}, skyflow.ErrValidation, true},
		{&skyflow.FileError{Output: -1, Err: context.Canceled}, context.Canceled, true},
		{&skyflow.RunFailedError{}, skyflow.ErrRunFailed, true},
		{&skyflow.RunPollError{Err: context.Canceled}, context.Canceled, true},
		{&skyflow.RunPollError{Err: context.Canceled}, skyflow.ErrRunFailed, false},
	} {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("errors.Is(%T %v, %v) = %v, want %v", c.err, c.err, c.target, got, c.want)
		}
	}
}

func TestIsRetryable(t *testing.T) {
	for code, want := range map[int]bool{408: true, 429: true, 502: true, 503: true, 504: true, 500: false, 400: false, 404: false} {
		if got := skyflow.IsRetryable(fmt.Errorf("wrapped: %w", &skyflow.APIError{StatusCode: code})); got != want {
			t.Errorf("%d: IsRetryable = %v, want %v", code, got, want)
		}
	}
	if skyflow.IsRetryable(&skyflow.TransportError{Err: errors.New("x")}) {
		t.Error("only an APIError has a status to retry on")
	}
}
