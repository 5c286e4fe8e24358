package facade_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

// Regression specs of the review of the newer APIs (Flow DB, the
// Coalescer, the bulk engine, audit events, BIN lookup, files) as a hostile
// server and an adversarial caller see them. Each failed before its fix.

// flowDBAt is a Flow DB handle on baseURL with the given token source and
// fast retries.
func flowDBAt(t *testing.T, baseURL string, ts auth.TokenSource) *facade.FlowDB {
	t.Helper()
	c, err := facade.New(quiet,
		facade.WithFlowDB(facade.FlowDBConfig{VaultID: "v1", BaseURL: baseURL, TokenSource: ts}),
		facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 2, InitialBackoff: 1, MaxBackoff: 1}))
	if err != nil {
		t.Fatal(err)
	}
	db, err := c.FlowDB("")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// tokenFunc is a token source of the test's own.
type tokenFunc func(ctx context.Context) (string, error)

func (f tokenFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// A call whose context ended before anything was sent is not reported as
// possibly applied: it failed, and matches skyflow.ErrNotSent. In a bulk
// call, a batch a worker takes up after the context ended is not sent
// either, as BulkInsert documents.
func TestCallWithAnEndedContextIsReportedNotSent(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 200, `{"records":[{"skyflowID":"id-1","httpCode":200}]}`)
	})
	static := tokenFunc(func(context.Context) (string, error) { return testAPIKey, nil })
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	rec := []facade.FlowRecord{{Data: map[string]any{"ssn": "123-45-6789"}}}
	_, err := flowDBAt(t, srv.URL, static).Insert(ended, facade.FlowInsertRequest{Table: "t", Records: rec})
	if !errors.Is(err, skyflow.ErrNotSent) || !errors.Is(err, context.Canceled) || skyflow.MaybeApplied(err) ||
		facade.FlowOutcomeOf(err) != facade.FlowFailed {
		t.Errorf("Flow DB insert with an ended context: %v (outcome %v), want not sent and failed", err, facade.FlowOutcomeOf(err))
	}
	_, err = vaultAt(t, srv.URL).Insert(ended, facade.InsertRequest{Table: "t", Records: []map[string]any{{"ssn": "123-45-6789"}}})
	if !errors.Is(err, skyflow.ErrNotSent) || skyflow.MaybeApplied(err) {
		t.Errorf("v2 insert with an ended context: %v, want not sent", err)
	}
	if n := srv.total(); n != 0 {
		t.Fatalf("%d requests", n)
	}

	// The context ends while the second batch's token is fetched, once
	// the worker has taken that batch up.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	ts := tokenFunc(func(context.Context) (string, error) {
		if calls.Add(1) == 2 {
			cancel()
		}
		return testAPIKey, nil
	})
	records := []facade.FlowRecord{{Data: map[string]any{"a": 1}}, {Data: map[string]any{"a": 2}}, {Data: map[string]any{"a": 3}}}
	seq, err := flowDBAt(t, srv.URL, ts).BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "t", Records: slices.Values(records),
		BatchSize: 1, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []facade.FlowRecordResult
	for r := range seq {
		got = append(got, r)
	}
	if len(got) != 3 || got[0].Outcome != facade.FlowDone {
		t.Fatalf("results %+v", got)
	}
	for _, r := range got[1:] {
		if r.Outcome != facade.FlowFailed || !errors.Is(r.Err, skyflow.ErrNotSent) {
			t.Errorf("record %d: %v, %v; want failed, not sent", r.Index, r.Outcome, r.Err)
		}
	}
	if n := srv.total(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// A token with a line break, from the caller's token source or from a
// hostile token endpoint, is refused before anything is sent: an
// *skyflow.AuthError, never retried, never reported as possibly applied.
func TestTokenWithALineBreakIsNeverSent(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"response":[]}`) })
	var calls atomic.Int32
	ts := tokenFunc(func(context.Context) (string, error) {
		calls.Add(1)
		return "tok\r\nX-Injected: 1", nil
	})
	db := flowDBAt(t, srv.URL, ts)
	_, err := db.Detokenize(context.Background(), facade.FlowDetokenizeRequest{Tokens: []string{"t1"}})
	var ae *skyflow.AuthError
	if !errors.As(err, &ae) || !errors.Is(err, auth.ErrUnsendableToken) || skyflow.MaybeApplied(err) {
		t.Errorf("detokenize: %v, want an *AuthError matching auth.ErrUnsendableToken", err)
	}
	_, err = db.Insert(context.Background(), facade.FlowInsertRequest{Table: "t", Records: []facade.FlowRecord{{Data: map[string]any{"a": 1}}}})
	if facade.FlowOutcomeOf(err) != facade.FlowFailed {
		t.Errorf("insert: %v is %v, want failed", err, facade.FlowOutcomeOf(err))
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("the token source was asked %d times for 2 calls (retried)", n)
	}

	tokens := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 200, `{"accessToken":"`+jwtFor(t, time.Hour)+`\r\nX-Injected: 1","tokenType":"Bearer"}`)
	})
	v := vaultAtWith(t, srv.URL, &auth.Credentials{CredentialsJSON: serviceAccount(t, tokens.URL+"/v1/auth/sa/oauth/token")})
	_, err = v.LookupBIN(context.Background(), facade.BINLookupRequest{BIN: "411111"})
	if !errors.As(err, &ae) || skyflow.MaybeApplied(err) {
		t.Errorf("a token endpoint's token with a line break: %v, want an *AuthError", err)
	}
	if n := srv.total(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// Paging through audit events stops with an error when a server ignores
// the offset (the same page again) or the cursor (the same events under
// new cursors), or sends the listing round a cycle of cursors.
func TestAuditEventsStopWhenAPageMakesNoProgress(t *testing.T) {
	page := func(next string) string {
		body := `{"event":[{"context":{"requestID":"r-1"}},{"context":{"requestID":"r-2"}}]`
		if next != "" {
			body += `,"nextOps":{"changeID":"` + next + `"}`
		}
		return body + `}`
	}
	for _, c := range []struct {
		name string
		req  facade.AuditEventsRequest
		// answer gives the page for the cursor asked ("" for none) and
		// the number of the request (from 1).
		answer func(after string, n int) string
		events int
	}{
		{"the offset ignored", facade.AuditEventsRequest{AccountID: "a"}, func(string, int) string { return page("") }, 2},
		{"the offset ignored, full pages", facade.AuditEventsRequest{AccountID: "a", PageSize: 2}, func(string, int) string { return page("") }, 2},
		{"the cursor ignored", facade.AuditEventsRequest{AccountID: "a"}, func(_ string, n int) string { return page(fmt.Sprint("c", n)) }, 2},
		{"a cycle of cursors", facade.AuditEventsRequest{AccountID: "a"}, func(after string, n int) string {
			next := map[string]string{"": "A", "A": "B", "B": "A"}[after]
			return strings.Replace(page(next), "r-1", fmt.Sprint("r-", 10*n), 1) // pages that differ
		}, 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			var n atomic.Int32
			srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
				jsonAnswer(w, 200, c.answer(r.URL.Query().Get("afterOps.changeID"), int(n.Add(1))))
			})
			events := 0
			var last error
			for _, err := range vaultAt(t, srv.URL).AuditEvents(context.Background(), c.req) {
				if err != nil {
					last = err
					break
				}
				if events++; events > 100 {
					break
				}
			}
			if !errors.Is(last, skyflow.ErrUnexpectedResponse) || events != c.events {
				t.Fatalf("%d events, %d requests, error %v: want %d events and an unexpected-response error", events, srv.total(), last, c.events)
			}
		})
	}
}

// joinedCtx reports, by closing joined, the first call of Done: a
// Coalescer's caller waits on Done only once it has joined a batch.
type joinedCtx struct {
	context.Context
	once   sync.Once
	joined chan struct{}
}

func newJoinedCtx(parent context.Context) (*joinedCtx, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	return &joinedCtx{Context: ctx, joined: make(chan struct{})}, cancel
}

func (c *joinedCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.joined) })
	return c.Context.Done()
}

// detokenizeOne detokenizes one token through co on its own goroutine and
// delivers the outcome on the returned channel.
func detokenizeOne(co *facade.Coalescer, ctx context.Context, token string, red facade.RedactionType) <-chan detokenized {
	out := make(chan detokenized, 1)
	go func() {
		resp, err := co.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: token, Redaction: red}}})
		out <- detokenized{resp, err}
	}()
	return out
}

type detokenized struct {
	resp *facade.DetokenizeResponse
	err  error
}

// value is the value of the one token detokenized ("" on an error).
func (d detokenized) value() (string, error) {
	if d.err != nil || len(d.resp.Records) != 1 {
		return "", d.err
	}
	return d.resp.Records[0].Value, nil
}

// A caller that gives up before its batch is sent is not sent later with
// the calls that come after it, and its error says whether its token
// reaches the vault.
func TestCoalescerNeverSendsTheTokensOfACallerThatHasGone(t *testing.T) {
	s := newTokenServer(t)
	co := newCoalescer(t, vaultAt(t, s.URL), 2)
	ctx, cancel := newJoinedCtx(testCtx(t))
	gone := detokenizeOne(co, ctx, "gone", "")
	<-ctx.joined
	cancel()
	res := <-gone
	var te *skyflow.TransportError
	if !errors.As(res.err, &te) || !errors.Is(res.err, context.Canceled) || te.Sent {
		t.Fatalf("the caller that left: %v, want a *TransportError, not sent, matching context.Canceled", res.err)
	}
	b, c := detokenizeOne(co, testCtx(t), "b", ""), detokenizeOne(co, testCtx(t), "c", "")
	<-s.arrived
	if reqs := s.requests(); len(reqs) != 1 || !slices.Equal(reqs[0].tokens, []string{"b", "c"}) && !slices.Equal(reqs[0].tokens, []string{"c", "b"}) {
		t.Fatalf("requests %+v: want one of the tokens b and c alone", reqs)
	}
	for _, ch := range []<-chan detokenized{b, c} {
		if r := <-ch; r.err != nil {
			t.Fatal(r.err)
		}
	}

	// A caller that leaves a batch others still wait for: its token goes
	// with theirs, and its error says it was sent.
	s = newTokenServer(t)
	co = newCoalescer(t, vaultAt(t, s.URL), 3)
	ctxA, cancelA := newJoinedCtx(testCtx(t))
	a := detokenizeOne(co, ctxA, "a", "")
	<-ctxA.joined
	ctxB, cancelB := newJoinedCtx(testCtx(t))
	defer cancelB()
	b = detokenizeOne(co, ctxB, "b", "")
	<-ctxB.joined
	cancelA()
	if r := <-a; !errors.As(r.err, &te) || !te.Sent {
		t.Fatalf("a caller that left a batch others wait for: %v, want a sent *TransportError", r.err)
	}
	c = detokenizeOne(co, testCtx(t), "c", "")
	for _, ch := range []<-chan detokenized{b, c} {
		if r := <-ch; r.err != nil {
			t.Fatal(r.err)
		}
	}
	if reqs := s.requests(); len(reqs) != 1 || len(reqs[0].tokens) != 3 {
		t.Fatalf("requests %+v", reqs)
	}
}

// Two callers asking for the same token with different redactions never
// share a request: its answers carry nothing but their order to tell them
// apart, and a server that reorders them would give one caller the value
// redacted as the other asked (plain text to a caller that asked for it
// redacted).
func TestCoalescerNeverMixesOneTokenUnderTwoRedactions(t *testing.T) {
	s := newTokenServer(t)
	s.reverse = true
	co := newCoalescer(t, vaultAt(t, s.URL), 2)
	ctxA, cancelA := newJoinedCtx(testCtx(t))
	defer cancelA()
	plain := detokenizeOne(co, ctxA, "t", facade.RedactionPlainText)
	<-ctxA.joined
	ctxB, cancelB := newJoinedCtx(testCtx(t))
	defer cancelB()
	redacted := detokenizeOne(co, ctxB, "t", facade.RedactionRedacted)
	<-ctxB.joined
	<-s.arrived
	if v, err := (<-plain).value(); v != "PLAIN_TEXT:t" {
		t.Fatalf("the caller that asked for plain text got %q, %v", v, err)
	}
	other := detokenizeOne(co, testCtx(t), "u", facade.RedactionPlainText) // fills the second batch
	if v, err := (<-redacted).value(); v != "REDACTED:t" {
		t.Fatalf("the caller that asked for the value redacted got %q, %v", v, err)
	}
	if v, err := (<-other).value(); v != "PLAIN_TEXT:u" {
		t.Fatalf("the third caller got %q, %v", v, err)
	}
	if n := len(s.requests()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

// A file delete whose answer was lost, and whose retry finds no file, is
// reported deleted (Unconfirmed), not as not found, as Delete does for
// records.
func TestLostDeleteFileAnswerIsReportedDeleted(t *testing.T) {
	var n atomic.Int32
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			// The vault deletes the file, then the answer is lost.
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
			return
		}
		jsonAnswer(w, 404, `{"error":{"http_code":404,"message":"record id-1 has no file in column doc"}}`)
	})
	ref := facade.FileRef{Table: "t", SkyflowID: "id-1", Column: "doc"}
	resp, err := vaultAt(t, srv.URL).DeleteFile(context.Background(), ref)
	if err != nil || !resp.Deleted || !resp.Unconfirmed || resp.SkyflowID != "id-1" {
		t.Fatalf("got %+v, %v; want the file reported deleted, unconfirmed", resp, err)
	}
	// Without a lost answer, 404 is not found.
	_, err = vaultAt(t, serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 404, `{"error":{"message":"no file"}}`)
	}).URL).DeleteFile(context.Background(), ref)
	if !errors.Is(err, skyflow.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
}

// The Coalescer prints like a handle, with every verb: fmt's bad-verb
// output (%s, %q, %x of its fields) printed the tokens and values of its
// open batch.
func TestCoalescerNeverPrintsItsBatches(t *testing.T) {
	s := newTokenServer(t)
	co := newCoalescer(t, vaultAt(t, s.URL), 3)
	ctx, cancel := newJoinedCtx(testCtx(t))
	defer cancel()
	res := detokenizeOne(co, ctx, plantedToken, facade.RedactionPlainText)
	<-ctx.joined
	ctx2, cancel2 := newJoinedCtx(testCtx(t))
	defer cancel2()
	values := make(chan error, 1)
	go func() {
		_, err := co.Tokenize(ctx2, facade.TokenizeRequest{Values: []facade.TokenizeValue{{Value: plantedCard, ColumnGroup: "cards"}}})
		values <- err
	}()
	<-ctx2.joined
	redacttest.NoSecrets(t, redacttest.Printed(co), plantedToken, plantedCard, testAPIKey)
	redacttest.NoSecrets(t, redacttest.Encoded(co), plantedToken, plantedCard, testAPIKey)
	if got := fmt.Sprint(co); got != `facade.Coalescer{vault_id: "v1", window: 1h0m0s, max_tokens: 3}` {
		t.Errorf("the Coalescer prints %s", got)
	}
	cancel()
	cancel2()
	<-res
	<-values
}

// A record or value JSON cannot encode (NaN, an infinity, a channel) fails
// alone in a bulk call, with a *skyflow.ValidationError naming it, like
// any invalid item: it made the request of its whole batch fail, and every
// valid item of the batch with it.
func TestBulkCallsFailAnUnencodableItemAlone(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Records []json.RawMessage `json:"records"`
			Data    []json.RawMessage `json:"data"`
		}
		_ = json.NewDecoder(r.Body).Decode(&in)
		var out []string
		switch r.URL.Path {
		case "/v2/records/insert":
			for range in.Records {
				out = append(out, `{"skyflowID":"id","httpCode":200}`)
			}
			jsonAnswer(w, 200, `{"records":[`+strings.Join(out, ",")+`]}`)
		case "/v2/tokens/tokenize":
			for range in.Data {
				out = append(out, `{"tokens":[{"token":"tk","tokenGroupName":"g"}]}`)
			}
			jsonAnswer(w, 200, `{"response":[`+strings.Join(out, ",")+`]}`)
		default: // v2 insert
			for range in.Records {
				out = append(out, `{"skyflow_id":"id"}`)
			}
			jsonAnswer(w, 200, `{"records":[`+strings.Join(out, ",")+`]}`)
		}
	})
	static := tokenFunc(func(context.Context) (string, error) { return testAPIKey, nil })
	db := flowDBAt(t, srv.URL, static)
	ctx := context.Background()
	check := func(name string, index int, failed bool, err error) {
		t.Helper()
		var ve *skyflow.ValidationError
		switch {
		case index == 1 && (!failed || !errors.As(err, &ve) || !strings.Contains(ve.Field, "[1]")):
			t.Errorf("%s: the unencodable item: %v, want it failed with a *ValidationError naming it", name, err)
		case index != 1 && (failed || err != nil):
			t.Errorf("%s: item %d failed with the unencodable one: %v", name, index, err)
		}
	}
	records, err := db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "t", Records: slices.Values([]facade.FlowRecord{
		{Data: map[string]any{"a": 1.5}}, {Data: map[string]any{"a": math.NaN()}}, {Data: map[string]any{"a": []any{"x"}}}})})
	if err != nil {
		t.Fatal(err)
	}
	for r := range records {
		check("Flow DB BulkInsert", r.Index, r.Outcome != facade.FlowDone, r.Err)
	}
	values, err := db.BulkTokenize(ctx, facade.FlowBulkTokenizeRequest{Values: slices.Values([]facade.FlowTokenizeValue{
		{Value: "v", TokenGroups: []string{"g"}}, {Value: map[string]any{"c": make(chan int)}, TokenGroups: []string{"g"}}, {Value: 7, TokenGroups: []string{"g"}}})})
	if err != nil {
		t.Fatal(err)
	}
	for r := range values {
		check("Flow DB BulkTokenize", r.Index, r.Outcome != facade.FlowDone, r.Err)
	}
	v2, err := vaultAt(t, srv.URL).BulkInsert(ctx, facade.BulkInsertRequest{Table: "t", Records: facade.BulkFields(slices.Values([]map[string]any{
		{"a": "x"}, {"a": math.Inf(1)}, {"a": true}}))})
	if err != nil {
		t.Fatal(err)
	}
	for r := range v2 {
		check("BulkInsert", r.Index, r.Outcome != facade.Written, r.Err)
	}
}

// A cluster id that cannot be part of a host name is refused with the
// configuration: it was accepted, and every call then failed in net/url,
// reported as a transport error whose request may have been sent.
func TestClusterIDMustBeAHostLabel(t *testing.T) {
	for _, id := range []string{"c1\r\nX-Injected: 1", "c1\t", "c1\\", "c1%2f", "c1\x00", ".", "c1.", ".c1", "c1..eu"} {
		for _, opt := range []facade.Option{
			facade.WithFlowDB(facade.FlowDBConfig{VaultID: "v1", ClusterID: id}),
			facade.WithVault(facade.VaultConfig{VaultID: "v1", ClusterID: id}),
		} {
			_, err := facade.New(opt)
			var ve *skyflow.ValidationError
			if !errors.As(err, &ve) || ve.Field != "ClusterID" {
				t.Errorf("cluster id %q: got %v, want a *ValidationError on ClusterID", id, err)
			}
		}
	}
	for _, id := range []string{"ebfc9bee4242", "my-cluster_1", "C1.eu"} {
		if _, err := facade.New(facade.WithFlowDB(facade.FlowDBConfig{VaultID: "v1", ClusterID: id})); err != nil {
			t.Errorf("cluster id %q: %v", id, err)
		}
	}
}

// A call that failed before sending (no token, an invalid value) while its
// context ended is still reported not sent: the context's error wrapped it
// in a *TransportError marked Sent.
func TestFailureBeforeSendingIsNotSentWhenTheContextEndsToo(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{}`) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	refused := errors.New("the token service refused")
	ts := tokenFunc(func(context.Context) (string, error) {
		cancel()
		return "", refused
	})
	_, err := flowDBAt(t, srv.URL, ts).Insert(ctx, facade.FlowInsertRequest{Table: "t", Records: []facade.FlowRecord{{Data: map[string]any{"a": 1}}}})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, refused) || skyflow.MaybeApplied(err) || facade.FlowOutcomeOf(err) != facade.FlowFailed {
		t.Errorf("got %v (outcome %v), want the context's error and the token's, not sent", err, facade.FlowOutcomeOf(err))
	}
	if n := srv.total(); n != 0 {
		t.Errorf("%d requests", n)
	}
}

