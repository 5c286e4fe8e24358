package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skyflowgo/skyflow"
)

func saFields(t *testing.T) map[string]any {
	return map[string]any{
		"clientID": testClientID, "keyID": testKeyID, "tokenURI": "https://manage.example.com/v1/auth/sa/oauth/token",
		"privateKey": pkcs8PEM(t, testKey(t)),
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseServiceAccount(t *testing.T) {
	sa, err := parseServiceAccount([]byte(saJSON(t, "https://manage.example.com/v1/auth/sa/oauth/token")), "")
	if err != nil {
		t.Fatal(err)
	}
	if sa.clientID != testClientID || sa.keyID != testKeyID || sa.clientName != "test client" ||
		sa.tokenURI != "https://manage.example.com/v1/auth/sa/oauth/token" || sa.origin != "https://manage.example.com" {
		t.Fatalf("parsed %+v", sa)
	}
	if !sa.key.Equal(testKey(t)) {
		t.Fatal("the private key is parsed")
	}

	// What the printers show: ids, never the key.
	line := strings.Split(pkcs8PEM(t, testKey(t)), "\n")[3]
	for _, s := range []string{sa.String(), sa.GoString(), fmt.Sprintf("%v %#v", sa, sa), sa.LogValue().String()} {
		if !strings.Contains(s, testClientID) || strings.Contains(s, line) {
			t.Errorf("printed %q", s)
		}
	}
	var nilSA *serviceAccount
	if nilSA.String() != "auth.ServiceAccount(nil){}" || nilSA.LogValue().String() != "[]" {
		t.Error("a nil account prints safely")
	}

	sa, err = parseServiceAccount([]byte(saJSON(t, "https://a.example.com/t")), "http://127.0.0.1:8080/token")
	if err != nil || sa.tokenURI != "http://127.0.0.1:8080/token" || sa.origin != "http://127.0.0.1:8080" {
		t.Fatalf("override: %v %+v", err, sa)
	}
}

func TestParseServiceAccountAcceptsCommonShapes(t *testing.T) {
	k := testKey(t)
	snake := map[string]any{"client_id": testClientID, "key_id": testKeyID, "token_uri": "https://x.example.com/t", "private_key": pkcs1PEM(k), "client_name": "n"}
	both := saFields(t)
	both["client_id"] = "ignored"
	raw := strings.Replace(marshal(t, saFields(t)), `\n`, "\n", -1) // a PEM pasted with real line breaks
	doubly := strings.Replace(marshal(t, saFields(t)), `\n`, `\\n`, -1)
	mismatched := saFields(t)
	mismatched["privateKey"] = strings.Replace(pkcs8PEM(t, k), "PRIVATE KEY", "RSA PRIVATE KEY", 2)
	mismatched2 := saFields(t)
	mismatched2["privateKey"] = strings.Replace(pkcs1PEM(k), "RSA PRIVATE KEY", "PRIVATE KEY", 2)
	nullName := saFields(t)
	nullName["clientName"] = nil
	for name, data := range map[string]string{
		"snake_case":             marshal(t, snake),
		"camelCase wins":         marshal(t, both),
		"raw line breaks":        raw,
		"escaped twice":          doubly,
		"byte-order mark":        "\xef\xbb\xbf" + marshal(t, saFields(t)),
		"PKCS#8 under RSA label": marshal(t, mismatched),
		"PKCS#1 under PKCS#8":    marshal(t, mismatched2),
		"null clientName":        marshal(t, nullName),
	} {
		sa, err := parseServiceAccount([]byte(data), "")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if sa.clientID != testClientID || !sa.key.Equal(k) {
			t.Errorf("%s: parsed %v", name, sa)
		}
	}
}

func TestParseServiceAccountRejects(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalECPrivateKey(ec)
	with := func(k string, v any) string {
		f := saFields(t)
		if v == nil {
			delete(f, k)
		} else {
			f[k] = v
		}
		return marshal(t, f)
	}
	encrypted := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: []byte{1}}))
	for _, c := range []struct {
		name, data string
		sentinel   error
		field      string
	}{
		{"empty", "  ", ErrInvalidCredentialsJSON, "credentials"},
		{"syntax error", `{"clientID":`, ErrInvalidCredentialsJSON, "credentials"},
		{"an array", `[1]`, ErrInvalidCredentialsJSON, "credentials"},
		{"null", `null`, ErrInvalidCredentialsJSON, "credentials"},
		{"no clientID", with("clientID", nil), ErrMissingClientID, "clientID"},
		{"blank keyID", with("keyID", "  "), ErrMissingKeyID, "keyID"},
		{"no tokenURI", with("tokenURI", nil), ErrMissingTokenURI, "tokenURI"},
		{"no privateKey", with("privateKey", nil), ErrMissingPrivateKey, "privateKey"},
		{"clientID not a string", with("clientID", 12), ErrInvalidCredentialsJSON, "clientID"},
		{"http token URI", with("tokenURI", "http://example.com/t"), ErrInvalidTokenURI, "tokenURI"},
		{"not PEM", with("privateKey", "abc"), ErrInvalidPrivateKey, "privateKey"},
		{"EC key", with("privateKey", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}))), ErrNotRSAKey, "privateKey"},
		{"EC key as PKCS#8", with("privateKey", pkcs8PEM(t, ec)), ErrNotRSAKey, "privateKey"},
		{"encrypted PKCS#8", with("privateKey", string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}))), ErrInvalidPrivateKey, "privateKey"},
		{"encrypted PKCS#1", with("privateKey", encrypted), ErrInvalidPrivateKey, "privateKey"},
		{"other block", with("privateKey", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}))), ErrInvalidPrivateKey, "privateKey"},
		{"garbage DER", with("privateKey", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}))), ErrInvalidPrivateKey, "privateKey"},
	} {
		_, err := parseServiceAccount([]byte(c.data), "")
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, c.sentinel) || ve.Field != c.field {
			t.Errorf("%s: got %v, want field %s matching %v", c.name, err, c.field, c.sentinel)
		}
	}
	if _, err := parseServiceAccount([]byte(with("tokenURI", nil)), "ftp://x"); !errors.Is(err, ErrInvalidTokenURI) {
		t.Errorf("a bad override: %v", err)
	} else if ve := (*skyflow.ValidationError)(nil); !errors.As(err, &ve) || ve.Field != "TokenURI" {
		t.Errorf("a bad override names TokenURI: %v", err)
	}
}

