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
	"github.com/skyflowgo/skyflow/facade"
)

func TestInsertWireBodyAndAnswer(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/cards"), ok(`{"records":[{"skyflow_id":"id-1","tokens":{"n":"tok-1"}},{"skyflow_id":"id-2"}]}`))
	v := newVault(t, f)
	resp, err := v.Insert(bg, facade.InsertRequest{
		Table:        "cards",
		Values:       []map[string]any{{"n": "4111", "x": nil}, {"n": "4222", "x": 1}},
		ReturnTokens: true,
		Homogeneous:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &facade.InsertResponse{
		Inserted: []facade.InsertedRecord{
			{RequestIndex: 0, SkyflowID: "id-1", Tokens: map[string]string{"n": "tok-1"}, RequestID: "rid-1"},
			{RequestIndex: 1, SkyflowID: "id-2", RequestID: "rid-1"},
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
	if h.Get("Authorization") != "Bearer "+apiKey || !strings.HasPrefix(h.Get("User-Agent"), "skyflow-go/"+facade.Version) ||
		!strings.Contains(h.Get("Sky-Metadata"), `"sdk_name_version":"skyflow-go@`+facade.Version+`"`) || h.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", h)
	}
}

func TestInsertOptionalFieldsAreLeftOut(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/cards"), ok(`{"records":[{"skyflow_id":"id-1"}]}`))
	v := newVault(t, f)
	if _, err := v.Insert(bg, facade.InsertRequest{Table: "cards", Values: []map[string]any{{"n": 1}}, Upsert: "n",
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
		resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}, {"a": 2}}})
		var apiErr *skyflow.APIError
		if resp != nil || !errors.As(err, &apiErr) || !errors.Is(err, skyflow.ErrUnexpectedResponse) || apiErr.Message != c.message ||
			apiErr.Operation != "Insert" || apiErr.RequestID != "rid-1" || apiErr.StatusCode != 200 {
			t.Errorf("%s: got %v, %#v", c.name, resp, err)
		}
	}
}

func TestInsertInChunks(t *testing.T) {
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
	v := newVault(t, f, facade.WithChunkSize(3), facade.WithConcurrency(2))
	values := make([]map[string]any, 10)
	for i := range values {
		values[i] = map[string]any{"i": i}
	}
	resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", Values: values})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 4 || len(resp.Inserted) != 10 || len(resp.Errors) != 0 {
		t.Fatalf("%d calls, %d inserted, %d errors", calls.Load(), len(resp.Inserted), len(resp.Errors))
	}
	for i, rec := range resp.Inserted {
		if rec.RequestIndex != i || rec.SkyflowID != fmt.Sprintf("id-%d", i%3) {
			t.Fatalf("record %d: %+v", i, rec)
		}
	}
	if resp.RequestID == "" {
		t.Fatal("the response carries a request id")
	}
}

func TestInsertStopsAtAFailedChunk(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/t"),
		ok(`{"records":[{"skyflow_id":"a"},{"skyflow_id":"b"}]}`),
		reply(400, `{"error":{"message":"bad record","http_status":"Bad Request"}}`),
	)
	// One chunk at a time: the third chunk is never started.
	v := newVault(t, f, facade.WithChunkSize(2), facade.WithConcurrency(1))
	values := []map[string]any{{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}, {"a": 5}}
	resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", Values: values})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Fatalf("got %v", err)
	}
	if len(resp.Inserted) != 2 || resp.Inserted[1].SkyflowID != "b" || resp.RequestID != "rid-1" {
		t.Fatalf("the committed records are kept: %+v", resp.Inserted)
	}
	if len(resp.Errors) != 3 {
		t.Fatalf("errors %+v", resp.Errors)
	}
	for _, e := range resp.Errors[:2] {
		if e.StatusCode != 400 || e.Message != "bad record" || e.RequestID != "rid-2" || !errors.Is(e.Err, apiErr) {
			t.Errorf("a record of the failed chunk: %+v", e)
		}
	}
	if e := resp.Errors[2]; e.RequestIndex != 4 || !errors.Is(e.Err, skyflow.ErrNotSent) || e.StatusCode != 0 {
		t.Errorf("a record never sent: %+v", e)
	}
	if f.count("POST "+vaultPath("/t")) != 2 {
		t.Fatal("no chunk is started after a failure")
	}
}

