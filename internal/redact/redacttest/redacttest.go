// Package redacttest prints a value in every way a program can print it, so
// the SDK's specs can plant a secret in a value and assert that no form
// shows it, and makes the credentials they plant. It is used by tests only.
package redacttest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"testing"
)

// Printed returns the forms of v a program prints without encoding it:
// every verb of fmt on v, on a pointer to it and nested in a struct, a
// slice and a map; fmt.Sprint; String and GoString when v has them; and
// slog's text and JSON handlers, of v alone and nested in a slice and a
// map (which slog's JSON handler encodes with encoding/json). The keys
// name the forms.
func Printed(v any) map[string]string {
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v"}
	out := map[string]string{}
	forms := map[string]any{
		"value":  v,
		"struct": struct{ V any }{v},
		"slice":  []any{v},
		"map":    map[string]any{"v": v},
	}
	if rv := reflect.ValueOf(v); rv.IsValid() && rv.Kind() != reflect.Pointer {
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		forms["pointer"] = p.Interface()
	}
	for name, f := range forms {
		for _, verb := range verbs {
			out[name+" "+verb] = fmt.Sprintf(verb, f)
		}
	}
	out["Sprint"] = fmt.Sprint(v)
	if s, ok := v.(fmt.Stringer); ok {
		out["String"] = s.String()
	}
	if s, ok := v.(fmt.GoStringer); ok {
		out["GoString"] = s.GoString()
	}
	// No time attribute: a timestamp's digits could match a planted value.
	noTime := &slog.HandlerOptions{ReplaceAttr: dropTime}
	for name, attr := range map[string]any{"": v, " slice": []any{v}, " map": map[string]any{"v": v}} {
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, noTime)).Info("m", "v", attr)
		slog.New(slog.NewJSONHandler(&js, noTime)).Info("m", "v", attr)
		out["slog text"+name] = text.String()
		out["slog json"+name] = js.String()
	}
	return out
}

// Encoded returns json.Marshal of v, alone and nested in a map (the error
// text when marshalling fails).
func Encoded(v any) map[string]string {
	out := map[string]string{}
	for name, f := range map[string]any{"json": v, "json nested": map[string]any{"v": v}} {
		data, err := json.Marshal(f)
		if err != nil {
			out[name] = err.Error()
			continue
		}
		out[name] = string(data)
	}
	return out
}

// NoSecrets fails t for every form that contains one of secrets. Empty
// secrets are ignored.
func NoSecrets(t testing.TB, forms map[string]string, secrets ...string) {
	t.Helper()
	for name, s := range forms {
		for _, secret := range secrets {
			if secret != "" && strings.Contains(s, secret) {
				t.Errorf("%s prints a secret: %q", name, s)
			}
		}
	}
}

// PrivateKeyPEM returns a new RSA private key as PKCS#8 PEM, to plant in
// service-account credentials (1024 bits: fast, and only signs test
// assertions).
func PrivateKeyPEM(t testing.TB) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// PEMLines returns the base64 lines of a PEM text: each one is a secret.
func PEMLines(pemText string) []string {
	var out []string
	for _, l := range strings.Split(pemText, "\n") {
		if l != "" && !strings.HasPrefix(l, "-----") {
			out = append(out, l)
		}
	}
	return out
}

// CredentialsJSON returns service-account credentials with the given token
// URI and private key.
func CredentialsJSON(tokenURI, pemText string) string {
	data, _ := json.Marshal(map[string]string{ // strings always encode
		"clientID": "client-id-1", "keyID": "key-id-1", "tokenURI": tokenURI, "privateKey": pemText,
	})
	return string(data)
}

// Stderr runs fn with os.Stderr redirected to a pipe and returns what was
// written to it: what a program shows its user without being asked.
func Stderr(t testing.TB, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() { os.Stderr = saved }()
	fn()
	_ = w.Close()
	os.Stderr = saved
	return <-done
}

// dropTime removes the record's time from a handler's output.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
