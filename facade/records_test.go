package facade_test

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

func TestGet(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/cards"), ok(`{"records":[{"fields":{"skyflow_id":"id-1","n":"4111"},"tokens":{"n":"tok","m":""}},{}]}`))
	v := newVault(t, f)
	resp, err := v.Get(bg, facade.GetRequest{Table: "cards", IDs: []string{"id-1", "id-2"}, Columns: []string{"n"}, Redaction: facade.RedactionMasked,
		Offset: 5, Limit: 10, DownloadURL: true, OrderBy: facade.OrderDescending})
	if err != nil {
		t.Fatal(err)
	}
	want := &facade.GetResponse{Records: []facade.Record{
		{SkyflowID: "id-1", Fields: map[string]any{"n": "4111"}, Tokens: map[string]string{"n": "tok"}},
		{Fields: map[string]any{}},
	}, RequestID: "rid-1"}
	if !reflect.DeepEqual(resp, want) {
		t.Fatalf("got %#v", resp)
	}
	q, _ := url.ParseQuery(f.last().Query)
	wantQ := url.Values{"skyflow_ids": {"id-1", "id-2"}, "fields": {"n"}, "redaction": {"MASKED"}, "offset": {"5"}, "limit": {"10"},
		"downloadURL": {"true"}, "order_by": {"DESCENDING"}}
	if !reflect.DeepEqual(q, wantQ) {
		t.Fatalf("query %v\nwant %v", q, wantQ)
	}

	if _, err := v.Get(bg, facade.GetRequest{Table: "cards", Column: "email", ColumnValues: []string{"a@b.c"}}); err != nil {
		t.Fatal(err)
	}
	q, _ = url.ParseQuery(f.last().Query)
	if !reflect.DeepEqual(q, url.Values{"column_name": {"email"}, "column_values": {"a@b.c"}}) {
		t.Fatalf("query %v", q)
	}
	if _, err := v.Get(bg, facade.GetRequest{Table: "cards", IDs: []string{"a"}, ReturnTokens: true}); err != nil {
		t.Fatal(err)
	}
	if q, _ = url.ParseQuery(f.last().Query); q.Get("tokenization") != "true" {
		t.Fatalf("query %v", q)
	}
}

func TestGetValidation(t *testing.T) {
	v := newVault(t, newFake(t))
	for _, c := range []struct {
		req   facade.GetRequest
		field string
	}{
		{facade.GetRequest{}, "Table"},
		{facade.GetRequest{Table: "t", IDs: []string{"a"}, Column: "c"}, "IDs"},
		{facade.GetRequest{Table: "t", IDs: []string{""}}, "IDs[0]"},
		{facade.GetRequest{Table: "t", ColumnValues: []string{"x"}}, "Column"},
		{facade.GetRequest{Table: "t", Column: "c"}, "ColumnValues"},
		{facade.GetRequest{Table: "t", Columns: []string{" "}}, "Columns[0]"},
		{facade.GetRequest{Table: "t", Redaction: "SOME"}, "Redaction"},
		{facade.GetRequest{Table: "t", IDs: []string{"a"}, ReturnTokens: true, Redaction: facade.RedactionMasked}, "ReturnTokens"},
		{facade.GetRequest{Table: "t", Column: "c", ColumnValues: []string{"x"}, ReturnTokens: true}, "ReturnTokens"},
		{facade.GetRequest{Table: "t", Offset: -1}, "Offset"},
		{facade.GetRequest{Table: "t", Limit: facade.MaxGetLimit + 1}, "Limit"},
		{facade.GetRequest{Table: "t", OrderBy: "RANDOM"}, "OrderBy"},
	} {
		_, err := v.Get(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want %s", c.req, err, c.field)
		}
	}
}

