package facade_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// newFlowDB is a Flow DB handle on the fake, with an API key and no
// retries.
func newFlowDB(t *testing.T, f *fake, opts ...facade.Option) (*facade.FlowDB, *facade.Client) {
	t.Helper()
	all := []facade.Option{facade.WithFlowDB(facade.FlowDBConfig{VaultID: vaultID, BaseURL: f.srv.URL,
		Credentials: &auth.Credentials{APIKey: apiKey}}), noRetries, quiet}
	c, err := facade.New(append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	db, err := c.FlowDB("")
	if err != nil {
		t.Fatal(err)
	}
	return db, c
}

func isUnexpected(t *testing.T, err error, want string) {
	t.Helper()
	if !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("want ErrUnexpectedResponse, got %v", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	if facade.FlowOutcomeOf(err) != facade.FlowUnknown {
		t.Errorf("an unusable answer leaves the outcome unknown")
	}
}

func TestFlowDBConfiguration(t *testing.T) {
	for _, tc := range []struct {
		cfg    facade.FlowDBConfig
		reason string
	}{
		{facade.FlowDBConfig{ClusterID: "c1"}, "VaultID: is required"},
		{facade.FlowDBConfig{VaultID: "v"}, "ClusterID: is required when BaseURL is not set"},
		{facade.FlowDBConfig{VaultID: "v", ClusterID: "c1.skyvault.skyflowapis.com/x"}, "bare cluster id"},
		{facade.FlowDBConfig{VaultID: "v", ClusterID: "c1", Env: "QA"}, "PROD, SANDBOX, STAGE or DEV"},
		{facade.FlowDBConfig{VaultID: "v", BaseURL: "http://vault.example.com"}, "must use https"},
		{facade.FlowDBConfig{VaultID: "v", BaseURL: "https://u:p@vault.example.com"}, "user information"},
	} {
		_, err := facade.New(facade.WithFlowDB(tc.cfg))
		if !errors.Is(err, skyflow.ErrValidation) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%v: got %v, want a validation error with %q", tc.cfg, err, tc.reason)
		}
		if strings.Contains(fmt.Sprint(err), "u:p") {
			t.Errorf("the error shows the URL's user information")
		}
	}
	c, err := facade.New(quiet,
		facade.WithFlowDB(facade.FlowDBConfig{VaultID: "a", ClusterID: "c1"}),
		facade.WithFlowDB(facade.FlowDBConfig{VaultID: "b", BaseURL: "http://127.0.0.1:1"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.FlowDBIDs(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("FlowDBIDs = %v", got)
	}
	if db, _ := c.FlowDB(""); db.ID() != "a" {
		t.Errorf("FlowDB(\"\") is the first one added, got %s", db.ID())
	}
	if _, err := c.FlowDB("z"); !errors.Is(err, skyflow.ErrValidation) {
		t.Errorf("unknown id: %v", err)
	}
	if err := c.AddFlowDB(facade.FlowDBConfig{VaultID: "a", ClusterID: "c2"}); !errors.Is(err, skyflow.ErrValidation) {
		t.Errorf("duplicate id: %v", err)
	}
	if err := c.UpdateFlowDB(facade.FlowDBConfig{VaultID: "a", Env: facade.EnvSandbox}); err != nil {
		t.Fatal(err)
	}
	if cfg, _ := c.GetFlowDB("a"); cfg.ClusterID != "c1" || cfg.Env != facade.EnvSandbox {
		t.Errorf("UpdateFlowDB merges non-zero fields: %v", cfg)
	}
	if err := c.RemoveFlowDB("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FlowDB("a"); err == nil {
		t.Errorf("a removed vault is gone")
	}
	if _, err := c.Vault(""); err == nil {
		t.Errorf("Flow DB vaults are not v2 vaults")
	}
	if s := fmt.Sprint(c); !strings.Contains(s, `flowdb_vaults: ["b"]`) {
		t.Errorf("the client prints its Flow DB vaults: %s", s)
	}
}

func TestFlowDBSendsTheVaultInTheBodyWithTheCommonHeaders(t *testing.T) {
	f := newFake(t)
	f.on("POST /v2/tokens/delete", ok(`{"tokens":[{"value":"t1","httpCode":200}]}`))
	db, _ := newFlowDB(t, f)
	resp, err := db.DeleteTokens(bg, facade.FlowDeleteTokensRequest{Tokens: []string{"t1"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.RequestID != "rid-1" || resp.Tokens[0].Outcome != facade.FlowDone || resp.Tokens[0].RequestID != "rid-1" {
		t.Errorf("response %+v", resp)
	}
	r := f.last()
	if string(r.Body) != `{"tokens":["t1"],"vaultID":"v1"}` {
		t.Errorf("body %s", r.Body)
	}
	if r.Header.Get(auth.AuthorizationHeader) != "Bearer "+apiKey || r.Header.Get("Sky-Metadata") == "" ||
		!strings.HasPrefix(r.Header.Get("User-Agent"), "skyflow-go/") || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.Header)
	}
}

func TestFlowDBMatchesAnswersByWhatTheyCarry(t *testing.T) {
	f := newFake(t)
	db, _ := newFlowDB(t, f)

	// Detokenize: an answer in another order is matched by token.
	f.on("POST /v2/tokens/detokenize", ok(`{"response":[
		{"token":"b","error":"Token b is invalid","httpCode":404},
		{"token":"a","value":"A","tokenGroupName":"g","httpCode":200}]}`))
	det, err := db.Detokenize(bg, facade.FlowDetokenizeRequest{Tokens: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if det.Tokens[0].Value != "A" || det.Tokens[0].Outcome != facade.FlowDone || det.Tokens[1].Outcome != facade.FlowFailed {
		t.Errorf("results %+v", det.Tokens)
	}
	var re *skyflow.RecordError
	if !errors.As(det.Tokens[1].Err, &re) || re.Index != 1 || re.StatusCode != 404 || re.Operation != "FlowDB.Detokenize" {
		t.Errorf("record error %v", det.Tokens[1].Err)
	}

	// ...but a token that was not asked for makes the answer unusable.
	f.on("POST /v2/tokens/detokenize", ok(`{"response":[{"token":"a","value":"A"},{"token":"c","value":"C"}]}`))
	_, err = db.Detokenize(bg, facade.FlowDetokenizeRequest{Tokens: []string{"a", "b"}})
	isUnexpected(t, err, "no element for token 1")

	// Get by ids: matched by skyflow id.
	f.on("POST /v2/records/get", ok(`{"records":[
		{"skyflowID":"id2","data":{"n":2},"httpCode":200},
		{"skyflowID":"id1","data":{"n":1},"httpCode":200}]}`))
	get, err := db.Get(bg, facade.FlowGetRequest{Table: "t", IDs: []string{"id1", "id2"}})
	if err != nil {
		t.Fatal(err)
	}
	if get.Records[0].SkyflowID != "id1" || get.Records[0].Data["n"] != 1.0 || get.Records[1].Index != 1 {
		t.Errorf("records %+v", get.Records)
	}

	// Get by unique values: an element whose value differs is not its answer.
	f.on("POST /v2/records/get", ok(`{"records":[{"skyflowID":"id9","data":{"email":"other@example.com"},"httpCode":200}]}`))
	_, err = db.Get(bg, facade.FlowGetRequest{Table: "t", UniqueValues: []map[string]any{{"email": "asked@example.com"}}})
	isUnexpected(t, err, "does not match lookup 0")
	if strings.Contains(err.Error(), "example.com") {
		t.Errorf("the error shows a value: %v", err)
	}

	// ... unless the request asked to see that column through a redaction:
	// the answer shows it masked, and the element is the lookup's.
	f.on("POST /v2/records/get", ok(`{"records":[{"skyflowID":"id9","data":{"email":"XXXXX@example.com"},"httpCode":200}]}`))
	got, err := db.Get(bg, facade.FlowGetRequest{Table: "t", UniqueValues: []map[string]any{{"email": "asked@example.com"}},
		ColumnRedactions: []facade.FlowColumnRedaction{{Column: "email", Redaction: "mask1"}}})
	if err != nil || got.Records[0].SkyflowID != "id9" {
		t.Fatalf("a masked unique value: %v, %+v", err, got)
	}
	// Asked in plain text, it must match again.
	_, err = db.Get(bg, facade.FlowGetRequest{Table: "t", UniqueValues: []map[string]any{{"email": "asked@example.com"}},
		ColumnRedactions: []facade.FlowColumnRedaction{{Column: "email", Redaction: "PLAIN_TEXT"}}})
	isUnexpected(t, err, "does not match lookup 0")

	// Insert: positional, but an element of another table is not its record's.
	f.on("POST /v2/records/insert", ok(`{"records":[{"skyflowID":"x","tableName":"orders","httpCode":200}]}`))
	_, err = db.Insert(bg, facade.FlowInsertRequest{Table: "customers", Records: []facade.FlowRecord{{Data: map[string]any{"a": 1}}}})
	isUnexpected(t, err, "another table")

	// Insert: neither an id nor an error.
	f.on("POST /v2/records/insert", ok(`{"records":[{"httpCode":200}]}`))
	_, err = db.Insert(bg, facade.FlowInsertRequest{Table: "customers", Records: []facade.FlowRecord{{Data: map[string]any{"a": 1}}}})
	isUnexpected(t, err, "neither a skyflowID nor an error")

	// Tokenize: an element about another value, or with groups not asked for.
	f.on("POST /v2/tokens/tokenize", ok(`{"response":[{"value":"other","tokens":[{"tokenGroupName":"g","token":"t"}]}]}`))
	_, err = db.Tokenize(bg, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: "mine", TokenGroups: []string{"g"}}}})
	isUnexpected(t, err, "not about the value sent")
	f.on("POST /v2/tokens/tokenize", ok(`{"response":[{"value":"mine","tokens":[{"tokenGroupName":"h","token":"t"}]}]}`))
	_, err = db.Tokenize(bg, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: "mine", TokenGroups: []string{"g"}}}})
	isUnexpected(t, err, "not asked for")
	// A number echoed as text is the same value.
	f.on("POST /v2/tokens/tokenize", ok(`{"response":[{"value":"42","tokens":[{"tokenGroupName":"g","token":"t"}]}]}`))
	tok, err := db.Tokenize(bg, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: 42, TokenGroups: []string{"g"}}}})
	if err != nil || tok.Values[0].Tokens["g"] != "t" {
		t.Errorf("tokenize: %v %+v", err, tok)
	}

	// Counts: a short answer is never mapped by position.
	f.on("POST /v2/tokens/delete", ok(`{"tokens":[{"value":"a","httpCode":200}]}`))
	_, err = db.DeleteTokens(bg, facade.FlowDeleteTokensRequest{Tokens: []string{"a", "b"}})
	isUnexpected(t, err, "1 elements for 2 tokens")
	f.on("POST /v2/records/update", ok(`{"records":[]}`))
	_, err = db.Update(bg, facade.FlowUpdateRequest{Table: "t", Records: []facade.FlowUpdateRecord{{SkyflowID: "id1", Data: map[string]any{"a": 1}}}})
	isUnexpected(t, err, "0 records for 1 asked")
}

