package facade_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// rotating is a caller's token source that hands out a new token on every
// call, as a source whose token was refreshed between two calls would.
type rotating struct{ n atomic.Int32 }

func (s *rotating) Token(context.Context) (string, error) {
	return "token-" + strconv.Itoa(int(s.n.Add(1))), nil
}

// oneRetry retries once, at once.
var oneRetry = facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 1, InitialBackoff: 1, MaxBackoff: 1})

// A retry sets the credential again: the token may have been refreshed
// (or have expired) during the backoff, and a retry carrying the first
// attempt's token would be refused with 401 or, for a write through a
// connection, could not be resent.
func TestARetryCarriesTheTokenCurrentWhenItIsSent(t *testing.T) {
	f := newFake(t)
	ts := &rotating{}
	c, _ := newClient(t, f, oneRetry)
	if err := c.UpdateVault(facade.VaultConfig{VaultID: vaultID, TokenSource: ts}); err != nil {
		t.Fatal(err)
	}
	v, err := c.Vault(vaultID)
	if err != nil {
		t.Fatal(err)
	}
	f.on("POST "+vaultPath("/query"), reply(503, `{"error":"busy"}`), ok(`{"records":[]}`))
	if _, err := v.Query(bg, facade.QueryRequest{Query: "SELECT * FROM t"}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want an attempt and a retry", len(reqs))
	}
	if got := reqs[1].Header.Get(auth.AuthorizationHeader); got != "Bearer token-2" {
		t.Fatalf("the retry carries %q, want the token fetched for it", got)
	}
}

// A read applies nothing: refused on its retry after a 503, its error does
// not say an earlier attempt may have been applied.
func TestARefusedReadNeverSaysItMayHaveBeenApplied(t *testing.T) {
	f := newFake(t)
	v := newVault(t, f, oneRetry)
	f.on("GET "+vaultPath("/t"), reply(503, `{"error":"busy"}`), reply(400, `{"error":{"http_code":400,"message":"bad"}}`))
	_, err := v.Get(bg, facade.GetRequest{Table: "t"})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.MaybeApplied || strings.Contains(err.Error(), "may have been applied") {
		t.Fatalf("got %v, want the 400 alone", err)
	}
	f.on("POST "+vaultPath("/detokenize"), reply(503, `{"error":"busy"}`), reply(404, `{"error":{"http_code":404,"message":"no token"}}`))
	_, err = v.Detokenize(bg, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "t1"}}})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.MaybeApplied {
		t.Fatalf("got %v, want the 404 alone", err)
	}
}

// A retry refused after an attempt that may have been applied does not
// prove the call had no effect: the error says so, and the records of a
// bulk write are reported Unknown, never NotWritten.
func TestARefusalAfterAnAttemptThatMayHaveBeenAppliedIsUnknown(t *testing.T) {
	f := newFake(t)
	v := newVault(t, f, oneRetry)
	route := "PUT " + vaultPath("/t/id-1")
	f.on(route, reply(503, `{"error":"busy"}`), reply(400, `{"error":{"http_code":400,"message":"conflict"}}`))
	_, err := v.Update(bg, facade.UpdateRequest{Table: "t", SkyflowID: "id-1", Fields: map[string]any{"a": 1}})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !apiErr.MaybeApplied || !skyflow.MaybeApplied(err) {
		t.Fatalf("got %v, want the 400 marked as following an attempt that may have been applied", err)
	}

	f.on(route, reply(400, `{"error":{"http_code":400,"message":"bad"}}`))
	_, err = v.Update(bg, facade.UpdateRequest{Table: "t", SkyflowID: "id-1", Fields: map[string]any{"a": 1}})
	if !errors.As(err, &apiErr) || apiErr.MaybeApplied || skyflow.MaybeApplied(err) {
		t.Fatalf("got %v: a refusal of the only attempt proves nothing was done", err)
	}

	// An upserting bulk insert may repeat its chunks; a chunk refused on
	// its retry after a 503 may have been written.
	insert := "POST " + vaultPath("/t")
	f.on(insert, reply(503, `{"error":"busy"}`), reply(400, `{"error":{"http_code":400,"message":"bad"}}`))
	seq, err := v.BulkInsert(bg, facade.BulkInsertRequest{Table: "t", Upsert: "a", Concurrency: 1,
		Records: slices.Values([]facade.BulkRecord{{Fields: map[string]any{"a": 1}}, {Fields: map[string]any{"a": 2}}})})
	if err != nil {
		t.Fatal(err)
	}
	for r := range seq {
		if r.Outcome != facade.Unknown {
			t.Fatalf("record %d: %v (%v), want Unknown", r.Index, r.Outcome, r.Err)
		}
	}
}
