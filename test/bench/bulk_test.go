package bench

import (
	"context"
	"slices"
	"sync"
	"testing"

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
// Insert (a worker pool fed chunk indexes, like facade.runChunks). Like the
// SDK, it returns every inserted record, in input order.
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

// BenchmarkBulkInsert inserts 10,000 records per op: the SDK's BulkInsert
// with its default chunking (25 records a request) and concurrency (4
// requests in flight), the baseline with the same chunks and concurrency. It reports
// records/s; the target is sdk ≥ 0.9 × raw.
func BenchmarkBulkInsert(b *testing.B) {
	c := remoteClients(b)
	run := func(b *testing.B, insert func(ctx context.Context) error) {
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
		b.ReportMetric(float64(bulkRecords*b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
	for range rounds() {
		b.Run("10000/sdk", func(b *testing.B) {
			run(b, func(ctx context.Context) error {
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
			run(b, func(ctx context.Context) error {
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
