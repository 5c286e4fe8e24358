package facade

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// Batching of the Flow DB bulk calls. The defaults and limits are those of
// Skyflow's Java SDK for Flow DB vaults, so that a workload moved between
// the two SDKs treats the vault the same way: 50 elements a request (at
// most 1000), and one request at a time (at most 10). One request at a time
// keeps a single bulk call from competing with the rest of an application
// for the vault's rate limit; raise Concurrency when throughput matters
// more. A batch is the unit of failure: when its request fails as a whole,
// its elements share the request's error (FlowFailed, or FlowUnknown when
// the answer was lost).
const (
	DefaultFlowBatchSize   = 50
	MaxFlowBatchSize       = 1000
	DefaultFlowConcurrency = 1
	MaxFlowConcurrency     = 10
)

// flowBulkSettings checks and defaults a Flow DB bulk call's batch size and
// concurrency.
func flowBulkSettings(size, conc int) (int, int, error) {
	switch {
	case size < 0 || size > MaxFlowBatchSize:
		return 0, 0, errs.Invalid("BatchSize", "must be between 1 and %d (0 for the default)", MaxFlowBatchSize)
	case conc < 0 || conc > MaxFlowConcurrency:
		return 0, 0, errs.Invalid("Concurrency", "must be between 1 and %d (0 for the default)", MaxFlowConcurrency)
	}
	if size == 0 {
		size = DefaultFlowBatchSize
	}
	if conc == 0 {
		conc = DefaultFlowConcurrency
	}
	return size, conc, nil
}

// partition checks the items of a batch. It returns the valid items and
// their positions in the batch (positions is nil when every item is valid,
// and valid is then items itself), and reports each invalid one to bad.
func partition[T any](items []T, base int, check func(index int, item *T) error, bad func(pos int, err error)) (valid []T, positions []int) {
	for i := range items {
		err := check(base+i, &items[i])
		if err == nil {
			if positions != nil {
				valid, positions = append(valid, items[i]), append(positions, i)
			}
			continue
		}
		if positions == nil { // the first invalid item: copy the valid ones before it
			valid, positions = make([]T, 0, len(items)), make([]int, 0, len(items))
			for k := range i {
				valid, positions = append(valid, items[k]), append(positions, k)
			}
		}
		bad(i, err)
	}
	if positions == nil {
		return items, nil
	}
	return valid, positions
}

// at is the position in the batch of the j-th valid item.
func at(positions []int, j int) int {
	if positions == nil {
		return j
	}
	return positions[j]
}

// flowElement is what sendBatch needs of a Flow DB bulk result.
type flowElement[Out any] interface {
	*Out
	// fail gives the element an outcome without an answer of its own.
	fail(outcome FlowOutcome, err error, requestID string)
	// index is the element's input index.
	index() int
	// reindex gives an answered element (whose Index is its position in
	// its request) its input index, in its error too.
	reindex(to int)
}

// sendBatch sends one batch of a Flow DB bulk call: results holds one
// element per item, their Index and identity set. Invalid items fail on
// their own; the valid ones go in one request (call), whose answer takes
// their places, or whose failure they share: FlowFailed or FlowUnknown,
// as FlowOutcomeOf says.
func sendBatch[In, Out any, P flowElement[Out]](ctx context.Context, results []Out, items []In, base int,
	check func(index int, item *In) error, call func(ctx context.Context, valid []In) ([]Out, error)) []Out {
	valid, positions := partition(items, base, check, func(pos int, err error) {
		P(&results[pos]).fail(FlowFailed, err, "")
	})
	if len(valid) == 0 {
		return results
	}
	answers, err := call(ctx, valid)
	if err != nil {
		kind, rid := FlowOutcomeOf(err), requestIDOf(err)
		for j := range valid {
			P(&results[at(positions, j)]).fail(kind, err, rid)
		}
		return results
	}
	for j := range answers {
		r := &results[at(positions, j)]
		index := P(r).index()
		*r = answers[j]
		P(r).reindex(index)
	}
	return results
}

