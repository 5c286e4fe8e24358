package apiurl

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/oapi-codegen/runtime"
)

// values are parameter values with every kind of character that needs
// escaping in a path or a query.
var values = []string{
	"plain", "f4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9", "with space", "a/b", "a?b", "a#b", "a%b", "a+b", "a&b=c",
	"tabs\tand\nnewlines", "ünïcødé", "100%", "semi;colon", "@:!$'()*,", "~-._", "",
}

// reference builds the URL the way the generated clients did before: the
// runtime styles each parameter, url resolves the path against the server,
// the query fragments are joined with "&".
func reference(t *testing.T, server, format string, path []string, query func() []string) string {
	t.Helper()
	base, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	args := make([]any, len(path))
	for i, p := range path {
		s, err := runtime.StyleParamWithOptions("simple", false, "p", p,
			runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: "string"})
		if err != nil {
			t.Fatal(err)
		}
		args[i] = s
	}
	target, err := base.Parse("." + fmt.Sprintf(format, args...))
	if err != nil {
		t.Fatal(err)
	}
	if query != nil {
		target.RawQuery = strings.Join(query(), "&")
	}
	return target.String()
}

func styled(t *testing.T, name string, v any, typ string) string {
	t.Helper()
	s, err := runtime.StyleParamWithOptions("form", true, name, v,
		runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationQuery, Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPathMatchesTheRuntime(t *testing.T) {
	for _, server := range []string{"https://vault.example.com/", "https://h.example.com:8443/base/", "http://127.0.0.1:9/"} {
		for _, a := range values {
			if a == "" {
				continue // a path parameter is never empty (the facade checks)
			}
			for _, b := range values[:5] {
				want := reference(t, server, "/v1/vaults/%s/%s/x", []string{a, b}, nil)
				var u Builder
				u.Path(server, "/v1/vaults/%s/%s/x", 0, PathParam(a), PathParam(b))
				if got := u.URL(); got != want {
					t.Errorf("Path(%q, %q, %q) = %q, want %q", server, a, b, got, want)
				}
			}
		}
	}
}

type enum string

func TestQueryMatchesTheRuntime(t *testing.T) {
	const server = "https://vault.example.com/"
	for _, v := range values {
		ids := []string{v, "id-2", v + v}
		reds := []enum{enum(v), "PLAIN_TEXT"}
		want := reference(t, server, "/v1/t", nil, func() []string {
			var q []string
			for _, f := range []string{
				styled(t, "skyflow_ids", ids, "array"), styled(t, "redaction", enum(v), "string"),
				styled(t, "tokenization", true, "boolean"), styled(t, "limit", int64(-25), "integer"),
				styled(t, "empty", []string{}, "array"), styled(t, "reds", reds, "array"),
				styled(t, "a b", v, "string"),
			} {
				if f != "" {
					q = append(q, f)
				}
			}
			return q
		})
		var u Builder
		u.Path(server, "/v1/t", 0)
		Strings(&u, "skyflow_ids", ids)
		u.String("redaction", string(enum(v)))
		u.Bool("tokenization", true)
		u.Int("limit", -25)
		Strings(&u, "empty", []string{})
		Strings(&u, "reds", reds)
		u.String("a b", v)
		if got := u.URL(); got != want {
			t.Errorf("query for %q = %q, want %q", v, got, want)
		}
	}
}

func TestNoQuery(t *testing.T) {
	var u Builder
	u.Path("https://h.example.com/", "/v1/x", 16)
	u.Styled("")
	if got, want := u.URL(), "https://h.example.com/v1/x"; got != want {
		t.Errorf("URL() = %q, want %q", got, want)
	}
}

func BenchmarkGetURL(b *testing.B) {
	ids := make([]string, 25)
	for i := range ids {
		ids[i] = fmt.Sprintf("%08x-4b1c-4d2e-8f3a-%012x", i, i)
	}
	b.ReportAllocs()
	for b.Loop() {
		var u Builder
		u.Path("https://vault.example.com/", "/v1/vaults/%s/%s", 128, PathParam("f4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9"), PathParam("cards"))
		Strings(&u, "skyflow_ids", ids)
		u.String("redaction", "PLAIN_TEXT")
		_ = u.URL()
	}
}
