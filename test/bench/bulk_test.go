package bench

import (
	"context"
	"iter"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow/facade"
)

const bulkRecords = 10_000

var bulkValues = records(bulkRecords)

// rawInserted is one inserted record as the baseline returns it.
type rawInserted struct {
	Index     int
	SkyflowID string
	Tokens    map[string]string
}

// rawBulkInsert sends values in chunks of chunk records with at most conc
// requests in flight: the same chunks and the same concurrency as the SDK's
// BulkInsert (a worker pool fed chunk indexes). Like the SDK, it returns
// every inserted record, in input order.
func rawBulkInsert(ctx context.Context, r *rawClient, values []map[string]any, chunk, conc int) ([]rawInserted, error) {
	n := (len(values) + chunk - 1) / chunk
	next := make(chan int)
	errs := make([]error, n)
	out := make([]rawInserted, len(values))
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				lo, hi := i*chunk, min((i+1)*chunk, len(values))
				resp, err := r.insert(ctx, values[lo:hi])
				if err == nil && len(resp.Records) != hi-lo {
					err = errUnexpected
				}
				if err != nil {
					errs[i] = err
					continue
				}
				for k, rec := range resp.Records {
					out[lo+k] = rawInserted{Index: lo + k, SkyflowID: rec.SkyflowID, Tokens: rec.Tokens}
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// measureRecords runs insert (n records a call) b.N times after one
// warm-up call and reports records/s and the process's CPU time per call.
func measureRecords(b *testing.B, n int, insert func(ctx context.Context) error) {
	ctx := context.Background()
	if err := insert(ctx); err != nil { // warm-up
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for range b.N {
		if err := insert(ctx); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuNanos() - cpu0
	b.StopTimer()
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
}

// BenchmarkBulkInsert inserts 10,000 records per op: the SDK's BulkInsert
// with its default chunking (25 records a request) and concurrency (4
// requests in flight), the baseline with the same chunks and concurrency. It reports
// records/s; the target is sdk ≥ 0.9 × raw.
func BenchmarkBulkInsert(b *testing.B) {
	c := remoteClients(b)
	for range rounds() {
		b.Run("10000/sdk", func(b *testing.B) {
			measureRecords(b, bulkRecords, func(ctx context.Context) error {
				seq, err := c.vault.BulkInsert(ctx, facade.BulkInsertRequest{Table: table, Records: facade.BulkFields(slices.Values(bulkValues)), ReturnTokens: true})
				if err != nil {
					return err
				}
				n := 0
				for r := range seq {
					if r.Outcome != facade.Written {
						return r.Err
					}
					n++
				}
				if n != bulkRecords {
					return errUnexpected
				}
				return nil
			})
		})
		b.Run("10000/raw", func(b *testing.B) {
			measureRecords(b, bulkRecords, func(ctx context.Context) error {
				out, err := rawBulkInsert(ctx, c.raw, bulkValues, facade.DefaultChunkSize, facade.DefaultConcurrency)
				if err != nil {
					return err
				}
				if len(out) != bulkRecords || out[bulkRecords-1].SkyflowID == "" {
					return errUnexpected
				}
				return nil
			})
		})
	}
}

// millionRecords is the size of the streamed bulk insert of issue 13.
const millionRecords = 1_000_000

// bulkHeapLimit is issue 13's limit on the heap growth of that insert.
const bulkHeapLimit = 64 << 20

// generate yields n records built on the fly: nothing holds the input.
func generate(n int) iter.Seq[map[string]any] {
	return func(yield func(map[string]any) bool) {
		for i := range n {
			if !yield(record(i)) {
				return
			}
		}
	}
}

// rawBulkInsertSeq is the baseline of the streamed insert: it reads chunks
// of chunk records from in, hands each to one of conc workers (so at most
// conc requests are in flight and conc+1 chunks held), each worker inserts
// its chunk and goes through the answer's records, and the results are
// dropped. It counts the records written in written.
func rawBulkInsertSeq(ctx context.Context, r *rawClient, in iter.Seq[map[string]any], chunk, conc int, written *atomic.Int64) error {
	jobs := make(chan []map[string]any)
	var (
		failed atomic.Pointer[error]
		wg     sync.WaitGroup
	)
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for values := range jobs {
				resp, err := r.insert(ctx, values)
				if err == nil && len(resp.Records) != len(values) {
					err = errUnexpected
				}
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					continue
				}
				for _, rec := range resp.Records {
					if rec.SkyflowID != "" {
						written.Add(1)
					}
				}
			}
		}()
	}
	buf := make([]map[string]any, 0, chunk)
	for v := range in {
		buf = append(buf, v)
		if len(buf) == chunk {
			jobs <- buf
			buf = make([]map[string]any, 0, chunk)
		}
	}
	if len(buf) > 0 {
		jobs <- buf
	}
	close(jobs)
	wg.Wait()
	if p := failed.Load(); p != nil {
		return *p
	}
	return nil
}

// sdkBulkInsertSeq inserts n generated records through BulkInsert with its
// defaults and drops every result, checking it is written and counting it
// in written.
func sdkBulkInsertSeq(ctx context.Context, v *facade.Vault, n int, written *atomic.Int64) error {
	seq, err := v.BulkInsert(ctx, facade.BulkInsertRequest{Table: table, Records: facade.BulkFields(generate(n)), ReturnTokens: true})
	if err != nil {
		return err
	}
	for r := range seq {
		if r.Outcome != facade.Written {
			return r.Err
		}
		written.Add(1)
	}
	return nil
}

// BenchmarkBulkInsertMillion inserts 1,000,000 records generated on the
// fly through BulkInsert (defaults: chunks of 25, 4 in flight; results
// dropped as they come) and, at the same time, through the baseline doing
// the same from its own generator: both sides see the same machine load,
// which on this shared 2-core machine swings more over a 20-second run
// than the sides differ. Each side's records/s (sdk-, raw-) counts what it
// wrote until the first side finished (after that, the other runs alone,
// faster); both run to the end. The peak growth of the live heap is the
// process's, both inserts together (an upper bound of the SDK's), sampled
// every millisecond. It ignores b.N: one op is one run of each side.
func BenchmarkBulkInsertMillion(b *testing.B) {
	c := remoteClients(b)
	for range min(rounds(), 2) {
		b.Run("1000000-from-iterator/pair", func(b *testing.B) {
			for range b.N {
				ctx := context.Background()
				var (
					wg       sync.WaitGroup
					written  [2]atomic.Int64
					errs     [2]error
					first    sync.Once
					atFirst  [2]int64
					firstDur time.Duration
				)
				h := startHeapSampler()
				start := time.Now()
				for i, insert := range []func() error{
					func() error { return sdkBulkInsertSeq(ctx, c.vault, millionRecords, &written[0]) },
					func() error {
						return rawBulkInsertSeq(ctx, c.raw, generate(millionRecords), facade.DefaultChunkSize, facade.DefaultConcurrency, &written[1])
					},
				} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						errs[i] = insert()
						first.Do(func() {
							firstDur = time.Since(start)
							atFirst = [2]int64{written[0].Load(), written[1].Load()}
						})
					}()
				}
				wg.Wait()
				growth, _ := h.stop()
				for i, side := range []string{"sdk", "raw"} {
					if errs[i] != nil {
						b.Fatal(errs[i])
					}
					if n := written[i].Load(); n != millionRecords {
						b.Fatalf("%s: %d records written, want %d", side, n, millionRecords)
					}
					b.ReportMetric(float64(atFirst[i])/firstDur.Seconds(), side+"-records/s")
				}
				b.ReportMetric(float64(growth)/(1<<20), "sdk-peak-heap-MB")
				b.ReportMetric(bulkHeapLimit>>20, "sdk-limit-MB")
			}
		})
	}
}

// TestBulkInsertMemoryIsBounded streams 50,000 generated records through
// BulkInsert over the in-memory transport and checks that the peak heap
// growth stays far below what holding the input or the results would
// take (over 25 MB): memory does not grow with the input.
func TestBulkInsertMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 50,000 records")
	}
	tr := memTransport{h: newHandler(nil)}
	c, err := newClients("https://bench.invalid", nil, facade.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	const n, limit = 50_000, 16 << 20
	h := startHeapSampler()
	var written atomic.Int64
	err = sdkBulkInsertSeq(context.Background(), c.vault, n, &written)
	growth, allocated := h.stop()
	if err != nil || written.Load() != n {
		t.Fatalf("%d of %d records written: %v", written.Load(), n, err)
	}
	t.Logf("peak heap growth %.1f MB, %.1f MB allocated", float64(growth)/(1<<20), float64(allocated)/(1<<20))
	if growth > limit {
		t.Errorf("peak heap growth %d bytes, want ≤ %d", growth, limit)
	}
}