func TestInsertContinueOnError(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath(""), ok(`{"vaultID":"v1","responses":[`+
		`{"Status":200,"Body":{"records":[{"skyflow_id":"id-0","tokens":{"n":"t0"}}]}},`+
		`{"Status":400,"Body":{"error":"duplicate value"}},`+
		`{"Status":500},`+
		`{"Status":200,"Body":{"records":[{}]}}]}`))
	v := newVault(t, f)
	resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", ContinueOnError: true, ReturnTokens: true, Upsert: "n",
		Values: []map[string]any{{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}}})
	if err != nil {
		t.Fatal(err)
	}
	wantIns := []facade.InsertedRecord{{RequestIndex: 0, SkyflowID: "id-0", Tokens: map[string]string{"n": "t0"}, RequestID: "rid-1"}}
	wantErrs := []facade.RecordError{
		{RequestIndex: 1, StatusCode: 400, Message: "duplicate value", RequestID: "rid-1"},
		{RequestIndex: 2, StatusCode: 500, Message: "internal server error", RequestID: "rid-1"},
		{RequestIndex: 3, StatusCode: 200, Message: "the response item has no record id", RequestID: "rid-1"},
		{RequestIndex: 4, Message: "the response has no item for this record", RequestID: "rid-1"},
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

func TestInsertContinueOnErrorWhenEveryRequestFails(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath(""), reply(503, `{"error":"down"}`))
	v := newVault(t, f)
	resp, err := v.Insert(bg, facade.InsertRequest{Table: "t", ContinueOnError: true, Values: []map[string]any{{"n": 0}}})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Message != "down" {
		t.Fatalf("got %v", err)
	}
	if resp == nil || len(resp.Errors) != 1 || resp.Errors[0].StatusCode != 503 {
		t.Fatalf("the failed records are listed: %+v", resp)
	}

	// Several chunks, every one failing: the error comes back with the
	// response.
	v = newVault(t, f, facade.WithChunkSize(1))
	resp, err = v.Insert(bg, facade.InsertRequest{Table: "t", ContinueOnError: true, Values: []map[string]any{{"n": 0}, {"n": 1}}})
	if err == nil || resp == nil || len(resp.Errors) != 2 {
		t.Fatalf("got %+v, %v", resp, err)
	}

	// Some chunks inserted: no error, the failures are in Errors.
	f.on("POST "+vaultPath(""), ok(`{"responses":[{"Status":200,"Body":{"records":[{"skyflow_id":"a"}]}}]}`), reply(503, `{"error":"down"}`))
	v = newVault(t, f, facade.WithChunkSize(1), facade.WithConcurrency(1))
	resp, err = v.Insert(bg, facade.InsertRequest{Table: "t", ContinueOnError: true, Values: []map[string]any{{"n": 0}, {"n": 1}}})
	if err != nil || len(resp.Inserted) != 1 || len(resp.Errors) != 1 || resp.Errors[0].StatusCode != 503 {
		t.Fatalf("got %+v, %v", resp, err)
	}
}

func TestInsertValidation(t *testing.T) {
	v := newVault(t, newFake(t))
	one := []map[string]any{{"a": 1}}
	for _, c := range []struct {
		req   facade.InsertRequest
		field string
	}{
		{facade.InsertRequest{Values: one}, "Table"},
		{facade.InsertRequest{Table: "t"}, "Values"},
		{facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}, {}}}, "Values[1]"},
		{facade.InsertRequest{Table: "t", Values: []map[string]any{{" ": 1}}}, "Values[0]"},
		{facade.InsertRequest{Table: "t", Values: one, Upsert: "a", Homogeneous: true}, "Upsert"},
		{facade.InsertRequest{Table: "t", Values: one, TokenMode: "SOMETIMES"}, "TokenMode"},
		{facade.InsertRequest{Table: "t", Values: one, Tokens: []map[string]string{{"a": "x"}}}, "Tokens"},
		{facade.InsertRequest{Table: "t", Values: one, TokenMode: facade.TokenModeEnable}, "Tokens"},
		{facade.InsertRequest{Table: "t", Values: one, TokenMode: facade.TokenModeEnableStrict}, "Tokens"},
		{facade.InsertRequest{Table: "t", Values: one, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"a": "x"}, {"a": "y"}}}, "Tokens"},
		{facade.InsertRequest{Table: "t", Values: one, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"b": "x"}}}, "Tokens[0]"},
		{facade.InsertRequest{Table: "t", Values: one, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"a": ""}}}, "Tokens[0]"},
		{facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1, "b": 2}}, TokenMode: facade.TokenModeEnableStrict, Tokens: []map[string]string{{"a": "x"}}}, "Tokens[0]"},
	} {
		_, err := v.Insert(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want a validation error on %s", c.req, err, c.field)
		}
	}
	if _, err := v.Insert(bg, facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1, "b": 2}}, TokenMode: facade.TokenModeEnableStrict,
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
	if _, err := v.Insert(bg, facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}}}); !skyflow.IsRetryable(err) {
		t.Fatalf("a plain insert is not retried after a 503: %v", err)
	}
	f.on("POST "+vaultPath("/t"), reply(503, `{"error":"busy"}`), ok(`{"records":[{"skyflow_id":"a"}]}`))
	if _, err := v.Insert(bg, facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}}, Upsert: "a"}); err != nil {
		t.Fatalf("an upsert is retried: %v", err)
	}
	if n := f.count("POST " + vaultPath("/t")); n != 3 {
		t.Fatalf("%d requests, want 1 + 2", n)
	}
}