// FlowBulkInsertRequest inserts a stream of records, in batches.
type FlowBulkInsertRequest struct {
	// Table is the table of every record. When empty, every record names
	// its own table.
	Table string
	// Records are the records to insert (required). They are read as the
	// iteration of the results proceeds.
	Records iter.Seq[FlowRecord]
	// Upsert makes every record an update-or-insert (with Table only). An
	// upsert can be sent again safely, so its batches are also retried
	// after a lost answer.
	Upsert *FlowUpsert
	// BatchSize is how many records one request carries (0:
	// DefaultFlowBatchSize; at most MaxFlowBatchSize).
	BatchSize int
	// Concurrency is how many requests are in flight at once (0:
	// DefaultFlowConcurrency; at most MaxFlowConcurrency).
	Concurrency int
}

// BulkInsert inserts every record of req.Records, BatchSize records per
// request (POST /v2/records/insert), Concurrency requests at a time, and
// returns an iterator over the result of every input record, in input
// order, each with its input Index: FlowDone with its skyflow id and
// tokens, FlowFailed (a *skyflow.RecordError from the vault, the 4xx error
// of its batch, a *skyflow.ValidationError for an invalid record, or an
// error matching skyflow.ErrNotSent once ctx has ended), or FlowUnknown
// when its batch's answer was lost or did not match the batch: such a
// record may have been written, so look it up before sending it again.
//
// The request is checked first (an error means nothing was sent). Records
// are read as the iteration proceeds and at most 2×Concurrency batches are
// held at once (those in flight, and answered ones waiting for an earlier
// one), so inputs larger than memory stream through. Breaking out of the
// loop stops sending new batches; the requests in flight complete, and
// their records, never reported, may have been written.
func (f *FlowDB) BulkInsert(ctx context.Context, req FlowBulkInsertRequest) (iter.Seq[FlowRecordResult], error) {
	size, conc, err := flowBulkSettings(req.BatchSize, req.Concurrency)
	if err != nil {
		return nil, err
	}
	if req.Records == nil {
		return nil, errs.Invalid("Records", "is required")
	}
	perRecord := strings.TrimSpace(req.Table) == ""
	switch {
	case req.Table != "" && perRecord:
		return nil, errs.Invalid("Table", "is blank")
	case req.Upsert != nil && perRecord:
		return nil, errs.Invalid("Upsert", "needs Table: the upsert sits at the level of the table (set each record's Upsert when the records name their tables)")
	case req.Upsert != nil:
		if err := req.Upsert.check("Upsert"); err != nil {
			return nil, err
		}
	}
	if _, err := f.state(); err != nil {
		return nil, err
	}
	hdr := &FlowInsertRequest{Table: req.Table, Upsert: req.Upsert}
	tableOf := func(rec *FlowRecord) string {
		if perRecord {
			return rec.Table
		}
		return req.Table
	}
	send := func(ctx context.Context, base int, items []FlowRecord, out []FlowRecordResult) []FlowRecordResult {
		results := reuse(out, len(items))
		for i := range items {
			results[i].Index, results[i].Table = base+i, tableOf(&items[i])
		}
		return sendBatch(ctx, results, items, base, func(index int, rec *FlowRecord) error {
			return rec.check(index, perRecord)
		}, func(ctx context.Context, valid []FlowRecord) ([]FlowRecordResult, error) {
			resp, err := f.insert(ctx, hdr, valid, 0)
			if err != nil {
				return nil, err
			}
			return resp.Records, nil
		})
	}
	notSent := func(index int, rec FlowRecord, err error) FlowRecordResult {
		return FlowRecordResult{Index: index, Outcome: FlowFailed, Table: tableOf(&rec), Err: err}
	}
	return func(yield func(FlowRecordResult) bool) {
		bulkRun(ctx, req.Records, size, conc, send, notSent, yield)
	}, nil
}

// reindex gives a result, and its record error, the element's input
// index.
func reindex(index *int, err error, to int) {
	*index = to
	var re *skyflow.RecordError
	if errors.As(err, &re) {
		re.Index = to
	}
}

func (r *FlowRecordResult) fail(o FlowOutcome, err error, rid string) {
	r.Outcome, r.Err, r.RequestID = o, err, rid
}
func (r *FlowRecordResult) index() int     { return r.Index }
func (r *FlowRecordResult) reindex(to int) { reindex(&r.Index, r.Err, to) }

