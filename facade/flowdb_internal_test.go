package facade

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestFlowDBURLs(t *testing.T) {
	for env, want := range map[Env]string{
		"":         "https://c1.skyvault.skyflowapis.com",
		EnvProd:    "https://c1.skyvault.skyflowapis.com",
		EnvSandbox: "https://c1.skyvault.skyflowapis-preview.com",
		EnvStage:   "https://c1.skyvault.skyflowapis.tech",
		EnvDev:     "https://c1.skyvault.skyflowapis.dev",
	} {
		got, err := FlowDBConfig{VaultID: "v", ClusterID: "c1", Env: env}.validate()
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", env, got, err, want)
		}
	}
	got, err := FlowDBConfig{VaultID: "v", ClusterID: "ignored", BaseURL: "https://proxy.example.com/flow/"}.validate()
	if err != nil || got != "https://proxy.example.com/flow" {
		t.Errorf("BaseURL wins: %q, %v", got, err)
	}
	if got, err := (FlowDBConfig{VaultID: "v", BaseURL: "http://localhost:8080"}).validate(); err != nil || got != "http://localhost:8080" {
		t.Errorf("plain http on loopback: %q, %v", got, err)
	}
}

// TestRecordsWireIsTheSchemasShape keeps recordsWire (the answer of
// insert, get and update, decoded with FlowToken tokens) the shape of
// flowdb.yaml's InsertResponse, RecordResult and ColumnToken, whose
// properties test/specs pins to the same lists: the same JSON names, and
// every field decoded.
func TestRecordsWireIsTheSchemasShape(t *testing.T) {
	tags := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		v    any
		want []string
	}{
		{recordsWire{}, []string{"records"}},
		{recordWire{}, []string{"data", "error", "hashedData", "httpCode", "skyflowID", "tableName", "tokens"}},
		{FlowToken{}, []string{"token", "tokenGroupName"}},
	} {
		if got := tags(c.v); !slices.Equal(got, c.want) {
			t.Errorf("%T has JSON fields %v, the schema %v", c.v, got, c.want)
		}
	}
	answer := `{"records":[{"skyflowID":"id","tableName":"t","httpCode":409,"error":"e","data":{"a":1},"hashedData":{"h":"x"},
		"tokens":{"a":[{"token":"t1","tokenGroupName":"g1"},{"token":"t2","tokenGroupName":"g2"}]},"unknown":true}]}`
	var out recordsWire
	if err := json.Unmarshal([]byte(answer), &out); err != nil {
		t.Fatal(err)
	}
	want := recordWire{SkyflowID: "id", TableName: "t", HTTPCode: 409, Error: "e", Data: map[string]any{"a": 1.0},
		HashedData: map[string]any{"h": "x"}, Tokens: map[string][]FlowToken{"a": {{"t1", "g1"}, {"t2", "g2"}}}}
	if !reflect.DeepEqual(out.Records[0], want) {
		t.Errorf("decoded %#v", out.Records[0])
	}
}
