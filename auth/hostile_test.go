package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

// A token endpoint that answers an access token no HTTP header can carry
// (a line break, a NUL) gives a failed exchange, not a token: it is never
// handed out nor cached, so the next call asks again.
func TestUnsendableAccessTokenIsAFailedExchange(t *testing.T) {
	for _, tok := range []string{"abc\r\nX-Injected: 1", "abc\x00def", "abc\x7f"} {
		var exchanges atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			exchanges.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"accessToken":` + jsonString(tok) + `,"tokenType":"Bearer"}`))
		}))
		creds := auth.Credentials{CredentialsJSON: redacttest.CredentialsJSON(srv.URL+"/v1/auth/sa/oauth/token", redacttest.PrivateKeyPEM(t))}
		got, err := auth.GenerateBearerToken(context.Background(), creds)
		if !errors.As(err, new(*skyflow.APIError)) || got != nil {
			t.Errorf("%q: GenerateBearerToken gave %v, %v", tok, got, err)
		}
		if err != nil && strings.Contains(err.Error(), "abc") {
			t.Errorf("the error shows the token: %v", err)
		}
		ts, err := auth.NewTokenSource(creds)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if v, err := ts.Token(context.Background()); err == nil {
				t.Errorf("%q: Token gave %q", tok, v)
			}
		}
		if n := exchanges.Load(); n != 3 {
			t.Errorf("%q: %d exchanges, want 3 (one per call, nothing cached)", tok, n)
		}
		srv.Close()
	}
}

// A token answer larger than the 1 MiB cap is refused as too large, read no
// further, rather than reported as malformed JSON.
func TestOversizedTokenAnswerIsTooLarge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"accessToken":"tok","tokenType":"Bearer","padding":"`))
		_, _ = w.Write([]byte(strings.Repeat("x", 2<<20)))
		_, _ = w.Write([]byte(`"}`))
	}))
	defer srv.Close()
	creds := auth.Credentials{CredentialsJSON: redacttest.CredentialsJSON(srv.URL+"/v1/auth/sa/oauth/token", redacttest.PrivateKeyPEM(t))}
	_, err := auth.GenerateBearerToken(context.Background(), creds)
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "exceeds 1 MiB") {
		t.Fatalf("got %v, want an *APIError saying the answer is too large", err)
	}
}

func jsonString(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			out = append(out, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			continue
		}
		out = append(out, c)
	}
	return string(append(out, '"'))
}
