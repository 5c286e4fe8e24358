package bench

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow/facade"
)

// coalesceGoroutines is how many goroutines detokenize one token each, in
// a loop, in BenchmarkCoalesce: a service detokenizing per incoming
// request.
const coalesceGoroutines = 256

// countingTransport counts the requests it sends and records how long
// each took (until its answer's headers), by the request id the bench
// server gives each answer.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
	mu   sync.Mutex
	took map[string]time.Duration
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	took := time.Since(start)
	t.n.Add(1)
	if err == nil {
		rid := resp.Header.Get("X-Request-Id")
		t.mu.Lock()
		t.took[rid] = took
		t.mu.Unlock()
	}
	return resp, err
}

// reset clears the counts and returns the transport.
func (t *countingTransport) reset() *countingTransport {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n.Store(0)
	t.took = map[string]time.Duration{}
	return t
}

// coalesceClients are an SDK client with a Coalescer and a baseline
// client, each on its own counting transport, for the child bench server.
type coalesceClients struct {
	coalescer          *facade.Coalescer
	raw                *rawClient
	sdkCount, rawCount *countingTransport
}

var (
	coalesceOnce sync.Once
	coalesceCl   *coalesceClients
	coalesceErr  error
)

func newCoalesceClients(b *testing.B) *coalesceClients {
	b.Helper()
	coalesceOnce.Do(func() {
		r, err := sharedRemote()
		if err != nil {
			coalesceErr = err
			return
		}
		cc := &coalesceClients{
			sdkCount: (&countingTransport{next: newTransport(r.roots)}).reset(),
			rawCount: (&countingTransport{next: newTransport(r.roots)}).reset(),
		}
		c, err := newClients(r.baseURL(), r.roots, facade.WithHTTPClient(&http.Client{Transport: cc.sdkCount}))
		if err != nil {
			coalesceErr = err
			return
		}
		if cc.coalescer, err = c.vault.Coalescer(facade.CoalescerOptions{}); err != nil {
			coalesceErr = err
			return
		}
		cc.raw = newRawClient(r.baseURL(), r.roots)
		cc.raw.hc = &http.Client{Transport: cc.rawCount}
		coalesceCl = cc
	})
	if coalesceErr != nil {
		b.Fatal(coalesceErr)
	}
	return coalesceCl
}

// call is one call's latency and the id of the request that carried it.
type call struct {
	rid  string
	took time.Duration
}

// coalesceWorkloads are the SDK (a Coalescer with the default options)
// and the baseline (one request per call) detokenizing one token.
func coalesceWorkloads(c *coalesceClients) (sdk, raw func(ctx context.Context, token string) (string, error)) {
	sdk = func(ctx context.Context, token string) (string, error) {
		resp, err := c.coalescer.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: token, Redaction: facade.RedactionPlainText}}})
		if err != nil {
			return "", err
		}
		if len(resp.Records) != 1 || resp.Records[0].Token != token || resp.Records[0].Value == "" {
			return "", errUnexpected
		}
		return resp.RequestID, nil
	}
	raw = func(ctx context.Context, token string) (string, error) {
		out, err := c.raw.detokenize(ctx, []string{token}, "PLAIN_TEXT")
		if err != nil {
			return "", err
		}
		if len(out.Records) != 1 || out.Records[0].Token != token || out.Records[0].Value == "" {
			return "", errUnexpected
		}
		return out.RequestID, nil
	}
	return sdk, raw
}

// runCalls makes n calls over coalesceGoroutines goroutines, each
// detokenizing its own token; with period > 0 each goroutine starts a call
// every period (from a random offset), else back to back. It returns
// every call's latency and request id.
func runCalls(b *testing.B, n int, period time.Duration, detokenize func(ctx context.Context, token string) (string, error)) []call {
	ctx := context.Background()
	calls := make([][]call, coalesceGoroutines)
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	start := time.Now()
	for g := range coalesceGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token := tokenFor(7, g)
			due := start.Add(time.Duration(rand.Int64N(int64(max(period, 1)))))
			for next.Add(1) <= int64(n) {
				if period > 0 {
					time.Sleep(time.Until(due))
					due = due.Add(period)
				}
				t0 := time.Now()
				rid, err := detokenize(ctx, token)
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				calls[g] = append(calls[g], call{rid: rid, took: time.Since(t0)})
			}
		}()
	}
	wg.Wait()
	if p := failed.Load(); p != nil {
		b.Fatal(*p)
	}
	return slices.Concat(calls...)
}

