package bench

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pairBlock is how many calls each side makes in one block of
// measurePair on average, sequentially; over 16 goroutines a block is
// pairBlock*parallelGoroutines/4 calls per side on average.
const pairBlock = 8

// side accumulates one client's measurements over the blocks of a pair.
type side struct {
	calls       int64
	wall, cpu   time.Duration
	allocs, mem uint64
}

// measurePair measures the SDK and the baseline making the same call, in
// alternating blocks of calls within one benchmark: each block runs both
// sides, n calls each, in a random order, with n drawn at random between
// half and one and a half times the average block. (With fixed blocks and
// a fixed order, anything periodic, such as garbage collections that start
// every so many calls of a deterministic allocation pattern, could fall on
// the same side every time.) Each block is timed on its own (wall time, the process's CPU time
// from getrusage, allocations and bytes from runtime.MemStats, read
// outside the timed span), and each side's totals are reported per call:
// sdk-ns/op, sdk-cpu-ns/op, sdk-allocs/op, sdk-B/op and the same for raw.
//
// Two separate benchmarks, even run back to back, see the machine's load
// change between them; blocks a few milliseconds long see the same load
// on both sides, so their ratio holds on a busy machine. b.N counts pairs
// of calls (one SDK call and one baseline call).
func measurePair(b *testing.B, parallel bool, sdk, raw func(ctx context.Context) error) {
	ctx := context.Background()
	for range 8 { // warm up: connections, the token, per-size server answers
		for _, call := range []func(context.Context) error{sdk, raw} {
			if err := call(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	block := pairBlock
	if parallel {
		block = pairBlock * parallelGoroutines / 4
	}
	rnd := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	calls := [2]func(context.Context) error{sdk, raw}
	var sides [2]side
	var ms runtime.MemStats
	var blockCPU [2][]float64
	b.ResetTimer()
	for left := b.N; left > 0; {
		n := min(block/2+rnd.IntN(block+1), left)
		left -= n
		first := rnd.IntN(2)
		for j := range 2 {
			s := (j + first) % 2
			runtime.ReadMemStats(&ms)
			a0, m0 := ms.Mallocs, ms.TotalAlloc
			cpu0, t0 := cpuNanos(), time.Now()
			if err := runBlock(ctx, parallel, n, calls[s]); err != nil {
				b.Fatal(err)
			}
			wall, cpu := time.Since(t0), cpuNanos()-cpu0
			runtime.ReadMemStats(&ms)
			sides[s].calls += int64(n)
			sides[s].wall += wall
			sides[s].cpu += time.Duration(cpu)
			blockCPU[s] = append(blockCPU[s], float64(cpu)/float64(n))
			sides[s].allocs += ms.Mallocs - a0
			sides[s].mem += ms.TotalAlloc - m0
		}
	}
	b.StopTimer()
	var rs []float64
	for k := range blockCPU[0] {
		if blockCPU[1][k] > 0 {
			rs = append(rs, blockCPU[0][k]/blockCPU[1][k])
		}
	}
	slices.Sort(rs)
	if len(rs) > 0 {
		b.ReportMetric(rs[len(rs)/2], "blockmed")
	}
	for s, name := range []string{"sdk", "raw"} {
		n := float64(sides[s].calls)
		b.ReportMetric(float64(sides[s].wall.Nanoseconds())/n, name+"-ns/op")
		b.ReportMetric(float64(sides[s].cpu.Nanoseconds())/n, name+"-cpu-ns/op")
		b.ReportMetric(float64(sides[s].allocs)/n, name+"-allocs/op")
		b.ReportMetric(float64(sides[s].mem)/n, name+"-B/op")
	}
}

// runBlock makes n calls, sequentially or over parallelGoroutines
// goroutines.
func runBlock(ctx context.Context, parallel bool, n int, call func(context.Context) error) error {
	if !parallel {
		for range n {
			if err := call(ctx); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		first atomic.Pointer[error]
	)
	for range parallelGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := call(ctx); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if p := first.Load(); p != nil {
		return *p
	}
	return nil
}
