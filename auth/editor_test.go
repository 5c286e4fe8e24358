package auth

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skyflowgo/skyflow"
)

type sourceFunc func(ctx context.Context) (string, error)

func (f sourceFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// invalidating records the tokens it was told to drop.
type invalidating struct {
	tok     string
	dropped []string
}

func (s *invalidating) Token(context.Context) (string, error) { return s.tok, nil }
func (s *invalidating) Invalidate(tok string)                 { s.dropped = append(s.dropped, tok) }

func newRequest(t *testing.T) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "https://vault.example.com/v1/vaults/v", nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestBearerEditorSetsAuthorization(t *testing.T) {
	req := newRequest(t)
	type key struct{}
	var seen context.Context
	ts := sourceFunc(func(ctx context.Context) (string, error) { seen = ctx; return "tok-1", nil })
	ctx := context.WithValue(context.Background(), key{}, "call")
	if err := BearerEditor(ts)(ctx, req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer tok-1" {
		t.Fatalf("Authorization = %q", got)
	}
	if req.Header.Get("X-Skyflow-Authorization") != "" {
		t.Fatal("a vault call must not carry the connection header")
	}
	if seen == nil || seen.Value(key{}) != "call" {
		t.Fatal("the token source must get the request's context")
	}
}

func TestConnectionEditorSetsRawToken(t *testing.T) {
	req := newRequest(t)
	if err := ConnectionEditor(sourceFunc(func(context.Context) (string, error) { return "plain", nil }))(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("X-Skyflow-Authorization"); got != "plain" {
		t.Fatalf("X-Skyflow-Authorization = %q", got)
	}
	if req.Header.Get("Authorization") != "" {
		t.Fatal("a connection call must not carry Authorization")
	}
}

func TestEditorWrapsSourceFailures(t *testing.T) {
	boom := errors.New("secret manager unavailable")
	req := newRequest(t)
	err := BearerEditor(sourceFunc(func(context.Context) (string, error) { return "", boom }))(context.Background(), req)
	var ae *skyflow.AuthError
	if !errors.As(err, &ae) || !errors.Is(err, boom) {
		t.Fatalf("got %v, want a *skyflow.AuthError wrapping the cause", err)
	}
	if len(req.Header) != 0 {
		t.Fatalf("headers set on failure: %v", req.Header)
	}

	err = ConnectionEditor(sourceFunc(func(context.Context) (string, error) { return "", nil }))(context.Background(), req)
	if !errors.As(err, &ae) || !errors.Is(err, ErrEmptyToken) {
		t.Fatalf("empty token: got %v", err)
	}
}

func TestEditorExpiredStaticToken(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	tok := testJWT(t, map[string]any{"exp": now.Add(time.Second).Unix()})
	ts, err := StaticTokenSource(tok, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	req := newRequest(t)
	err = BearerEditor(ts)(context.Background(), req)
	if !errors.Is(err, ErrTokenExpired) || !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("got %v", err)
	}
	if req.Header.Get("Authorization") != "" {
		t.Fatal("an expired token must not be sent")
	}
}

func TestTokenRefused(t *testing.T) {
	src := &invalidating{tok: "cached"}
	req := newRequest(t)
	if err := BearerEditor(src)(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if !TokenRefused(src, req) {
		t.Fatal("a caching source can be asked again")
	}
	if len(src.dropped) != 1 || src.dropped[0] != "cached" {
		t.Fatalf("dropped %v, want the token the request carried", src.dropped)
	}

	conn := newRequest(t)
	if err := ConnectionEditor(src)(context.Background(), conn); err != nil {
		t.Fatal(err)
	}
	if !TokenRefused(src, conn) || src.dropped[1] != "cached" {
		t.Fatalf("connection token not dropped: %v", src.dropped)
	}

	key, err := APIKeySource("sky-ab123-" + "0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	if TokenRefused(key, req) {
		t.Fatal("an API key cannot be refreshed: asking again gives the same key")
	}
	if TokenRefused(src, newRequest(t)) {
		t.Fatal("a request without a credential refuses nothing")
	}
}

// testJWT signs claims with a throwaway HMAC key: the SDK reads a bearer
// token's exp without verifying its signature.
func testJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims)).SignedString([]byte("test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
