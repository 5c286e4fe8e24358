package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// EnvCredentials is the environment variable read when no credentials are
// given: it holds service-account credentials JSON.
const EnvCredentials = "SKYFLOW_CREDENTIALS"

// Credentials says how the SDK authenticates. Set exactly one of APIKey,
// Token, Path and CredentialsJSON. Roles, Context and TokenURI only apply to
// service-account credentials (Path or CredentialsJSON), which are exchanged
// for short-lived bearer tokens.
//
// Credentials never print a secret: String, GoString, Format (every fmt
// verb), LogValue and MarshalJSON show the kind and a fingerprint only, so a
// Credentials value can be logged or encoded safely; its fields can not. A
// marshalled Credentials does not round-trip.
type Credentials struct {
	// APIKey is a Skyflow API key (sky-XXXXX-<32 hex digits>), sent as the
	// bearer token.
	APIKey string
	// Token is a bearer token obtained elsewhere, used as is. It must be a
	// JWT whose exp has not passed; it is never refreshed.
	Token string
	// Path is the path of a service-account credentials file.
	Path string
	// CredentialsJSON is the content of a service-account credentials file.
	CredentialsJSON string
	// Roles are role ids that scope the service-account token (sent as
	// "role:<id>" entries of the scope). Empty means the account's default.
	Roles []string
	// Context is the optional ctx claim of the service-account assertion: a
	// string, bool, any Go number, or a map with string keys matching
	// ^[a-zA-Z0-9_]+$. nil, "" or an empty map omit the claim.
	Context any
	// TokenURI overrides the tokenURI of the service-account credentials: it
	// becomes both the aud claim and the host of the token exchange. It must
	// be https, except for loopback hosts (127.0.0.0/8, ::1, localhost), with
	// no user information, query or fragment.
	TokenURI string
}

// credKind is the kind of credentials a Credentials value holds.
type credKind int

const (
	kindNone credKind = iota
	kindAPIKey
	kindToken
	kindPath
	kindJSON
)

// String names the kind for messages and logs.
func (k credKind) String() string {
	switch k {
	case kindAPIKey:
		return "api key"
	case kindToken:
		return "static token"
	case kindPath:
		return "service-account file"
	case kindJSON:
		return "service-account json"
	}
	return "none"
}

// given lists the names of the credential kinds that are set.
func (c Credentials) given() ([]string, credKind) {
	var names []string
	k := kindNone
	for _, f := range []struct {
		set  bool
		name string
		kind credKind
	}{
		{c.APIKey != "", "APIKey", kindAPIKey},
		{c.Token != "", "Token", kindToken},
		{c.Path != "", "Path", kindPath},
		{c.CredentialsJSON != "", "CredentialsJSON", kindJSON},
	} {
		if f.set {
			names = append(names, f.name)
			k = f.kind
		}
	}
	return names, k
}

// IsZero reports whether no field is set.
func (c Credentials) IsZero() bool {
	return c.APIKey == "" && c.Token == "" && c.Path == "" && c.CredentialsJSON == "" &&
		len(c.Roles) == 0 && c.Context == nil && c.TokenURI == ""
}

// hasKind reports whether one of APIKey, Token, Path and CredentialsJSON is
// set.
func (c Credentials) hasKind() bool {
	_, k := c.given()
	return k != kindNone
}

// Validate checks the credentials without any network call: exactly one kind
// is set; an API key has the form sky-XXXXX-<32 hex digits>; a static token
// is a JWT that has not expired; role ids are non-empty and free of white
// space; Context has a supported type and keys; a credentials file is a
// readable regular file; service-account credentials hold clientID, keyID, tokenURI and an
// RSA privateKey (PKCS#1 or PKCS#8 PEM); and the token URI is https (or http
// on a loopback host). The first problem found is returned as a
// *skyflow.ValidationError whose Err is one of the package's sentinels. Validate
// does not consult the environment; see CredentialsFromEnv.
func (c Credentials) Validate() error {
	_, err := c.resolve(time.Now())
	return err
}

// resolved is the outcome of validating credentials: everything a token
// source needs, parsed once.
type resolved struct {
	kind   credKind
	secret string // API key or static token
	sa     *serviceAccount
	roles  []string
	ctx    any // normalised ctx claim, nil when omitted
}

var apiKeyPattern = regexp.MustCompile(`^sky-[a-zA-Z0-9]{5}-[a-fA-F0-9]{32}$`)