func TestLoadServiceAccount(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "creds.json")
	if err := os.WriteFile(path, []byte(saJSON(t, "https://x.example.com/t")), 0o600); err != nil {
		t.Fatal(err)
	}
	sa, err := loadServiceAccount(path, "")
	if err != nil || sa.clientID != testClientID {
		t.Fatalf("%v", err)
	}

	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, maxCredentialsFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		is         []error
	}{
		{"empty path", "", []error{ErrCredentialsFile}},
		{"missing", filepath.Join(dir, "nope.json"), []error{ErrCredentialsFile, fs.ErrNotExist}},
		{"too large", big, []error{ErrCredentialsFile}},
		{"a directory", dir, []error{ErrCredentialsFile}},
	} {
		_, err := loadServiceAccount(c.path, "")
		for _, target := range c.is {
			if !errors.Is(err, target) {
				t.Errorf("%s: %v does not match %v", c.name, err, target)
			}
		}
		if err != nil && c.path != "" && strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: the error names the path: %v", c.name, err)
		}
	}
	if os.Geteuid() != 0 { // root reads any file
		locked := filepath.Join(dir, "locked.json")
		_ = os.WriteFile(locked, []byte("{}"), 0)
		if _, err := loadServiceAccount(locked, ""); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("unreadable: %v", err)
		}
	}
}

func TestCredentialsValidate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "creds.json")
	if err := os.WriteFile(path, []byte(saJSON(t, "https://x.example.com/t")), 0o600); err != nil {
		t.Fatal(err)
	}
	const key = "sky-ab12c-0123456789abcdef0123456789abcdef"
	future := testJWT(t, map[string]any{"exp": time.Now().Add(time.Hour).Unix()})
	for _, good := range []Credentials{
		{APIKey: key},
		{Token: future},
		{Path: path, Roles: []string{"r"}, Context: map[string]any{"user": "u"}},
		{CredentialsJSON: saJSON(t, "https://x.example.com/t"), TokenURI: "http://localhost:9/t"},
	} {
		if err := good.Validate(); err != nil {
			t.Errorf("%v: %v", good, err)
		}
	}
	for _, c := range []struct {
		creds    Credentials
		sentinel error
	}{
		{Credentials{}, ErrNoCredentials},
		{Credentials{APIKey: key, Token: future}, ErrMultipleCredentials},
		{Credentials{APIKey: "sky-bad"}, ErrInvalidAPIKey},
		{Credentials{APIKey: key, Roles: []string{"r"}}, ErrNotApplicable},
		{Credentials{Token: future, Context: "c"}, ErrNotApplicable},
		{Credentials{Token: future, TokenURI: "https://x"}, ErrNotApplicable},
		{Credentials{Token: testJWT(t, map[string]any{"exp": time.Now().Add(-time.Minute).Unix()})}, ErrTokenExpired},
		{Credentials{Path: path, Roles: []string{"a b"}}, ErrInvalidRole},
		{Credentials{Path: path, Context: map[string]any{"bad key": 1}}, ErrInvalidContextKey},
		{Credentials{Path: filepath.Join(dir, "missing")}, ErrCredentialsFile},
		{Credentials{CredentialsJSON: "{"}, ErrInvalidCredentialsJSON},
	} {
		if err := c.creds.Validate(); !errors.Is(err, c.sentinel) || !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%v: got %v, want %v", c.creds, err, c.sentinel)
		}
	}
}

