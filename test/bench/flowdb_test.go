package bench

import (
	"bytes"
	"context"
	"iter"
	"net/http"
	"sync"
	"testing"

	"github.com/skyflowgo/skyflow/facade"
)

var (
	flowOnce    sync.Once
	flowRemote  *flowClients
	flowErr     error
	flowMemOnce sync.Once
	flowMem     *flowClients
	flowMemErr  error
)

// remoteFlowClients returns the Flow DB clients of the child bench server,
// shared by every benchmark of the run.
func remoteFlowClients(b *testing.B) *flowClients {
	b.Helper()
	flowOnce.Do(func() {
		r, err := sharedRemote()
		if err != nil {
			flowErr = err
			return
		}
		flowRemote, flowErr = newFlowClients(r.baseURL(), r.roots)
	})
	if flowErr != nil {
		b.Fatal(flowErr)
	}
	return flowRemote
}

// TestFlowDBByteIdentical sends every Flow DB workload once through the SDK
// and once through the baseline and requires identical requests (see
// TestByteIdentical).
func TestFlowDBByteIdentical(t *testing.T) {
	srv := newCapture(t)
	c, err := newFlowClients(srv.url, srv.roots)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range flowWorkloads {
		srv.pair(t, w.name,
			func(ctx context.Context) error { return w.sdk(ctx, c) },
			func(ctx context.Context) error { return w.raw(ctx, c) })
	}
	// The bulk workload sends the same batches.
	ctx := context.Background()
	srv.take()
	const n = 120
	if err := sdkFlowBulk(ctx, c, n); err != nil {
		t.Fatal(err)
	}
	if err := rawFlowBulk(ctx, c.raw, n); err != nil {
		t.Fatal(err)
	}
	seen := srv.take()
	if len(seen) != 6 {
		t.Fatalf("server saw %d requests, want 3 batches from each client", len(seen))
	}
	for i := range 3 {
		if !bytes.Equal(seen[i].Body, seen[i+3].Body) {
			t.Errorf("bulk batch %d differs:\n sdk %s\n raw %s", i, seen[i].Body, seen[i+3].Body)
		}
	}
}

// BenchmarkFlowDBCall runs each Flow DB workload through the SDK and the
// baseline, sequentially, in rounds (see BenchmarkCall). Names are
// FlowDBCall/<workload>/seq/<sdk|raw>.
func BenchmarkFlowDBCall(b *testing.B) {
	c := remoteFlowClients(b)
	for range rounds() {
		for _, w := range flowWorkloads {
			b.Run(w.name+"/seq/sdk", func(b *testing.B) {
				measure(b, false, func(ctx context.Context) error { return w.sdk(ctx, c) })
			})
			b.Run(w.name+"/seq/raw", func(b *testing.B) {
				measure(b, false, func(ctx context.Context) error { return w.raw(ctx, c) })
			})
		}
	}
}

// flowBulkRecords is how many records one op of the Flow DB bulk insert
// benchmark inserts.
const flowBulkRecords = 100_000

// flowInput generates n records as they are read: neither client holds the
// input in memory.
func flowInput(n int) iter.Seq[facade.FlowRecord] {
	return func(yield func(facade.FlowRecord) bool) {
		for i := range n {
			if !yield(facade.FlowRecord{Data: flowRecord(i % 50)}) {
				return
			}
		}
	}
}

// sdkFlowBulk inserts n records with the SDK's BulkInsert and its defaults
// (batches of 50, one request at a time).
func sdkFlowBulk(ctx context.Context, c *flowClients, n int) error {
	seq, err := c.db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: flowTable, Records: flowInput(n)})
	if err != nil {
		return err
	}
	got := 0
	for r := range seq {
		if r.Outcome != facade.FlowDone || r.Index != got || r.SkyflowID == "" {
			if r.Err != nil {
				return r.Err
			}
			return errUnexpected
		}
		got++
	}
	if got != n {
		return errUnexpected
	}
	return nil
}

// rawInsertedRecord is one record's outcome as the baseline reports it.
type rawInsertedRecord struct {
	Index     int
	SkyflowID string
	Tokens    map[string][]flowToken
	Err       string
	Status    int
}

// rawFlowBulk is the baseline: the same input iterator read in batches of
// 50, one request at a time, every record's outcome handed on in input
// order (to a consumer that counts them, like the SDK's caller).
func rawFlowBulk(ctx context.Context, r *rawClient, n int) error {
	next, stop := iter.Pull(flowInput(n))
	defer stop()
	batch := make([]rawFlowRecord, 0, facade.DefaultFlowBatchSize)
	index, got := 0, 0
	consume := func(rec rawInsertedRecord) {
		if rec.SkyflowID != "" && rec.Index == got {
			got++
		}
	}
	for done := false; !done; {
		batch = batch[:0]
		for len(batch) < facade.DefaultFlowBatchSize {
			rec, ok := next()
			if !ok {
				done = true
				break
			}
			batch = append(batch, rawFlowRecord{Data: rec.Data})
		}
		if len(batch) == 0 {
			break
		}
		out, err := r.flowInsert(ctx, batch)
		if err != nil {
			return err
		}
		results := make([]rawInsertedRecord, len(batch))
		for i, rec := range out.Records {
			results[i] = rawInsertedRecord{Index: index + i, SkyflowID: rec.SkyflowID, Tokens: rec.Tokens, Err: rec.Error, Status: rec.HTTPCode}
		}
		for _, rec := range results {
			consume(rec)
		}
		index += len(batch)
	}
	if got != n {
		return errUnexpected
	}
	return nil
}

// BenchmarkFlowDBBulkInsert inserts 100,000 records per op from an
// iterator: the SDK's BulkInsert with its defaults, the baseline with the
// same batches, one request at a time. It reports records/s; the target
// is sdk ≥ 0.9 × raw.
func BenchmarkFlowDBBulkInsert(b *testing.B) {
	c := remoteFlowClients(b)
	for range rounds() {
		b.Run("100000/sdk", func(b *testing.B) {
			measureRecords(b, flowBulkRecords, func(ctx context.Context) error { return sdkFlowBulk(ctx, c, flowBulkRecords) })
		})
		b.Run("100000/raw", func(b *testing.B) {
			measureRecords(b, flowBulkRecords, func(ctx context.Context) error { return rawFlowBulk(ctx, c.raw, flowBulkRecords) })
		})
	}
}

// BenchmarkFlowDBInMemory is a diagnostic (see BenchmarkInMemory): the
// Flow DB workloads over the in-memory transport.
func BenchmarkFlowDBInMemory(b *testing.B) {
	flowMemOnce.Do(func() {
		tr := memTransport{h: newHandler(nil)}
		const base = "https://bench.invalid"
		flowMem, flowMemErr = newFlowClients(base, nil, facade.WithHTTPClient(&http.Client{Transport: tr}))
		if flowMemErr == nil {
			flowMem.raw.hc = &http.Client{Transport: tr}
		}
	})
	if flowMemErr != nil {
		b.Fatal(flowMemErr)
	}
	for _, w := range flowWorkloads {
		b.Run(w.name+"/sdk", func(b *testing.B) {
			measure(b, false, func(ctx context.Context) error { return w.sdk(ctx, flowMem) })
		})
		b.Run(w.name+"/raw", func(b *testing.B) {
			measure(b, false, func(ctx context.Context) error { return w.raw(ctx, flowMem) })
		})
	}
}