func (c Credentials) resolve(now time.Time) (*resolved, error) {
	names, kind := c.given()
	switch {
	case len(names) == 0:
		return nil, invalid("", ErrNoCredentials,
			"no credentials: set one of APIKey, Token, Path or CredentialsJSON, or the "+EnvCredentials+" environment variable")
	case len(names) > 1:
		return nil, invalid("", ErrMultipleCredentials,
			"set only one of APIKey, Token, Path and CredentialsJSON (got "+strings.Join(names, ", ")+")")
	}
	r := &resolved{kind: kind}
	if kind == kindAPIKey || kind == kindToken {
		for _, f := range []struct {
			set  bool
			name string
		}{{len(c.Roles) > 0, "Roles"}, {c.Context != nil, "Context"}, {c.TokenURI != "", "TokenURI"}} {
			if f.set {
				return nil, invalid(f.name, ErrNotApplicable,
					"only applies to service-account credentials (Path or CredentialsJSON), not to "+kind.String()+" credentials")
			}
		}
	}
	switch kind {
	case kindAPIKey:
		if err := checkAPIKey(c.APIKey); err != nil {
			return nil, err
		}
		r.secret = c.APIKey
	case kindToken:
		if err := checkStaticToken(c.Token, now); err != nil {
			return nil, err
		}
		r.secret = c.Token
	default:
		roles, err := checkRoles("Roles", c.Roles)
		if err != nil {
			return nil, err
		}
		ctxClaim, err := normalizeCtx("Context", c.Context)
		if err != nil {
			return nil, err
		}
		var sa *serviceAccount
		if kind == kindPath {
			sa, err = loadServiceAccount(c.Path, c.TokenURI)
		} else {
			sa, err = parseServiceAccount([]byte(c.CredentialsJSON), c.TokenURI)
		}
		if err != nil {
			return nil, err
		}
		r.sa, r.roles, r.ctx = sa, roles, ctxClaim
	}
	return r, nil
}

func checkAPIKey(key string) error {
	if !apiKeyPattern.MatchString(key) {
		return invalid("APIKey", ErrInvalidAPIKey,
			"must be sky- followed by 5 letters or digits, a dash and 32 hex digits (42 characters)")
	}
	return nil
}

func checkStaticToken(token string, now time.Time) error {
	_, err := staticTokenExpiry(token, now)
	return err
}

// staticTokenExpiry returns the exp claim of a static bearer token, or the
// error that rejects the token at now.
func staticTokenExpiry(token string, now time.Time) (time.Time, error) {
	exp, ok := Expiry(token)
	if !ok {
		return time.Time{}, invalid("Token", ErrInvalidToken, "bearer token is not a JWT with a numeric exp claim")
	}
	if !now.Before(exp) {
		return time.Time{}, expiredToken(exp)
	}
	return exp, nil
}

func expiredToken(exp time.Time) error {
	return invalid("Token", ErrTokenExpired,
		"bearer token expired at "+exp.UTC().Format(time.RFC3339)+"; supply a fresh token or use service-account credentials")
}

// checkRoles rejects empty role ids and ids containing white space (they
// would corrupt the space-separated scope). It returns a copy.
func checkRoles(field string, roles []string) ([]string, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	out := make([]string, len(roles))
	for i, r := range roles {
		f := field + "[" + strconv.Itoa(i) + "]"
		switch {
		case r == "":
			return nil, invalid(f, ErrInvalidRole, "role id is empty")
		case strings.ContainsFunc(r, isSpace):
			return nil, invalid(f, ErrInvalidRole, "role id contains white space")
		}
		out[i] = r
	}
	return out, nil
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xA0:
		return true
	}
	return false
}

// scopeOf builds the scope of the token exchange: "role:<id>" entries
// joined by single spaces, or "" when there are no roles.
func scopeOf(roles []string) string {
	if len(roles) == 0 {
		return ""
	}
	var b strings.Builder
	for i, r := range roles {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("role:")
		b.WriteString(r)
	}
	return b.String()
}

// CredentialsFromEnv returns service-account credentials taken from the
// SKYFLOW_CREDENTIALS environment variable (a credentials JSON string).
// lookup reads a variable; nil means os.LookupEnv, and tests can pass a map
// lookup instead of touching the process environment. An unset or blank
// variable gives a *skyflow.ValidationError matching ErrNoCredentials. The result is
// not validated; call Validate or pass it to NewTokenSource.
func CredentialsFromEnv(lookup func(key string) (string, bool)) (Credentials, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, _ := lookup(EnvCredentials)
	v = strings.TrimSpace(v)
	if v == "" {
		return Credentials{}, invalid(EnvCredentials, ErrNoCredentials, "environment variable is not set or empty")
	}
	return Credentials{CredentialsJSON: v}, nil
}

// fingerprintKey makes fingerprints unguessable: it is random per process,
// so a fingerprint cannot be checked against guessed secrets.
var fingerprintKey = func() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}()

// Fingerprint returns a short hex digest identifying these credentials (the
// secret, roles, ctx and token URI). Two values with equal fingerprints
// produce the same tokens, so a client can share one TokenSource between
// vaults with equal credentials. It is an HMAC-SHA-256 under a random
// per-process key: no secret can be recovered from it, and it is stable only
// within one process. A Path is compared as a cleaned path, not by content.
func (c Credentials) Fingerprint() string {
	h := hmac.New(sha256.New, fingerprintKey)
	writeField(h, c.APIKey)
	writeField(h, c.Token)
	if c.Path != "" {
		writeField(h, filepath.Clean(c.Path))
	} else {
		writeField(h, "")
	}
	writeField(h, c.CredentialsJSON)
	writeField(h, strconv.Itoa(len(c.Roles)))
	for _, r := range c.Roles {
		writeField(h, r)
	}
	if c.Context == nil {
		writeField(h, "")
	} else if b, err := json.Marshal(c.Context); err == nil {
		writeField(h, string(b))
	} else {
		writeField(h, typeName(c.Context))
	}
	writeField(h, c.TokenURI)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writeField writes a length-prefixed string so field boundaries are
// unambiguous.
func writeField(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}