// A token exchange made for a call is a request of its own: a transient
// failure of the token endpoint is retried as such, and the call goes on
// with the token. (Run under the call's description, the exchange's retry
// waited for the refresh it was itself part of, and every later call of
// the client timed out.)
func TestTransientTokenExchangeFailureIsRetriedNotDeadlocked(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"records":[]}`) })
	var exchanges atomic.Int32
	tokens := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		if exchanges.Add(1) == 1 {
			jsonAnswer(w, 503, `{"error":{"message":"try again"}}`)
			return
		}
		jsonAnswer(w, 200, `{"accessToken":"`+jwtFor(t, time.Hour)+`","tokenType":"Bearer"}`)
	})
	v := vaultAtWith(t, srv.URL, &auth.Credentials{CredentialsJSON: serviceAccount(t, tokens.URL+"/v1/auth/sa/oauth/token")})
	for i := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := v.Get(ctx, facade.GetRequest{Table: "t"})
		cancel()
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := exchanges.Load(); n != 2 {
		t.Errorf("%d exchanges, want 2 (the 503, then its retry)", n)
	}
	if n := srv.total(); n != 3 {
		t.Errorf("%d calls reached the vault, want 3", n)
	}
}

// An element of a write answered 5xx inside a 200 may have been applied,
// as a whole 5xx answer: unknown, not failed. A read's 5xx element is a
// failure (nothing to apply).
func TestA5xxElementOfAWriteIsUnknown(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/records/insert":
			jsonAnswer(w, 200, `{"records":[{"skyflowID":"id-1","tableName":"t","httpCode":200},{"tableName":"t","error":"internal error","httpCode":500},{"tableName":"t","error":"duplicate","httpCode":409}]}`)
		case "/v2/tokens/tokenize":
			jsonAnswer(w, 200, `{"response":[{"tokens":[{"tokenGroupName":"g1","token":"tok-1","httpCode":200},{"tokenGroupName":"g2","error":"internal error","httpCode":500},{"tokenGroupName":"g3","error":"no group","httpCode":404}]}]}`)
		default:
			jsonAnswer(w, 200, `{"response":[{"token":"t1","error":"internal error","httpCode":500}]}`)
		}
	})
	db := flowDBAt(t, srv.URL, tokenFunc(func(context.Context) (string, error) { return "tok", nil }))
	resp, err := db.Insert(context.Background(), facade.FlowInsertRequest{Table: "t", Records: []facade.FlowRecord{
		{Data: map[string]any{"a": 1}}, {Data: map[string]any{"a": 2}}, {Data: map[string]any{"a": 3}}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []facade.FlowOutcome{facade.FlowDone, facade.FlowUnknown, facade.FlowFailed}
	for i, r := range resp.Records {
		if r.Outcome != want[i] || (i > 0 && skyflow.MaybeApplied(r.Err) != (i == 1)) {
			t.Errorf("record %d: %v (%v), want %v", i, r.Outcome, r.Err, want[i])
		}
	}
	tr, err := db.Tokenize(context.Background(), facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: "v", TokenGroups: []string{"g1", "g2", "g3"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Values[0]; got.Outcome != facade.FlowUnknown || got.Tokens["g1"] != "tok-1" || !skyflow.MaybeApplied(got.GroupErrors["g2"]) || skyflow.MaybeApplied(got.GroupErrors["g3"]) {
		t.Errorf("tokenize: %v %v %v, want unknown (a group answered 500)", got.Outcome, got.Tokens, got.GroupErrors)
	}
	det, err := db.Detokenize(context.Background(), facade.FlowDetokenizeRequest{Tokens: []string{"t1"}})
	if err != nil {
		t.Fatal(err)
	}
	if det.Tokens[0].Outcome != facade.FlowFailed || skyflow.MaybeApplied(det.Tokens[0].Err) {
		t.Errorf("detokenize: %v (%v), want failed", det.Tokens[0].Outcome, det.Tokens[0].Err)
	}
}

// An answer that echoes an integer beyond 2^53 decodes it rounded: it
// still matches the value sent, while another value does not.
func TestLargeIntegersInAnswersMatchTheValueSent(t *testing.T) {
	var echo atomic.Value
	echo.Store("9007199254740993")
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 200, `{"response":[{"value":`+echo.Load().(string)+`,"tokens":[{"tokenGroupName":"g","token":"tok-1","httpCode":200}]}]}`)
	})
	db := flowDBAt(t, srv.URL, tokenFunc(func(context.Context) (string, error) { return "tok", nil }))
	req := facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: int64(9007199254740993), TokenGroups: []string{"g"}}}}
	resp, err := db.Tokenize(context.Background(), req)
	if err != nil || resp.Values[0].Tokens["g"] != "tok-1" {
		t.Fatalf("exact echo: %v", err)
	}
	for _, v := range []any{uint64(9007199254740993), float32(0.5), json.Number("9007199254740993")} {
		if v == any(float32(0.5)) {
			echo.Store("0.5")
		}
		req.Values[0].Value = v
		if _, err := db.Tokenize(context.Background(), req); err != nil {
			t.Fatalf("%T echo: %v", v, err)
		}
		echo.Store("9007199254740993")
	}
	echo.Store("9007199254740000")
	req.Values[0].Value = int64(9007199254740993)
	if _, err := db.Tokenize(context.Background(), req); !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("another value: %v, want an unexpected answer", err)
	}
}

// A Flow DB insert answer in another order than the request, whose data
// shows it, is an unexpected answer, not mapped by position.
func TestReorderedInsertAnswerIsDetectedByItsData(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 200, `{"records":[{"skyflowID":"id-b","tableName":"c","data":{"email":"b@x"}},{"skyflowID":"id-a","tableName":"c","data":{"email":"a@x"}}]}`)
	})
	db := flowDBAt(t, srv.URL, tokenFunc(func(context.Context) (string, error) { return "tok", nil }))
	_, err := db.Insert(context.Background(), facade.FlowInsertRequest{Table: "c", Records: []facade.FlowRecord{
		{Data: map[string]any{"email": "a@x"}}, {Data: map[string]any{"email": "b@x"}}}})
	if !errors.Is(err, skyflow.ErrUnexpectedResponse) || facade.FlowOutcomeOf(err) != facade.FlowUnknown {
		t.Fatalf("got %v, want an unexpected answer (outcome unknown)", err)
	}
	// Values the vault returns transformed are not a swap.
	srv2 := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 200, `{"records":[{"skyflowID":"id-a","tableName":"c","data":{"email":"XXX"}},{"skyflowID":"id-b","tableName":"c","data":{"email":"XXX"}}]}`)
	})
	db2 := flowDBAt(t, srv2.URL, tokenFunc(func(context.Context) (string, error) { return "tok", nil }))
	resp, err := db2.Insert(context.Background(), facade.FlowInsertRequest{Table: "c", Records: []facade.FlowRecord{
		{Data: map[string]any{"email": "a@x"}}, {Data: map[string]any{"email": "b@x"}}}})
	if err != nil || resp.Records[0].SkyflowID != "id-a" {
		t.Fatalf("transformed values: %v", err)
	}
}
