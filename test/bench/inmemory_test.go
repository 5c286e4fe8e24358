package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// memTransport answers requests in memory with the canned handler: no
// sockets, no TLS, no HTTP framing. What remains of a call's cost is the
// client's own work (building the request, encoding, decoding, the SDK's
// layers), which makes the SDK's additions easy to profile.
type memTransport struct{ h *handler }

func (t memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	w := &memWriter{header: http.Header{}}
	if req.Body == nil {
		req.Body = http.NoBody
	}
	t.h.ServeHTTP(w, req)
	_ = req.Body.Close()
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return &http.Response{
		StatusCode:    w.status,
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		Proto:         "HTTP/2.0",
		ProtoMajor:    2,
		Header:        w.header,
		Body:          io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

type memWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *memWriter) Header() http.Header { return w.header }
func (w *memWriter) WriteHeader(s int)   { w.status = s }
func (w *memWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}

var (
	memOnce    sync.Once
	memClients *clients
	memErr     error
)

func inMemoryClients(b *testing.B) *clients {
	b.Helper()
	memOnce.Do(func() {
		tr := memTransport{h: newHandler(nil)}
		const base = "https://bench.invalid"
		memClients, memErr = newClients(base, nil, facade.WithHTTPClient(&http.Client{Transport: tr}))
		if memErr == nil {
			memClients.raw.hc = &http.Client{Transport: tr}
		}
	})
	if memErr != nil {
		b.Fatal(memErr)
	}
	return memClients
}

// BenchmarkInMemory is a diagnostic, not part of the targets: each workload
// through both clients over memTransport, sequentially, interleaved in
// blocks (see measurePair). The difference between sdk and raw is the
// SDK's own CPU and allocations per call.
func BenchmarkInMemory(b *testing.B) {
	c := inMemoryClients(b)
	for _, w := range workloads {
		if w.seqOnly {
			continue
		}
		b.Run(w.name+"/pair", func(b *testing.B) {
			measurePair(b, false,
				func(ctx context.Context) error { return w.sdk(ctx, c) },
				func(ctx context.Context) error { return w.raw(ctx, c) })
		})
	}
}

// BenchmarkTokenSource is a diagnostic: what fetching the bearer token costs
// on every call, per kind of credentials (the service-account source with
// its token cached).
func BenchmarkTokenSource(b *testing.B) {
	r := remoteOrSkip(b)
	sa, err := auth.NewTokenSource(auth.Credentials{CredentialsJSON: serviceAccountJSON(r.baseURL())},
		auth.WithHTTPClient(&http.Client{Transport: newTransport(r.roots)}))
	if err != nil {
		b.Fatal(err)
	}
	static, err := auth.StaticTokenSource(accessToken)
	if err != nil {
		b.Fatal(err)
	}
	key, err := auth.APIKeySource("sky-ab1c2-0123456789abcdef0123456789abcdef")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ts   auth.TokenSource
	}{{"service-account", sa}, {"static-token", static}, {"api-key", key}} {
		b.Run(c.name+"/sdk", func(b *testing.B) {
			ctx := context.Background()
			if _, err := c.ts.Token(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.ts.Token(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The same from 16 goroutines at once, as a server's handlers
		// call it: a lock on this path makes them queue.
		b.Run(c.name+"-par16/sdk", func(b *testing.B) {
			ctx := context.Background()
			if _, err := c.ts.Token(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetParallelism((parallelGoroutines + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.ts.Token(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func remoteOrSkip(b *testing.B) *remote {
	r, err := sharedRemote()
	if err != nil {
		b.Fatal(err)
	}
	return r
}