func TestAllPagesThrough(t *testing.T) {
	f := newFake(t)
	page := func(n, from int) handler {
		return func(w http.ResponseWriter, r *http.Request, body []byte) {
			recs := ""
			for i := range n {
				if i > 0 {
					recs += ","
				}
				recs += `{"fields":{"skyflow_id":"id-` + strconv.Itoa(from+i) + `"}}`
			}
			ok(`{"records":[`+recs+`]}`)(w, r, body)
		}
	}
	f.on("GET "+vaultPath("/t"), page(2, 0), page(2, 2), page(1, 4))
	v := newVault(t, f)
	var ids []string
	for rec, err := range v.Records(bg, facade.GetRequest{Table: "t", Limit: 2, Offset: 0}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.SkyflowID)
	}
	if !reflect.DeepEqual(ids, []string{"id-0", "id-1", "id-2", "id-3", "id-4"}) {
		t.Fatalf("ids %v", ids)
	}
	var offsets []string
	for _, r := range f.requests() {
		q, _ := url.ParseQuery(r.Query)
		offsets = append(offsets, q.Get("offset")+"/"+q.Get("limit"))
	}
	if !reflect.DeepEqual(offsets, []string{"/2", "2/2", "4/2"}) {
		t.Fatalf("pages asked %v", offsets)
	}

	// A default page size, stopping early when the caller breaks, and an
	// error ends the iteration.
	f.on("GET "+vaultPath("/t"), page(25, 0), reply(500, `{"error":"boom"}`))
	n := 0
	for _, err := range v.Records(bg, facade.GetRequest{Table: "t"}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	var last error
	count := 0
	for _, err := range v.Records(bg, facade.GetRequest{Table: "t"}) {
		count++
		last = err
	}
	var apiErr *skyflow.APIError
	if !errors.As(last, &apiErr) || apiErr.StatusCode != 500 || count != 1 {
		t.Fatalf("the error is yielded and ends the iteration: %v after %d", last, count)
	}
}

