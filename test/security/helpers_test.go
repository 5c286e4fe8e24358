package security_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"

	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/internal/redact/redacttest"
)

// sweep keeps the planted and learned secrets and everything the flow
// produced that a program could print: values, errors and log lines.
type sweep struct {
	mu      sync.Mutex
	secrets map[string]bool
	values  []labelled
	errs    int
}

type labelled struct {
	label string
	v     any
}

func newSweep() *sweep { return &sweep{secrets: map[string]bool{}} }

// secret plants (or learns) secrets; it returns the first.
func (s *sweep) secret(vs ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vs {
		if v != "" {
			s.secrets[v] = true
		}
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// value keeps a value the flow made or received, to be printed at the end
// (when every secret is known).
func (s *sweep) value(label string, vs ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, v := range vs {
		s.values = append(s.values, labelled{fmt.Sprintf("%s[%d]", label, i), v})
	}
}

// failure keeps an error the flow forced: it must be an error.
func (s *sweep) failure(label string, err error) {
	ExpectWithOffset(1, err).To(HaveOccurred(), label)
	s.mu.Lock()
	s.errs++
	s.mu.Unlock()
	s.value(label, err)
}

// texts prints every kept value and every SDK value reachable from it in
// every form, and returns the texts by label.
func (s *sweep) texts() map[string]string {
	s.mu.Lock()
	values := append([]labelled(nil), s.values...)
	s.mu.Unlock()
	out := map[string]string{}
	for _, l := range values {
		reachable(l.label, reflect.ValueOf(l.v), 0, func(path string, v any) {
			if t := reflect.TypeOf(v); !sdkType(t) && !(t.Kind() == reflect.Pointer && sdkType(t.Elem())) {
				// A slice or map of SDK values: fmt prints each element
				// with its own methods; slog's JSON handler encodes it
				// with encoding/json, each element with its MarshalJSON.
				for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
					out[path+" "+verb] = fmt.Sprintf(verb, v)
				}
				var text, js bytes.Buffer
				slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", v)
				out[path+" slog text"] = text.String()
				if k := t.Kind(); !((k == reflect.Slice || k == reflect.Array || k == reflect.Map) && handedOn(t.Elem())) {
					slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", v)
					out[path+" slog json"] = js.String()
				}
				return
			}
			for form, text := range redacttest.Printed(v) {
				if handedOn(reflect.TypeOf(v)) && (form == "slog json slice" || form == "slog json map") {
					continue
				}
				out[path+" "+form] = text
			}
			if err, ok := v.(error); ok {
				out[path+" Error()"] = err.Error()
			}
		})
	}
	return out
}

// leaks lists the texts that contain a secret, naming the form and the
// secret's position.
func (s *sweep) leaks(texts map[string]string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for label, text := range texts {
		for secret := range s.secrets {
			if i := strings.Index(text, secret); i >= 0 {
				out = append(out, fmt.Sprintf("%s shows a secret at %d: %.200q", label, i, text[max(0, i-80):]))
			}
		}
	}
	return out
}

// handedOn reports whether json.Marshal encodes t's secrets by design:
// auth.SignedDataToken and auth.SignedDataTokens, whose signed tokens are
// meant to be handed on (so slog's JSON handler encodes a slice or map of
// them too).
func handedOn(t reflect.Type) bool {
	return t.PkgPath() == "github.com/skyflowgo/skyflow/auth" && (t.Name() == "SignedDataToken" || t.Name() == "SignedDataTokens")
}

// sdkType reports whether t is a type of the SDK (not of its tests or
// generated code).
func sdkType(t reflect.Type) bool {
	p := t.PkgPath()
	return strings.HasPrefix(p, "github.com/skyflowgo/skyflow") &&
		!strings.HasPrefix(p, "github.com/skyflowgo/skyflow/test") && !strings.Contains(p, "/gen/")
}

// reachable visits v and every value of an SDK type reachable from it
// through exported fields, elements, map values, interfaces and the
// wrapped errors of an error. A struct behind a pointer is visited as the
// pointer (a program holds a *Client, not a copy of the Client).
func reachable(path string, v reflect.Value, depth int, visit func(string, any)) {
	walk(path, v, depth, false, visit)
}

func walk(path string, v reflect.Value, depth int, pointed bool, visit func(string, any)) {
	if !v.IsValid() || depth > 12 {
		return
	}
	if v.CanInterface() && !pointed && v.Kind() != reflect.Interface {
		if depth == 0 || sdkType(v.Type()) || (v.Kind() == reflect.Pointer && sdkType(v.Type().Elem())) {
			if !(v.Kind() == reflect.Pointer && v.IsNil()) {
				visit(path, v.Interface())
			}
		}
		if err, ok := v.Interface().(error); ok && !(v.Kind() == reflect.Pointer && v.IsNil()) {
			switch u := err.(type) {
			case interface{ Unwrap() error }:
				reachable(path+".Unwrap()", reflect.ValueOf(u.Unwrap()), depth+1, visit)
			case interface{ Unwrap() []error }:
				for i, e := range u.Unwrap() {
					reachable(fmt.Sprintf("%s.Unwrap()[%d]", path, i), reflect.ValueOf(e), depth+1, visit)
				}
			}
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walk(path, v.Elem(), depth+1, true, visit)
		}
	case reflect.Interface:
		if !v.IsNil() {
			reachable(path, v.Elem(), depth+1, visit)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				reachable(path+"."+v.Type().Field(i).Name, v.Field(i), depth+1, visit)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			reachable(fmt.Sprintf("%s[%d]", path, i), v.Index(i), depth+1, visit)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			reachable(fmt.Sprintf("%s[%v]", path, iter.Key()), iter.Value(), depth+1, visit)
		}
	}
}

// tee sends every record to all its handlers (a JSON and a text handler,
// so both encodings of every attribute are scanned).
type tee []slog.Handler

func (t tee) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (t tee) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range t {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(tee, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (t tee) WithGroup(name string) slog.Handler {
	out := make(tee, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}

// credentialRecorder is an http.RoundTripper that learns every credential
// the SDK sends (the bearer tokens it mints itself included) as a secret.
type credentialRecorder struct {
	next http.RoundTripper
	sw   *sweep
}

func (c credentialRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if v := req.Header.Get("Authorization"); v != "" {
		c.sw.secret(strings.TrimPrefix(v, "Bearer "))
	}
	c.sw.secret(req.Header.Get("X-Skyflow-Authorization"))
	if strings.HasSuffix(req.URL.Path, "/oauth/token") && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		var exchange struct {
			Assertion string `json:"assertion"`
		}
		if json.Unmarshal(body, &exchange) == nil {
			c.sw.secret(exchange.Assertion)
		}
	}
	return c.next.RoundTrip(req)
}