func (r *FlowDetokenizeResult) fail(o FlowOutcome, err error, rid string) {
	r.Outcome, r.Err, r.RequestID = o, err, rid
}
func (r *FlowDetokenizeResult) index() int     { return r.Index }
func (r *FlowDetokenizeResult) reindex(to int) { reindex(&r.Index, r.Err, to) }

func (r *FlowDeleteTokenResult) fail(o FlowOutcome, err error, rid string) {
	r.Outcome, r.Err, r.RequestID = o, err, rid
}
func (r *FlowDeleteTokenResult) index() int     { return r.Index }
func (r *FlowDeleteTokenResult) reindex(to int) { reindex(&r.Index, r.Err, to) }

func (r *FlowTokenizeResult) fail(o FlowOutcome, err error, rid string) {
	r.Outcome, r.Err, r.RequestID = o, err, rid
}
func (r *FlowTokenizeResult) index() int { return r.Index }

// reindex also gives the value's token-group errors its input index.
func (r *FlowTokenizeResult) reindex(to int) {
	r.Index = to
	for _, re := range r.GroupErrors {
		re.Index = to
	}
}

// FlowBulkDetokenizeRequest detokenizes a stream of tokens, in batches.
type FlowBulkDetokenizeRequest struct {
	// Tokens are the tokens (required), read as the iteration proceeds.
	Tokens iter.Seq[string]
	// TokenGroupRedactions choose a redaction per token group; every batch
	// carries them all.
	TokenGroupRedactions []FlowTokenGroupRedaction
	// BatchSize is how many tokens one request carries (0:
	// DefaultFlowBatchSize; at most MaxFlowBatchSize).
	BatchSize int
	// Concurrency is how many requests are in flight at once (0:
	// DefaultFlowConcurrency; at most MaxFlowConcurrency).
	Concurrency int
}

// BulkDetokenize detokenizes every token of req.Tokens, BatchSize tokens
// per request (POST /v2/tokens/detokenize), Concurrency requests at a time,
// and returns an iterator over the result of every input token, in input
// order, each with its input Index and one outcome (see BulkInsert).
func (f *FlowDB) BulkDetokenize(ctx context.Context, req FlowBulkDetokenizeRequest) (iter.Seq[FlowDetokenizeResult], error) {
	size, conc, err := flowBulkSettings(req.BatchSize, req.Concurrency)
	if err != nil {
		return nil, err
	}
	if req.Tokens == nil {
		return nil, errs.Invalid("Tokens", "is required")
	}
	reds, err := checkGroupRedactions(req.TokenGroupRedactions)
	if err != nil {
		return nil, err
	}
	if _, err := f.state(); err != nil {
		return nil, err
	}
	send := func(ctx context.Context, base int, items []string, out []FlowDetokenizeResult) []FlowDetokenizeResult {
		results := reuse(out, len(items))
		for i := range items {
			results[i].Index, results[i].Token = base+i, items[i]
		}
		return sendBatch(ctx, results, items, base, checkBulkToken, func(ctx context.Context, valid []string) ([]FlowDetokenizeResult, error) {
			resp, err := f.detokenize(ctx, valid, reds, 0)
			if err != nil {
				return nil, err
			}
			return resp.Tokens, nil
		})
	}
	notSent := func(index int, token string, err error) FlowDetokenizeResult {
		return FlowDetokenizeResult{Index: index, Outcome: FlowFailed, Token: token, Err: err}
	}
	return func(yield func(FlowDetokenizeResult) bool) {
		bulkRun(ctx, req.Tokens, size, conc, send, notSent, yield)
	}, nil
}

// checkBulkToken checks one token of a bulk call.
func checkBulkToken(index int, token *string) error {
	if strings.TrimSpace(*token) == "" {
		return errs.Invalid(indexed("Tokens", index), "is empty")
	}
	return nil
}

// FlowBulkTokenizeRequest tokenizes a stream of values, in batches.
type FlowBulkTokenizeRequest struct {
	// Values are the values (required), read as the iteration proceeds.
	Values iter.Seq[FlowTokenizeValue]
	// BatchSize is how many values one request carries (0:
	// DefaultFlowBatchSize; at most MaxFlowBatchSize).
	BatchSize int
	// Concurrency is how many requests are in flight at once (0:
	// DefaultFlowConcurrency; at most MaxFlowConcurrency).
	Concurrency int
}