func TestCredentialsFingerprintAndPrinting(t *testing.T) {
	a := Credentials{Path: "./dir/../creds.json", Roles: []string{"r"}, Context: map[string]any{"k": 1}}
	b := Credentials{Path: "creds.json", Roles: []string{"r"}, Context: map[string]any{"k": 1}}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("equal credentials (a cleaned path) share a fingerprint")
	}
	for _, other := range []Credentials{
		{Path: "creds.json"},
		{Path: "creds.json", Roles: []string{"r", "s"}},
		{Path: "creds.json", Roles: []string{"r"}, Context: map[string]any{"k": 2}},
		{Path: "creds.json", Roles: []string{"r"}, Context: map[string]any{"k": 1}, TokenURI: "https://x"},
		{CredentialsJSON: "creds.json", Roles: []string{"r"}, Context: map[string]any{"k": 1}},
		{Path: "creds.json", Roles: []string{"r"}, Context: func() {}},
	} {
		if other.Fingerprint() == b.Fingerprint() {
			t.Errorf("%#v shares a fingerprint", other)
		}
	}

	const key = "sky-ab12c-0123456789abcdef0123456789abcdef"
	if s := (Credentials{}).String(); s != `auth.Credentials{kind: "none"}` {
		t.Errorf("%q", s)
	}
	if s := (Credentials{APIKey: key, Token: "t"}).String(); s != `auth.Credentials{kind: "several (APIKey, Token)"}` {
		t.Errorf("%q", s)
	}
	for _, c := range []Credentials{{APIKey: key}, {Token: "tok-secret"}, {Path: "/p/creds.json"}, {CredentialsJSON: `{"privateKey":"pk-secret"}`}} {
		out := c.String() + c.GoString() + c.LogValue().String() + fmt.Sprint(slog.Any("c", c))
		for _, secret := range []string{key, "tok-secret", "/p/creds.json", "pk-secret"} {
			if strings.Contains(out, secret) {
				t.Errorf("%q prints a secret", out)
			}
		}
	}
	if !(Credentials{}).IsZero() || (Credentials{Roles: []string{"r"}}).IsZero() {
		t.Error("IsZero")
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	env := map[string]string{EnvCredentials: "  {\"a\":1}  "}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c, err := CredentialsFromEnv(lookup)
	if err != nil || c.CredentialsJSON != `{"a":1}` {
		t.Fatalf("%+v, %v", c, err)
	}
	env[EnvCredentials] = " "
	if _, err := CredentialsFromEnv(lookup); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("blank: %v", err)
	}
	t.Setenv(EnvCredentials, "")
	if _, err := CredentialsFromEnv(nil); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("the process environment: %v", err)
	}
}

