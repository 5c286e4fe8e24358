package facade_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func TestOptionsAreValidated(t *testing.T) {
	for _, c := range []struct {
		opt   facade.Option
		field string
	}{
		{facade.WithMaxResponseSize(0), "MaxResponseSize"},
		{facade.WithMaxFileResponseSize(-1), "MaxFileResponseSize"},
		{facade.WithLogLevel("LOUD"), "LogLevel"},
		{facade.WithHTTPClient(nil), "HTTPClient"},
		{facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: -1}), "RetryPolicy"},
		{facade.WithRequestTimeout(-time.Second), "RequestTimeout"},
		{facade.WithHeader("", "x"), "Header"},
		{facade.WithHeader("Bad Header", "x"), "Header"},
		{facade.WithHeader("authorization", "x"), "Header"},
		{facade.WithHeader(auth.ConnectionAuthHeader, "x"), "Header"},
		{facade.WithHeader("user-agent", "x"), "Header"},
		{facade.WithCredentials(auth.Credentials{APIKey: "nope"}), "APIKey"},
		{facade.WithVault(facade.VaultConfig{}), "VaultID"},
		{facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: "ftp://x"}), "BaseURL"},
		{facade.WithVault(facade.VaultConfig{VaultID: "v", ClusterID: "a/b"}), "ClusterID"},
		{facade.WithVault(facade.VaultConfig{VaultID: "v", ClusterID: "c", Env: "MOON"}), "Env"},
		{facade.WithVault(facade.VaultConfig{VaultID: "v", ClusterID: "c", Credentials: &auth.Credentials{}}), ""},
		{facade.WithConnection(facade.ConnectionConfig{}), "ConnectionID"},
		{facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c"}), "URL"},
		{facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c", URL: "/relative"}), "URL"},
		{facade.WithConnection(facade.ConnectionConfig{ConnectionID: "c", URL: "https://x", Credentials: &auth.Credentials{Token: "bad"}}), "Token"},
	} {
		_, err := facade.New(c.opt)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("want a validation error on %q, got %v", c.field, err)
		}
	}
	if _, err := facade.New(nil, facade.WithLogLevel(skyflow.LogLevelOff)); err != nil {
		t.Fatalf("nil options are skipped: %v", err)
	}
}

// The vault URL built from the cluster id and environment, seen by the
// HTTP client.
func TestVaultURLs(t *testing.T) {
	var mu sync.Mutex
	var hosts []string
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		hosts = append(hosts, r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
		mu.Unlock()
		return nil, errors.New("offline")
	})}
	for env, want := range map[facade.Env]string{
		"":                 "https://c1.vault.skyflowapis.com/v1/vaults/v/t",
		facade.EnvProd:     "https://c1.vault.skyflowapis.com/v1/vaults/v/t",
		facade.EnvSandbox:  "https://c1.vault.skyflowapis-preview.com/v1/vaults/v/t",
		facade.EnvStage:    "https://c1.vault.skyflowapis.tech/v1/vaults/v/t",
		facade.EnvDev:      "https://c1.vault.skyflowapis.dev/v1/vaults/v/t",
		"BaseURL override": "http://127.0.0.1:9/base/v1/vaults/v/t",
	} {
		cfg := facade.VaultConfig{VaultID: "v", ClusterID: "c1", Env: env, Credentials: &auth.Credentials{APIKey: apiKey}}
		if env == "BaseURL override" {
			cfg.Env, cfg.BaseURL = "", "http://127.0.0.1:9/base/"
		}
		c, err := facade.New(facade.WithVault(cfg), facade.WithHTTPClient(hc), noRetries, quiet)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := c.Vault("v")
		_, err = v.Get(bg, facade.GetRequest{Table: "t"})
		var te *skyflow.TransportError
		if !errors.As(err, &te) || te.Operation != "Get" {
			t.Fatalf("got %v", err)
		}
		mu.Lock()
		got := hosts[len(hosts)-1]
		mu.Unlock()
		if got != want {
			t.Errorf("env %q: %s, want %s", env, got, want)
		}
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestCommonHeaders(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/t"), ok(`{"records":[]}`))
	v := newVault(t, f, facade.WithHeader("x-skyflow-account-id", "acc-1"), facade.WithHeader("X-Trace", "a"),
		facade.WithHeader("x-trace", "b"), facade.WithUserAgentSuffix("myapp/1.2"))
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); err != nil {
		t.Fatal(err)
	}
	h := f.last().Header
	if h.Get("X-Skyflow-Account-Id") != "acc-1" || !reflect.DeepEqual(h.Values("X-Trace"), []string{"a", "b"}) ||
		!strings.HasSuffix(h.Get("User-Agent"), " myapp/1.2") {
		t.Fatalf("headers %v", h)
	}
}

