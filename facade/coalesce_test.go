package facade_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// Specs of the Coalescer (issue 15), against a test server that answers
// detokenize and tokenize requests and records every request it gets.
//
// tokenServer's values: a token "t" detokenizes to "<redaction>:t"; a
// token starting with "bad" is unknown (an error record with
// continue-on-error, else a 404 for the request); the value "v" tokenizes
// to "tok-v", a value starting with "bad" is refused with a 404.

// tokenCall is one request the server got.
type tokenCall struct {
	path        string
	tokens      []string // detokenize: the tokens; tokenize: the values
	redactions  []string
	coe         bool
	downloadURL bool
}

type tokenServer struct {
	*httptest.Server
	mu    sync.Mutex
	calls []tokenCall
	// arrived is signalled (without blocking) when a request arrives;
	// gate, when not nil, holds every request until it is closed.
	arrived chan struct{}
	gate    chan struct{}
	// fail, when it returns a status, answers the n-th request (from 1)
	// with it.
	fail func(n int) int
	// reverse answers detokenize records in the reverse order of the
	// request's tokens (a server that reorders).
	reverse bool
}

func newTokenServer(t *testing.T) *tokenServer {
	t.Helper()
	s := &tokenServer{arrived: make(chan struct{}, 64)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Detokenize []struct {
			Token     string `json:"token"`
			Redaction string `json:"redaction"`
		} `json:"detokenizationParameters"`
		Tokenize []struct {
			Value string `json:"value"`
		} `json:"tokenizationParameters"`
		COE         bool `json:"continueOnError"`
		DownloadURL bool `json:"downloadURL"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		jsonAnswer(w, http.StatusBadRequest, `{"error":{"message":"bad body"}}`)
		return
	}
	c := tokenCall{path: r.URL.Path, coe: in.COE, downloadURL: in.DownloadURL}
	for _, p := range in.Detokenize {
		c.tokens, c.redactions = append(c.tokens, p.Token), append(c.redactions, p.Redaction)
	}
	for _, p := range in.Tokenize {
		c.tokens = append(c.tokens, p.Value)
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	n, gate, fail, reverse := len(s.calls), s.gate, s.fail, s.reverse
	s.mu.Unlock()
	select {
	case s.arrived <- struct{}{}:
	default:
	}
	if gate != nil {
		<-gate
	}
	if fail != nil {
		if status := fail(n); status != 0 {
			jsonAnswer(w, status, fmt.Sprintf(`{"error":{"http_code":%d,"message":"injected failure"}}`, status))
			return
		}
	}
	w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", n))
	type record struct {
		Token     string `json:"token,omitempty"`
		Value     string `json:"value,omitempty"`
		ValueType string `json:"valueType,omitempty"`
		Error     string `json:"error,omitempty"`
	}
	var out struct {
		Records []record `json:"records"`
	}
	if strings.HasSuffix(r.URL.Path, "/tokenize") {
		for i, v := range c.tokens {
			if strings.HasPrefix(v, "bad") {
				jsonAnswer(w, http.StatusNotFound, fmt.Sprintf(`{"error":{"http_code":404,"message":"tokenizationParameters[%d]: the value is not stored"}}`, i))
				return
			}
			out.Records = append(out.Records, record{Token: "tok-" + v})
		}
	} else {
		for i, tok := range c.tokens {
			if strings.HasPrefix(tok, "bad") {
				if !in.COE {
					jsonAnswer(w, http.StatusNotFound, fmt.Sprintf(`{"error":{"http_code":404,"message":"detokenizationParameters[%d]: token not found"}}`, i))
					return
				}
				out.Records = append(out.Records, record{Token: tok, Error: "token not found"})
				continue
			}
			out.Records = append(out.Records, record{Token: tok, Value: c.redactions[i] + ":" + tok, ValueType: "STRING"})
		}
		if reverse {
			slices.Reverse(out.Records)
		}
	}
	b, _ := json.Marshal(out)
	jsonAnswer(w, http.StatusOK, string(b))
}

func (s *tokenServer) requests() []tokenCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *tokenServer) setGate(g chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gate = g
}

// longWindow makes a batch wait for as many calls as it can hold: the
// specs fill batches exactly, so they never depend on timing.
const longWindow = time.Hour

func newCoalescer(t *testing.T, v *facade.Vault, maxTokens int) *facade.Coalescer {
	t.Helper()
	c, err := v.Coalescer(facade.CoalescerOptions{Window: longWindow, MaxTokens: maxTokens})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parallel runs f(i) for i in [0, n) on n goroutines and waits for all.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	wg.Wait()
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a guard against a hang, not a measure
	t.Cleanup(cancel)
	return ctx
}

func TestCoalescerGivesEachCallerItsOwnResultsInOneRequest(t *testing.T) {
	s := newTokenServer(t)
	c := newCoalescer(t, vaultAt(t, s.URL), 12)
	reds := []facade.RedactionType{facade.RedactionPlainText, facade.RedactionMasked, facade.RedactionRedacted, ""}
	got := make([]*facade.DetokenizeResponse, 4)
	errs := make([]error, 4)
	// Four callers of 3 tokens each, every caller with its own redaction:
	// one request of 12 tokens, mixing redactions.
	parallel(4, func(i int) {
		var toks []facade.DetokenizeToken
		for k := range 3 {
			toks = append(toks, facade.DetokenizeToken{Token: fmt.Sprintf("c%d-t%d", i, k), Redaction: reds[i]})
		}
		got[i], errs[i] = c.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: toks})
	})
	reqs := s.requests()
	if len(reqs) != 1 || len(reqs[0].tokens) != 12 || !reqs[0].coe {
		t.Fatalf("requests = %+v, want one continue-on-error request of 12 tokens", reqs)
	}
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		red := string(reds[i])
		if red == "" {
			red = string(facade.RedactionDefault)
		}
		if len(got[i].Records) != 3 || len(got[i].Errors) != 0 || got[i].RequestID != "req-1" {
			t.Fatalf("caller %d got %d records, %d errors, request id %q", i, len(got[i].Records), len(got[i].Errors), got[i].RequestID)
		}
		for k, rec := range got[i].Records {
			tok := fmt.Sprintf("c%d-t%d", i, k)
			if rec.Index != k || rec.Token != tok || rec.Value != red+":"+tok || rec.ValueType != "STRING" {
				t.Errorf("caller %d record %d = %+v, want index %d, token %s, value %s:%s", i, k, rec, k, tok, red, tok)
			}
		}
	}
}

func TestCoalescerSendsAFullBatchAtOnce(t *testing.T) {
	s := newTokenServer(t)
	c := newCoalescer(t, vaultAt(t, s.URL), 5)
	// The window is an hour: these calls return only because the fifth
	// token fills the batch. A caller with MaxTokens tokens or more is
	// sent on its own, at once.
	parallel(5, func(i int) {
		if _, err := c.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: fmt.Sprint("t", i)}}}); err != nil {
			t.Error(err)
		}
	})
	big := make([]facade.DetokenizeToken, 7)
	for i := range big {
		big[i].Token = fmt.Sprint("big", i)
	}
	resp, err := c.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: big})
	if err != nil || len(resp.Records) != 7 {
		t.Fatalf("a call of 7 tokens: %v", err)
	}
	reqs := s.requests()
	if len(reqs) != 2 || len(reqs[0].tokens) != 5 || len(reqs[1].tokens) != 7 || reqs[1].coe {
		t.Fatalf("requests = %+v, want a batch of 5 then the call of 7 as it was", reqs)
	}
}

func TestCoalescerNeverMixesDownloadURLSettings(t *testing.T) {
	s := newTokenServer(t)
	c := newCoalescer(t, vaultAt(t, s.URL), 3)
	parallel(6, func(i int) {
		dl := i%2 == 1
		resp, err := c.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: fmt.Sprint("t", i)}}, DownloadURL: dl})
		if err != nil || len(resp.Records) != 1 || resp.Records[0].Token != fmt.Sprint("t", i) {
			t.Errorf("caller %d: %v", i, err)
		}
	})
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		for _, tok := range r.tokens {
			var i int
			_, _ = fmt.Sscanf(tok, "t%d", &i)
			if (i%2 == 1) != r.downloadURL {
				t.Errorf("token %s of a call with DownloadURL=%v went in a request with downloadURL=%v", tok, i%2 == 1, r.downloadURL)
			}
		}
	}
}

func TestCoalescerNeverMixesVaults(t *testing.T) {
	s := newTokenServer(t)
	cl, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: "va", BaseURL: s.URL}),
		facade.WithVault(facade.VaultConfig{VaultID: "vb", BaseURL: s.URL}),
		facade.WithCredentials(auth.Credentials{APIKey: testAPIKey}),
	)
	if err != nil {
		t.Fatal(err)
	}
	coalescers := map[string]*facade.Coalescer{}
	for _, id := range []string{"va", "vb"} {
		v, err := cl.Vault(id)
		if err != nil {
			t.Fatal(err)
		}
		coalescers[id] = newCoalescer(t, v, 2)
	}
	parallel(4, func(i int) {
		id := []string{"va", "vb"}[i%2]
		if _, err := coalescers[id].Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: id + fmt.Sprint("-t", i)}}}); err != nil {
			t.Error(err)
		}
	})
	for _, r := range s.requests() {
		for _, tok := range r.tokens {
			if !strings.Contains(r.path, "/"+tok[:2]+"/") {
				t.Errorf("token %s was sent to %s", tok, r.path)
			}
		}
	}
}

func TestCoalescerPerTokenErrorsReachOnlyTheirCaller(t *testing.T) {
	s := newTokenServer(t)
	c := newCoalescer(t, vaultAt(t, s.URL), 4)
	var withCOE, withoutCOE, fine *facade.DetokenizeResponse
	var errCOE, errNoCOE, errFine error
	parallel(3, func(i int) {
		switch i {
		case 0: // one of its tokens fails; it asked for continue-on-error
			withCOE, errCOE = c.Detokenize(testCtx(t), facade.DetokenizeRequest{
				Tokens: []facade.DetokenizeToken{{Token: "good-0"}, {Token: "bad-0"}}, ContinueOnError: true})
		case 1: // its token fails; it did not
			withoutCOE, errNoCOE = c.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "bad-1"}}})
		case 2:
			fine, errFine = c.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "good-2"}}})
		}
	})
	if errFine != nil || len(fine.Records) != 1 || fine.Records[0].Value != "DEFAULT:good-2" {
		t.Fatalf("the caller without a failing token: %+v, %v", fine, errFine)
	}
	var re *skyflow.RecordError
	if errCOE != nil || len(withCOE.Records) != 1 || withCOE.Records[0].Index != 0 || withCOE.Records[0].Value != "DEFAULT:good-0" ||
		len(withCOE.Errors) != 1 || !errors.As(withCOE.Errors[0], &re) ||
		re.Index != 1 || re.Message != "token not found" || re.Operation != "Detokenize" || re.RequestID != "req-1" {
		t.Fatalf("the continue-on-error caller: %+v, %v", withCOE, errCOE)
	}
	var ae *skyflow.APIError
	if withoutCOE != nil || !errors.As(errNoCOE, &ae) || ae.StatusCode != http.StatusNotFound ||
		!strings.Contains(ae.Message, "token not found") || !errors.Is(errNoCOE, skyflow.ErrNotFound) {
		t.Fatalf("the caller without continue-on-error: %+v, %v; want the *skyflow.APIError of its own request", withoutCOE, errNoCOE)
	}
	// The same error as an uncoalesced call.
	_, direct := vaultAt(t, s.URL).Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "bad-1"}}})
	var de *skyflow.APIError
	if !errors.As(direct, &de) || de.StatusCode != ae.StatusCode || de.Message != ae.Message {
		t.Fatalf("uncoalesced: %v; coalesced: %v", direct, errNoCOE)
	}
}

func TestCoalescerCallerContextEndsOnlyItsOwnWait(t *testing.T) {
	s := newTokenServer(t)
	gate := make(chan struct{})
	s.setGate(gate)
	c := newCoalescer(t, vaultAt(t, s.URL), 3)
	ctx, cancel := context.WithCancel(context.Background())
	results := make(chan error, 3)
	for i := range 3 {
		callCtx := testCtx(t)
		if i == 0 {
			callCtx = ctx
		}
		go func() {
			resp, err := c.Detokenize(callCtx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: fmt.Sprint("t", i)}}})
			if err == nil && (len(resp.Records) != 1 || resp.Records[0].Token != fmt.Sprint("t", i)) {
				err = fmt.Errorf("caller %d got %+v", i, resp)
			}
			if i == 0 {
				results <- err
				return
			}
			results <- err
		}()
	}
	<-s.arrived // the shared request is at the server, held
	cancel()
	err := <-results // the cancelled caller returns while the request is held
	var te *skyflow.TransportError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &te) || !te.Sent {
		t.Fatalf("the cancelled caller: %v, want a sent *skyflow.TransportError matching context.Canceled", err)
	}
	close(gate)
	for range 2 {
		if err := <-results; err != nil {
			t.Fatalf("another caller: %v", err)
		}
	}
	if n := len(s.requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestCoalescerWholeRequestFailureReachesEveryCallerOnce(t *testing.T) {
	for _, c := range []struct {
		name     string
		fail     func(n int) int
		requests int
		ok       bool
	}{
		{"a 503 is retried once, for all", func(n int) int {
			if n == 1 {
				return http.StatusServiceUnavailable
			}
			return 0
		}, 2, true},
		{"a 429 is retried once, for all", func(n int) int {
			if n == 1 {
				return http.StatusTooManyRequests
			}
			return 0
		}, 2, true},
		{"a persistent 502 fails every caller after the retries", func(int) int { return http.StatusBadGateway }, 3, false},
		{"a 500 fails every caller", func(int) int { return http.StatusInternalServerError }, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newTokenServer(t)
			s.fail = c.fail
			co := newCoalescer(t, vaultAt(t, s.URL), 4)
			errs := make([]error, 4)
			parallel(4, func(i int) {
				_, errs[i] = co.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: fmt.Sprint("t", i)}}})
			})
			if n := len(s.requests()); n != c.requests {
				t.Fatalf("%d requests, want %d (the retry policy's, not one per caller)", n, c.requests)
			}
			for i, err := range errs {
				var ae *skyflow.APIError
				switch {
				case c.ok && err != nil:
					t.Errorf("caller %d: %v", i, err)
				case !c.ok && (!errors.As(err, &ae) || ae.StatusCode != c.fail(1)):
					t.Errorf("caller %d: %v, want the request's *skyflow.APIError", i, err)
				}
			}
		})
	}
}

func TestCoalescerTokenizeRefusalFailsOnlyTheCallerOfTheValue(t *testing.T) {
	s := newTokenServer(t)
	c := newCoalescer(t, vaultAt(t, s.URL), 3)
	got := make([]*facade.TokenizeResponse, 3)
	errs := make([]error, 3)
	parallel(3, func(i int) {
		value := fmt.Sprint("v", i)
		if i == 1 {
			value = "bad-value"
		}
		got[i], errs[i] = c.Tokenize(testCtx(t), facade.TokenizeRequest{Values: []facade.TokenizeValue{{Value: value, ColumnGroup: "g"}}})
	})
	for _, i := range []int{0, 2} {
		if errs[i] != nil || len(got[i].Tokens) != 1 || got[i].Tokens[0] != fmt.Sprint("tok-v", i) {
			t.Errorf("caller %d: %+v, %v", i, got[i], errs[i])
		}
	}
	var ae *skyflow.APIError
	if !errors.As(errs[1], &ae) || ae.StatusCode != http.StatusNotFound || !strings.Contains(ae.Message, "not stored") {
		t.Errorf("the caller of the refused value: %v, want its own request's *skyflow.APIError", errs[1])
	}
	// The batch, then each caller on its own.
	if n := len(s.requests()); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
}

func TestCoalescerTokenizeBatches(t *testing.T) {
	s := newTokenServer(t)
	c := newCoalescer(t, vaultAt(t, s.URL), 6)
	parallel(3, func(i int) {
		vals := []facade.TokenizeValue{{Value: fmt.Sprint("a", i), ColumnGroup: "g"}, {Value: fmt.Sprint("b", i), ColumnGroup: "g"}}
		resp, err := c.Tokenize(testCtx(t), facade.TokenizeRequest{Values: vals})
		if err != nil || !slices.Equal(resp.Tokens, []string{fmt.Sprint("tok-a", i), fmt.Sprint("tok-b", i)}) || resp.RequestID != "req-1" {
			t.Errorf("caller %d: %+v, %v", i, resp, err)
		}
	})
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestCoalescerValidatesLikeTheVault(t *testing.T) {
	s := newTokenServer(t)
	v := vaultAt(t, s.URL)
	c := newCoalescer(t, v, 5)
	for _, req := range []facade.DetokenizeRequest{{}, {Tokens: []facade.DetokenizeToken{{Token: " "}}}, {Tokens: []facade.DetokenizeToken{{Token: "t", Redaction: "X"}}}} {
		_, want := v.Detokenize(testCtx(t), req)
		_, got := c.Detokenize(testCtx(t), req)
		var ve *skyflow.ValidationError
		if !errors.As(got, &ve) || got.Error() != want.Error() {
			t.Errorf("Detokenize(%+v): %v, want %v", req, got, want)
		}
	}
	if _, err := v.Coalescer(facade.CoalescerOptions{MaxTokens: facade.MaxChunkSize + 1}); err == nil {
		t.Error("MaxTokens above MaxChunkSize was accepted")
	}
	if _, err := v.Coalescer(facade.CoalescerOptions{Window: -time.Second}); err == nil {
		t.Error("a negative window was accepted")
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests for invalid calls", n)
	}
}

func TestCoalescerWindowSendsAPartialBatch(t *testing.T) {
	s := newTokenServer(t)
	c, err := vaultAt(t, s.URL).Coalescer(facade.CoalescerOptions{Window: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "alone"}}})
	if err != nil || resp.Records[0].Value != "DEFAULT:alone" {
		t.Fatalf("%+v, %v", resp, err)
	}
}

func TestCoalescerLeavesNoGoroutine(t *testing.T) {
	s := newTokenServer(t)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	v := vaultAt(t, s.URL, facade.WithHTTPClient(&http.Client{Transport: tr}))
	before := runtime.NumGoroutine()
	c := newCoalescer(t, v, 4)
	var calls atomic.Int32
	parallel(16, func(i int) {
		if _, err := c.Detokenize(testCtx(t), facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: fmt.Sprint("t", i)}}}); err != nil {
			t.Error(err)
		}
		calls.Add(1)
	})
	// Every caller has its answer; the batches' goroutines end with their
	// requests. The connections the client's pool keeps are not the
	// Coalescer's: close them, then wait for their goroutines to go.
	tr.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after %d calls, %d before:\n%s", n, calls.Load(), before, buf[:runtime.Stack(buf, true)])
	}
}
