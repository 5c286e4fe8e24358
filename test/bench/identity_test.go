package bench

import (
	"bytes"
	"context"
	"crypto/x509"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
)

// TestByteIdentical runs every workload once through the SDK and once
// through the baseline against an in-process TLS server that records each
// request, and requires the two requests to be identical: method, path,
// query, every header and every body byte.
func TestByteIdentical(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []Captured
	)
	srv := httptest.NewUnstartedServer(newHandler(func(c Captured) {
		mu.Lock()
		defer mu.Unlock()
		if c.Path != tokenPath {
			seen = append(seen, c)
		}
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	c, err := newClients(srv.URL, roots)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, w := range workloads {
		mu.Lock()
		seen = nil
		mu.Unlock()
		if err := w.sdk(ctx, c); err != nil {
			t.Fatalf("%s: sdk: %v", w.name, err)
		}
		if err := w.raw(ctx, c); err != nil {
			t.Fatalf("%s: raw: %v", w.name, err)
		}
		mu.Lock()
		got := seen
		mu.Unlock()
		if len(got) != 2 {
			t.Fatalf("%s: server saw %d requests, want 2", w.name, len(got))
		}
		sdk, raw := got[0], got[1]
		if sdk.Proto != "HTTP/2.0" || raw.Proto != "HTTP/2.0" {
			t.Errorf("%s: protocols %s and %s, want HTTP/2.0 for both", w.name, sdk.Proto, raw.Proto)
		}
		if sdk.Method != raw.Method || sdk.Path != raw.Path || sdk.RawQuery != raw.RawQuery {
			t.Errorf("%s: request line differs:\n sdk %s %s?%s\n raw %s %s?%s", w.name,
				sdk.Method, sdk.Path, sdk.RawQuery, raw.Method, raw.Path, raw.RawQuery)
		}
		if !reflect.DeepEqual(sdk.Header, raw.Header) {
			t.Errorf("%s: headers differ:\n sdk %v\n raw %v", w.name, sdk.Header, raw.Header)
		}
		if !bytes.Equal(sdk.Body, raw.Body) {
			t.Errorf("%s: bodies differ:\n sdk %s\n raw %s", w.name, sdk.Body, raw.Body)
		}
		for _, h := range []string{"Authorization", "User-Agent", "Sky-Metadata"} {
			if sdk.Header.Get(h) == "" {
				t.Errorf("%s: the SDK sent no %s header", w.name, h)
			}
		}
		if testing.Verbose() {
			t.Logf("%s: %s %s (%d query bytes, %d headers, %d body bytes) identical", w.name, sdk.Method, sdk.Path, len(sdk.RawQuery), len(sdk.Header), len(sdk.Body))
		}
	}
}
