package facade

import (
	"context"
	"errors"
	"iter"
	"slices"
	"sync"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// Bulk calls read their input from an iterator, send it in chunks of
// ChunkSize items with up to Concurrency requests in flight, and yield one
// result per input item, in input order. At most 2×Concurrency chunks are
// held at once (those in flight, and answered ones waiting for an earlier
// chunk), so inputs larger than memory stream through.
const (
	// DefaultChunkSize is how many items one request of a bulk call
	// carries: 25, the vault's page size. A chunk is the unit of failure
	// (a chunk that fails leaves its items not written, or unknown when its
	// answer was lost), so it stays small enough that one failure touches
	// few records, and large enough that the per-request cost is shared.
	DefaultChunkSize = 25
	// DefaultConcurrency is how many requests of a bulk call are in flight
	// at once: 4 hides the round trip of one request behind the others
	// without flooding the vault's rate limit from a single call.
	DefaultConcurrency = 4
	// MaxChunkSize and MaxConcurrency bound the settings.
	MaxChunkSize   = 1000
	MaxConcurrency = 64
)

// Outcome is what became of one record of a bulk write.
type Outcome int

// The outcomes. Every input record gets exactly one.
const (
	// Written: the vault wrote the record and said so.
	Written Outcome = iota + 1
	// NotWritten: the record was certainly not written: the vault refused
	// it (Err is a *skyflow.RecordError or the *skyflow.APIError of its
	// chunk), it was invalid (*skyflow.ValidationError), or it was never
	// sent (Err matches skyflow.ErrNotSent, or is a *skyflow.AuthError).
	// Sending it again cannot create a duplicate.
	NotWritten
	// Unknown: the request carrying the record was sent and its answer was
	// lost (the connection broke, the context ended, a gateway failed, or
	// the answer could not be read), or the vault answered the record with
	// a 5xx, or refused it on a retry after an attempt that may have been
	// applied (Err is then a *skyflow.RecordError with MaybeApplied): the
	// record may have been written. Check with a Get by a unique column
	// before sending it again.
	Unknown
)

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case Written:
		return "written"
	case NotWritten:
		return "not written"
	case Unknown:
		return "unknown"
	}
	return "invalid outcome"
}

// BulkRecord is one record of a bulk insert: its column values and, with a
// token mode other than TokenModeDisable, the tokens to store for them.
type BulkRecord struct {
	// Fields maps column names to values (required, non-empty).
	Fields map[string]any
	// Tokens maps column names to tokens (bring your own tokens).
	Tokens map[string]string
}

// BulkFields turns a sequence of column maps into the records of a bulk
// insert (without tokens).
func BulkFields(seq iter.Seq[map[string]any]) iter.Seq[BulkRecord] {
	return func(yield func(BulkRecord) bool) {
		for m := range seq {
			if !yield(BulkRecord{Fields: m}) {
				return
			}
		}
	}
}

// BulkInsertRequest inserts a stream of records into one table, in chunks.
type BulkInsertRequest struct {
	// Table is the table to insert into (required).
	Table string
	// Records are the records to insert (required); see BulkFields.
	Records iter.Seq[BulkRecord]
	// ReturnTokens asks for the tokens of tokenized columns.
	ReturnTokens bool
	// Upsert names a unique column: a record whose value in that column
	// already exists is updated instead of inserted. An upsert can be sent
	// again safely, so its chunks are also retried after a lost answer.
	Upsert string
	// TokenMode says whether records carry tokens (default
	// TokenModeDisable).
	TokenMode TokenMode
	// ContinueOnError lets the vault write every record of a chunk it can
	// and refuse the others one by one; without it, each chunk is written
	// whole or not at all.
	ContinueOnError bool
	// ChunkSize is how many records one request carries (0:
	// DefaultChunkSize; at most MaxChunkSize).
	ChunkSize int
	// Concurrency is how many requests are in flight at once (0:
	// DefaultConcurrency; at most MaxConcurrency).
	Concurrency int
}

// BulkInsertResult is the outcome of one input record of a bulk insert.
type BulkInsertResult struct {
	// Index is the record's position in the input.
	Index int
	// Outcome says whether the record was written.
	Outcome Outcome
	// SkyflowID and Tokens are the written record's id and tokens.
	SkyflowID string
	Tokens    map[string]string
	// Err says why the record is not written, or why its outcome is
	// unknown (nil when written).
	Err error
	// RequestID is the id of the request that carried the record ("" when
	// it was never sent).
	RequestID string
}