func TestGenerateBearerToken(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, time.Hour)
	path := filepath.Join(t.TempDir(), "creds.json")
	if err := os.WriteFile(path, []byte(saJSON(t, "https://unused.example.com/t")), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := []Option{WithHTTPClient(e.srv.Client()), WithClock(c.Now)}

	tok, err := GenerateBearerToken(context.Background(),
		Credentials{Path: path, Roles: []string{"r1"}, Context: map[string]any{"user": "u1"}, TokenURI: e.tokenURI()}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != e.token(0) || tok.TokenType != "Bearer" || !tok.Expiry.Equal(c.Now().Add(time.Hour).Truncate(time.Second)) {
		t.Fatalf("got %v (%s)", tok, tok.GoString())
	}
	x := e.last()
	if *x.Scope != "role:r1" || x.Claims["aud"] != e.tokenURI() || x.Claims["ctx"].(map[string]any)["user"] != "u1" {
		t.Fatalf("exchange %+v", x)
	}
	if strings.Contains(tok.String(), tok.AccessToken) {
		t.Fatal("a Token prints without its value")
	}

	tok, err = GenerateBearerToken(context.Background(), Credentials{CredentialsJSON: saJSON(t, e.tokenURI())}, opts...)
	if err != nil || tok.AccessToken != e.token(1) || e.last().Scope != nil {
		t.Fatalf("from JSON: %v %v", tok, err)
	}

	// Without credentials, SKYFLOW_CREDENTIALS; roles still apply.
	env := WithEnvLookup(func(k string) (string, bool) { return saJSON(t, e.tokenURI()), k == EnvCredentials })
	tok, err = GenerateBearerToken(context.Background(), Credentials{Roles: []string{"r2"}}, append(opts, env)...)
	if err != nil || tok.AccessToken != e.token(2) || *e.last().Scope != "role:r2" {
		t.Fatalf("from the environment: %v %v", tok, err)
	}
}

func TestGenerateBearerTokenFailures(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c, time.Hour)
	creds := Credentials{CredentialsJSON: saJSON(t, e.tokenURI())}
	opts := []Option{WithHTTPClient(e.srv.Client()), WithClock(c.Now)}
	gen := func() error {
		_, err := GenerateBearerToken(context.Background(), creds, opts...)
		return err
	}
	for _, c := range []struct {
		answer  answer
		status  int
		message string
	}{
		{answer{401, `{"error":"invalid assertion"}`}, 401, "invalid assertion"},
		{answer{200, `not json`}, 200, "token response is not a valid JSON object"},
		{answer{200, `{"tokenType":"Bearer"}`}, 200, "token response has no accessToken"},
		{answer{200, `{"accessToken":""}`}, 200, "token response has no accessToken"},
	} {
		e.mu.Lock()
		e.fail = []answer{c.answer}
		e.mu.Unlock()
		err := gen()
		var apiErr *skyflow.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != c.status || apiErr.Message != c.message ||
			apiErr.Operation != "GenerateBearerToken" || apiErr.RequestID == "" {
			t.Errorf("%v: got %#v", c.answer, err)
		}
	}
	e.mu.Lock()
	e.fail = []answer{{401, `{"error":"no"}`}}
	e.mu.Unlock()
	if err := gen(); !errors.Is(err, skyflow.ErrUnauthorized) {
		t.Errorf("a 401 matches ErrUnauthorized: %v", err)
	}

	// A token without an exp claim has a zero Expiry; a custom token type
	// is kept.
	e.mu.Lock()
	e.fail = []answer{{200, `{"accessToken":"opaque","tokenType":"MAC"}`}}
	e.mu.Unlock()
	tok, err := GenerateBearerToken(context.Background(), creds, opts...)
	if err != nil || !tok.Expiry.IsZero() || tok.TokenType != "MAC" {
		t.Errorf("opaque token: %v %v", tok, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := GenerateBearerToken(ctx, creds, opts...); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled call: %v", err)
	}
	e.srv.Close()
	// An unreachable endpoint: a *skyflow.TransportError, not sent, whose
	// text does not quote the token URI (net/http's errors do).
	_, err = GenerateBearerToken(context.Background(), creds, opts...)
	var te *skyflow.TransportError
	if !errors.As(err, &te) || te.Sent || !strings.Contains(err.Error(), "token exchange failed") ||
		strings.Contains(err.Error(), "/v1/auth/sa/oauth/token") || strings.Contains(err.Error(), "http://") {
		t.Errorf("an unreachable endpoint: %v", err)
	}

	for _, bad := range []Credentials{
		{CredentialsJSON: creds.CredentialsJSON, Roles: []string{" "}},
		{CredentialsJSON: creds.CredentialsJSON, Context: 1 + 2i},
		{Path: "creds.json", Roles: []string{" "}},
	} {
		if _, err := GenerateBearerToken(context.Background(), bad); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := GenerateBearerToken(context.Background(), Credentials{Path: filepath.Join(t.TempDir(), "none")}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := GenerateBearerToken(context.Background(), Credentials{CredentialsJSON: "{}"}); !errors.Is(err, ErrMissingClientID) {
		t.Errorf("bad JSON: %v", err)
	}
	if _, err := GenerateBearerToken(context.Background(), Credentials{APIKey: "sky-ab12c-0123456789abcdef0123456789abcdef"}); !errors.Is(err, ErrServiceAccountRequired) {
		t.Errorf("an API key: %v", err)
	}
}

func TestSignedDataTokens(t *testing.T) {
	now := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := WithClock(func() time.Time { return now })
	json := saJSON(t, "https://x.example.com/t")
	out, err := GenerateSignedDataTokens(Credentials{CredentialsJSON: json, Context: "c1"},
		SignedDataTokensRequest{DataTokens: []string{"tok-a", "tok-b"}, TimeToLive: 90 * time.Second}, clock)
	if err != nil || len(out) != 2 {
		t.Fatalf("%v %v", out, err)
	}
	for i, want := range []string{"tok-a", "tok-b"} {
		if out[i].DataToken != want || !strings.HasPrefix(out[i].SignedToken, SignedTokenPrefix) {
			t.Fatalf("%+v", out[i])
		}
		claims := jwt.MapClaims{}
		_, err := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(func() time.Time { return now })).ParseWithClaims(
			strings.TrimPrefix(out[i].SignedToken, SignedTokenPrefix), claims,
			func(*jwt.Token) (any, error) { return &testKey(t).PublicKey, nil })
		if err != nil {
			t.Fatal(err)
		}
		wantClaims := map[string]any{"iss": "sdk", "key": testKeyID, "sub": testClientID, "aud": "https://x.example.com/t",
			"tok": want, "iat": float64(now.Unix()), "exp": float64(now.Add(90 * time.Second).Unix()), "ctx": "c1"}
		for k, v := range wantClaims {
			if claims[k] != v {
				t.Errorf("claim %s = %v, want %v", k, claims[k], v)
			}
		}
	}

	path := filepath.Join(t.TempDir(), "creds.json")
	if err := os.WriteFile(path, []byte(json), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = GenerateSignedDataTokens(Credentials{Path: path, TokenURI: "https://other.example.com/t"}, SignedDataTokensRequest{DataTokens: []string{"t"}})
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(strings.TrimPrefix(out[0].SignedToken, SignedTokenPrefix), claims); err != nil {
		t.Fatal(err)
	}
	if claims["aud"] != "https://other.example.com/t" || claims["ctx"] != nil {
		t.Errorf("TokenURI overrides aud, no ctx without Context: %v", claims)
	}
	exp, _ := claims.GetExpirationTime()
	iat, _ := claims.GetIssuedAt()
	if exp.Sub(iat.Time) != DefaultSignedTokenTTL {
		t.Errorf("default lifetime: %v", exp.Sub(iat.Time))
	}

	for _, bad := range []SignedDataTokensRequest{{}, {DataTokens: []string{"a", ""}}} {
		if _, err := GenerateSignedDataTokens(Credentials{Path: path}, bad); !errors.Is(err, ErrInvalidDataTokens) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	one := SignedDataTokensRequest{DataTokens: []string{"a"}}
	for _, c := range []struct {
		creds Credentials
		want  error
	}{
		{Credentials{Path: filepath.Join(t.TempDir(), "x")}, ErrCredentialsFile},
		{Credentials{CredentialsJSON: "{"}, ErrInvalidCredentialsJSON},
		{Credentials{CredentialsJSON: json, TokenURI: "http://example.com"}, ErrInvalidTokenURI},
		{Credentials{CredentialsJSON: json, Context: []int{}}, ErrInvalidContext},
		{Credentials{Token: "not.a.jwt"}, ErrInvalidToken},
	} {
		if _, err := GenerateSignedDataTokens(c.creds, one); !errors.Is(err, c.want) {
			t.Errorf("%+v: got %v, want %v", c.creds, err, c.want)
		}
	}
}

func TestExpiry(t *testing.T) {
	exp := time.Unix(2_000_000_000, 0)
	tok := testJWT(t, map[string]any{"exp": exp.Unix()})
	if got, ok := Expiry(tok); !ok || !got.Equal(exp) {
		t.Fatalf("%v %v", got, ok)
	}
	for _, bad := range []string{"", "x.y.z", testJWT(t, map[string]any{"exp": "soon"})} {
		if _, ok := Expiry(bad); ok {
			t.Errorf("%q has no readable exp", bad)
		}
	}
	if IsExpired(tok) || !IsExpired(testJWT(t, map[string]any{"exp": 1})) || !IsExpired("junk") {
		t.Error("IsExpired")
	}
}
