package auth

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
)

func TestEscapeControlInStrings(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"untouched", `{"a":"b"}`, `{"a":"b"}`},
		{"pretty printed", "{\n  \"a\": \"b\"\n}", "{\n  \"a\": \"b\"\n}"},
		{"raw newline in string", "{\"k\":\"x\ny\"}", `{"k":"x\ny"}`},
		{"crlf and tab", "{\"k\":\"x\r\n\ty\"}", `{"k":"x\r\n\ty"}`},
		{"escaped quote keeps state", "{\"k\":\"a\\\"\nb\"}", `{"k":"a\"\nb"}`},
		{"escaped backslash before quote", "{\"k\":\"a\\\\\",\n\"j\":\"c\"}", "{\"k\":\"a\\\\\",\n\"j\":\"c\"}"},
		{"other control char", "{\"k\":\"a\x01b\"}", `{"k":"a\u0001b"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(escapeControlInStrings([]byte(c.in)))
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("result is not valid JSON: %q", got)
			}
		})
	}
}

func TestScopeOf(t *testing.T) {
	if got := scopeOf(nil); got != "" {
		t.Fatalf("no roles: got %q", got)
	}
	if got := scopeOf([]string{"a"}); got != "role:a" {
		t.Fatalf("one role: got %q", got)
	}
	if got := scopeOf([]string{"a", "b", "c"}); got != "role:a role:b role:c" {
		t.Fatalf("three roles: got %q", got)
	}
}

func TestCheckRoles(t *testing.T) {
	for _, bad := range [][]string{{""}, {"a", ""}, {"a b"}, {"a\tb"}, {"a\u00a0b"}} {
		_, err := checkRoles("Roles", bad)
		if !errors.Is(err, ErrInvalidRole) || !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
	got, err := checkRoles("Roles", []string{"r1", "r2"})
	if err != nil || len(got) != 2 {
		t.Fatalf("good roles: %v %v", got, err)
	}
}

func TestNormalizeCtx(t *testing.T) {
	type myString string
	omitted := []any{nil, "", map[string]any{}, map[string]string(nil)}
	for _, v := range omitted {
		got, err := normalizeCtx("Ctx", v)
		if err != nil || got != nil {
			t.Errorf("%#v: want omitted, got %v %v", v, got, err)
		}
	}
	kept := map[string]any{
		"string":  "abc",
		"named":   myString("abc"),
		"bool":    false,
		"int":     int8(-3),
		"uint":    uint16(7),
		"float":   1.5,
		"map":     map[string]any{"user_id": "u1", "A9": 2},
		"map str": map[string]string{"k": "v"},
	}
	for name, v := range kept {
		got, err := normalizeCtx("Ctx", v)
		if err != nil || got == nil {
			t.Errorf("%s: want kept, got %v %v", name, got, err)
		}
	}
	badType := []any{[]string{"a"}, struct{}{}, map[int]string{1: "a"}, math.NaN(), math.Inf(1),
		map[string]any{"k": func() {}}}
	for _, v := range badType {
		_, err := normalizeCtx("Ctx", v)
		if !errors.Is(err, ErrInvalidContext) {
			t.Errorf("%T: want ErrInvalidContext, got %v", v, err)
		}
	}
	_, err := normalizeCtx("Context", map[string]any{"ok": 1, "bad-key": 2})
	var ve *skyflow.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidContextKey) || ve.Field != `Context["bad-key"]` {
		t.Fatalf("bad key: got %#v", err)
	}
}

func TestCheckTokenURI(t *testing.T) {
	good := []string{
		"https://manage.skyflowapis.com/v1/auth/sa/oauth/token",
		"https://example.com",
		"http://127.0.0.1:8080/token",
		"http://127.10.0.3/token",
		"http://[::1]:9000/token",
		"http://localhost:3000",
		"http://LOCALHOST/x",
		"HTTPS://Example.com/x",
	}
	for _, u := range good {
		if _, err := checkTokenURI("tokenURI", u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	bad := []string{
		"http://example.com/token",
		"http://128.0.0.1/token",
		"http://localhost.example.com/",
		"ftp://example.com",
		"example.com/token",
		"/v1/auth/sa/oauth/token",
		"https://",
		"https://user:pw@example.com/",
		"https://example.com/token?key=secret",
		"https://example.com/token?",
		"https://example.com/token#frag",
		"https://example.com/token#",
		"://bad",
		"",
	}
	for _, u := range bad {
		if _, err := checkTokenURI("tokenURI", u); !errors.Is(err, ErrInvalidTokenURI) {
			t.Errorf("%q: want ErrInvalidTokenURI, got %v", u, err)
		}
	}
}

func TestRefreshWindow(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name       string
		window     time.Duration
		lifetime   time.Duration
		wantWindow time.Duration
	}{
		{"hour-long token uses 5 minutes", 0, time.Hour, 5 * time.Minute},
		{"short token uses a fifth", 0, 10 * time.Minute, 2 * time.Minute},
		{"configured window", time.Minute, time.Hour, time.Minute},
		{"configured window capped at half", 10 * time.Minute, 10 * time.Minute, 5 * time.Minute},
	}
	for _, c := range cases {
		s := &ServiceAccountSource{window: c.window}
		e, skewed := s.entryFor(&Token{AccessToken: "x", Expiry: base.Add(c.lifetime)}, base)
		if skewed {
			t.Fatalf("%s: unexpected skew", c.name)
		}
		if got := e.expiry.Sub(e.refreshAt); got != c.wantWindow {
			t.Errorf("%s: window %v, want %v", c.name, got, c.wantWindow)
		}
	}
	s := &ServiceAccountSource{}
	for _, exp := range []time.Time{{}, base.Add(-time.Second), base} {
		e, skewed := s.entryFor(&Token{AccessToken: "x", Expiry: exp}, base)
		if !skewed || !e.expiry.Equal(base.Add(fallbackLifetime)) || !e.refreshAt.After(base) {
			t.Errorf("exp %v: got %+v skewed=%v", exp, e, skewed)
		}
	}
}

func TestCredentialsStringHidesSecrets(t *testing.T) {
	const key = "sky-ab12c-0123456789abcdef0123456789abcdef"
	c := Credentials{APIKey: key}
	for _, s := range []string{c.String(), c.GoString(), c.LogValue().String()} {
		if s == "" || containsAny(s, key, "0123456789abcdef") {
			t.Errorf("leaks or empty: %q", s)
		}
	}
	tok := &Token{AccessToken: "secret-token-value", TokenType: "Bearer"}
	if containsAny(tok.String(), "secret-token-value") {
		t.Errorf("token String leaks: %q", tok.String())
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