func TestVaultConfigurationAtRuntime(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/t"), ok(`{"records":[]}`))
	f.on("GET /v1/vaults/v2/t", ok(`{"records":[]}`))
	c, _ := newClient(t, f)

	if err := c.AddVault(facade.VaultConfig{VaultID: vaultID, BaseURL: f.srv.URL}); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("a duplicate id: %v", err)
	}
	if err := c.AddVault(facade.VaultConfig{VaultID: "v2", ClusterID: "c2"}); err != nil {
		t.Fatal(err)
	}
	if ids := c.VaultIDs(); !reflect.DeepEqual(ids, []string{vaultID, "v2"}) {
		t.Fatalf("ids %v", ids)
	}
	creds := &auth.Credentials{APIKey: apiKey, Roles: nil}
	if err := c.UpdateVault(facade.VaultConfig{VaultID: "v2", BaseURL: f.srv.URL, Env: facade.EnvDev, ClusterID: "c3", Credentials: creds}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetVault("v2")
	if err != nil || got.BaseURL != f.srv.URL || got.ClusterID != "c3" || got.Env != facade.EnvDev || got.Credentials.APIKey != apiKey {
		t.Fatalf("%+v %v", got, err)
	}
	got.Credentials.APIKey = "changed"
	if again, _ := c.GetVault("v2"); again.Credentials.APIKey != apiKey {
		t.Fatal("GetVault returns a copy")
	}
	v2, err := c.Vault("v2")
	if err != nil || v2.ID() != "v2" {
		t.Fatal(err)
	}
	if _, err := v2.Get(bg, facade.GetRequest{Table: "t"}); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateVault(facade.VaultConfig{VaultID: "v2", BaseURL: "::"}); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("an invalid update: %v", err)
	}
	for _, bad := range []func() error{
		func() error { return c.UpdateVault(facade.VaultConfig{VaultID: "nope"}) },
		func() error { return c.RemoveVault("nope") },
		func() error { _, err := c.GetVault("nope"); return err },
		func() error { _, err := c.Vault("nope"); return err },
		func() error { _, err := c.Detect("nope"); return err },
	} {
		if err := bad(); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("an unknown vault: %v", err)
		}
	}
	if err := c.RemoveVault("v2"); err != nil {
		t.Fatal(err)
	}
	if _, err := v2.Get(bg, facade.GetRequest{Table: "t"}); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("a handle on a removed vault: %v", err)
	}
	if err := c.RemoveVault(vaultID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Vault(""); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("no vault left: %v", err)
	}
}

func TestConnectionConfigurationAtRuntime(t *testing.T) {
	c, err := facade.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Connection(""); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("no connection: %v", err)
	}
	if err := c.AddConnection(facade.ConnectionConfig{ConnectionID: "c1", URL: "https://gw.example.com/a"}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddConnection(facade.ConnectionConfig{ConnectionID: "c1", URL: "https://gw.example.com/a"}); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("a duplicate: %v", err)
	}
	if err := c.UpdateConnection(facade.ConnectionConfig{ConnectionID: "c1", URL: "https://gw.example.com/b", Credentials: &auth.Credentials{APIKey: apiKey}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetConnection("c1")
	if err != nil || got.URL != "https://gw.example.com/b" || got.Credentials.APIKey != apiKey {
		t.Fatalf("%+v %v", got, err)
	}
	if ids := c.ConnectionIDs(); !reflect.DeepEqual(ids, []string{"c1"}) {
		t.Fatalf("%v", ids)
	}
	cn, err := c.Connection("")
	if err != nil || cn.ID() != "c1" {
		t.Fatal(err)
	}
	if err := c.UpdateConnection(facade.ConnectionConfig{ConnectionID: "c1", URL: "nope"}); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("an invalid update: %v", err)
	}
	for _, bad := range []func() error{
		func() error { return c.UpdateConnection(facade.ConnectionConfig{ConnectionID: "x"}) },
		func() error { return c.RemoveConnection("x") },
		func() error { _, err := c.GetConnection("x"); return err },
		func() error { _, err := c.Connection("x"); return err },
	} {
		if err := bad(); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("an unknown connection: %v", err)
		}
	}
	if err := c.RemoveConnection("c1"); err != nil {
		t.Fatal(err)
	}
	if _, err := cn.Invoke(bg, facade.InvokeRequest{}); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatalf("a handle on a removed connection: %v", err)
	}
}

