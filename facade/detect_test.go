package facade_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

func newDetect(t *testing.T, f *fake, opts ...facade.Option) *facade.Detect {
	t.Helper()
	c, _ := newClient(t, f, opts...)
	d, err := c.Detect("")
	if err != nil {
		t.Fatal(err)
	}
	if d.ID() != vaultID {
		t.Fatalf("ID() = %q", d.ID())
	}
	return d
}

func TestDeidentifyText(t *testing.T) {
	f := newFake(t)
	f.on("POST /v1/detect/deidentify/string", ok(`{"processed_text":"Hi [NAME_1]","word_count":2,"character_count":9,"entities":[`+
		`{"token":"[NAME_1]","value":"Ann","entity_type":"name","entity_scores":{"name":0.9},"location":{"start_index":3,"end_index":6,"start_index_processed":3,"end_index_processed":11}},`+
		`{"token":"x"}]}`))
	d := newDetect(t, f)
	resp, err := d.DeidentifyText(bg, facade.DeidentifyTextRequest{
		Text:     "Hi Ann",
		Entities: []facade.EntityType{facade.EntityName, facade.EntityDate},
		TokenFormat: facade.TokenFormat{Default: facade.TokenTypeEntityOnly, VaultToken: []facade.EntityType{facade.EntitySSN},
			EntityUniqueCounter: []facade.EntityType{facade.EntityName}, EntityOnly: []facade.EntityType{facade.EntityDate}},
		AllowRegex:      []string{"^ok$"},
		RestrictRegex:   []string{`\d+`},
		Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 1, MaxDays: 5, Entities: []facade.EntityType{facade.EntityDate, facade.EntityDOB}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &facade.DeidentifyTextResponse{
		ProcessedText: "Hi [NAME_1]", WordCount: 2, CharacterCount: 9, RequestID: "rid-1",
		Entities: []facade.DetectedEntity{
			{Token: "[NAME_1]", Value: "Ann", EntityType: facade.EntityName, Scores: map[string]float64{"name": 0.9},
				TextIndex: facade.TextRange{Start: 3, End: 6}, ProcessedIndex: facade.TextRange{Start: 3, End: 11}},
			{Token: "x"},
		},
	}
	if !reflect.DeepEqual(resp, want) {
		t.Fatalf("got %#v\nwant %#v", resp, want)
	}
	wantBody := map[string]any{
		"text": "Hi Ann", "vault_id": vaultID, "entity_types": []any{"name", "date"},
		"token_type":      map[string]any{"default": "entity_only", "vault_token": []any{"ssn"}, "entity_unq_counter": []any{"name"}, "entity_only": []any{"date"}},
		"allow_regex":     []any{"^ok$"},
		"restrict_regex":  []any{`\d+`},
		"transformations": map[string]any{"shift_dates": map[string]any{"min_days": 1.0, "max_days": 5.0, "entity_types": []any{"date", "dob"}}},
	}
	if body := f.last().json(t); !reflect.DeepEqual(body, wantBody) {
		t.Fatalf("body %v\nwant %v", body, wantBody)
	}

	f.on("POST /v1/detect/deidentify/string", ok(`{"entities":[]}`))
	if _, err := d.DeidentifyText(bg, facade.DeidentifyTextRequest{Text: "x"}); !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("an answer without processed_text: %v", err)
	}
	if body := f.last().json(t); !reflect.DeepEqual(body, map[string]any{"text": "x", "vault_id": vaultID}) {
		t.Fatalf("no options, nothing sent for them: %v", body)
	}
}

func TestDetectOptionValidation(t *testing.T) {
	d := newDetect(t, newFake(t))
	for _, c := range []struct {
		req   facade.DeidentifyTextRequest
		field string
	}{
		{facade.DeidentifyTextRequest{Text: " "}, "Text"},
		{facade.DeidentifyTextRequest{Text: "x", Entities: []facade.EntityType{"planet"}}, "Entities[0]"},
		{facade.DeidentifyTextRequest{Text: "x", TokenFormat: facade.TokenFormat{Default: "stars"}}, "TokenFormat.Default"},
		{facade.DeidentifyTextRequest{Text: "x", TokenFormat: facade.TokenFormat{VaultToken: []facade.EntityType{"planet"}}}, "TokenFormat.VaultToken[0]"},
		{facade.DeidentifyTextRequest{Text: "x", TokenFormat: facade.TokenFormat{EntityUniqueCounter: []facade.EntityType{"planet"}}}, "TokenFormat.EntityUniqueCounter[0]"},
		{facade.DeidentifyTextRequest{Text: "x", TokenFormat: facade.TokenFormat{EntityOnly: []facade.EntityType{"planet"}}}, "TokenFormat.EntityOnly[0]"},
		{facade.DeidentifyTextRequest{Text: "x", TokenFormat: facade.TokenFormat{VaultToken: []facade.EntityType{facade.EntitySSN},
			EntityOnly: []facade.EntityType{facade.EntityName, facade.EntitySSN}}}, "TokenFormat.EntityOnly[1]"},
		{facade.DeidentifyTextRequest{Text: "x", AllowRegex: []string{""}}, "AllowRegex[0]"},
		{facade.DeidentifyTextRequest{Text: "x", RestrictRegex: []string{"ok", "(unclosed"}}, "RestrictRegex[1]"},
		{facade.DeidentifyTextRequest{Text: "x", Transformations: facade.Transformations{ShiftDates: &facade.DateShift{}}}, "Transformations.ShiftDates.MinDays"},
		{facade.DeidentifyTextRequest{Text: "x", Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 5, MaxDays: 2}}}, "Transformations.ShiftDates.MaxDays"},
		{facade.DeidentifyTextRequest{Text: "x", Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 1, MaxDays: 1 << 40}}}, "Transformations.ShiftDates.MaxDays"},
		{facade.DeidentifyTextRequest{Text: "x", Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 1, MaxDays: 2,
			Entities: []facade.EntityType{facade.EntityName}}}}, "Transformations.ShiftDates.Entities[0]"},
	} {
		_, err := d.DeidentifyText(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want %s", c.req, err, c.field)
		}
	}
	_, err := d.DeidentifyText(bg, facade.DeidentifyTextRequest{Text: "x", AllowRegex: []string{"(secret"}})
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "missing closing )") {
		t.Fatalf("a bad pattern is named by kind, never quoted: %v", err)
	}
}

