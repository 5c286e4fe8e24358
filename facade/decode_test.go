package facade_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// Decoding of insert and detokenize answers into the generated models
// (tokens decode straight into strings, see api/codegen/overlays/vault.yaml):
// null and empty tokens are dropped, an empty map is nil, and a token that
// is not a string is an unexpected answer.

func answering(t *testing.T, body string) *facade.Vault {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: "v1", BaseURL: srv.URL,
		Credentials: &auth.Credentials{APIKey: "sky-ab1c2-0123456789abcdef0123456789abcdef"}}))
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Vault("")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestInsertTokensDecoding(t *testing.T) {
	for _, c := range []struct {
		name   string
		tokens string // JSON of the first record's tokens ("" = absent)
		want   map[string]string
	}{
		{"strings", `{"a":"t1","b":"t2"}`, map[string]string{"a": "t1", "b": "t2"}},
		{"absent", ``, nil},
		{"empty", `{}`, nil},
		{"null map", `null`, nil},
		{"null token", `{"a":"t1","b":null}`, map[string]string{"a": "t1"}},
		{"empty token", `{"a":"t1","b":""}`, map[string]string{"a": "t1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := `{"skyflow_id":"id-1"`
			if c.tokens != "" {
				rec += `,"tokens":` + c.tokens
			}
			rec += `}`
			v := answering(t, `{"records":[`+rec+`,{"skyflow_id":"id-2","tokens":{"a":"u1"}}]}`)
			resp, err := v.Insert(context.Background(), facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}, {"a": 2}}, ReturnTokens: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Inserted[0]; got.SkyflowID != "id-1" || !reflect.DeepEqual(got.Tokens, c.want) {
				t.Errorf("first record: %q %#v, want id-1 %#v", got.SkyflowID, got.Tokens, c.want)
			}
			if got := resp.Inserted[1]; got.SkyflowID != "id-2" || !reflect.DeepEqual(got.Tokens, map[string]string{"a": "u1"}) {
				t.Errorf("second record: %q %#v", got.SkyflowID, got.Tokens)
			}
		})
	}
}

func TestInsertUndecodableAnswer(t *testing.T) {
	for _, body := range []string{
		`{"records":[{"skyflow_id":12}]}`,
		`{"records":[{"skyflow_id":"x","tokens":[1]}]}`,
		`{"records":[{"skyflow_id":"x","tokens":{"a":12,"b":true}}]}`,
		`{"records":`,
	} {
		v := answering(t, body)
		_, err := v.Insert(context.Background(), facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}})
		var apiErr *skyflow.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, skyflow.ErrUnexpectedResponse) || apiErr.Message != "the answer cannot be decoded" {
			t.Errorf("%s: got %v, want an unexpected-response error", body, err)
		}
	}
}

func TestDetokenizeDecoding(t *testing.T) {
	v := answering(t, `{"records":[`+
		`{"token":"t1","value":"v1","valueType":"STRING"},`+
		`{"token":"t2","value":"v2","valueType":null},`+
		`{"token":"t3","error":"token not found"},`+
		`{"token":"t4","error":null,"value":"","valueType":"INTEGER"}]}`)
	resp, err := v.Detokenize(context.Background(), facade.DetokenizeRequest{ContinueOnError: true, Tokens: []facade.DetokenizeToken{
		{Token: "t1"}, {Token: "t2"}, {Token: "t3"}, {Token: "t4"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	wantRecords := []facade.DetokenizedRecord{
		{Index: 0, Token: "t1", Value: "v1", ValueType: "STRING"},
		{Index: 1, Token: "t2", Value: "v2"},
		{Index: 3, Token: "t4", ValueType: "INTEGER"},
	}
	if !reflect.DeepEqual(resp.Records, wantRecords) {
		t.Errorf("records %#v, want %#v", resp.Records, wantRecords)
	}
	if len(resp.Errors) != 1 || resp.Errors[0].Index != 2 || resp.Errors[0].Message != "token not found" {
		t.Errorf("errors %#v", resp.Errors)
	}
}

// The answer's records are matched to the request's tokens by token: a
// value is never attributed to the wrong token, whatever the answer's order.
func TestDetokenizeMatchesByToken(t *testing.T) {
	tokens := []facade.DetokenizeToken{{Token: "A"}, {Token: "B"}, {Token: "A"}}
	v := answering(t, `{"records":[{"token":"B","value":"b"},{"token":"A","value":"a1"},{"token":"A","value":"a2"}]}`)
	resp, err := v.Detokenize(context.Background(), facade.DetokenizeRequest{Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	want := []facade.DetokenizedRecord{{Index: 0, Token: "A", Value: "a1"}, {Index: 1, Token: "B", Value: "b"}, {Index: 2, Token: "A", Value: "a2"}}
	if !reflect.DeepEqual(resp.Records, want) {
		t.Fatalf("records %#v, want %#v", resp.Records, want)
	}

	for _, body := range []string{
		`{"records":[{"token":"A","value":"a"}]}`,                                                     // short
		`{"records":[{"token":"A","value":"a"},{"token":"C","value":"c"},{"token":"A","value":"a"}]}`, // a token not asked for
		`{"records":[{"token":"A","value":"a"},{"value":"b"},{"token":"A","value":"a"}]}`,             // no token
	} {
		_, err := answering(t, body).Detokenize(context.Background(), facade.DetokenizeRequest{Tokens: tokens})
		if !errors.Is(err, skyflow.ErrUnexpectedResponse) {
			t.Errorf("%s: got %v, want an unexpected-response error", body, err)
		}
		for _, secret := range []string{"val-", "tok-C"} {
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("%s: the error %q holds a value", body, err)
			}
		}
	}
}

func TestTokenizeCountMismatch(t *testing.T) {
	v := answering(t, `{"records":[{"token":"t1"}]}`)
	_, err := v.Tokenize(context.Background(), facade.TokenizeRequest{Values: []facade.TokenizeValue{
		{Value: "x", ColumnGroup: "g"}, {Value: "y", ColumnGroup: "g"},
	}})
	if !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("got %v, want an unexpected-response error", err)
	}
}