func TestFlowDBElementFailuresAndWholeCallFailures(t *testing.T) {
	f := newFake(t)
	db, _ := newFlowDB(t, f)
	// An element with an error status but no message still failed.
	f.on("POST /v2/records/delete", ok(`{"records":[{"skyflowID":"id1","httpCode":409},{"skyflowID":"id2","httpCode":200}]}`))
	del, err := db.Delete(bg, facade.FlowDeleteRequest{Table: "t", IDs: []string{"id1", "id2"}})
	if err != nil {
		t.Fatal(err)
	}
	if del.Records[0].Outcome != facade.FlowFailed || del.Records[1].Outcome != facade.FlowDone {
		t.Errorf("results %+v", del.Records)
	}
	// The error body of a whole-call failure.
	f.on("POST /v2/vaults/metrics", reply(403, `{"error":{"grpc_code":7,"http_code":403,"http_status":"Forbidden","message":"no access"}}`))
	_, err = db.Metrics(bg, facade.FlowMetricsRequest{})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "no access" || !errors.Is(err, skyflow.ErrForbidden) || apiErr.Operation != "FlowDB.Metrics" {
		t.Errorf("metrics: %v", err)
	}
	if facade.FlowOutcomeOf(err) != facade.FlowFailed || facade.FlowOutcomeOf(nil) != facade.FlowDone {
		t.Errorf("FlowOutcomeOf")
	}
	// Not JSON: unusable.
	f.on("POST /v2/query", reply(200, `<html>`))
	_, err = db.Query(bg, facade.FlowQueryRequest{Query: "q"})
	isUnexpected(t, err, "cannot be decoded")
}

