package facade_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

// Planted values: a request or response printing any of them leaks data.
const (
	plantedCard   = "4929123456781234"
	plantedSSN    = "987-65-4329"
	plantedName   = "Planted Holdername"
	plantedToken  = "tok-5f3e-planted-token"
	plantedFile   = "planted file content"
	plantedPath   = "/home/planted-user/planted-dir/scan.pdf"
	plantedHeader = "planted-header-secret"
)

// valueCases holds every request and response type with a planted value in
// each field that carries data.
func valueCases() map[string]any {
	b64 := base64.StdEncoding.EncodeToString([]byte(plantedFile))
	record := facade.Record{SkyflowID: "id-1",
		Fields: map[string]any{"card_number": plantedCard, "ssn": plantedSSN, "n": int64(4929123456781234)},
		Tokens: map[string]string{"card_number": plantedToken}}
	recErr := &skyflow.RecordError{Operation: "Insert", Index: 1, StatusCode: 400, Message: "bad " + plantedCard}
	inserted := facade.InsertedRecord{Index: 0, SkyflowID: "id-1", Tokens: map[string]string{"ssn": plantedToken}}
	detok := facade.DetokenizedRecord{Token: plantedToken, Value: plantedName, ValueType: "STRING"}
	entity := facade.DetectedEntity{Token: plantedToken, Value: plantedSSN, EntityType: facade.EntityType("ssn"),
		Scores: map[string]float64{"ssn": 0.9}}
	card := facade.Card{BIN: "492912", LastFourDigits: "8123", Expiry: "09/31", Type: "credit"}
	bulk := facade.BulkRecord{Fields: map[string]any{"card_number": plantedCard}, Tokens: map[string]string{"card_number": plantedToken}}
	event := facade.AuditEvent{RequestID: "r-1", Actor: "planted.actor@example.com", IPAddress: "203.0.113.77",
		HTTPPath: "/v1/vaults/v/t?ssn=" + plantedSSN, Time: time.Unix(1, 0)}
	return map[string]any{
		"InsertRequest": facade.InsertRequest{Table: "cards",
			Records: []map[string]any{{"card_number": plantedCard, "ssn": plantedSSN}},
			Tokens:  []map[string]string{{"card_number": plantedToken}}},
		"InsertResponse":    facade.InsertResponse{Inserted: []facade.InsertedRecord{inserted}, Errors: []*skyflow.RecordError{recErr}},
		"InsertedRecord":    inserted,
		"GetRequest":        facade.GetRequest{Table: "cards", Column: "ssn", ColumnValues: []string{plantedSSN}},
		"GetResponse":       facade.GetResponse{Records: []facade.Record{record}},
		"Record":            record,
		"UpdateRequest":     facade.UpdateRequest{Table: "cards", SkyflowID: "id-1", Fields: map[string]any{"ssn": plantedSSN}, Tokens: map[string]string{"ssn": plantedToken}},
		"UpdateResponse":    facade.UpdateResponse{SkyflowID: "id-1", Tokens: map[string]string{"ssn": plantedToken}},
		"QueryRequest":      facade.QueryRequest{Query: "SELECT * FROM cards WHERE ssn = '" + plantedSSN + "'"},
		"QueryResponse":     facade.QueryResponse{Records: []facade.Record{record}},
		"DetokenizeRequest": facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: plantedToken}}},
		"DetokenizeToken":   facade.DetokenizeToken{Token: plantedToken, Redaction: facade.RedactionPlainText},
		"DetokenizeResponse": facade.DetokenizeResponse{Records: []facade.DetokenizedRecord{detok},
			Errors: []*skyflow.RecordError{recErr}},
		"DetokenizedRecord": detok,
		"TokenizeRequest":   facade.TokenizeRequest{Values: []facade.TokenizeValue{{Value: plantedCard, ColumnGroup: "cg"}}},
		"TokenizeValue":     facade.TokenizeValue{Value: plantedCard, ColumnGroup: "cg"},
		"TokenizeResponse":  facade.TokenizeResponse{Tokens: []string{plantedToken}},
		"UploadFileRequest": facade.UploadFileRequest{Table: "docs", Column: "file", Reader: strings.NewReader(plantedFile),
			Path: plantedPath, Base64: b64, FileName: "ssn-" + plantedSSN + ".txt"},
		"UploadFileResponse": facade.UploadFileResponse{SkyflowID: "id-1", FileMetadata: map[string]any{"name": plantedPath}},
		"InvokeRequest": facade.InvokeRequest{Method: "POST", PathParams: map[string]string{"card_id": plantedCard},
			QueryParams: map[string]any{"ssn": plantedSSN}, Headers: map[string]string{"X-Api-Key": plantedHeader},
			Body: map[string]any{"card_number": plantedCard}},
		"InvokeResponse": facade.InvokeResponse{Data: map[string]any{"card_number": plantedCard},
			Raw: []byte(`{"card_number":"` + plantedCard + `"}`), StatusCode: 200,
			Header: http.Header{"Set-Cookie": {plantedHeader}}},
		"DeidentifyTextRequest": facade.DeidentifyTextRequest{Text: "SSN " + plantedSSN, AllowRegex: []string{plantedName},
			RestrictRegex: []string{plantedCard}},
		"DeidentifyTextResponse": facade.DeidentifyTextResponse{ProcessedText: plantedName + " [SSN]",
			Entities: []facade.DetectedEntity{entity}, WordCount: 3},
		"DetectedEntity":         entity,
		"ReidentifyTextRequest":  facade.ReidentifyTextRequest{Text: plantedToken},
		"ReidentifyTextResponse": facade.ReidentifyTextResponse{ProcessedText: "SSN " + plantedSSN},
		"ReidentifyFileRequest": facade.ReidentifyFileRequest{Reader: strings.NewReader(plantedFile), FileName: "x.txt",
			Path: plantedPath},
		"ReidentifyFileResponse":  facade.ReidentifyFileResponse{File: []byte(plantedFile), Extension: "txt"},
		"CheckGuardrailsRequest":  facade.CheckGuardrailsRequest{Text: "SSN " + plantedSSN, DenyTopics: []string{plantedName}},
		"CheckGuardrailsResponse": facade.CheckGuardrailsResponse{Text: "SSN " + plantedSSN, Passed: true},
		"DeidentifyFileRequest": facade.DeidentifyFileRequest{Reader: strings.NewReader(plantedFile), FileName: "scan.pdf",
			Path: plantedPath, OutputDirectory: "/home/planted-user/planted-out"},
		"DeidentifyFileResponse": facade.DeidentifyFileResponse{File: []byte(plantedFile),
			Message: "found " + plantedSSN, OutputFiles: []string{plantedPath},
			Entities: []facade.FileEntity{{File: []byte(plantedFile), Type: "entities"}}, RunID: "run-1"},
		"FileEntity":          facade.FileEntity{File: []byte(plantedFile), Type: "entities", Extension: "json"},
		"BINLookupRequest":    facade.BINLookupRequest{BIN: "492912"},
		"BINLookupResponse":   facade.BINLookupResponse{Cards: []facade.Card{card}},
		"Card":                card,
		"AuditEventsRequest":  facade.AuditEventsRequest{AccountID: "acc-1", Actor: "planted.actor@example.com"},
		"AuditEventsResponse": facade.AuditEventsResponse{Events: []facade.AuditEvent{event}, Next: &facade.AuditCursor{ChangeID: plantedToken}},
		"AuditEvent":          event,
		"BulkRecord":          bulk,
		"BulkInsertRequest":   facade.BulkInsertRequest{Table: "cards", Records: slices.Values([]facade.BulkRecord{bulk})},
		"BulkInsertResult": facade.BulkInsertResult{Index: 2, Outcome: facade.Written, SkyflowID: "id-1",
			Tokens: map[string]string{"ssn": plantedToken}, Err: recErr},
		"BulkDetokenizeRequest": facade.BulkDetokenizeRequest{Tokens: slices.Values([]facade.DetokenizeToken{{Token: plantedToken}})},
		"BulkDetokenizeResult": facade.BulkDetokenizeResult{Index: 1, Token: plantedToken, Value: plantedName,
			ValueType: "STRING", Err: recErr},
	}
}

