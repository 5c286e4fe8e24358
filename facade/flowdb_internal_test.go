package facade

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	gflow "github.com/skyflowgo/skyflow/gen/flowdb"
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

// TestRecordsWireIsTheGeneratedShape keeps recordsWire (the answer of
// insert, get and update, decoded with FlowToken tokens) the shape of the
// generated types: the same JSON names, and the same content after a round
// trip.
func TestRecordsWireIsTheGeneratedShape(t *testing.T) {
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
	for _, pair := range [][2]any{{recordWire{}, gflow.RecordResult{}}, {FlowToken{}, gflow.ColumnToken{}}} {
		mine, gen := tags(pair[0]), tags(pair[1])
		if !slices.Equal(mine, gen) {
			t.Errorf("%T has JSON fields %v, the generated %T %v", pair[0], mine, pair[1], gen)
		}
	}
	for _, gen := range []any{gflow.InsertResponse{}, gflow.GetResponse{}, gflow.UpdateResponse{}} {
		if got := tags(gen); !slices.Equal(got, []string{"records"}) {
			t.Errorf("%T: %v", gen, got)
		}
	}
	in := gflow.InsertResponse{Records: []gflow.RecordResult{{SkyflowID: "id", TableName: "t", HttpCode: 409, Error: "e",
		Data: gflow.RecordData{"a": 1.0}, HashedData: gflow.RecordData{"h": "x"},
		Tokens: gflow.RecordTokens{"a": {{Token: "t1", TokenGroupName: "g1"}, {Token: "t2", TokenGroupName: "g2"}}}}}}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out recordsWire
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	r := out.Records[0]
	want := recordWire{SkyflowID: "id", TableName: "t", HTTPCode: 409, Error: "e", Data: map[string]any{"a": 1.0},
		HashedData: map[string]any{"h": "x"}, Tokens: map[string][]FlowToken{"a": {{"t1", "g1"}, {"t2", "g2"}}}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("round trip: %#v", r)
	}
}