func TestCredentialsPrecedence(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/t"), ok(`{"records":[]}`))
	const otherKey = "sky-zz9z9-ffffffffffffffffffffffffffffffff"

	// No credentials anywhere: SKYFLOW_CREDENTIALS is read, and its
	// absence is an error before any request.
	noEnv := facade.WithEnvLookup(func(string) (string, bool) { return "", false })
	c, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: vaultID, BaseURL: f.srv.URL}), noEnv, noRetries)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := c.Vault("")
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); !errors.Is(err, auth.ErrNoCredentials) || len(f.requests()) != 0 {
		t.Fatalf("got %v", err)
	}
	if _, ok := c.Credentials(); ok {
		t.Fatal("no client credentials")
	}

	// The client's credentials, set at runtime, then replaced.
	if err := c.SetCredentials(auth.Credentials{APIKey: "bad"}); !errors.Is(err, auth.ErrInvalidAPIKey) {
		t.Fatalf("got %v", err)
	}
	if err := c.SetCredentials(auth.Credentials{APIKey: apiKey}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); err != nil || f.last().Header.Get(auth.AuthorizationHeader) != "Bearer "+apiKey {
		t.Fatalf("client credentials: %v", err)
	}
	if err := c.SetCredentials(auth.Credentials{APIKey: otherKey}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); err != nil || f.last().Header.Get(auth.AuthorizationHeader) != "Bearer "+otherKey {
		t.Fatalf("replaced credentials: %v", err)
	}
	if got, ok := c.Credentials(); !ok || got.APIKey != otherKey {
		t.Fatalf("Credentials() = %v", got)
	}
	if c.TokenCacheSize() != 1 {
		t.Fatalf("%d token sources cached, want the retired credentials dropped", c.TokenCacheSize())
	}

	// The vault's own credentials win over the client's.
	if err := c.UpdateVault(facade.VaultConfig{VaultID: vaultID, Credentials: &auth.Credentials{APIKey: apiKey}}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); err != nil || f.last().Header.Get(auth.AuthorizationHeader) != "Bearer "+apiKey {
		t.Fatalf("vault credentials: %v", err)
	}
	if c.TokenCacheSize() != 2 {
		t.Fatalf("%d token sources, want the vault's and the client's", c.TokenCacheSize())
	}
}

func TestCredentialsFromTheEnvironment(t *testing.T) {
	f := newFake(t)
	env := facade.WithEnvLookup(func(k string) (string, bool) {
		if k == auth.EnvCredentials {
			return `{"clientID":"c"}`, true
		}
		return "", false
	})
	c, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: vaultID, BaseURL: f.srv.URL}), env, noRetries)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := c.Vault("")
	_, err = v.Get(bg, facade.GetRequest{Table: "t"})
	var ve *skyflow.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, auth.ErrMissingKeyID) || len(f.requests()) != 0 {
		t.Fatalf("the environment's credentials are used (and validated): %v", err)
	}
}

// A token source failure is an *AuthError naming the operation; nothing is
// sent.
func TestTokenSourceFailure(t *testing.T) {
	f := newFake(t)
	boom := errors.New("secret manager down")
	c, _ := newClient(t, f)
	if err := c.UpdateVault(facade.VaultConfig{VaultID: vaultID, TokenSource: sourceFunc(func(context.Context) (string, error) { return "", boom })}); err != nil {
		t.Fatal(err)
	}
	v, _ := c.Vault("")
	_, err := v.Get(bg, facade.GetRequest{Table: "t"})
	var ae *skyflow.AuthError
	if !errors.As(err, &ae) || ae.Operation != "Get" || !errors.Is(err, boom) || len(f.requests()) != 0 {
		t.Fatalf("got %#v", err)
	}
	if err.Error() != "skyflow: Get: getting a token: secret manager down" {
		t.Fatalf("text %q", err.Error())
	}
}

type sourceFunc func(context.Context) (string, error)

func (f sourceFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

func TestA401IsAnsweredByOneResendWithAFreshToken(t *testing.T) {
	f := newFake(t)
	ts := &refreshing{}
	f.on("GET /v1/vaults/v2/t", reply(401, `{"error":"expired"}`), ok(`{"records":[]}`))
	v := vaultWithSource(t, f, ts)
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ts.invalidated, []string{"token-0"}) {
		t.Fatalf("invalidated %v", ts.invalidated)
	}
	// A persistent 401 is sent once more, not in a loop.
	f.on("GET /v1/vaults/v2/t", reply(401, `{"error":"expired"}`))
	_, err := v.Get(bg, facade.GetRequest{Table: "t"})
	if !errors.Is(err, skyflow.ErrUnauthorized) || f.count("GET /v1/vaults/v2/t") != 4 {
		t.Fatalf("got %v after %d requests", err, f.count("GET /v1/vaults/v2/t"))
	}
	// An API key cannot be refreshed: the 401 comes back at once.
	f2 := newFake(t)
	f2.on("GET "+vaultPath("/t"), reply(401, `{"error":"bad key"}`))
	v = newVault(t, f2)
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); !errors.Is(err, skyflow.ErrUnauthorized) || f2.count("GET "+vaultPath("/t")) != 1 {
		t.Fatalf("got %v", err)
	}
}

