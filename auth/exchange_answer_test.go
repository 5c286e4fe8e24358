package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

// A success answer the SDK cannot use matches ErrUnexpectedResponse.
func TestUnusableTokenAnswersAreUnexpected(t *testing.T) {
	for _, body := range []string{`{}`, `not json`, `{"accessToken":""}`, `{"accessToken":5}`, `null`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		}))
		creds := auth.Credentials{CredentialsJSON: redacttest.CredentialsJSON(srv.URL+"/t", redacttest.PrivateKeyPEM(t))}
		_, err := auth.GenerateBearerToken(context.Background(), creds)
		var apiErr *skyflow.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, skyflow.ErrUnexpectedResponse) {
			t.Errorf("%s: got %v, want an *APIError matching ErrUnexpectedResponse", body, err)
		}
		srv.Close()
	}
}

// A token endpoint that quotes the signed assertion back (in its message or
// its details) does not put it into the error or a log line.
func TestAnEchoedAssertionIsNeverShown(t *testing.T) {
	var assertion string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Assertion string `json:"assertion"`
		}
		_ = json.NewDecoder(r.Body).Decode(&in)
		assertion = in.Assertion
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"message":"invalid assertion `+in.Assertion+`","details":[{"got":"`+in.Assertion+`","nested":[{"a":"`+in.Assertion+`"}]}]}}`)
	}))
	defer srv.Close()
	creds := auth.Credentials{CredentialsJSON: redacttest.CredentialsJSON(srv.URL+"/t", redacttest.PrivateKeyPEM(t))}
	var err error
	// The source logs to stderr (a level, no logger): built inside the
	// capture, so that its handler writes there.
	logs := redacttest.Stderr(t, func() {
		var ts auth.TokenSource
		if ts, err = auth.NewTokenSource(creds, auth.WithLogLevel(skyflow.LogLevelDebug)); err == nil {
			_, err = ts.Token(context.Background())
		}
	})
	if assertion == "" || err == nil || !strings.Contains(logs, "refresh failed") {
		t.Fatalf("no exchange happened, or it was not logged: %v %q", err, logs)
	}
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %v", err)
	}
	details, _ := json.Marshal(apiErr.Details)
	for name, text := range map[string]string{"error": err.Error(), "message": apiErr.Message, "details": string(details), "log": logs} {
		if strings.Contains(text, assertion) {
			t.Errorf("the %s shows the assertion: %s", name, text)
		}
	}
	if !strings.Contains(apiErr.Message, "invalid assertion <assertion>") {
		t.Errorf("the server's message is lost: %q", apiErr.Message)
	}
}

// An RSA key too small to sign with is refused when the credentials are
// checked, not at every exchange; a PEM whose CRLF line breaks were escaped
// twice still parses.
func TestPrivateKeyChecks(t *testing.T) {
	pemOf := func(k *rsa.PrivateKey) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	}
	t.Setenv("GODEBUG", "rsa1024min=0") // crypto/rsa generates a 512-bit key only so
	tiny, err := rsa.GenerateKey(rand.Reader, 512)
	if err != nil {
		t.Fatal(err)
	}
	c := auth.Credentials{CredentialsJSON: redacttest.CredentialsJSON("https://manage.example.com/t", pemOf(tiny))}
	if err := c.Validate(); !errors.Is(err, auth.ErrInvalidPrivateKey) {
		t.Errorf("a 512-bit key: %v, want ErrInvalidPrivateKey", err)
	}

	good := redacttest.PrivateKeyPEM(t)
	escaped := strings.ReplaceAll(good, "\n", `\r\n`)
	c = auth.Credentials{CredentialsJSON: redacttest.CredentialsJSON("https://manage.example.com/t", escaped)}
	if err := c.Validate(); err != nil {
		t.Errorf("a PEM with escaped CRLF line breaks: %v", err)
	}
}
