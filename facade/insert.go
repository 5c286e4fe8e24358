package facade

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/skyflowgo/skyflow"
	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// InsertRequest inserts records into one table.
type InsertRequest struct {
	// Table is the table to insert into (required).
	Table string
	// Values holds one map per record: column name to value (required,
	// each map non-empty). nil values are sent as JSON null. The maps are
	// never modified.
	Values []map[string]any
	// Tokens holds, with TokenModeEnable or TokenModeEnableStrict, the
	// tokens to store for each record: Tokens[i] belongs to Values[i],
	// column name to token.
	Tokens []map[string]string
	// ReturnTokens asks for the tokens of tokenized columns.
	ReturnTokens bool
	// Upsert names a unique column: a record whose value in that column
	// already exists is updated instead of inserted.
	Upsert string
	// Homogeneous says every record has the same columns, which lets the
	// vault take a faster path. Not allowed with Upsert.
	Homogeneous bool
	// TokenMode says whether Tokens are supplied (default TokenModeDisable).
	TokenMode TokenMode
	// ContinueOnError inserts every record it can and reports failures per
	// record in InsertResponse.Errors, instead of failing the whole call.
	ContinueOnError bool
}

// InsertResponse is the result of Insert. Every input record appears in
// exactly one of Inserted or Errors, identified by its RequestIndex.
type InsertResponse struct {
	// Inserted lists the inserted records, in input order.
	Inserted []InsertedRecord
	// Errors lists the records that were not inserted, in input order.
	Errors []RecordError
	// RequestID is the request id of the first request of the call
	// (each record also carries the id of its own request).
	RequestID string
}

// InsertedRecord is one inserted record.
type InsertedRecord struct {
	// RequestIndex is the record's position in InsertRequest.Values.
	RequestIndex int
	// SkyflowID is the record's id.
	SkyflowID string
	// Tokens maps column names to tokens (with ReturnTokens).
	Tokens map[string]string
	// RequestID is the id of the request that inserted the record.
	RequestID string
}

// RecordError is one record that failed.
type RecordError struct {
	// RequestIndex is the record's position in the request.
	RequestIndex int
	// StatusCode is the HTTP status for this record, as reported by the
	// API (0 when the record was never sent).
	StatusCode int
	// Message says why the record failed.
	Message string
	// RequestID is the id of the request that carried the record.
	RequestID string
	// Err is the error of the request that carried the record, when the
	// whole request failed (an *skyflow.APIError or a transport error).
	Err error
}

// Insert inserts records (POST /v1/vaults/{vaultID}/{table}, operation
// RecordServiceInsertRecord; with ContinueOnError, POST /v1/vaults/{vaultID},
// operation RecordServiceBatchOperation).
//
// Inputs larger than the client's chunk size (DefaultChunkSize) are split
// into chunks sent with bounded concurrency; indexes and order are kept.
// Without ContinueOnError each chunk is all-or-nothing: when a chunk fails,
// no further chunk is started, and Insert returns the error together with a
// response listing the records that were committed (so nothing is lost) and
// an error entry for every other record. A single-chunk insert that fails
// returns a nil response.
//
// With ContinueOnError, per-record failures are reported in Errors with
// their real status, message and request id, and err is nil unless no record
// at all could be inserted because every request failed.
func (v *Vault) Insert(ctx context.Context, req InsertRequest) (*InsertResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	mode := gvault.V1Byot(req.TokenMode.orDefault())
	n := len(req.Values)
	size := v.c.chunkSize
	if n <= size {
		out := &InsertResponse{}
		err := v.insertChunk(ctx, &req, mode, 0, n, out)
		if err != nil && !req.ContinueOnError {
			return nil, err
		}
		if err != nil && len(out.Inserted) == 0 {
			return out, err
		}
		out.RequestID = firstRequestID(out)
		return out, nil
	}

	chunks := (n + size - 1) / size
	parts := make([]InsertResponse, chunks)
	errsByChunk := make([]error, chunks)
	var (
		mu      sync.Mutex
		stopped bool
	)
	runChunks(ctx, chunks, v.c.concurrency, func(ctx context.Context, i int) {
		mu.Lock()
		skip := stopped
		mu.Unlock()
		lo, hi := i*size, min((i+1)*size, n)
		if skip {
			errsByChunk[i] = skyflow.ErrNotSent
			for j := lo; j < hi; j++ {
				parts[i].Errors = append(parts[i].Errors, RecordError{RequestIndex: j, Message: skyflow.ErrNotSent.Error(), Err: skyflow.ErrNotSent})
			}
			return
		}
		err := v.insertChunk(ctx, &req, mode, lo, hi, &parts[i])
		errsByChunk[i] = err
		if err != nil && !req.ContinueOnError {
			mu.Lock()
			stopped = true
			mu.Unlock()
		}
	})

	out := &InsertResponse{}
	var firstErr error
	for i := range parts {
		out.Inserted = append(out.Inserted, parts[i].Inserted...)
		out.Errors = append(out.Errors, parts[i].Errors...)
		if firstErr == nil && errsByChunk[i] != nil && errsByChunk[i] != skyflow.ErrNotSent {
			firstErr = errsByChunk[i]
		}
	}
	out.RequestID = firstRequestID(out)
	if firstErr != nil && (!req.ContinueOnError || len(out.Inserted) == 0) {
		return out, firstErr
	}
	return out, nil
}

