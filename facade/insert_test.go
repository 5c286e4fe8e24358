package facade_test

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func TestInsertWireBodyAndAnswer(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/cards"), ok(`{"records":[{"skyflow_id":"id-1","tokens":{"n":"tok-1"}},{"skyflow_id":"id-2"}]}`))
	v := newVault(t, f)
	resp, err := v.Insert(bg, facade.InsertRequest{
		Table:        "cards",
		Records:      []map[string]any{{"n": "4111", "x": nil}, {"n": "4222", "x": 1}},
		ReturnTokens: true,
		Homogeneous:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &facade.InsertResponse{
		Inserted: []facade.InsertedRecord{
			{Index: 0, SkyflowID: "id-1", Tokens: map[string]string{"n": "tok-1"}},
			{Index: 1, SkyflowID: "id-2"},
		},
		RequestID: "rid-1",
	}
	if !reflect.DeepEqual(resp, want) {
		t.Fatalf("got %#v\nwant %#v", resp, want)
	}
	// The whole body as sent: the Homogeneous flag, the tokenization flag,
	// the default token mode, null kept as null.
	body := f.last().json(t)
	wantBody := map[string]any{
		"records":      []any{map[string]any{"fields": map[string]any{"n": "4111", "x": nil}}, map[string]any{"fields": map[string]any{"n": "4222", "x": 1.0}}},
		"tokenization": true,
		"homogeneous":  true,
		"byot":         "DISABLE",
	}
	if !reflect.DeepEqual(body, wantBody) {
		t.Fatalf("body %v\nwant %v", body, wantBody)
	}
	h := f.last().Header
	if h.Get(auth.AuthorizationHeader) != "Bearer "+apiKey || !strings.HasPrefix(h.Get("User-Agent"), "skyflow-go/"+facade.Version) ||
		!strings.Contains(h.Get("Sky-Metadata"), `"sdk_name_version":"skyflow-go@`+facade.Version+`"`) || h.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", h)
	}
}

func TestInsertOptionalFieldsAreLeftOut(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/cards"), ok(`{"records":[{"skyflow_id":"id-1"}]}`))
	v := newVault(t, f)
	if _, err := v.Insert(bg, facade.InsertRequest{Table: "cards", Records: []map[string]any{{"n": 1}}, Upsert: "n",
		TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"n": "my-token"}}}); err != nil {
		t.Fatal(err)
	}
	body := f.last().json(t)
	want := map[string]any{
		"records": []any{map[string]any{"fields": map[string]any{"n": 1.0}, "tokens": map[string]any{"n": "my-token"}}},
		"upsert":  "n",
		"byot":    "ENABLE",
	}
	if !reflect.DeepEqual(body, want) {
		t.Fatalf("body %v\nwant %v", body, want)
	}
}

func TestInsertChecksTheAnswer(t *testing.T) {
	for _, c := range []struct {
		name, answer, message string
	}{
		{"too few records", `{"records":[{"skyflow_id":"a"}]}`, "the answer has 1 records for 2 sent"},
		{"a record without id", `{"records":[{"skyflow_id":"a"},{"tokens":{}}]}`, "record 1 of the answer has no skyflow_id"},
		{"not JSON", `oops`, "the answer cannot be decoded"},
	} {
		f := newFake(t)
		f.on("POST "+vaultPath("/t"), ok(c.answer))
		v := newVault(t, f)
		resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}, {"a": 2}}})
		var apiErr *skyflow.APIError
		if resp != nil || !errors.As(err, &apiErr) || !errors.Is(err, skyflow.ErrUnexpectedResponse) || apiErr.Message != c.message ||
			apiErr.Operation != "Insert" || apiErr.RequestID != "rid-1" || apiErr.StatusCode != 200 {
			t.Errorf("%s: got %v, %#v", c.name, resp, err)
		}
	}
}