// TestValuesNeverPrint prints and encodes every request and response with
// planted values through fmt, slog (alone, in a slice and in a map) and
// encoding/json: none shows a value.
func TestValuesNeverPrint(t *testing.T) {
	secrets := []string{plantedCard, plantedSSN, plantedName, plantedToken, plantedFile, plantedPath, plantedHeader,
		base64.StdEncoding.EncodeToString([]byte(plantedFile)), "planted", "492912", "8123", "09/31", "203.0.113.77"}
	for name, v := range valueCases() {
		t.Run(name, func(t *testing.T) {
			printed := redacttest.Printed(v)
			redacttest.NoSecrets(t, printed, secrets...)
			if !strings.Contains(printed["value %v"], "facade."+name+"{") {
				t.Errorf("%%v should show the structure: %q", printed["value %v"])
			}
			redacttest.NoSecrets(t, redacttest.Encoded(v), secrets...)
			if data, err := json.Marshal(v); err != nil || !json.Valid(data) {
				t.Errorf("json.Marshal should encode the structure: %s, %v", data, err)
			}
		})
	}
}

// TestStructureIsShown checks that printing keeps what a reader needs: ids,
// counts, column names and enumerations.
func TestStructureIsShown(t *testing.T) {
	got := facade.InsertRequest{Table: "cards", Records: []map[string]any{{"card_number": plantedCard, "ssn": 1}},
		TokenMode: facade.TokenModeEnable, ContinueOnError: true}
	want := `facade.InsertRequest{Table: "cards", Records: [{card_number: <redacted>, ssn: <redacted>}], ` +
		`TokenMode: "ENABLE", ContinueOnError: true}`
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, got); s != want {
			t.Errorf("%s: got %s, want %s", verb, s, want)
		}
	}
	resp := facade.DetokenizeResponse{Records: []facade.DetokenizedRecord{{Index: 1, Token: plantedToken,
		Value: plantedName, ValueType: "STRING"}}, RequestID: "req-9"}
	want = `facade.DetokenizeResponse{Records: [facade.DetokenizedRecord{Index: 1, Token: <redacted>, ` +
		`Value: <redacted>, ValueType: "STRING"}], RequestID: "req-9"}`
	if s := fmt.Sprintf("%v", resp); s != want {
		t.Errorf("got %s, want %s", s, want)
	}
}

