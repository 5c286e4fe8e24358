package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// The Doer reads answers within the attempt: bodies up to 8 MiB (or the
// call's limit) are read whole into one slice that ReadBody hands over
// without a copy; longer ones stream after the part read; a body cut short
// is a failed attempt, retried like any transient failure.

func get(t *testing.T, d *Doer, ctx context.Context, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestBuffersWholeBodies(t *testing.T) {
	small := bytes.Repeat([]byte("0123456789"), 10)
	medium := bytes.Repeat([]byte("abcdefghij"), 30_000) // 300 KB, several reads
	large := bytes.Repeat([]byte("ABCDEFGHIJ"), 900_000) // 9 MB: past the 8 MiB buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := map[string][]byte{"/small": small, "/medium": medium, "/large": large}[r.URL.Path]
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
		d := New(srv.Client(), DefaultPolicy(), timeout, nil)
		for _, c := range []struct {
			path string
			want []byte
		}{{"/small", small}, {"/medium", medium}, {"/large", large}} {
			for _, q := range []string{"", "?chunked=1"} {
				name := c.path + q + " timeout=" + timeout.String()
				resp := get(t, d, context.Background(), srv.URL+c.path+q)
				_, whole := resp.Body.(*bufferedBody)
				if wantWhole := len(c.want) < maxBuffered; whole != wantWhole {
					t.Errorf("%s: read whole %v, want %v", name, whole, wantWhole)
				}
				data, err := ReadBody(resp.Body, 0)
				if err != nil || !bytes.Equal(data, c.want) {
					t.Errorf("%s: got %d bytes (%v), want %d", name, len(data), err, len(c.want))
				}
			}
		}
	}
}

func TestBufferedBodyReads(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	d := New(srv.Client(), DefaultPolicy(), 0, nil)

	resp := get(t, d, context.Background(), srv.URL)
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, resp.Body); err != nil || buf.String() != `{"ok":true}` {
		t.Fatalf("copy: %q, %v", buf.String(), err)
	}
	if rest, err := ReadBody(resp.Body, 0); err != nil || len(rest) != 0 {
		t.Fatalf("after a full read: %q, %v", rest, err)
	}

	resp = get(t, d, context.Background(), srv.URL)
	p := make([]byte, 4)
	if n, err := resp.Body.Read(p); n != 4 || err != nil {
		t.Fatalf("read: %d, %v", n, err)
	}
	if rest, err := ReadBody(resp.Body, 0); err != nil || string(rest) != `":true}` {
		t.Fatalf("rest: %q, %v", rest, err)
	}
	if n, err := resp.Body.Read(p); n != 0 || err != io.EOF {
		t.Fatalf("after ReadBody: %d, %v", n, err)
	}
}

func TestReadBodyLimit(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", "100")
		}
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	d := New(srv.Client(), DefaultPolicy(), 0, nil)

	for _, q := range []string{"", "?chunked=1"} {
		// Within the limit: read whole.
		resp := get(t, d, d.Begin(context.Background(), Call{Limit: 100}), srv.URL+q)
		if _, ok := resp.Body.(*bufferedBody); !ok {
			t.Fatalf("%s: a body within the limit is read whole", q)
		}
		if data, err := ReadBody(resp.Body, 100); err != nil || len(data) != 100 {
			t.Fatalf("%s: %d bytes, %v", q, len(data), err)
		}

		// Over the limit: the Doer stops after limit+1 bytes.
		resp = get(t, d, d.Begin(context.Background(), Call{Limit: 10}), srv.URL+q)
		pb, ok := resp.Body.(*partialBody)
		if !ok || len(pb.head) != 11 {
			t.Fatalf("%s: want the first 11 bytes read, got %T", q, resp.Body)
		}
		_, err := ReadBody(resp.Body, 10)
		var se *SizeError
		if !errors.As(err, &se) || se.Limit != 10 || !errors.Is(err, ErrTooLarge) {
			t.Fatalf("%s: got %v, want a *SizeError of 10 bytes", q, err)
		}
		if err.Error() != "answer exceeds the size limit of 10 bytes" {
			t.Errorf("message %q", err.Error())
		}

		// A body read whole but checked against a smaller limit.
		resp = get(t, d, context.Background(), srv.URL+q)
		if _, err := ReadBody(resp.Body, 50); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("%s: got %v", q, err)
		}
	}
}

