package redacttest

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The slog forms carry no timestamp: its digits could contain a planted
// value (a card's last four digits, say) and fail a spec at random.
func TestPrintedSlogFormsHaveNoTime(t *testing.T) {
	out := Printed("x")
	for _, form := range []string{"slog text", "slog json"} {
		if strings.Contains(out[form], "time") {
			t.Errorf("%s holds a time: %s", form, out[form])
		}
		if !strings.Contains(out[form], "x") {
			t.Errorf("%s lost the value: %s", form, out[form])
		}
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, format)
}

// NoSecrets reports each form that holds a secret, ignores empty secrets
// and passes clean forms.
func TestNoSecretsReportsEachLeak(t *testing.T) {
	r := &recorder{TB: t}
	NoSecrets(r, map[string]string{"a": "holds s3cret", "b": "clean", "c": "s3cret again"}, "s3cret", "")
	if len(r.failures) != 2 {
		t.Fatalf("failures = %d, want 2 (forms a and c)", len(r.failures))
	}
	r = &recorder{TB: t}
	NoSecrets(r, map[string]string{"a": "clean"}, "")
	if len(r.failures) != 0 {
		t.Fatalf("an empty secret matched: %v", r.failures)
	}
}

// Encoded marshals the value alone and nested, and keeps the error text of
// a value that cannot be marshalled.
func TestEncoded(t *testing.T) {
	out := Encoded(map[string]int{"n": 1})
	if out["json"] != `{"n":1}` || out["json nested"] != `{"v":{"n":1}}` {
		t.Fatalf("Encoded = %v", out)
	}
	out = Encoded(make(chan int))
	if !strings.Contains(out["json"], "unsupported type") || !strings.Contains(out["json nested"], "unsupported type") {
		t.Fatalf("Encoded(chan) = %v", out)
	}
}

// The planted key is a parsable PKCS#8 RSA key; its secret lines are the
// base64 lines only; the credentials carry both planted values.
func TestPlantedCredentials(t *testing.T) {
	pemText := PrivateKeyPEM(t)
	block, _ := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("not a PEM private key: %q", pemText)
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		t.Fatal(err)
	}
	lines := PEMLines(pemText)
	if len(lines) == 0 || strings.Join(lines, "") != base64.StdEncoding.EncodeToString(block.Bytes) {
		t.Fatalf("PEMLines = %q", lines)
	}
	var creds map[string]string
	if err := json.Unmarshal([]byte(CredentialsJSON("https://t.example/token", pemText)), &creds); err != nil {
		t.Fatal(err)
	}
	if creds["tokenURI"] != "https://t.example/token" || creds["privateKey"] != pemText || creds["clientID"] == "" || creds["keyID"] == "" {
		t.Fatalf("CredentialsJSON = %v", creds)
	}
}

// Stderr returns what fn writes to os.Stderr and puts os.Stderr back.
func TestStderr(t *testing.T) {
	saved := os.Stderr
	out := Stderr(t, func() { fmt.Fprint(os.Stderr, "to stderr") })
	if out != "to stderr" || os.Stderr != saved {
		t.Fatalf("Stderr = %q (os.Stderr restored: %v)", out, os.Stderr == saved)
	}
}
