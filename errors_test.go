package skyflow_test

import (
	"context"
	"errors"
	"fmt"
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
		{"never sent", fmt.Errorf("chunk 3: %w", skyflow.ErrNotSent), false},
		{"connection refused", &skyflow.TransportError{Operation: "Insert", Err: errors.New("refused")}, false},
		{"answer lost", &skyflow.TransportError{Operation: "Insert", Sent: true, Err: context.DeadlineExceeded}, true},
		{"refused", &skyflow.APIError{StatusCode: 400}, false},
		{"rate limited", &skyflow.APIError{StatusCode: 429}, false},
		{"refused after a lost answer", &skyflow.APIError{StatusCode: 404, MaybeApplied: true}, true},
		{"gateway error", &skyflow.APIError{StatusCode: 502}, true},
		{"unusable answer", &skyflow.APIError{StatusCode: 200, Err: skyflow.ErrUnexpectedResponse}, true},
		{"wrapped", fmt.Errorf("saving: %w", &skyflow.APIError{StatusCode: 409, MaybeApplied: true}), true},
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