func TestAnswersTheSDKCannotUse(t *testing.T) {
	for _, c := range []struct {
		name    string
		answer  handler
		message string
	}{
		{"created, not OK", reply(201, `{"records":[]}`), "the answer has no JSON body"},
		{"not JSON", func(w http.ResponseWriter, _ *http.Request, _ []byte) { _, _ = io.WriteString(w, "<html>") }, "the answer has no JSON body"},
		{"bad JSON", ok(`{"records":{}}`), "the answer cannot be decoded"},
	} {
		f := newFake(t)
		f.on("GET "+vaultPath("/t"), c.answer)
		v := newVault(t, f)
		_, err := v.Get(bg, facade.GetRequest{Table: "t"})
		var apiErr *skyflow.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, skyflow.ErrUnexpectedResponse) || apiErr.Message != c.message || apiErr.RequestID != "rid-1" {
			t.Errorf("%s: got %v", c.name, err)
		}
		if skyflow.IsRetryable(err) {
			t.Errorf("%s: an unusable answer is not retryable", c.name)
		}
	}
}

func TestResponseSizeLimit(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/t"), ok(`{"records":[{"fields":{"a":"`+strings.Repeat("x", 100)+`"}}]}`))
	v := newVault(t, f, facade.WithMaxResponseSize(50))
	_, err := v.Get(bg, facade.GetRequest{Table: "t"})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, skyflow.ErrUnexpectedResponse) ||
		apiErr.Message != "the answer is larger than the limit of 50 bytes (see WithMaxResponseSize)" {
		t.Fatalf("got %v", err)
	}
	v = newVault(t, f, facade.WithMaxResponseSize(2<<20))
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); err != nil {
		t.Fatal(err)
	}
}

func TestErrorAnswersAreDecoded(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/t"), reply(429, `{"error":{"grpc_code":8,"http_status":"Too Many Requests","message":"slow down","details":[{"k":"v"}]}}`,
		"Retry-After", "30"))
	v := newVault(t, f)
	_, err := v.Get(bg, facade.GetRequest{Table: "t"})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %v", err)
	}
	if apiErr.StatusCode != 429 || apiErr.GRPCCode != 8 || apiErr.Message != "slow down" || apiErr.RetryAfter != 30*time.Second ||
		apiErr.Operation != "Get" || apiErr.RequestID != "rid-1" || apiErr.Header.Get("Retry-After") != "30" ||
		!reflect.DeepEqual(apiErr.Details, []map[string]any{{"k": "v"}}) || !errors.Is(err, skyflow.ErrRateLimited) {
		t.Fatalf("got %#v", apiErr)
	}
	if err.Error() != "skyflow: Get: 429 Too Many Requests: slow down (request id rid-1)" {
		t.Fatalf("text %q", err.Error())
	}
}

func TestTransportFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: "http://" + addr, Credentials: &auth.Credentials{APIKey: apiKey}}), noRetries, quiet)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := c.Vault("")
	_, err = v.Get(bg, facade.GetRequest{Table: "t", Column: "email", ColumnValues: []string{"private@example.com"}})
	var te *skyflow.TransportError
	if !errors.As(err, &te) || te.Sent || te.Operation != "Get" {
		t.Fatalf("a refused connection is a transport error that was not sent: %#v", err)
	}
	if strings.Contains(err.Error(), "private") || strings.Contains(err.Error(), "email") {
		t.Fatalf("the URL's query is left out: %v", err)
	}

	// A context that ends while the request is in flight: the context's
	// error wins and the attempt's error stays reachable.
	f := newFake(t)
	ctx, cancel := context.WithCancel(bg)
	f.on("GET "+vaultPath("/t"), func(w http.ResponseWriter, r *http.Request, _ []byte) {
		cancel()
		<-r.Context().Done()
	})
	v = newVault(t, f)
	_, err = v.Get(ctx, facade.GetRequest{Table: "t"})
	if !errors.As(err, &te) || !te.Sent || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %#v", err)
	}

	// The context ended after an error answer arrived: both are reachable.
	ctx, cancel = context.WithCancel(bg)
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		cancel()
		return &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"error":"boom"}`)), Request: r}, nil
	})}
	v = newVault(t, f, facade.WithHTTPClient(hc))
	_, err = v.Get(ctx, facade.GetRequest{Table: "t"})
	var apiErr *skyflow.APIError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "context canceled (last attempt: skyflow: Get: 500") {
		t.Fatalf("text %q", err.Error())
	}
}

func TestLogs(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/t"), ok(`{"records":[]}`), reply(404, `{"error":"nope"}`))
	c, logs := newClient(t, f)
	v, _ := c.Vault("")
	if _, err := v.Get(bg, facade.GetRequest{Table: "t", IDs: []string{"secret-id"}}); err != nil {
		t.Fatal(err)
	}
	_, _ = v.Get(bg, facade.GetRequest{Table: "t", IDs: []string{"secret-id"}})
	out := logs.String()
	for _, want := range []string{`"msg":"call succeeded"`, `"msg":"call failed"`, `"operation":"Get"`, `"vault_id":"v1"`,
		`"status":404`, `"request_id":"rid-2"`, `"sdk":"skyflow-go"`} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secret-id") || strings.Contains(out, apiKey) {
		t.Fatal("logs hold a value or the key")
	}

	// The level is changed at runtime; OFF silences the client.
	for _, c2 := range []struct {
		level skyflow.LogLevel
		lines int // lines for one success and one failure
	}{{skyflow.LogLevelInfo, 1}, {skyflow.LogLevelWarn, 1}, {skyflow.LogLevelError, 1}, {skyflow.LogLevelOff, 0}, {skyflow.LogLevelDebug, 2}} {
		if err := c.SetLogLevel(c2.level); err != nil || c.LogLevel() != c2.level {
			t.Fatalf("SetLogLevel(%s): %v, now %s", c2.level, err, c.LogLevel())
		}
		before := strings.Count(logs.String(), "\n")
		f.on("GET "+vaultPath("/t"), ok(`{"records":[]}`), reply(404, `{"error":"nope"}`))
		_, _ = v.Get(bg, facade.GetRequest{Table: "t"})
		_, _ = v.Get(bg, facade.GetRequest{Table: "t"})
		if got := strings.Count(logs.String(), "\n") - before; got != c2.lines {
			t.Errorf("level %s: %d lines, want %d", c2.level, got, c2.lines)
		}
	}
	if err := c.SetLogLevel("LOUD"); !errors.Is(err, skyflow.ErrValidation) {
		t.Fatal(err)
	}

	// A handler with attributes and groups keeps the client's filter.
	grouped := &logsHandler{}
	c3, err := facade.New(facade.WithLogger(slog.New(grouped).WithGroup("g").With("k", "v")), facade.WithLogLevel(skyflow.LogLevelError))
	if err != nil || c3.LogLevel() != skyflow.LogLevelError {
		t.Fatal(err)
	}
	c4, _ := facade.New()
	if c4.LogLevel() != "" {
		t.Fatal("no level is set by default: the client logs nothing")
	}
}

// logsHandler is a minimal slog.Handler.
type logsHandler struct{}

func (*logsHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (*logsHandler) Handle(context.Context, slog.Record) error { return nil }
func (h *logsHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h *logsHandler) WithGroup(string) slog.Handler           { return h }

func TestRetriesAreLogged(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/t"), reply(503, `{"error":"busy"}`), ok(`{"records":[]}`))
	c, logs := newClient(t, f, facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 1, InitialBackoff: time.Microsecond, MaxBackoff: time.Microsecond}))
	v, _ := c.Vault("")
	if _, err := v.Get(bg, facade.GetRequest{Table: "t"}); err != nil {
		t.Fatal(err)
	}
	if !contains(logs.String(), `"msg":"retrying request"`, `"status":503`, `"attempt":1`) {
		t.Fatalf("logs:\n%s", logs.String())
	}
	if p := facade.DefaultRetryPolicy(); p.MaxRetries != 2 || p.InitialBackoff != 500*time.Millisecond || p.MaxBackoff != 8*time.Second {
		t.Fatalf("%+v", p)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	f := newFake(t)
	f.on("GET "+vaultPath("/t"), func(w http.ResponseWriter, r *http.Request, _ []byte) { <-r.Context().Done() })
	v := newVault(t, f, facade.WithRequestTimeout(20*time.Millisecond))
	_, err := v.Get(bg, facade.GetRequest{Table: "t"})
	var te *skyflow.TransportError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}