// BulkInsert inserts every record of req.Records, ChunkSize records per
// request, Concurrency requests at a time, and returns an iterator over
// the outcome of every input record, in input order. The request is
// checked first (an error means nothing was sent); the records are read as
// the iteration proceeds, and an invalid record is reported NotWritten
// without stopping the others. When ctx ends, the records not yet sent are
// reported NotWritten (skyflow.ErrNotSent). Breaking out of the loop stops
// sending new chunks; the requests already in flight complete, and their
// records, never reported, may have been written.
//
// To resume a bulk insert, send again only the records reported NotWritten;
// look the Unknown ones up first (see the README).
func (v *Vault) BulkInsert(ctx context.Context, req BulkInsertRequest) (iter.Seq[BulkInsertResult], error) {
	size, conc, err := bulkSettings(req.ChunkSize, req.Concurrency)
	if err != nil {
		return nil, err
	}
	if err := checkPathParam("Table", req.Table); err != nil {
		return nil, err
	}
	if req.Records == nil {
		return nil, errs.Invalid("Records", "is required")
	}
	if !req.TokenMode.valid() {
		return nil, errs.Invalid("TokenMode", "must be DISABLE, ENABLE or ENABLE_STRICT")
	}
	if _, err := v.state(); err != nil {
		return nil, err
	}
	o := (&InsertRequest{Table: req.Table, ReturnTokens: req.ReturnTokens, Upsert: req.Upsert,
		TokenMode: req.TokenMode, ContinueOnError: req.ContinueOnError}).options()
	mode := req.TokenMode.orDefault()
	send := func(ctx context.Context, base int, items []BulkRecord, out []BulkInsertResult) []BulkInsertResult {
		return v.insertChunk(ctx, o, mode, base, items, out)
	}
	notSent := func(index int, _ BulkRecord, err error) BulkInsertResult {
		return BulkInsertResult{Index: index, Outcome: NotWritten, Err: err}
	}
	return func(yield func(BulkInsertResult) bool) {
		bulkRun(ctx, req.Records, size, conc, send, notSent, yield)
	}, nil
}

// insertChunk inserts the valid records of one chunk with one request and
// returns the outcome of every record of the chunk, in results (a buffer
// of any length, grown as needed).
func (v *Vault) insertChunk(ctx context.Context, o *insertOptions, mode TokenMode, base int, items []BulkRecord, results []BulkInsertResult) []BulkInsertResult {
	results = slices.Grow(results[:0], len(items))[:len(items)]
	clear(results)
	records := make([]map[string]any, 0, len(items))
	tokens := make([]map[string]string, 0, len(items))
	positions := make([]int, 0, len(items))
	for i, it := range items {
		results[i].Index = base + i
		if err := checkBulkRecord(mode, base+i, &it); err != nil {
			results[i].Outcome, results[i].Err = NotWritten, err
			continue
		}
		records, tokens, positions = append(records, it.Fields), append(tokens, it.Tokens), append(positions, i)
	}
	if len(records) == 0 {
		return results
	}
	resp, err := v.insert(ctx, o, records, tokens, 0)
	if err != nil {
		kind := failedOutcome(err)
		for _, p := range positions {
			results[p].Outcome, results[p].Err, results[p].RequestID = kind, err, requestIDOf(err)
		}
		return results
	}
	for _, ins := range resp.Inserted {
		r := &results[positions[ins.Index]]
		r.Outcome, r.SkyflowID, r.Tokens, r.RequestID = Written, ins.SkyflowID, ins.Tokens, resp.RequestID
	}
	for _, re := range resp.Errors {
		r := &results[positions[re.Index]]
		re.Index = r.Index
		r.Outcome, r.Err, r.RequestID = failedOutcome(re), re, resp.RequestID
	}
	return results
}

// checkBulkRecord applies Insert's record and token rules to one record.
func checkBulkRecord(mode TokenMode, index int, r *BulkRecord) error {
	if reason := recordProblem(r.Fields); reason != "" {
		return errs.Invalid(indexed("Records", index), "%s", reason)
	}
	var tokens []map[string]string
	if len(r.Tokens) > 0 || mode != TokenModeDisable {
		tokens = []map[string]string{r.Tokens}
	}
	if err := checkTokens(mode, []map[string]any{r.Fields}, tokens); err != nil {
		var ve *skyflow.ValidationError
		if errors.As(err, &ve) {
			ve.Field = indexed("Records", index) + ".Tokens"
		}
		return err
	}
	return nil
}