func TestFlowDBRetriesOnlyWhatIsSafeToRepeat(t *testing.T) {
	f := newFake(t)
	retry := facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 1, InitialBackoff: 1, MaxBackoff: 1})
	db, _ := newFlowDB(t, f, retry)
	gone := reply(503, `{"error":{"message":"unavailable"}}`)
	insertOK := ok(`{"records":[{"skyflowID":"id1","httpCode":200}]}`)
	rec := []facade.FlowRecord{{Data: map[string]any{"email": "a"}}}

	f.on("POST /v2/records/insert", gone, insertOK)
	_, err := db.Insert(bg, facade.FlowInsertRequest{Table: "t", Records: rec})
	if err == nil || f.count("POST /v2/records/insert") != 1 {
		t.Errorf("an insert without upsert is not sent again after a 503: %v, %d requests", err, f.count("POST /v2/records/insert"))
	}
	f.on("POST /v2/records/insert", gone, insertOK)
	_, err = db.Insert(bg, facade.FlowInsertRequest{Table: "t", Records: rec, Upsert: &facade.FlowUpsert{UniqueColumns: []string{"email"}}})
	if err != nil || f.count("POST /v2/records/insert") != 3 {
		t.Errorf("an upsert is: %v, %d requests", err, f.count("POST /v2/records/insert"))
	}
	f.on("POST /v2/tokens/detokenize", gone, ok(`{"response":[{"token":"a","value":"A"}]}`))
	if _, err := db.Detokenize(bg, facade.FlowDetokenizeRequest{Tokens: []string{"a"}}); err != nil {
		t.Errorf("a read is: %v", err)
	}
	f.on("POST /v2/tokens/tokenize", gone, ok(`{"response":[]}`))
	_, err = db.Tokenize(bg, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: "v", TokenGroups: []string{"g"}}}})
	if err == nil || f.count("POST /v2/tokens/tokenize") != 1 {
		t.Errorf("a tokenize is not: %v", err)
	}
}

