package bench

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// parallelGoroutines is how many goroutines the par16 variants run.
const parallelGoroutines = 16

var (
	benchOnce    sync.Once
	benchClients *clients
	benchErr     error
)

// remoteClients returns the SDK and baseline clients of the child bench
// server, shared by every benchmark of the run (one client per process, as
// applications use it).
func remoteClients(b *testing.B) *clients {
	b.Helper()
	benchOnce.Do(func() {
		r, err := sharedRemote()
		if err != nil {
			benchErr = err
			return
		}
		benchClients, benchErr = newClients(r.baseURL(), r.roots)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchClients
}

// measure runs call b.N times, sequentially or over parallelGoroutines
// goroutines, and reports the client process's CPU time per call
// (cpu-ns/op) next to ns/op, B/op and allocs/op.
func measure(b *testing.B, parallel bool, call func(ctx context.Context) error) {
	ctx := context.Background()
	// Warm up: connections, the token, per-size server answers.
	for range 8 {
		if err := call(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	if parallel {
		p := runtime.GOMAXPROCS(0)
		b.SetParallelism((parallelGoroutines + p - 1) / p)
	}
	b.ResetTimer()
	cpu0 := cpuNanos()
	if parallel {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := call(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	} else {
		for range b.N {
			if err := call(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpu := cpuNanos() - cpu0
	b.StopTimer()
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
}

// roundsEnv sets how many rounds BenchmarkCall and BenchmarkBulkInsert
// run (default 1). Each round runs every sdk/raw pair again, so a pair is
// always measured within a second or two of itself: on a shared, loaded
// machine, drift then hits both sides of a pair alike, and benchtable takes
// the median over rounds of each pair's ratio. (go test's -count would run
// each sub-benchmark N times in a row instead.)
const roundsEnv = "SKYFLOW_BENCH_ROUNDS"

func rounds() int {
	n, err := strconv.Atoi(os.Getenv(roundsEnv))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// BenchmarkCall runs each workload through the SDK and the baseline,
// sequentially (seq) and over 16 goroutines (par16), interleaved in blocks
// (see measurePair). Names are Call/<workload>/<mode>/pair, with #NN
// appended by the testing package from the second round on; benchtable
// reads both sides from each line.
func BenchmarkCall(b *testing.B) {
	c := remoteClients(b)
	for range rounds() {
		for _, w := range workloads {
			for _, mode := range []string{"seq", "par16"} {
				if w.seqOnly && mode != "seq" {
					continue
				}
				b.Run(w.name+"/"+mode+"/pair", func(b *testing.B) {
					measurePair(b, mode == "par16",
						func(ctx context.Context) error { return w.sdk(ctx, c) },
						func(ctx context.Context) error { return w.raw(ctx, c) })
				})
			}
		}
	}
}
