package auth

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/skyflowgo/skyflow/internal/redact"
)

// This file holds how the package's types print. Every type that holds a
// secret (an API key, a bearer token, a private key, credentials JSON or a
// credentials path) describes itself with a redact.Desc of safe attributes
// (a kind, a fingerprint, ids, an expiry) and prints that description in
// String, GoString, Format (every verb), LogValue and MarshalJSON. A
// marshalled value therefore never round-trips a secret.

func (c Credentials) describe() redact.Desc {
	names, k := c.given()
	switch {
	case len(names) > 1:
		return redact.New("auth.Credentials", "kind", "several ("+strings.Join(names, ", ")+")")
	case k == kindNone:
		return redact.New("auth.Credentials", "kind", k.String())
	}
	return redact.New("auth.Credentials", "kind", k.String(), "fingerprint", c.Fingerprint())
}

// String describes the credentials by kind and fingerprint, never by value.
func (c Credentials) String() string { return c.describe().String() }

// GoString is String, so %#v prints no secret.
func (c Credentials) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb prints String.
func (c Credentials) Format(f fmt.State, verb rune) { c.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the kind and fingerprint only.
func (c Credentials) LogValue() slog.Value { return c.describe().LogValue() }

// MarshalJSON encodes the kind and fingerprint only: {"kind": ...,
// "fingerprint": ...}. Credentials cannot be stored through encoding/json.
func (c Credentials) MarshalJSON() ([]byte, error) { return c.describe().MarshalJSON() }

func (t Token) describe() redact.Desc {
	return redact.New("auth.Token", "type", t.TokenType, "expiry", t.Expiry)
}

// String describes the token by type and expiry, never by value.
func (t Token) String() string { return t.describe().String() }

// GoString is String, so %#v prints no secret.
func (t Token) GoString() string { return t.String() }

// Format implements fmt.Formatter: every verb prints String.
func (t Token) Format(f fmt.State, verb rune) { t.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the type and expiry only.
func (t Token) LogValue() slog.Value { return t.describe().LogValue() }

// MarshalJSON encodes the type and expiry only, never AccessToken.
func (t Token) MarshalJSON() ([]byte, error) { return t.describe().MarshalJSON() }

func (sa *serviceAccount) describe() redact.Desc {
	if sa == nil {
		return redact.New("auth.ServiceAccount(nil)")
	}
	return redact.New("auth.ServiceAccount", "client_id", sa.clientID, "key_id", sa.keyID)
}

// String describes the service account by its client and key ids only.
func (sa *serviceAccount) String() string { return sa.describe().String() }

// GoString is String, so %#v does not dump the private key.
func (sa *serviceAccount) GoString() string { return sa.String() }

// Format implements fmt.Formatter: every verb prints String.
func (sa *serviceAccount) Format(f fmt.State, verb rune) { sa.describe().Format(f, verb) }

// LogValue implements slog.LogValuer; only the client and key ids are logged.
func (sa *serviceAccount) LogValue() slog.Value { return sa.describe().LogValue() }

// MarshalJSON encodes the client and key ids only, never the private key.
func (sa *serviceAccount) MarshalJSON() ([]byte, error) { return sa.describe().MarshalJSON() }

func (s *apiKeySource) describe() redact.Desc {
	return redact.New("auth.APIKeySource", "kind", kindAPIKey.String(),
		"fingerprint", Credentials{APIKey: s.key}.Fingerprint())
}

// String describes the source by kind and fingerprint, never by the key.
func (s *apiKeySource) String() string { return s.describe().String() }

// GoString is String, so %#v prints no key.
func (s *apiKeySource) GoString() string { return s.String() }

// Format implements fmt.Formatter: every verb prints String.
func (s *apiKeySource) Format(f fmt.State, verb rune) { s.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the kind and fingerprint only.
func (s *apiKeySource) LogValue() slog.Value { return s.describe().LogValue() }

// MarshalJSON encodes the kind and fingerprint only.
func (s *apiKeySource) MarshalJSON() ([]byte, error) { return s.describe().MarshalJSON() }

func (s *staticSource) describe() redact.Desc {
	return redact.New("auth.StaticTokenSource", "kind", kindToken.String(),
		"fingerprint", Credentials{Token: s.token}.Fingerprint(), "expiry", s.exp)
}

// String describes the source by kind, fingerprint and expiry, never by the
// token.
func (s *staticSource) String() string { return s.describe().String() }

// GoString is String, so %#v prints no token.
func (s *staticSource) GoString() string { return s.String() }

// Format implements fmt.Formatter: every verb prints String.
func (s *staticSource) Format(f fmt.State, verb rune) { s.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the kind, fingerprint and expiry.
func (s *staticSource) LogValue() slog.Value { return s.describe().LogValue() }

// MarshalJSON encodes the kind, fingerprint and expiry only.
func (s *staticSource) MarshalJSON() ([]byte, error) { return s.describe().MarshalJSON() }

func (s *ServiceAccountSource) describe() redact.Desc {
	if s == nil {
		return redact.New("auth.ServiceAccountSource(nil)")
	}
	cur := s.cur.Load()
	var expiry any
	if cur != nil {
		expiry = cur.expiry
	}
	return redact.New("auth.ServiceAccountSource", "client_id", s.ex.sa.clientID, "key_id", s.ex.sa.keyID,
		"token_expiry", expiry)
}

// String describes the source by the service account's client and key ids
// and the expiry of the cached token, never by the token or the key.
func (s *ServiceAccountSource) String() string { return s.describe().String() }

// GoString is String, so %#v prints no token.
func (s *ServiceAccountSource) GoString() string { return s.String() }

// Format implements fmt.Formatter: every verb prints String.
func (s *ServiceAccountSource) Format(f fmt.State, verb rune) { s.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the ids and the token's expiry.
func (s *ServiceAccountSource) LogValue() slog.Value { return s.describe().LogValue() }

// MarshalJSON encodes the ids and the token's expiry only.
func (s *ServiceAccountSource) MarshalJSON() ([]byte, error) { return s.describe().MarshalJSON() }

func (t SignedDataToken) describe() redact.Desc {
	exp, _ := Expiry(strings.TrimPrefix(t.SignedToken, SignedTokenPrefix))
	return redact.New("auth.SignedDataToken", "data_token", hiddenIfSet(t.DataToken),
		"signed_token", hiddenIfSet(t.SignedToken), "expiry", exp)
}

// hiddenIfSet stands for a secret that is set, nil otherwise.
func hiddenIfSet(s string) any {
	if s == "" {
		return nil
	}
	return redact.Text(redact.Hidden)
}

// Format implements fmt.Formatter: every verb prints the signed token's
// expiry, never the tokens. encoding/json still encodes both tokens (the
// type has no MarshalJSON): signed tokens are meant to be handed on.
func (t SignedDataToken) Format(f fmt.State, verb rune) { t.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the expiry only.
func (t SignedDataToken) LogValue() slog.Value { return t.describe().LogValue() }

// LogValue implements slog.LogValuer: each signed token as its expiry, so
// that no handler (slog's JSON handler encodes a plain slice with
// encoding/json) reaches the tokens.
func (ts SignedDataTokens) LogValue() slog.Value {
	descs := make([]redact.Desc, len(ts))
	for i := range ts {
		descs[i] = ts[i].describe()
	}
	return slog.AnyValue(descs)
}