func TestUpdate(t *testing.T) {
	f := newFake(t)
	f.on("PUT "+vaultPath("/t/id-1"), ok(`{"skyflow_id":"id-1","tokens":{"a":"tok-a"}}`), ok(`{}`))
	v := newVault(t, f)
	resp, err := v.Update(bg, facade.UpdateRequest{Table: "t", Fields: map[string]any{"skyflow_id": "id-1", "a": "x", "b": nil},
		ReturnTokens: true, TokenMode: facade.TokenModeEnable, Tokens: map[string]string{"a": "tok-a"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resp, &facade.UpdateResponse{SkyflowID: "id-1", Tokens: map[string]string{"a": "tok-a"}, RequestID: "rid-1"}) {
		t.Fatalf("got %#v", resp)
	}
	want := map[string]any{"record": map[string]any{"fields": map[string]any{"a": "x", "b": nil}, "tokens": map[string]any{"a": "tok-a"}},
		"tokenization": true, "byot": "ENABLE"}
	if body := f.last().json(t); !reflect.DeepEqual(body, want) {
		t.Fatalf("body %v\nwant %v", body, want)
	}
	resp, err = v.Update(bg, facade.UpdateRequest{Table: "t", SkyflowID: "id-1", Fields: map[string]any{"a": 1}})
	if err != nil || resp.SkyflowID != "id-1" || resp.Tokens != nil {
		t.Fatalf("an answer without id keeps the request's: %+v %v", resp, err)
	}

	for _, c := range []struct {
		req   facade.UpdateRequest
		field string
	}{
		{facade.UpdateRequest{SkyflowID: "a", Fields: map[string]any{"x": 1}}, "Table"},
		{facade.UpdateRequest{Table: "t", Fields: map[string]any{"x": 1}}, "SkyflowID"},
		{facade.UpdateRequest{Table: "t", SkyflowID: "a", Fields: map[string]any{"skyflow_id": "b"}}, `Fields["skyflow_id"]`},
		{facade.UpdateRequest{Table: "t", Fields: map[string]any{"skyflow_id": 7}}, `Fields["skyflow_id"]`},
		{facade.UpdateRequest{Table: "t", SkyflowID: "a"}, "Fields"},
		{facade.UpdateRequest{Table: "t", SkyflowID: "a", Fields: map[string]any{"x": 1}, TokenMode: "X"}, "TokenMode"},
		{facade.UpdateRequest{Table: "t", SkyflowID: "a", Fields: map[string]any{"x": 1}, Tokens: map[string]string{"x": "t"}}, "Tokens"},
	} {
		_, err := v.Update(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want %s", c.req, err, c.field)
		}
	}
}

func TestDelete(t *testing.T) {
	f := newFake(t)
	f.on("DELETE "+vaultPath("/t"), ok(`{"RecordIDResponse":["a","b"]}`))
	v := newVault(t, f)
	resp, err := v.Delete(bg, facade.DeleteRequest{Table: "t", IDs: []string{"a", "b"}})
	if err != nil || !reflect.DeepEqual(resp, &facade.DeleteResponse{DeletedIDs: []string{"a", "b"}, RequestID: "rid-1"}) {
		t.Fatalf("%+v %v", resp, err)
	}
	if body := f.last().json(t); !reflect.DeepEqual(body, map[string]any{"skyflow_ids": []any{"a", "b"}}) {
		t.Fatalf("body %v", body)
	}
	for _, req := range []facade.DeleteRequest{{IDs: []string{"a"}}, {Table: "t"}, {Table: "t", IDs: []string{"a", ""}}} {
		if _, err := v.Delete(bg, req); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%+v: %v", req, err)
		}
	}
	f.on("DELETE "+vaultPath("/t"), reply(404, `{"error":{"message":"no such record"}}`))
	if _, err := v.Delete(bg, facade.DeleteRequest{Table: "t", IDs: []string{"x"}}); !errors.Is(err, skyflow.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
}

func TestQuery(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/query"), ok(`{"records":[{"fields":{"skyflow_id":"a","n":1}}]}`))
	v := newVault(t, f)
	resp, err := v.Query(bg, facade.QueryRequest{Query: "select * from t"})
	if err != nil || !reflect.DeepEqual(resp, &facade.QueryResponse{Records: []facade.Record{{SkyflowID: "a", Fields: map[string]any{"n": 1.0}}}, RequestID: "rid-1"}) {
		t.Fatalf("%+v %v", resp, err)
	}
	if body := f.last().json(t); body["query"] != "select * from t" {
		t.Fatalf("body %v", body)
	}
	for _, q := range []string{"", "  ", "delete from t", "sel"} {
		if _, err := v.Query(bg, facade.QueryRequest{Query: q}); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%q: %v", q, err)
		}
	}
}

func TestDetokenizeSendsEachTokensRedaction(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/detokenize"), ok(`{"records":[{"token":"a","value":"1"},{"token":"b","value":"2"}]}`))
	v := newVault(t, f)
	if _, err := v.Detokenize(bg, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
		{Token: "a"}, {Token: "b", Redaction: facade.RedactionPlainText},
	}, DownloadURL: true}); err != nil {
		t.Fatal(err)
	}
	// A token without a redaction gets the column's configured one
	// (DEFAULT), never the plain text.
	want := map[string]any{
		"detokenizationParameters": []any{
			map[string]any{"token": "a", "redaction": "DEFAULT"},
			map[string]any{"token": "b", "redaction": "PLAIN_TEXT"},
		},
		"continueOnError": false,
		"downloadURL":     true,
	}
	if body := f.last().json(t); !reflect.DeepEqual(body, want) {
		t.Fatalf("body %v\nwant %v", body, want)
	}
	for _, req := range []facade.DetokenizeRequest{{}, {Tokens: []facade.DetokenizeToken{{Token: " "}}}, {Tokens: []facade.DetokenizeToken{{Token: "a", Redaction: "NONE"}}}} {
		if _, err := v.Detokenize(bg, req); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%+v: %v", req, err)
		}
	}
}

func TestTokenize(t *testing.T) {
	f := newFake(t)
	f.on("POST "+vaultPath("/tokenize"), ok(`{"records":[{"token":"t1"},{"token":"t2"}]}`))
	v := newVault(t, f)
	resp, err := v.Tokenize(bg, facade.TokenizeRequest{Values: []facade.TokenizeValue{{Value: "x", ColumnGroup: "g"}, {Value: "y", ColumnGroup: "g"}}})
	if err != nil || !reflect.DeepEqual(resp, &facade.TokenizeResponse{Tokens: []string{"t1", "t2"}, RequestID: "rid-1"}) {
		t.Fatalf("%+v %v", resp, err)
	}
	want := map[string]any{"tokenizationParameters": []any{map[string]any{"value": "x", "columnGroup": "g"}, map[string]any{"value": "y", "columnGroup": "g"}}}
	if body := f.last().json(t); !reflect.DeepEqual(body, want) {
		t.Fatalf("body %v", body)
	}
	for _, req := range []facade.TokenizeRequest{{}, {Values: []facade.TokenizeValue{{ColumnGroup: "g"}}}, {Values: []facade.TokenizeValue{{Value: "x"}}}} {
		if _, err := v.Tokenize(bg, req); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%+v: %v", req, err)
		}
	}
}