func TestFlowDBBulkBatchesAndReportsEveryElement(t *testing.T) {
	f := newFake(t)
	db, _ := newFlowDB(t, f)
	// Each batch's answer echoes its tokens; the second batch is refused.
	echo := func(status int) handler {
		return func(w http.ResponseWriter, r *http.Request, body []byte) {
			if status != 200 {
				reply(status, `{"error":{"message":"refused"}}`)(w, r, body)
				return
			}
			var req struct{ Tokens []string }
			_ = json.Unmarshal(body, &req)
			out := `{"tokens":[`
			for i, tk := range req.Tokens {
				if i > 0 {
					out += ","
				}
				out += `{"value":"` + tk + `","httpCode":200}`
			}
			ok(out+`]}`)(w, r, body)
		}
	}
	f.on("POST /v2/tokens/delete", echo(200), echo(400), echo(200))
	tokens := make([]string, 120)
	for i := range tokens {
		tokens[i] = "t" + strconv.Itoa(i)
	}
	seq, err := db.BulkDeleteTokens(bg, facade.FlowBulkDeleteTokensRequest{Tokens: slices.Values(tokens)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range seq {
		want := facade.FlowDone
		if r.Index >= 50 && r.Index < 100 {
			want = facade.FlowFailed
		}
		if r.Index != n || r.Token != tokens[n] || r.Outcome != want {
			t.Fatalf("result %d: %+v", n, r)
		}
		n++
	}
	if n != 120 || f.count("POST /v2/tokens/delete") != 3 {
		t.Errorf("%d results, %d requests: batches of DefaultFlowBatchSize (%d)", n, f.count("POST /v2/tokens/delete"), facade.DefaultFlowBatchSize)
	}
	for _, r := range f.requests() {
		var req struct{ Tokens []string }
		_ = json.Unmarshal(r.Body, &req)
		if len(req.Tokens) > facade.DefaultFlowBatchSize {
			t.Errorf("a batch of %d", len(req.Tokens))
		}
	}
}

func TestFlowDBValidatesBeforeSending(t *testing.T) {
	f := newFake(t)
	db, _ := newFlowDB(t, f)
	calls := []func() error{
		func() error { _, err := db.Get(bg, facade.FlowGetRequest{}); return err },
		func() error {
			_, err := db.Get(bg, facade.FlowGetRequest{Table: "t", IDs: []string{"a"}, Limit: 2})
			return err
		},
		func() error {
			_, err := db.Get(bg, facade.FlowGetRequest{Table: "t", Tables: []facade.FlowGetTable{{Table: "u", IDs: []string{"a"}}}})
			return err
		},
		func() error {
			_, err := db.Get(bg, facade.FlowGetRequest{Table: "t", ColumnRedactions: []facade.FlowColumnRedaction{{Column: "c"}}})
			return err
		},
		func() error {
			_, err := db.Update(bg, facade.FlowUpdateRequest{Table: "t", Records: []facade.FlowUpdateRecord{{Data: map[string]any{"a": 1}}}})
			return err
		},
		func() error { _, err := db.Delete(bg, facade.FlowDeleteRequest{Table: "t"}); return err },
		func() error { _, err := db.Query(bg, facade.FlowQueryRequest{Query: " "}); return err },
		func() error {
			_, err := db.Detokenize(bg, facade.FlowDetokenizeRequest{Tokens: []string{"a", ""}})
			return err
		},
		func() error {
			_, err := db.Detokenize(bg, facade.FlowDetokenizeRequest{Tokens: []string{"a"}, TokenGroupRedactions: []facade.FlowTokenGroupRedaction{{TokenGroup: "g"}}})
			return err
		},
		func() error {
			_, err := db.Tokenize(bg, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: "v", TokenGroups: []string{"g", "g"}}}})
			return err
		},
		func() error {
			_, err := db.Tokenize(bg, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{TokenGroups: []string{"g"}}}})
			return err
		},
		func() error { _, err := db.DeleteTokens(bg, facade.FlowDeleteTokensRequest{}); return err },
		func() error {
			_, err := db.Insert(bg, facade.FlowInsertRequest{Table: "t", Records: []facade.FlowRecord{{Data: map[string]any{"c": make(chan int)}}}})
			return err
		},
	}
	for i, call := range calls {
		if err := call(); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("call %d: want a validation error, got %v", i, err)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestFlowDBFollowsTheClientsCredentials(t *testing.T) {
	f := newFake(t)
	f.on("POST /v2/vaults/metrics", ok(`{"data":{"tables":{}}}`))
	c, err := facade.New(noRetries, quiet, facade.WithFlowDB(facade.FlowDBConfig{VaultID: vaultID, BaseURL: f.srv.URL}),
		facade.WithCredentials(auth.Credentials{APIKey: apiKey}))
	if err != nil {
		t.Fatal(err)
	}
	db, _ := c.FlowDB(vaultID)
	if _, err := db.Metrics(bg, facade.FlowMetricsRequest{}); err != nil {
		t.Fatal(err)
	}
	const other = "sky-zz9y8-fedcba9876543210fedcba9876543210"
	if err := c.SetCredentials(auth.Credentials{APIKey: other}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Metrics(bg, facade.FlowMetricsRequest{}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if reqs[0].Header.Get(auth.AuthorizationHeader) != "Bearer "+apiKey || reqs[1].Header.Get(auth.AuthorizationHeader) != "Bearer "+other {
		t.Errorf("the second call should use the new common credentials: %q, %q",
			reqs[0].Header.Get(auth.AuthorizationHeader), reqs[1].Header.Get(auth.AuthorizationHeader))
	}
}