func TestReidentifyText(t *testing.T) {
	f := newFake(t)
	f.on("POST /v1/detect/reidentify/string", ok(`{"text":"Hi Ann"}`), ok(`{}`))
	d := newDetect(t, f)
	resp, err := d.ReidentifyText(bg, facade.ReidentifyTextRequest{Text: "Hi [NAME_1]", RedactedEntities: []facade.EntityType{facade.EntitySSN},
		MaskedEntities: []facade.EntityType{facade.EntityDOB}, PlainTextEntities: []facade.EntityType{facade.EntityName}})
	if err != nil || !reflect.DeepEqual(resp, &facade.ReidentifyTextResponse{ProcessedText: "Hi Ann", RequestID: "rid-1"}) {
		t.Fatalf("%+v %v", resp, err)
	}
	want := map[string]any{"text": "Hi [NAME_1]", "vault_id": vaultID,
		"format": map[string]any{"redacted": []any{"ssn"}, "masked": []any{"dob"}, "plaintext": []any{"name"}}}
	if body := f.last().json(t); !reflect.DeepEqual(body, want) {
		t.Fatalf("body %v\nwant %v", body, want)
	}
	if _, err := d.ReidentifyText(bg, facade.ReidentifyTextRequest{Text: "x"}); !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("an answer without text: %v", err)
	}
	for _, c := range []struct {
		req   facade.ReidentifyTextRequest
		field string
	}{
		{facade.ReidentifyTextRequest{}, "Text"},
		{facade.ReidentifyTextRequest{Text: "x", RedactedEntities: []facade.EntityType{"planet"}}, "RedactedEntities[0]"},
		{facade.ReidentifyTextRequest{Text: "x", MaskedEntities: []facade.EntityType{"planet"}}, "MaskedEntities[0]"},
		{facade.ReidentifyTextRequest{Text: "x", PlainTextEntities: []facade.EntityType{"planet"}}, "PlainTextEntities[0]"},
		{facade.ReidentifyTextRequest{Text: "x", RedactedEntities: []facade.EntityType{facade.EntitySSN}, PlainTextEntities: []facade.EntityType{facade.EntitySSN}}, "PlainTextEntities[0]"},
	} {
		_, err := d.ReidentifyText(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want %s", c.req, err, c.field)
		}
	}
}

func TestCheckGuardrails(t *testing.T) {
	f := newFake(t)
	f.on("POST /v1/detect/guardrails", ok(`{"text":"hello","toxic":false,"denied_topic":true,"validation":"failed"}`),
		ok(`{"text":"hi","validation":"passed"}`))
	d := newDetect(t, f)
	resp, err := d.CheckGuardrails(bg, facade.CheckGuardrailsRequest{Text: "hello", CheckToxicity: true, DenyTopics: []string{"politics"}})
	if err != nil || !reflect.DeepEqual(resp, &facade.CheckGuardrailsResponse{Text: "hello", DeniedTopic: true, RequestID: "rid-1"}) {
		t.Fatalf("%+v %v", resp, err)
	}
	want := map[string]any{"text": "hello", "vault_id": vaultID, "check_toxicity": true, "deny_topics": []any{"politics"}}
	if body := f.last().json(t); !reflect.DeepEqual(body, want) {
		t.Fatalf("body %v", body)
	}
	resp, err = d.CheckGuardrails(bg, facade.CheckGuardrailsRequest{Text: "hi"})
	if err != nil || !resp.Passed {
		t.Fatalf("%+v %v", resp, err)
	}
	if _, ok := f.last().json(t)["check_toxicity"]; ok {
		t.Fatal("check_toxicity is sent only when asked")
	}
	for _, req := range []facade.CheckGuardrailsRequest{{}, {Text: "x", DenyTopics: []string{" "}}} {
		if _, err := d.CheckGuardrails(bg, req); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%+v: %v", req, err)
		}
	}
}

func TestEntityTypes(t *testing.T) {
	all := facade.AllEntityTypes()
	if len(all) != 70 || all[0] != facade.EntityAccountNumber {
		t.Fatalf("%d types", len(all))
	}
	for _, e := range all {
		if !e.Valid() {
			t.Errorf("%s is not valid", e)
		}
	}
	all[0] = "changed"
	if facade.AllEntityTypes()[0] != facade.EntityAccountNumber {
		t.Fatal("AllEntityTypes returns a copy")
	}
	if facade.EntityType("planet").Valid() {
		t.Fatal("an unknown type is not valid")
	}
}
