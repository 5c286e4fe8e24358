package facade_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

// flowValueCases holds every Flow DB request and result type with a planted
// value in each field that carries data.
func flowValueCases() map[string]any {
	data := map[string]any{"card_number": plantedCard, "ssn": plantedSSN}
	recErr := &skyflow.RecordError{Operation: "FlowDB.Insert", Index: 1, StatusCode: 409, Message: "duplicate"}
	token := facade.FlowToken{Token: plantedToken, TokenGroup: "deterministic_string"}
	rec := facade.FlowRecord{Table: "customers", Data: data, Tokens: map[string]string{"ssn": plantedToken},
		Upsert: &facade.FlowUpsert{UniqueColumns: []string{"email"}, UpdateType: facade.FlowReplace}}
	result := facade.FlowRecordResult{Index: 3, Outcome: facade.FlowFailed, SkyflowID: "id-1", Table: "customers", Data: data,
		HashedData: data, Tokens: map[string][]facade.FlowToken{"ssn": {token}}, Err: recErr, RequestID: "r-1"}
	unique := []map[string]any{{"ssn": plantedSSN}}
	red := facade.FlowColumnRedaction{Column: "ssn", Redaction: "redacted"}
	getTable := facade.FlowGetTable{Table: "customers", IDs: []string{"id-1"}, UniqueValues: unique, ColumnRedactions: []facade.FlowColumnRedaction{red}}
	upd := facade.FlowUpdateRecord{SkyflowID: "id-1", Table: "customers", Data: data, Tokens: map[string]string{"ssn": plantedToken}}
	gr := facade.FlowTokenGroupRedaction{TokenGroup: "g", Redaction: "mask1"}
	det := facade.FlowDetokenizeResult{Index: 1, Outcome: facade.FlowDone, Token: plantedToken, Value: plantedName, TokenGroup: "g",
		Metadata: map[string]any{"skyflowID": "id-1"}}
	tv := facade.FlowTokenizeValue{Value: plantedCard, TokenGroups: []string{"g"}}
	tr := facade.FlowTokenizeResult{Index: 1, Outcome: facade.FlowFailed, Value: plantedCard, Tokens: map[string]string{"g": plantedToken},
		GroupErrors: map[string]*skyflow.RecordError{"h": recErr}, Err: recErr}
	dt := facade.FlowDeleteTokenResult{Index: 1, Outcome: facade.FlowDone, Token: plantedToken}
	return map[string]any{
		"FlowRecord":               rec,
		"FlowUpsert":               *rec.Upsert,
		"FlowInsertRequest":        facade.FlowInsertRequest{Table: "customers", Records: []facade.FlowRecord{rec}},
		"FlowToken":                token,
		"FlowRecordResult":         result,
		"FlowInsertResponse":       facade.FlowInsertResponse{Records: []facade.FlowRecordResult{result}},
		"FlowColumnRedaction":      red,
		"FlowGetTable":             getTable,
		"FlowGetRequest":           facade.FlowGetRequest{Table: "customers", UniqueValues: unique, Tables: []facade.FlowGetTable{getTable}},
		"FlowGetResponse":          facade.FlowGetResponse{Records: []facade.FlowRecordResult{result}},
		"FlowUpdateRecord":         upd,
		"FlowUpdateRequest":        facade.FlowUpdateRequest{Records: []facade.FlowUpdateRecord{upd}},
		"FlowUpdateResponse":       facade.FlowUpdateResponse{Records: []facade.FlowRecordResult{result}},
		"FlowDeleteRequest":        facade.FlowDeleteRequest{Table: "customers", UniqueValues: unique},
		"FlowDeleteResponse":       facade.FlowDeleteResponse{Records: []facade.FlowRecordResult{result}},
		"FlowQueryRequest":         facade.FlowQueryRequest{Query: "SELECT * FROM customers WHERE ssn = '" + plantedSSN + "'"},
		"FlowQueryResponse":        facade.FlowQueryResponse{Records: []map[string]any{data}, Columns: []string{"ssn"}},
		"FlowTokenGroupRedaction":  gr,
		"FlowDetokenizeRequest":    facade.FlowDetokenizeRequest{Tokens: []string{plantedToken}, TokenGroupRedactions: []facade.FlowTokenGroupRedaction{gr}},
		"FlowDetokenizeResult":     det,
		"FlowDetokenizeResponse":   facade.FlowDetokenizeResponse{Tokens: []facade.FlowDetokenizeResult{det}},
		"FlowTokenizeValue":        tv,
		"FlowTokenizeRequest":      facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{tv}},
		"FlowTokenizeResult":       tr,
		"FlowTokenizeResponse":     facade.FlowTokenizeResponse{Values: []facade.FlowTokenizeResult{tr}},
		"FlowDeleteTokensRequest":  facade.FlowDeleteTokensRequest{Tokens: []string{plantedToken}},
		"FlowDeleteTokenResult":    dt,
		"FlowDeleteTokensResponse": facade.FlowDeleteTokensResponse{Tokens: []facade.FlowDeleteTokenResult{dt}},
		"FlowMetricsResponse":      facade.FlowMetricsResponse{Tables: map[string]any{"customers": map[string]any{"ssn": plantedSSN}}},
		"FlowBulkInsertRequest":    facade.FlowBulkInsertRequest{Table: "customers", Records: slices.Values([]facade.FlowRecord{rec})},
		"FlowBulkDetokenizeRequest": facade.FlowBulkDetokenizeRequest{Tokens: slices.Values([]string{plantedToken}),
			TokenGroupRedactions: []facade.FlowTokenGroupRedaction{gr}},
		"FlowBulkTokenizeRequest":     facade.FlowBulkTokenizeRequest{Values: slices.Values([]facade.FlowTokenizeValue{tv})},
		"FlowBulkDeleteTokensRequest": facade.FlowBulkDeleteTokensRequest{Tokens: slices.Values([]string{plantedToken})},
	}
}