// Insert sends one request whatever the count: the API's own atomicity.
func TestInsertSendsOneRequest(t *testing.T) {
	f := newFake(t)
	var calls atomic.Int32
	f.on("POST "+vaultPath("/t"), func(w http.ResponseWriter, r *http.Request, body []byte) {
		calls.Add(1)
		n := strings.Count(string(body), `"fields"`)
		var recs []string
		for i := range n {
			recs = append(recs, fmt.Sprintf(`{"skyflow_id":"id-%d"}`, i))
		}
		ok(`{"records":[`+strings.Join(recs, ",")+`]}`)(w, r, body)
	})
	v := newVault(t, f)
	values := make([]map[string]any, 100)
	for i := range values {
		values[i] = map[string]any{"i": i}
	}
	resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", Records: values})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 || len(resp.Inserted) != 100 || len(resp.Errors) != 0 {
		t.Fatalf("%d calls, %d inserted, %d errors", calls.Load(), len(resp.Inserted), len(resp.Errors))
	}
	for i, rec := range resp.Inserted {
		if rec.Index != i || rec.SkyflowID != fmt.Sprintf("id-%d", i) {
			t.Fatalf("record %d: %+v", i, rec)
		}
	}
	if resp.RequestID != "rid-1" {
		t.Fatal("the response carries the request id")
	}
}

// A failing insert fails whole, with no response, whatever the count.
func TestInsertFailsWhole(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/t"), reply(400, `{"error":{"message":"bad record","http_status":"Bad Request"}}`))
	v := newVault(t, f)
	for _, n := range []int{1, 5} {
		values := make([]map[string]any, n)
		for i := range values {
			values[i] = map[string]any{"a": i}
		}
		resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", Records: values})
		var apiErr *skyflow.APIError
		if resp != nil || !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Message != "bad record" {
			t.Fatalf("%d records: got %+v, %v", n, resp, err)
		}
	}
}

func TestInsertContinueOnError(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath(""), ok(`{"vaultID":"v1","responses":[`+
		`{"Status":200,"Body":{"records":[{"skyflow_id":"id-0","tokens":{"n":"t0"}}]}},`+
		`{"Status":400,"Body":{"error":"duplicate value"}},`+
		`{"Status":500}]}`))
	v := newVault(t, f)
	resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", ContinueOnError: true, ReturnTokens: true, Upsert: "n",
		Records: []map[string]any{{"n": 0}, {"n": 1}, {"n": 2}}})
	if err != nil {
		t.Fatal(err)
	}
	wantIns := []facade.InsertedRecord{{Index: 0, SkyflowID: "id-0", Tokens: map[string]string{"n": "t0"}}}
	wantErrs := []*skyflow.RecordError{
		{Operation: "Insert", Index: 1, StatusCode: 400, Message: "duplicate value", RequestID: "rid-1"},
		// A 5xx element may have been written, as a whole 5xx answer.
		{Operation: "Insert", Index: 2, StatusCode: 500, Message: "internal server error", RequestID: "rid-1", MaybeApplied: true},
	}
	if !reflect.DeepEqual(resp.Inserted, wantIns) || !reflect.DeepEqual(resp.Errors, wantErrs) || resp.RequestID != "rid-1" {
		t.Fatalf("got %+v\n%+v", resp.Inserted, resp.Errors)
	}
	body := f.last().json(t)
	rec := body["records"].([]any)[0].(map[string]any)
	if body["continueOnError"] != true || body["byot"] != "DISABLE" || rec["tableName"] != "t" || rec["method"] != "POST" ||
		rec["tokenization"] != true || rec["upsert"] != "n" {
		t.Fatalf("batch body %v", body)
	}
}

func TestInsertContinueOnErrorWhenTheRequestFails(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath(""), reply(503, `{"error":"down"}`))
	v := newVault(t, f)
	resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", ContinueOnError: true, Records: []map[string]any{{"n": 0}}})
	var apiErr *skyflow.APIError
	if resp != nil || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Message != "down" {
		t.Fatalf("got %+v, %v", resp, err)
	}
}