// leakySource is a caller's token source whose own printing shows its
// secret: the SDK must never print it.
type leakySource struct{ Secret string }

func (s leakySource) Token(context.Context) (string, error) { return s.Secret, nil }
func (s leakySource) String() string                        { return s.Secret }

// TestConfigsNeverPrintSecrets prints vault and connection configurations
// holding credentials, a caller's token source and URLs with secrets.
func TestConfigsNeverPrintSecrets(t *testing.T) {
	const key = "sky-ab12c-0123456789abcdef0123456789abcdef"
	const ownSecret = "callers-own-secret-token"
	cases := map[string]any{
		"VaultConfig with credentials": facade.VaultConfig{VaultID: "v1", BaseURL: "https://user:pw-secret@vault.example.com/?k=query-secret#frag-secret",
			Credentials: &auth.Credentials{APIKey: key}},
		"VaultConfig with a token source": facade.VaultConfig{VaultID: "v1", ClusterID: "c1", TokenSource: leakySource{ownSecret}},
		"ConnectionConfig": facade.ConnectionConfig{ConnectionID: "c1", URL: "https://gw.example.com/route?api_key=query-secret",
			Credentials: &auth.Credentials{APIKey: key}, TokenSource: leakySource{ownSecret}},
		"*VaultConfig": &facade.VaultConfig{VaultID: "v1", ClusterID: "c1", TokenSource: leakySource{ownSecret}},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			secrets := []string{key, "0123456789abcdef", ownSecret, "pw-secret", "query-secret", "frag-secret"}
			redacttest.NoSecrets(t, redacttest.Printed(v), secrets...)
			redacttest.NoSecrets(t, redacttest.Encoded(v), secrets...)
		})
	}
}