// TestFlowDBValuesNeverPrint prints and encodes every Flow DB request and
// result with planted values through fmt, slog (alone, in a slice and in a
// map) and encoding/json: none shows a value or a token.
func TestFlowDBValuesNeverPrint(t *testing.T) {
	secrets := []string{plantedCard, plantedSSN, plantedName, plantedToken, "planted"}
	for name, v := range flowValueCases() {
		t.Run(name, func(t *testing.T) {
			printed := redacttest.Printed(v)
			redacttest.NoSecrets(t, printed, secrets...)
			redacttest.NoSecrets(t, redacttest.Encoded(v), secrets...)
			if !strings.Contains(printed["value %v"], "facade."+name+"{") {
				t.Errorf("%%v should show the structure: %q", printed["value %v"])
			}
		})
	}
	got := fmt.Sprint(flowValueCases()["FlowRecordResult"])
	for _, want := range []string{`Index: 3`, `SkyflowID: "id-1"`, `Table: "customers"`,
		`Data: {card_number: <redacted>, ssn: <redacted>}`, `Err: <*skyflow.RecordError>`} {
		if !strings.Contains(got, want) {
			t.Errorf("the structure shows %s: %s", want, got)
		}
	}
}

func TestFlowDBConfigNeverPrintsSecrets(t *testing.T) {
	const key = "sky-ab12c-0123456789abcdef0123456789abcdef"
	cfg := facade.FlowDBConfig{VaultID: "v1", BaseURL: "https://user:pw-secret@vault.example.com/?k=query-secret",
		Credentials: &auth.Credentials{APIKey: key}, TokenSource: leakySource{"callers-own-secret-token"}}
	secrets := []string{key, "0123456789abcdef", "callers-own-secret-token", "pw-secret", "query-secret"}
	redacttest.NoSecrets(t, redacttest.Printed(cfg), secrets...)
	redacttest.NoSecrets(t, redacttest.Encoded(cfg), secrets...)
	c, err := facade.New(quiet, facade.WithFlowDB(facade.FlowDBConfig{VaultID: "v1", ClusterID: "c1", Credentials: &auth.Credentials{APIKey: key}}))
	if err != nil {
		t.Fatal(err)
	}
	db, _ := c.FlowDB("v1")
	redacttest.NoSecrets(t, redacttest.Printed(db), secrets...)
	if s := fmt.Sprint(db); s != `facade.FlowDB{vault_id: "v1"}` {
		t.Errorf("the handle prints %s", s)
	}
}