// An answer whose items do not match the records sent is an unexpected
// answer: records are never matched to items they may not belong to.
func TestInsertContinueOnErrorChecksTheAnswer(t *testing.T) {
	for _, answer := range []string{
		`{"responses":[{"Status":200,"Body":{"records":[{"skyflow_id":"a"}]}}]}`,
		`{"responses":[{"Status":200,"Body":{"records":[{"skyflow_id":"a"}]}},{"Status":200,"Body":{"records":[{}]}}]}`,
	} {
		f := newFake(t)
		f.on("POST "+vaultPath(""), ok(answer))
		resp, err := newVault(t, f).Insert(bg, facade.InsertRequest{Table: "t", ContinueOnError: true, Records: []map[string]any{{"n": 0}, {"n": 1}}})
		if resp != nil || !errors.Is(err, skyflow.ErrUnexpectedResponse) {
			t.Errorf("%s: got %+v, %v", answer, resp, err)
		}
	}
}

func TestInsertValidation(t *testing.T) {
	v := newVault(t, newFake(t))
	one := []map[string]any{{"a": 1}}
	for _, c := range []struct {
		req   facade.InsertRequest
		field string
	}{
		{facade.InsertRequest{Records: one}, "Table"},
		{facade.InsertRequest{Table: "t"}, "Records"},
		{facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}, {}}}, "Records[1]"},
		{facade.InsertRequest{Table: "t", Records: []map[string]any{{" ": 1}}}, "Records[0]"},
		{facade.InsertRequest{Table: "t", Records: one, Upsert: "a", Homogeneous: true}, "Upsert"},
		{facade.InsertRequest{Table: "t", Records: one, TokenMode: "SOMETIMES"}, "TokenMode"},
		{facade.InsertRequest{Table: "t", Records: one, Tokens: []map[string]string{{"a": "x"}}}, "Tokens"},
		{facade.InsertRequest{Table: "t", Records: one, TokenMode: facade.TokenModeEnable}, "Tokens"},
		{facade.InsertRequest{Table: "t", Records: one, TokenMode: facade.TokenModeEnableStrict}, "Tokens"},
		{facade.InsertRequest{Table: "t", Records: one, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"a": "x"}, {"a": "y"}}}, "Tokens"},
		{facade.InsertRequest{Table: "t", Records: one, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"b": "x"}}}, "Tokens[0]"},
		{facade.InsertRequest{Table: "t", Records: one, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"a": ""}}}, "Tokens[0]"},
		{facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1, "b": 2}}, TokenMode: facade.TokenModeEnableStrict, Tokens: []map[string]string{{"a": "x"}}}, "Tokens[0]"},
	} {
		_, err := v.Insert(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want a validation error on %s", c.req, err, c.field)
		}
	}
	if _, err := v.Insert(bg, facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1, "b": 2}}, TokenMode: facade.TokenModeEnableStrict,
		Tokens: []map[string]string{{"a": "x", "b": "y"}}}); errors.Is(err, skyflow.ErrValidation) {
		t.Errorf("strict tokens for every column are valid: %v", err)
	}
}

// A plain insert may not be repeated after a failure the server may have
// applied; an upsert may.
func TestInsertRetriesOnlyWhatCannotDuplicate(t *testing.T) {
	f := newFake(t)
	retry := facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 1, InitialBackoff: 1, MaxBackoff: 1})
	f.on("POST "+vaultPath("/t"), reply(503, `{"error":"busy"}`), ok(`{"records":[{"skyflow_id":"a"}]}`))
	v := newVault(t, f, retry)
	if _, err := v.Insert(bg, facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}}); !skyflow.IsRetryable(err) {
		t.Fatalf("a plain insert is not retried after a 503: %v", err)
	}
	f.on("POST "+vaultPath("/t"), reply(503, `{"error":"busy"}`), ok(`{"records":[{"skyflow_id":"a"}]}`))
	if _, err := v.Insert(bg, facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}, Upsert: "a"}); err != nil {
		t.Fatalf("an upsert is retried: %v", err)
	}
	if n := f.count("POST " + vaultPath("/t")); n != 3 {
		t.Fatalf("%d requests, want 1 + 2", n)
	}
}