// BulkTokenize tokenizes every value of req.Values, BatchSize values per
// request (POST /v2/tokens/tokenize), Concurrency requests at a time, and
// returns an iterator over the result of every input value, in input
// order, each with its input Index and one outcome (see BulkInsert and
// FlowTokenizeResult).
func (f *FlowDB) BulkTokenize(ctx context.Context, req FlowBulkTokenizeRequest) (iter.Seq[FlowTokenizeResult], error) {
	size, conc, err := flowBulkSettings(req.BatchSize, req.Concurrency)
	if err != nil {
		return nil, err
	}
	if req.Values == nil {
		return nil, errs.Invalid("Values", "is required")
	}
	if _, err := f.state(); err != nil {
		return nil, err
	}
	send := func(ctx context.Context, base int, items []FlowTokenizeValue, out []FlowTokenizeResult) []FlowTokenizeResult {
		results := reuse(out, len(items))
		for i := range items {
			results[i].Index, results[i].Value = base+i, items[i].Value
		}
		return sendBatch(ctx, results, items, base, func(index int, v *FlowTokenizeValue) error {
			return v.check(index)
		}, func(ctx context.Context, valid []FlowTokenizeValue) ([]FlowTokenizeResult, error) {
			resp, err := f.tokenize(ctx, valid, 0)
			if err != nil {
				return nil, err
			}
			return resp.Values, nil
		})
	}
	notSent := func(index int, v FlowTokenizeValue, err error) FlowTokenizeResult {
		return FlowTokenizeResult{Index: index, Outcome: FlowFailed, Value: v.Value, Err: err}
	}
	return func(yield func(FlowTokenizeResult) bool) {
		bulkRun(ctx, req.Values, size, conc, send, notSent, yield)
	}, nil
}

// FlowBulkDeleteTokensRequest deletes a stream of tokens, in batches.
type FlowBulkDeleteTokensRequest struct {
	// Tokens are the tokens (required), read as the iteration proceeds.
	Tokens iter.Seq[string]
	// BatchSize is how many tokens one request carries (0:
	// DefaultFlowBatchSize; at most MaxFlowBatchSize).
	BatchSize int
	// Concurrency is how many requests are in flight at once (0:
	// DefaultFlowConcurrency; at most MaxFlowConcurrency).
	Concurrency int
}

// BulkDeleteTokens deletes every token of req.Tokens, BatchSize tokens per
// request (POST /v2/tokens/delete), Concurrency requests at a time, and
// returns an iterator over the result of every input token, in input
// order, each with its input Index and one outcome (see BulkInsert).
func (f *FlowDB) BulkDeleteTokens(ctx context.Context, req FlowBulkDeleteTokensRequest) (iter.Seq[FlowDeleteTokenResult], error) {
	size, conc, err := flowBulkSettings(req.BatchSize, req.Concurrency)
	if err != nil {
		return nil, err
	}
	if req.Tokens == nil {
		return nil, errs.Invalid("Tokens", "is required")
	}
	if _, err := f.state(); err != nil {
		return nil, err
	}
	send := func(ctx context.Context, base int, items []string, out []FlowDeleteTokenResult) []FlowDeleteTokenResult {
		results := reuse(out, len(items))
		for i := range items {
			results[i].Index, results[i].Token = base+i, items[i]
		}
		return sendBatch(ctx, results, items, base, checkBulkToken, func(ctx context.Context, valid []string) ([]FlowDeleteTokenResult, error) {
			resp, err := f.deleteTokens(ctx, valid, 0)
			if err != nil {
				return nil, err
			}
			return resp.Tokens, nil
		})
	}
	notSent := func(index int, token string, err error) FlowDeleteTokenResult {
		return FlowDeleteTokenResult{Index: index, Outcome: FlowFailed, Token: token, Err: err}
	}
	return func(yield func(FlowDeleteTokenResult) bool) {
		bulkRun(ctx, req.Tokens, size, conc, send, notSent, yield)
	}, nil
}

// reuse returns out (a chunk's buffer from an earlier chunk) holding n zero
// results, grown if it is too small.
func reuse[T any](out []T, n int) []T {
	out = slices.Grow(out[:0], n)[:n]
	clear(out)
	return out
}