func TestReadBodyOfOtherReaders(t *testing.T) {
	data, err := ReadBody(io.NopCloser(bytes.NewReader([]byte("abc"))), 0)
	if err != nil || string(data) != "abc" {
		t.Fatalf("%q, %v", data, err)
	}
	if _, err := ReadBody(io.NopCloser(bytes.NewReader([]byte("abcdef"))), 3); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v", err)
	}
	boom := errors.New("connection reset")
	_, err = ReadBody(io.NopCloser(io.MultiReader(bytes.NewReader([]byte("ab")), errReader{boom})), 0)
	var be *BodyError
	if !errors.As(err, &be) || !errors.Is(err, boom) || err.Error() != "reading the answer: connection reset" {
		t.Fatalf("got %v, want a *BodyError wrapping the cause", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// cutShort promises 1000 bytes, sends a few and drops the connection.
func cutShort(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "1000")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"partial":`)
	w.(http.Flusher).Flush()
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		_ = conn.Close()
	}
}

func TestRetriesABodyCutShort(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			cutShort(w)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	d := New(srv.Client(), Policy{MaxRetries: 2}, 0, nil)
	d.sleep = func(context.Context, time.Duration) error { return nil }
	resp := get(t, d, context.Background(), srv.URL)
	data, err := ReadBody(resp.Body, 0)
	if err != nil || string(data) != `{"ok":true}` || calls.Load() != 2 {
		t.Fatalf("got %q (%v) after %d calls, want the second answer", data, err, calls.Load())
	}
}

func TestABodyCutShortWithoutRetriesIsABodyError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { cutShort(w) }))
	defer srv.Close()
	for _, timeout := range []time.Duration{0, time.Minute} {
		d := New(srv.Client(), Policy{}, timeout, nil)
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		_, err := d.Do(req)
		var be *BodyError
		if !errors.As(err, &be) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("timeout %v: got %v, want a *BodyError", timeout, err)
		}
	}
}

func TestEmptyBodiesKeepTheAttemptAliveUntilClosed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	d := New(srv.Client(), DefaultPolicy(), time.Minute, nil)
	resp := get(t, d, context.Background(), srv.URL)
	c, ok := resp.Body.(*cancelOnClose)
	if !ok {
		t.Fatalf("body %T, want the attempt's cancel on close", resp.Body)
	}
	var cancelled bool
	inner := c.cancel
	c.cancel = func() { cancelled = true; inner() }
	if data, err := ReadBody(resp.Body, 0); err != nil || len(data) != 0 {
		t.Fatalf("%q, %v", data, err)
	}
	if !cancelled {
		t.Fatal("closing the body releases the attempt's context")
	}
}

func TestStreamedBodyReleasesTheAttemptOnClose(t *testing.T) {
	large := bytes.Repeat([]byte("z"), maxBuffered+100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(large) }))
	defer srv.Close()
	d := New(srv.Client(), DefaultPolicy(), time.Minute, nil)
	resp := get(t, d, context.Background(), srv.URL)
	pb, ok := resp.Body.(*partialBody)
	if !ok || pb.cancel == nil {
		t.Fatalf("body %T, want a streamed body holding the attempt's cancel", resp.Body)
	}
	var cancelled bool
	inner := pb.cancel
	pb.cancel = func() { cancelled = true; inner() }
	data, err := ReadBody(resp.Body, 0)
	if err != nil || len(data) != len(large) {
		t.Fatalf("%d bytes, %v", len(data), err)
	}
	if !cancelled {
		t.Fatal("closing the body releases the attempt's context")
	}
}