func firstRequestID(r *InsertResponse) string {
	for _, rec := range r.Inserted {
		if rec.RequestID != "" {
			return rec.RequestID
		}
	}
	for _, e := range r.Errors {
		if e.RequestID != "" {
			return e.RequestID
		}
	}
	return ""
}

// runChunks calls fn for chunk indexes 0..n-1 with at most conc in flight.
// Chunks not yet started when ctx ends still get fn called (with the ended
// ctx), so every chunk reports an outcome.
func runChunks(ctx context.Context, n, conc int, fn func(ctx context.Context, i int)) {
	if conc > n {
		conc = n
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(ctx, i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// insertChunk inserts Values[lo:hi] and appends the outcome to out. It
// returns the error of the request when the request as a whole failed (in
// which case every record of the chunk is in out.Errors).
func (v *Vault) insertChunk(ctx context.Context, req *InsertRequest, mode gvault.V1Byot, lo, hi int, out *InsertResponse) error {
	if req.ContinueOnError {
		return v.insertBatch(ctx, req, mode, lo, hi, out)
	}
	body := gvault.V1InsertRecordRequest{
		Records: make([]gvault.V1FieldRecords, hi-lo),
		Byot:    &mode,
	}
	if req.ReturnTokens {
		body.Tokenization = &req.ReturnTokens
	}
	if req.Upsert != "" {
		body.Upsert = &req.Upsert
	}
	if req.Homogeneous {
		body.Homogeneous = &req.Homogeneous
	}
	for i := lo; i < hi; i++ {
		rec := &body.Records[i-lo]
		rec.Fields = req.Values[i]
		if len(req.Tokens) > i && len(req.Tokens[i]) > 0 {
			rec.Tokens = req.Tokens[i]
		}
	}
	const op = "Insert"
	s, err := v.state()
	if err != nil {
		failChunk(out, lo, hi, err)
		return err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, req.idempotent(), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.RecordServiceInsertRecord(ctx, s.id, req.Table, body, edit)
	}))
	var parsed gvault.V1InsertRecordResponse
	if err == nil {
		err = r.decode(op, &parsed)
	}
	if err == nil {
		err = checkInserted(op, r, parsed.Records, hi-lo)
	}
	if err != nil {
		failChunk(out, lo, hi, err)
		return err
	}
	out.Inserted = slices.Grow(out.Inserted, len(parsed.Records))
	for i, rec := range parsed.Records {
		out.Inserted = append(out.Inserted, InsertedRecord{
			RequestIndex: lo + i,
			SkyflowID:    rec.SkyflowId,
			Tokens:       nonEmpty(rec.Tokens),
			RequestID:    r.requestID,
		})
	}
	return nil
}

// checkInserted checks that an insert answer holds one record with an id
// for each record sent.
func checkInserted(op string, r *reply, records []gvault.V1RecordMetaProperties, sent int) error {
	if len(records) != sent {
		return r.unexpected(op, fmt.Sprintf("the answer has %d records for %d sent", len(records), sent), nil)
	}
	for i := range records {
		if records[i].SkyflowId == "" {
			return r.unexpected(op, fmt.Sprintf("record %d of the answer has no skyflow_id", i), nil)
		}
	}
	return nil
}

// nonEmpty returns the tokens of m without empty ones (a null token
// decodes as ""), or nil when none is left.
func nonEmpty(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// insertBatch inserts Values[lo:hi] through the batch endpoint with
// continueOnError, keeping every item's own status.
func (v *Vault) insertBatch(ctx context.Context, req *InsertRequest, mode gvault.V1Byot, lo, hi int, out *InsertResponse) error {
	coe := true
	post := gvault.V1BatchRecordMethodPOST
	body := gvault.V1BatchOperationRequest{
		Records:         make([]gvault.V1BatchRecord, hi-lo),
		ContinueOnError: &coe,
		Byot:            &mode,
	}
	for i := lo; i < hi; i++ {
		rec := &body.Records[i-lo]
		rec.Fields = req.Values[i]
		rec.TableName = &req.Table
		rec.Method = &post
		if req.ReturnTokens {
			rec.Tokenization = &req.ReturnTokens
		}
		if req.Upsert != "" {
			rec.Upsert = &req.Upsert
		}
		if len(req.Tokens) > i && len(req.Tokens[i]) > 0 {
			rec.Tokens = req.Tokens[i]
		}
	}
	const op = "Insert"
	s, err := v.state()
	if err != nil {
		failChunk(out, lo, hi, err)
		return err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, req.idempotent(), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.RecordServiceBatchOperation(ctx, s.id, body, edit)
	}))
	var parsed gvault.V1BatchOperationResponse
	if err == nil {
		err = r.decode(op, &parsed)
	}
	if err != nil {
		failChunk(out, lo, hi, err)
		return err
	}
	rid := r.requestID
	items := parsed.Responses
	for i := lo; i < hi; i++ {
		k := i - lo
		if k >= len(items) {
			out.Errors = append(out.Errors, RecordError{RequestIndex: i, RequestID: rid,
				Message: "the response has no item for this record"})
			continue
		}
		item := items[k]
		status := int(item.Status)
		if status/100 == 2 && item.Body != nil && len(item.Body.Records) > 0 && item.Body.Records[0].SkyflowId != "" {
			rec := item.Body.Records[0]
			out.Inserted = append(out.Inserted, InsertedRecord{
				RequestIndex: i, SkyflowID: rec.SkyflowId, Tokens: nonEmpty(rec.Tokens), RequestID: rid,
			})
			continue
		}
		msg := ""
		if item.Body != nil && item.Body.Error != nil {
			msg = *item.Body.Error
		}
		if msg == "" {
			if status/100 == 2 {
				msg = "the response item has no record id"
			} else {
				msg = strings.ToLower(http.StatusText(status))
			}
		}
		out.Errors = append(out.Errors, RecordError{RequestIndex: i, StatusCode: status, Message: msg, RequestID: rid})
	}
	return nil
}