// percentile returns the p-th percentile of ds (sorted in place), in µs.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds())
}

// BenchmarkCoalesce: 256 goroutines each detokenize one token (their own)
// in a loop, back to back, through the SDK's Coalescer (default options)
// and through the baseline, one request per call. Each op is one token.
// Reported: tokens/s, requests per 1,000 tokens, the calls' latency (p50,
// p99) and the client's CPU per token.
func BenchmarkCoalesce(b *testing.B) {
	c := newCoalesceClients(b)
	sdk, raw := coalesceWorkloads(c)
	run := func(b *testing.B, ct *countingTransport, detokenize func(ctx context.Context, token string) (string, error)) {
		runCalls(b, 8, 0, detokenize) // warm up: connections, the token
		ct.reset()
		b.ReportAllocs()
		b.ResetTimer()
		cpu0 := cpuNanos()
		calls := runCalls(b, b.N, 0, detokenize)
		cpu := cpuNanos() - cpu0
		b.StopTimer()
		took := make([]time.Duration, len(calls))
		for i, c := range calls {
			took[i] = c.took
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		b.ReportMetric(1000*float64(ct.n.Load())/float64(b.N), "requests/1000tokens")
		b.ReportMetric(percentile(took, 0.50), "p50-µs")
		b.ReportMetric(percentile(took, 0.99), "p99-µs")
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
	for range rounds() {
		b.Run("256-goroutines/sdk", func(b *testing.B) { run(b, c.sdkCount, sdk) })
		b.Run("256-goroutines/raw", func(b *testing.B) { run(b, c.rawCount, raw) })
	}
}

// Paced load for BenchmarkCoalesceLatency: per side, 256 goroutines each
// calling every 128 ms (2,000 tokens/s in all, a load that leaves the
// client's CPU mostly idle), 3,000 calls.
const (
	pacedPeriod = 128 * time.Millisecond
	pacedCalls  = 3000
)

// BenchmarkCoalesceLatency measures the latency the Coalescer adds to a
// call: the SDK (a Coalescer with the default options) and the baseline
// run side by side, at the same time, each at a paced 2,000 tokens/s from
// 256 goroutines, so the machine's load hits both alike. It reports each
// side's call latency at the 50th and 99th percentiles (as
// sdk-p50-µs, raw-p99-µs, ...); what coalescing adds is the difference,
// which benchtable prints beside the target (at most the window plus
// 1 ms). It ignores b.N: one op is one paced run of each side.
func BenchmarkCoalesceLatency(b *testing.B) {
	c := newCoalesceClients(b)
	sdk, raw := coalesceWorkloads(c)
	runCalls(b, 8, 0, sdk) // warm up: connections, the token
	runCalls(b, 8, 0, raw)
	for range rounds() {
		b.Run("paced-2000-tokens-per-s/pair", func(b *testing.B) {
			for range b.N {
				c.sdkCount.reset()
				c.rawCount.reset()
				var sides [2][]call
				var wg sync.WaitGroup
				for i, f := range []func(context.Context, string) (string, error){sdk, raw} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						sides[i] = runCalls(b, pacedCalls, pacedPeriod, f)
					}()
				}
				wg.Wait()
				for i, name := range []string{"sdk", "raw"} {
					took := make([]time.Duration, len(sides[i]))
					for k, c := range sides[i] {
						took[k] = c.took
					}
					b.ReportMetric(percentile(took, 0.50), name+"-p50-µs")
					b.ReportMetric(percentile(took, 0.99), name+"-p99-µs")
				}
				b.ReportMetric(1000*float64(c.sdkCount.n.Load())/pacedCalls, "sdk-requests/1000tokens")
				b.ReportMetric(1000*float64(c.rawCount.n.Load())/pacedCalls, "raw-requests/1000tokens")
				b.ReportMetric(float64(facade.DefaultCoalesceWindow.Microseconds()), "sdk-window-µs")
			}
		})
	}
}