// failedOutcome classifies the records of a write whose request failed:
// unknown when the request may have been applied (skyflow.MaybeApplied) or
// a local file failed while its body was sent, otherwise certainly not
// written: nothing was sent, or the vault refused the only request that
// could have reached it.
func failedOutcome(err error) Outcome {
	var fe *skyflow.FileError
	if skyflow.MaybeApplied(err) || errors.As(err, &fe) {
		return Unknown
	}
	return NotWritten
}

// bulkSettings checks and defaults a bulk call's chunk size and
// concurrency.
func bulkSettings(size, conc int) (int, int, error) {
	switch {
	case size < 0 || size > MaxChunkSize:
		return 0, 0, errs.Invalid("ChunkSize", "must be between 1 and %d (0 for the default)", MaxChunkSize)
	case conc < 0 || conc > MaxConcurrency:
		return 0, 0, errs.Invalid("Concurrency", "must be between 1 and %d (0 for the default)", MaxConcurrency)
	}
	if size == 0 {
		size = DefaultChunkSize
	}
	if conc == 0 {
		conc = DefaultConcurrency
	}
	return size, conc, nil
}

// bulkRun is the engine of every bulk call. It reads items from in,
// groups them in chunks of size, sends up to conc chunks at once on conc
// worker goroutines (send returns one result per item of its chunk, in
// out, a buffer it may reuse), and yields the results in input order, as
// soon as they are ready. At most 2*conc chunks are held at once: conc in
// flight, and answered ones waiting for an earlier chunk (so one slow
// request does not idle the other workers); the first item of a new chunk
// is read only once fewer are held. Once ctx has ended, chunks are not
// sent: their items are reported with notSent and skyflow.ErrNotSent.
// When yield returns false, no new chunk starts and bulkRun returns once
// the chunks in flight are done.
//
// The input is ranged over directly (no iter.Pull and its coroutine
// switch per item), the workers live as long as the call (a goroutine per
// chunk grew a new stack for every request), and the item and result
// buffers of a chunk whose results were yielded serve the next chunk.
func bulkRun[In, Out any](ctx context.Context, in iter.Seq[In], size, conc int,
	send func(ctx context.Context, base int, items []In, out []Out) []Out,
	notSent func(index int, item In, err error) Out,
	yield func(Out) bool) {
	type chunk struct {
		base  int
		items []In
		out   []Out
		done  chan struct{}
	}
	jobs := make(chan *chunk)
	var wg sync.WaitGroup
	defer wg.Wait() // no goroutine outlives the iteration
	defer close(jobs)
	workers := 0
	var (
		pending []*chunk // sent, in input order
		spare   []*chunk // chunks whose results were yielded, for reuse
		cur     *chunk   // the chunk being filled
		index   int
	)
	newChunk := func() *chunk {
		if n := len(spare); n > 0 {
			c := spare[n-1]
			spare = spare[:n-1]
			c.items, c.out = c.items[:0], c.out[:0]
			return c
		}
		return &chunk{items: make([]In, 0, size), out: make([]Out, 0, size)}
	}
	// ready reports whether the oldest pending chunk is answered.
	ready := func() bool {
		select {
		case <-pending[0].done:
			return true
		default:
			return false
		}
	}
	// emit waits for the oldest pending chunk and yields its results.
	emit := func() bool {
		c := pending[0]
		pending = slices.Delete(pending, 0, 1)
		<-c.done
		for _, o := range c.out {
			if !yield(o) {
				return false
			}
		}
		spare = append(spare, c)
		return true
	}
	dispatch := func(c *chunk) {
		c.base, c.done = index, make(chan struct{})
		index += len(c.items)
		pending = append(pending, c)
		if err := ctx.Err(); err != nil {
			for i, item := range c.items {
				c.out = append(c.out, notSent(c.base+i, item, &notSentError{cause: err}))
			}
			close(c.done)
			return
		}
		if workers < conc {
			workers++
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := range jobs {
					c.out = send(ctx, c.base, c.items, c.out)
					close(c.done)
				}
			}()
		}
		jobs <- c
	}
	for item := range in {
		if cur == nil {
			for len(pending) > 0 && (len(pending) == 2*conc || ready()) {
				if !emit() {
					return
				}
			}
			cur = newChunk()
		}
		cur.items = append(cur.items, item)
		if len(cur.items) == size {
			dispatch(cur)
			cur = nil
		}
	}
	if cur != nil {
		dispatch(cur)
	}
	for len(pending) > 0 {
		if !emit() {
			return
		}
	}
}

