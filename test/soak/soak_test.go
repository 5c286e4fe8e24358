package main

import (
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
)

// The soak itself is a bounded load run (make soak); these tests cover the
// pieces its verdict rests on: record keys, outcome and error classes, and
// attempt signatures.

func TestKeysRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		worker, seq int
		upload      bool
	}{{0, 0, false}, {63, 1234567, false}, {64, 7, true}} {
		k := key(tc.worker, tc.seq, tc.upload)
		w, s, u, ok := parseKey(k)
		if !ok || w != tc.worker || s != tc.seq || u != tc.upload {
			t.Errorf("parseKey(%q) = %d, %d, %v, %v", k, w, s, u, ok)
		}
	}
	for _, bad := range []string{"", "x000-0000001", "m000-000001", "a000-0000001.txt", "m0a0-0000001", "u000-0000001"} {
		if _, _, _, ok := parseKey(bad); ok {
			t.Errorf("parseKey(%q) accepted a key no worker writes", bad)
		}
	}
}

func TestWriteOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want recState
	}{
		{"answer lost", &skyflow.TransportError{Sent: true, Err: io.ErrUnexpectedEOF}, stUnknown},
		{"never sent", &skyflow.TransportError{Err: errors.New("refused")}, stNotWritten},
		{"503", &skyflow.APIError{StatusCode: 503}, stUnknown},
		{"500", &skyflow.APIError{StatusCode: 500}, stUnknown},
		{"429", &skyflow.APIError{StatusCode: 429, RetryAfter: time.Minute}, stNotWritten},
		{"429 after a lost answer", &skyflow.APIError{StatusCode: 429, MaybeApplied: true}, stUnknown},
		{"unusable answer", &skyflow.APIError{StatusCode: 200, Err: skyflow.ErrUnexpectedResponse}, stUnknown},
		{"no token", &skyflow.AuthError{Err: errors.New("x")}, stNotWritten},
	} {
		if got := writeOutcome(tc.err); got != tc.want {
			t.Errorf("%s: writeOutcome = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestErrClassExplainsOnlyThePlansFaults(t *testing.T) {
	for _, tc := range []struct {
		err       error
		explained bool
	}{
		{&skyflow.TransportError{Sent: true, Err: io.EOF}, true},
		{&skyflow.APIError{StatusCode: 429, RetryAfter: time.Second}, true},
		{&skyflow.APIError{StatusCode: 503}, true},
		{&skyflow.APIError{StatusCode: 404}, false},
		{&skyflow.APIError{StatusCode: 401}, false},
		{&skyflow.ValidationError{Field: "x"}, false},
	} {
		if class, explained := errClass(tc.err); explained != tc.explained {
			t.Errorf("errClass(%v) = %q, explained %v", tc.err, class, explained)
		}
	}
}

func TestSignatures(t *testing.T) {
	o := &observer{cap: 8 * time.Second}
	answer := func(status int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h}
	}
	for _, tc := range []struct {
		resp *http.Response
		took time.Duration
		want string
	}{
		{answer(429, "1"), 0, sig429Short},
		{answer(429, "60"), 0, sig429Long},
		{answer(503, ""), 0, sig503},
		{answer(401, ""), 0, sig401},
		{answer(200, ""), time.Millisecond, sigOK},
		{answer(200, ""), slowAfter, sigSlow},
	} {
		if got := o.signature(tc.resp, tc.took); got != tc.want {
			t.Errorf("signature(%d %s, %s) = %q, want %q", tc.resp.StatusCode, tc.resp.Header.Get("Retry-After"), tc.took, got, tc.want)
		}
	}
	for _, s := range []string{sigCut, sigDropped, sigStalled, sig500, sig503} {
		if !maybeApplied(s) {
			t.Errorf("an attempt %q may have been applied", s)
		}
	}
	for _, s := range []string{sigOK, sig429Short, sig429Long, sig401} {
		if maybeApplied(s) {
			t.Errorf("an attempt %q was not applied, or said so", s)
		}
	}
}
