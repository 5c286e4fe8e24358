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

// capture is an in-process TLS server (HTTP/2) answering with the bench
// handler and recording every request but token exchanges.
type capture struct {
	roots *x509.CertPool
	url   string
	mu    sync.Mutex
	seen  []Captured
}

func newCapture(t *testing.T) *capture {
	t.Helper()
	c := &capture{}
	srv := httptest.NewUnstartedServer(newHandler(func(r Captured) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if r.Path != tokenPath {
			c.seen = append(c.seen, r)
		}
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c.roots = x509.NewCertPool()
	c.roots.AddCert(srv.Certificate())
	c.url = srv.URL
	return c
}

// take returns the requests recorded since the last take.
func (c *capture) take() []Captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.seen
	c.seen = nil
	return got
}

// pair makes one call through each client and requires the server to have
// seen exactly one identical request from each: protocol (HTTP/2), method,
// path, query, every header and every body byte.
func (c *capture) pair(t *testing.T, name string, sdkCall, rawCall func(context.Context) error) {
	t.Helper()
	ctx := context.Background()
	c.take()
	if err := sdkCall(ctx); err != nil {
		t.Fatalf("%s: sdk: %v", name, err)
	}
	if err := rawCall(ctx); err != nil {
		t.Fatalf("%s: raw: %v", name, err)
	}
	got := c.take()
	if len(got) != 2 {
		t.Fatalf("%s: server saw %d requests, want 2", name, len(got))
	}
	sdk, raw := got[0], got[1]
	if sdk.Proto != "HTTP/2.0" || raw.Proto != "HTTP/2.0" {
		t.Errorf("%s: protocols %s and %s, want HTTP/2.0 for both", name, sdk.Proto, raw.Proto)
	}
	if sdk.Method != raw.Method || sdk.Path != raw.Path || sdk.RawQuery != raw.RawQuery {
		t.Errorf("%s: request line differs:\n sdk %s %s?%s\n raw %s %s?%s", name,
			sdk.Method, sdk.Path, sdk.RawQuery, raw.Method, raw.Path, raw.RawQuery)
	}
	if !reflect.DeepEqual(sdk.Header, raw.Header) {
		t.Errorf("%s: headers differ:\n sdk %v\n raw %v", name, sdk.Header, raw.Header)
	}
	if !bytes.Equal(sdk.Body, raw.Body) {
		t.Errorf("%s: bodies differ:\n sdk %s\n raw %s", name, sdk.Body, raw.Body)
	}
	for _, h := range []string{"Authorization", "User-Agent", "Sky-Metadata"} {
		if sdk.Header.Get(h) == "" {
			t.Errorf("%s: the SDK sent no %s header", name, h)
		}
	}
	if testing.Verbose() {
		t.Logf("%s: %s %s (%d query bytes, %d headers, %d body bytes) identical", name, sdk.Method, sdk.Path, len(sdk.RawQuery), len(sdk.Header), len(sdk.Body))
	}
}

// TestByteIdentical runs every workload once through the SDK and once
// through the baseline against an in-process TLS server that records each
// request, and requires the two requests to be identical: method, path,
// query, every header and every body byte.
func TestByteIdentical(t *testing.T) {
	srv := newCapture(t)
	c, err := newClients(srv.url, srv.roots)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range workloads {
		srv.pair(t, w.name,
			func(ctx context.Context) error { return w.sdk(ctx, c) },
			func(ctx context.Context) error { return w.raw(ctx, c) })
	}
}
