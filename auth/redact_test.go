package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

func bearerJWT(t *testing.T, exp time.Time) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp.Unix(), "sub": "planted"}).
		SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSecretsNeverPrint plants a secret in every type of the package that
// holds one and prints it every way: no form shows the secret.
func TestSecretsNeverPrint(t *testing.T) {
	const apiKey = "sky-ab12c-5ec7e75ec7e75ec7e75ec7e75ec7e75e"
	const keyHex = "5ec7e75ec7e75ec7e75ec7e75ec7e75e"
	clock := newFakeClock()
	ep := newTokenEndpoint(t, clock)
	staticTok := bearerJWT(t, time.Now().Add(time.Hour))
	credsJSON := ep.credentialsJSON()
	pemSecrets := redacttest.PEMLines(ep.pemKey)
	const path = "/home/planted-user/secret-dir/planted-creds.json"

	ctx := context.Background()
	keySource, err := auth.APIKeySource(apiKey)
	if err != nil {
		t.Fatal(err)
	}
	keyFromCreds, err := auth.NewTokenSource(auth.Credentials{APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	static, err := auth.StaticTokenSource(staticTok)
	if err != nil {
		t.Fatal(err)
	}
	staticFromCreds, err := auth.NewTokenSource(auth.Credentials{Token: staticTok})
	if err != nil {
		t.Fatal(err)
	}
	saSource, err := auth.NewTokenSource(auth.Credentials{CredentialsJSON: credsJSON}, auth.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	cached, err := saSource.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	saFromCreds, err := auth.NewTokenSource(auth.Credentials{CredentialsJSON: credsJSON, Roles: []string{"r1"}},
		auth.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	cached2, err := saFromCreds.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}

	signed, err := auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: credsJSON},
		auth.SignedDataTokensRequest{DataTokens: []string{"tok-planted-data-token"}})
	if err != nil {
		t.Fatal(err)
	}
	signedSecrets := []string{signed[0].SignedToken, strings.TrimPrefix(signed[0].SignedToken, auth.SignedTokenPrefix),
		"tok-planted-data-token"}
	t.Run("SignedDataToken", func(t *testing.T) {
		printed := redacttest.Printed(signed[0])
		// encoding/json encodes signed tokens, which are meant to be
		// handed on; so does slog's JSON handler for a slice or map of
		// them (see SignedDataToken).
		delete(printed, "slog json slice")
		delete(printed, "slog json map")
		redacttest.NoSecrets(t, printed, signedSecrets...)
	})
	t.Run("SignedDataTokens", func(t *testing.T) {
		// What GenerateSignedDataTokens returns prints no token, slog's
		// JSON handler included; nested in a plain slice or map, that
		// handler encodes it with encoding/json, which hands tokens on.
		printed := redacttest.Printed(signed)
		delete(printed, "slog json slice")
		delete(printed, "slog json map")
		redacttest.NoSecrets(t, printed, signedSecrets...)
		// json.Marshal hands the tokens on.
		b, err := json.Marshal(signed)
		if err != nil || !strings.Contains(string(b), signed[0].SignedToken) {
			t.Errorf("json.Marshal(SignedDataTokens) = %s, %v: want the signed tokens", b, err)
		}
	})

	cases := []struct {
		name    string
		v       any
		secrets []string
	}{
		{"Credentials with an API key", auth.Credentials{APIKey: apiKey}, []string{apiKey, keyHex}},
		{"Credentials with a token", auth.Credentials{Token: staticTok}, []string{staticTok}},
		{"Credentials with a path", auth.Credentials{Path: path, Roles: []string{"r"}}, []string{path, "planted"}},
		{"Credentials with JSON", auth.Credentials{CredentialsJSON: credsJSON}, append([]string{credsJSON}, pemSecrets...)},
		{"Credentials with several kinds", auth.Credentials{APIKey: apiKey, Token: staticTok},
			[]string{apiKey, keyHex, staticTok}},
		{"Token", auth.Token{AccessToken: staticTok, TokenType: "Bearer", Expiry: clock.Now()}, []string{staticTok}},
		{"*Token", &auth.Token{AccessToken: staticTok, TokenType: "Bearer"}, []string{staticTok}},
		{"APIKeySource", keySource, []string{apiKey, keyHex}},
		{"NewTokenSource of an API key", keyFromCreds, []string{apiKey, keyHex}},
		{"StaticTokenSource", static, []string{staticTok}},
		{"NewTokenSource of a token", staticFromCreds, []string{staticTok}},
		{"ServiceAccountSource with a cached token", saSource, append([]string{cached}, pemSecrets...)},
		{"NewTokenSource of service-account JSON", saFromCreds, append([]string{cached2, credsJSON}, pemSecrets...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			printed := redacttest.Printed(c.v)
			redacttest.NoSecrets(t, printed, c.secrets...)
			redacttest.NoSecrets(t, redacttest.Encoded(c.v), c.secrets...)
			if !strings.Contains(printed["value %v"], "auth.") {
				t.Errorf("%%v should name the type: %q", printed["value %v"])
			}
		})
	}
}

// %p bypasses every method of a value that is not a pointer (fmt prints
// its fields; go vet reports the misuse). The token sources are pointers,
// so %p of one, alone or inside a configuration, prints an address.
func TestTokenSourcesArePointers(t *testing.T) {
	const apiKey = "sky-ab12c-0123456789abcdef0123456789abcdef"
	key, err := auth.APIKeySource(apiKey)
	if err != nil {
		t.Fatal(err)
	}
	fromCreds, err := auth.NewTokenSource(auth.Credentials{APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range []auth.TokenSource{key, fromCreds} {
		for _, v := range []any{ts, struct{ TS auth.TokenSource }{ts}} {
			if out := fmt.Sprintf("%p", v); strings.Contains(out, apiKey) {
				t.Errorf("%%p prints the key: %s", out)
			}
		}
	}
}

// TestMarshalledCredentialsDoNotRoundTrip checks that encoding/json gives
// the kind and fingerprint of credentials, and that decoding that back
// yields no credentials at all.
func TestMarshalledCredentialsDoNotRoundTrip(t *testing.T) {
	c := auth.Credentials{APIKey: "sky-ab12c-0123456789abcdef0123456789abcdef"}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var shown map[string]string
	if err := json.Unmarshal(data, &shown); err != nil {
		t.Fatal(err)
	}
	if shown["kind"] != "api key" || shown["fingerprint"] != c.Fingerprint() || len(shown) != 2 {
		t.Fatalf("json.Marshal(Credentials) = %s, want kind and fingerprint", data)
	}
	var back auth.Credentials
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !back.IsZero() {
		t.Fatalf("decoded credentials hold %v", back)
	}

	tok := auth.Token{AccessToken: "x.y.z", TokenType: "Bearer"}
	data, err = json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	var backTok auth.Token
	if err := json.Unmarshal(data, &backTok); err != nil {
		t.Fatal(err)
	}
	if backTok.AccessToken != "" {
		t.Fatalf("a marshalled token round-trips: %s", data)
	}
}