// notSentError marks items never sent because the call's context ended:
// it matches skyflow.ErrNotSent and the context's error.
type notSentError struct{ cause error }

func (e *notSentError) Error() string {
	return skyflow.ErrNotSent.Error() + ": " + e.cause.Error()
}

func (e *notSentError) Unwrap() []error { return []error{skyflow.ErrNotSent, e.cause} }

// BulkDetokenizeRequest detokenizes a stream of tokens, in chunks.
type BulkDetokenizeRequest struct {
	// Tokens are the tokens, each with its redaction (required).
	Tokens iter.Seq[DetokenizeToken]
	// DownloadURL returns download URLs for tokens of file columns.
	DownloadURL bool
	// ChunkSize is how many tokens one request carries (0:
	// DefaultChunkSize; at most MaxChunkSize).
	ChunkSize int
	// Concurrency is how many requests are in flight at once (0:
	// DefaultConcurrency; at most MaxConcurrency).
	Concurrency int
}

// BulkDetokenizeResult is the value behind one input token, or why there
// is none.
type BulkDetokenizeResult struct {
	// Index is the token's position in the input.
	Index int
	// Token is the token.
	Token string
	// Value and ValueType are as in DetokenizedRecord (set when Err is
	// nil).
	Value     string
	ValueType string
	// Err is nil, a *skyflow.RecordError for a token the vault refused, the
	// error of the token's whole request, a *skyflow.ValidationError for an
	// invalid token, or one matching skyflow.ErrNotSent.
	Err error
	// RequestID is the id of the request that carried the token.
	RequestID string
}

// BulkDetokenize detokenizes every token of req.Tokens, ChunkSize tokens
// per request (sent with continue-on-error, so one bad token fails alone),
// Concurrency requests at a time, and returns an iterator over the result
// of every input token, in input order. Like BulkInsert it streams: inputs
// larger than memory pass through.
func (v *Vault) BulkDetokenize(ctx context.Context, req BulkDetokenizeRequest) (iter.Seq[BulkDetokenizeResult], error) {
	size, conc, err := bulkSettings(req.ChunkSize, req.Concurrency)
	if err != nil {
		return nil, err
	}
	if req.Tokens == nil {
		return nil, errs.Invalid("Tokens", "is required")
	}
	if _, err := v.state(); err != nil {
		return nil, err
	}
	send := func(ctx context.Context, base int, items []DetokenizeToken, out []BulkDetokenizeResult) []BulkDetokenizeResult {
		return v.detokenizeChunk(ctx, req.DownloadURL, base, items, out)
	}
	notSent := func(index int, t DetokenizeToken, err error) BulkDetokenizeResult {
		return BulkDetokenizeResult{Index: index, Token: t.Token, Err: err}
	}
	return func(yield func(BulkDetokenizeResult) bool) {
		bulkRun(ctx, req.Tokens, size, conc, send, notSent, yield)
	}, nil
}

func (v *Vault) detokenizeChunk(ctx context.Context, downloadURL bool, base int, items []DetokenizeToken, results []BulkDetokenizeResult) []BulkDetokenizeResult {
	results = slices.Grow(results[:0], len(items))[:len(items)]
	clear(results)
	valid := make([]DetokenizeToken, 0, len(items))
	positions := make([]int, 0, len(items))
	for i, t := range items {
		results[i].Index, results[i].Token = base+i, t.Token
		if err := checkDetokenizeToken(base+i, &t); err != nil {
			results[i].Err = err
			continue
		}
		valid, positions = append(valid, t), append(positions, i)
	}
	if len(valid) == 0 {
		return results
	}
	resp, err := v.Detokenize(ctx, DetokenizeRequest{Tokens: valid, ContinueOnError: true, DownloadURL: downloadURL})
	if err != nil {
		for _, p := range positions {
			results[p].Err, results[p].RequestID = err, requestIDOf(err)
		}
		return results
	}
	for _, rec := range resp.Records {
		r := &results[positions[rec.Index]]
		r.Value, r.ValueType, r.RequestID = rec.Value, rec.ValueType, resp.RequestID
	}
	for _, re := range resp.Errors {
		r := &results[positions[re.Index]]
		re.Index = r.Index
		r.Err, r.RequestID = re, resp.RequestID
	}
	return results
}
