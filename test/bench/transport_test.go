package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow/internal/transport"
)

// Regression tests for the Doer's response buffering, which the
// optimisations changed: bodies are read within the attempt into one slice
// that the facade decodes without a copy; longer bodies stream; a body cut
// short is a retryable failure.

func doGet(t *testing.T, d *transport.Doer, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestDoerBuffersWholeBodies(t *testing.T) {
	small := bytes.Repeat([]byte("0123456789"), 10)
	medium := bytes.Repeat([]byte("abcdefghij"), 30_000) // 300 KB, several reads
	large := bytes.Repeat([]byte("ABCDEFGHIJ"), 900_000) // 9 MB: past the 8 MB buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		switch r.URL.Path {
		case "/small":
			body = small
		case "/medium":
			body = medium
		case "/large":
			body = large
		}
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write(body)
			return
		}
		for len(body) > 0 { // no Content-Length: chunked, in pieces
			n := min(len(body), 4096)
			_, _ = w.Write(body[:n])
			w.(http.Flusher).Flush()
			body = body[n:]
		}
	}))
	defer srv.Close()

	for _, timeout := range []time.Duration{0, time.Minute} {
		d := transport.New(srv.Client(), transport.DefaultPolicy(), timeout, nil)
		for _, c := range []struct {
			path string
			want []byte
		}{{"/small", small}, {"/medium", medium}, {"/large", large}} {
			for _, q := range []string{"", "?chunked=1"} {
				name := c.path + q + " timeout=" + timeout.String()
				resp := doGet(t, d, srv.URL+c.path+q)
				data, whole := transport.Bytes(resp.Body)
				if !whole {
					var err error
					if data, err = io.ReadAll(resp.Body); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
				}
				_ = resp.Body.Close()
				if !bytes.Equal(data, c.want) {
					t.Errorf("%s: got %d bytes, want %d", name, len(data), len(c.want))
				}
				if wantWhole := len(c.want) < 8<<20; whole != wantWhole {
					t.Errorf("%s: read whole %v, want %v", name, whole, wantWhole)
				}
			}
		}
	}
}

func TestDoerBufferedBodyReads(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	d := transport.New(srv.Client(), transport.DefaultPolicy(), 0, nil)

	resp := doGet(t, d, srv.URL)
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, resp.Body); err != nil || buf.String() != `{"ok":true}` {
		t.Fatalf("copy: %q, %v", buf.String(), err)
	}
	if rest, ok := transport.Bytes(resp.Body); !ok || len(rest) != 0 {
		t.Fatalf("after a full read: %q, %v", rest, ok)
	}
	_ = resp.Body.Close()

	resp = doGet(t, d, srv.URL)
	p := make([]byte, 4)
	if n, err := resp.Body.Read(p); n != 4 || err != nil {
		t.Fatalf("read: %d, %v", n, err)
	}
	if rest, ok := transport.Bytes(resp.Body); !ok || string(rest) != `":true}` {
		t.Fatalf("rest: %q, %v", rest, ok)
	}
	if n, err := resp.Body.Read(p); n != 0 || err != io.EOF {
		t.Fatalf("after Bytes: %d, %v", n, err)
	}
	_ = resp.Body.Close()
}

func TestDoerRetriesBodyCutShort(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"partial":`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	d := transport.New(srv.Client(), transport.Policy{MaxRetries: 2}, 0, nil)
	resp := doGet(t, d, srv.URL)
	data, ok := transport.Bytes(resp.Body)
	_ = resp.Body.Close()
	if !ok || string(data) != `{"ok":true}` || calls.Load() != 2 {
		t.Fatalf("got %q (whole %v) after %d calls, want the second answer", data, ok, calls.Load())
	}
}
