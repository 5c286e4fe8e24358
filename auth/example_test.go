package auth_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
)

func ExampleNewTokenSource() {
	// Service-account credentials from a file; roles scope the token.
	ts, err := auth.NewTokenSource(auth.Credentials{
		Path:  "credentials.json",
		Roles: []string{"role-id-1"},
	}, auth.WithLogger(slog.Default()))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := ts.Token(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	_ = tok // attach with auth.BearerEditor(ts) instead of using it by hand
}

func ExampleNewTokenSource_environment() {
	// With zero Credentials the SKYFLOW_CREDENTIALS variable is used. Tests
	// can supply it without touching the process environment.
	lookup := func(string) (string, bool) { return "", false }
	_, err := auth.NewTokenSource(auth.Credentials{}, auth.WithEnvLookup(lookup))
	fmt.Println(errors.Is(err, auth.ErrNoCredentials))
	// Output: true
}

func ExampleCredentials_Validate() {
	err := auth.Credentials{APIKey: "not-a-key"}.Validate()
	var ve *skyflow.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	fmt.Println(errors.Is(err, auth.ErrInvalidAPIKey), errors.Is(err, skyflow.ErrValidation))

	err = auth.Credentials{APIKey: "sky-ab12c-0123456789abcdef0123456789abcdef", Path: "creds.json"}.Validate()
	fmt.Println(errors.Is(err, auth.ErrMultipleCredentials))
	// Output:
	// true APIKey
	// true true
	// true
}

func ExampleCredentials_IsZero() {
	fmt.Println(auth.Credentials{}.IsZero(), auth.Credentials{Roles: []string{"r"}}.IsZero())
	// Output: true false
}

func ExampleCredentials_Fingerprint() {
	a := auth.Credentials{Path: "./creds.json", Roles: []string{"r1"}}
	b := auth.Credentials{Path: "creds.json", Roles: []string{"r1"}}
	c := auth.Credentials{Path: "creds.json", Roles: []string{"r2"}}
	fmt.Println(a.Fingerprint() == b.Fingerprint(), a.Fingerprint() == c.Fingerprint())
	// Output: true false
}

func ExampleCredentialsFromEnv() {
	creds, err := auth.CredentialsFromEnv(nil) // nil reads the process environment
	if err != nil {
		log.Fatal(err) // matches auth.ErrNoCredentials when SKYFLOW_CREDENTIALS is unset
	}
	ts, err := auth.NewTokenSource(creds)
	if err != nil {
		log.Fatal(err)
	}
	_ = ts
}

func ExampleAPIKeySource() {
	ts, err := auth.APIKeySource("sky-ab12c-0123456789abcdef0123456789abcdef")
	if err != nil {
		log.Fatal(err)
	}
	key, _ := ts.Token(context.Background())
	fmt.Println(len(key))
	// Output: 42
}

func ExampleStaticTokenSource() {
	// A token from elsewhere; it is refused once its exp has passed.
	ts, err := auth.StaticTokenSource(os.Getenv("SKYFLOW_BEARER_TOKEN"))
	if errors.Is(err, auth.ErrTokenExpired) {
		log.Fatal("the bearer token has expired; fetch a new one")
	}
	if err != nil {
		log.Fatal(err)
	}
	_ = ts
}

func ExampleNewTokenSource_serviceAccount() {
	// Service-account credentials given as JSON, scoped by a role and a ctx
	// claim, the exchange sent to a local emulator (http is allowed on
	// loopback), with a client of the caller's.
	ts, err := auth.NewTokenSource(auth.Credentials{
		CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS"),
		Roles:           []string{"role-id-1"},
		Context:         map[string]any{"user_id": "u-42"},
		TokenURI:        "http://127.0.0.1:8080/v1/auth/sa/oauth/token",
	},
		auth.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}),
		auth.WithRefreshWindow(2*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	_ = ts
}

func ExampleServiceAccountSource_Invalidate() {
	ts, err := auth.NewTokenSource(auth.Credentials{Path: "credentials.json"})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	tok, err := ts.Token(ctx)
	if err != nil {
		log.Fatal(err)
	}
	// ... the server answered 401 to a request sent with tok:
	ts.(auth.Invalidator).Invalidate(tok)
	tok, err = ts.Token(ctx) // a new exchange
	_, _ = tok, err
}

func ExampleGenerateBearerToken() {
	tok, err := auth.GenerateBearerToken(context.Background(),
		auth.Credentials{Path: "credentials.json", Roles: []string{"role-id-1"}})
	var apiErr *skyflow.APIError
	if errors.As(err, &apiErr) {
		log.Fatalf("token endpoint said %d: %s (request id %s)", apiErr.StatusCode, apiErr.Message, apiErr.RequestID)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.Expiry)
}

func ExampleGenerateBearerToken_context() {
	// Credentials as a JSON string, with a ctx claim.
	tok, err := auth.GenerateBearerToken(context.Background(),
		auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS"), Context: "user-42"})
	if err != nil {
		log.Fatal(err)
	}
	_ = tok.AccessToken
}

func ExampleGenerateSignedDataTokens() {
	signed, err := auth.GenerateSignedDataTokens(auth.Credentials{Path: "credentials.json"}, auth.SignedDataTokensRequest{
		DataTokens: []string{"4017-f72b-4f5c-9b8e"},
		TimeToLive: 2 * time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range signed {
		fmt.Println(s.DataToken, len(s.SignedToken) > 0)
	}
}

func ExampleGenerateSignedDataTokens_validation() {
	_, err := auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: `{}`}, auth.SignedDataTokensRequest{})
	fmt.Println(errors.Is(err, auth.ErrInvalidDataTokens))
	// Output: true
}

func ExampleIsExpired() {
	fmt.Println(auth.IsExpired("not-a-jwt"))
	// Output: true
}

func ExampleExpiry() {
	// header {"alg":"none"}, claims {"exp":4102444800}
	tok := "eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9."
	exp, ok := auth.Expiry(tok)
	fmt.Println(exp.UTC().Format(time.RFC3339), ok)
	// Output: 2100-01-01T00:00:00Z true
}

func ExampleBearerEditor() {
	ts, err := auth.APIKeySource("sky-ab12c-0123456789abcdef0123456789abcdef")
	if err != nil {
		log.Fatal(err)
	}
	edit := auth.BearerEditor(ts) // pass to vault.WithRequestEditorFn
	req, _ := http.NewRequest(http.MethodGet, "https://example.invalid/v1/vaults", nil)
	if err := edit(context.Background(), req); err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.Header.Get("Authorization")[:len("Bearer sky-")])
	// Output: Bearer sky-
}

func ExampleConnectionEditor() {
	ts, err := auth.APIKeySource("sky-ab12c-0123456789abcdef0123456789abcdef")
	if err != nil {
		log.Fatal(err)
	}
	edit := auth.ConnectionEditor(ts) // pass to connection.WithRequestEditorFn
	req, _ := http.NewRequest(http.MethodPost, "https://example.invalid/gateway", nil)
	if err := edit(context.Background(), req); err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.Header.Get("x-skyflow-authorization")[:4])
	// Output: sky-
}