// failChunk records every record of a failed request as an error.
func failChunk(out *InsertResponse, lo, hi int, err error) {
	status, rid, msg := 0, "", err.Error()
	var e *skyflow.APIError
	if errors.As(err, &e) {
		status, rid, msg = e.StatusCode, e.RequestID, e.Message
	}
	for i := lo; i < hi; i++ {
		out.Errors = append(out.Errors, RecordError{RequestIndex: i, StatusCode: status, Message: msg, RequestID: rid, Err: err})
	}
}

// idempotent reports whether sending the insert twice cannot create
// duplicates: with upsert, the second write updates the first.
func (r *InsertRequest) idempotent() bool { return r.Upsert != "" }

func (r *InsertRequest) validate() error {
	if err := checkPathParam("Table", r.Table); err != nil {
		return err
	}
	if len(r.Values) == 0 {
		return errs.Invalid("Values", "must hold at least one record")
	}
	for i, rec := range r.Values {
		if reason := recordProblem(rec); reason != "" {
			return errs.Invalid(indexed("Values", i), "%s", reason)
		}
	}
	if r.Upsert != "" && r.Homogeneous {
		return errs.Invalid("Upsert", "cannot be combined with Homogeneous")
	}
	if !r.TokenMode.valid() {
		return errs.Invalid("TokenMode", "must be DISABLE, ENABLE or ENABLE_STRICT")
	}
	return checkTokens(r.TokenMode.orDefault(), r.Values, r.Tokens)
}

// recordProblem checks one record's column map and says what is wrong
// with it ("" when nothing is). nil and empty values are allowed (they
// clear or set empty columns); empty column names are not.
func recordProblem(rec map[string]any) string {
	if len(rec) == 0 {
		return "must hold at least one column"
	}
	for k := range rec {
		if strings.TrimSpace(k) == "" {
			return "has an empty column name"
		}
	}
	return ""
}

// indexed names an element of a list field, e.g. Values[3]. Validation
// builds names only for the error it returns.
func indexed(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}

// checkTokens applies the token-mode rules ("bring your own token").
func checkTokens(mode TokenMode, values []map[string]any, tokens []map[string]string) error {
	switch mode {
	case TokenModeDisable:
		for _, t := range tokens {
			if len(t) > 0 {
				return errs.Invalid("Tokens", "must be empty with TokenModeDisable")
			}
		}
		return nil
	case TokenModeEnable:
		if len(tokens) == 0 {
			return errs.Invalid("Tokens", "are required with TokenModeEnable")
		}
	case TokenModeEnableStrict:
		if len(tokens) != len(values) {
			return errs.Invalid("Tokens", "must hold one map per record with TokenModeEnableStrict")
		}
	}
	if len(tokens) > len(values) {
		return errs.Invalid("Tokens", "has more entries than Values")
	}
	for i, t := range tokens {
		for col, tok := range t {
			if _, ok := values[i][col]; !ok {
				return errs.Invalid(indexed("Tokens", i), "has a token for a column the record does not write")
			}
			if tok == "" {
				return errs.Invalid(indexed("Tokens", i), "has an empty token")
			}
		}
		if mode == TokenModeEnableStrict && len(t) != len(values[i]) {
			return errs.Invalid(indexed("Tokens", i), "must hold a token for every column of the record with TokenModeEnableStrict")
		}
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