// planted is an httptest server acting as token endpoint, vault and
// connection route; it keeps every credential it received.
type planted struct {
	srv       *httptest.Server
	pem       string
	exchanges atomic.Int64
	reject    atomic.Bool // answer every call but the exchange 401
	mu        sync.Mutex
	creds     []string
}

func newPlanted(t *testing.T) *planted {
	t.Helper()
	p := &planted{pem: redacttest.PrivateKeyPEM(t)}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/oauth/token") {
			p.exchanges.Add(1)
			tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
				"exp": time.Now().Add(time.Hour).Unix(), "sub": "planted-bearer"}).SignedString([]byte("k"))
			_ = json.NewEncoder(w).Encode(map[string]string{"accessToken": tok, "tokenType": "Bearer"})
			return
		}
		p.mu.Lock()
		for _, h := range []string{auth.AuthorizationHeader, auth.ConnectionAuthHeader} {
			if v := r.Header.Get(h); v != "" {
				p.creds = append(p.creds, strings.TrimPrefix(v, "Bearer "))
			}
		}
		p.mu.Unlock()
		if p.reject.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"http_code":401,"message":"token refused"}}`)
			return
		}
		_, _ = io.WriteString(w, `{"records":[]}`)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *planted) credentialsJSON() string {
	return redacttest.CredentialsJSON(p.srv.URL+"/v1/auth/sa/oauth/token", p.pem)
}

func (p *planted) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.creds...)
}

// TestClientAndHandlesNeverPrintSecrets makes calls that cache a
// service-account token, use an API key and a caller's token source, then
// prints the client, its handles and its configurations.
func TestClientAndHandlesNeverPrintSecrets(t *testing.T) {
	const key = "sky-ab12c-fedcba9876543210fedcba9876543210"
	const ownSecret = "callers-own-secret-token"
	p := newPlanted(t)
	saJSON := p.credentialsJSON()
	c, err := facade.New(
		facade.WithCredentials(auth.Credentials{CredentialsJSON: saJSON}),
		facade.WithVault(facade.VaultConfig{VaultID: "sa-vault", BaseURL: p.srv.URL}),
		facade.WithVault(facade.VaultConfig{VaultID: "key-vault", BaseURL: p.srv.URL, Credentials: &auth.Credentials{APIKey: key}}),
		facade.WithConnection(facade.ConnectionConfig{ConnectionID: "conn", URL: p.srv.URL + "/route",
			TokenSource: leakySource{ownSecret}}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var printable []any
	for _, id := range []string{"sa-vault", "key-vault"} {
		v, err := c.Vault(id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Query(ctx, facade.QueryRequest{Query: "SELECT * FROM t"}); err != nil {
			t.Fatal(err)
		}
		d, err := c.Detect(id)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := c.GetVault(id)
		if err != nil {
			t.Fatal(err)
		}
		printable = append(printable, v, d, cfg)
	}
	conn, err := c.Connection("conn")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Invoke(ctx, facade.InvokeRequest{Body: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	connCfg, err := c.GetConnection("conn")
	if err != nil {
		t.Fatal(err)
	}
	common, _ := c.Credentials()
	printable = append(printable, c, conn, connCfg, common)

	secrets := append(p.received(), key, ownSecret, saJSON)
	secrets = append(secrets, redacttest.PEMLines(p.pem)...)
	if len(p.received()) != 3 {
		t.Fatalf("the server got %d credentials, want 3", len(p.received()))
	}
	for _, v := range printable {
		t.Run(fmt.Sprintf("%T", v), func(t *testing.T) {
			redacttest.NoSecrets(t, redacttest.Printed(v), secrets...)
			redacttest.NoSecrets(t, redacttest.Encoded(v), secrets...)
		})
	}
	if s := fmt.Sprintf("%+v", c); !strings.Contains(s, `"sa-vault"`) || !strings.Contains(s, `"conn"`) {
		t.Errorf("the client should print its vault and connection ids: %s", s)
	}
}
