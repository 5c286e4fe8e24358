package facade

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/skyflowgo/skyflow"
	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// InsertRequest inserts records into one table.
type InsertRequest struct {
	// Table is the table to insert into (required).
	Table string
	// Records holds one map per record: column name to value (required,
	// each map non-empty). nil values are sent as JSON null. The maps are
	// never modified.
	Records []map[string]any
	// Tokens holds, with TokenModeEnable or TokenModeEnableStrict, the
	// tokens to store for each record: Tokens[i] belongs to Records[i],
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

// InsertResponse is the result of Insert. Without ContinueOnError every
// record is in Inserted; with it, every record is in exactly one of
// Inserted and Errors.
type InsertResponse struct {
	// Inserted lists the inserted records, in input order.
	Inserted []InsertedRecord
	// Errors lists the records the vault refused (with ContinueOnError),
	// in input order, each with its status and the vault's message. One
	// whose status is 5xx, or that a retry after a lost answer found
	// refused, may have been written: skyflow.MaybeApplied(err) says so.
	Errors []*skyflow.RecordError
	// RequestID is the id of the request.
	RequestID string
}

// InsertedRecord is one inserted record.
type InsertedRecord struct {
	// Index is the record's position in InsertRequest.Records (or in the
	// input of a bulk insert).
	Index int
	// SkyflowID is the record's id.
	SkyflowID string
	// Tokens maps column names to tokens (with ReturnTokens).
	Tokens map[string]string
}

// Insert inserts records with one request, whatever their number (POST
// /v1/vaults/{vaultID}/{table}, operation RecordServiceInsertRecord; with
// ContinueOnError, POST /v1/vaults/{vaultID}, operation
// RecordServiceBatchOperation).
//
// Without ContinueOnError the insert is atomic, as the API makes it: either
// every record is inserted, or the call fails and none is. With
// ContinueOnError the vault inserts every record it can and the response
// lists the others in Errors; the call fails only when the request fails as
// a whole.
//
// When the call fails after the request was sent and its answer was lost
// (a *skyflow.TransportError with Sent set), the records may have been
// written: check with a Get by a unique column before sending them again.
// For large inputs, BulkInsert chunks, streams and reports every record.
func (v *Vault) Insert(ctx context.Context, req InsertRequest) (*InsertResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return v.insert(ctx, req.options(), req.Records, req.Tokens, 0)
}

// insertOptions are the settings an insert request applies to all its
// records.
type insertOptions struct {
	table        string
	returnTokens bool
	upsert       string
	homogeneous  bool
	mode         gvault.V1Byot
	coe          bool
}

func (r *InsertRequest) options() *insertOptions {
	return &insertOptions{table: r.Table, returnTokens: r.ReturnTokens, upsert: r.Upsert, homogeneous: r.Homogeneous,
		mode: gvault.V1Byot(r.TokenMode.orDefault()), coe: r.ContinueOnError}
}

// insert sends one insert request for records (and their tokens) and
// returns every record's outcome; base is the index of records[0] in the
// caller's input. outcome, when not nil, learns whether a failed attempt
// may have been applied.
func (v *Vault) insert(ctx context.Context, o *insertOptions, records []map[string]any, tokens []map[string]string, base int) (*InsertResponse, error) {
	const op = "Insert"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	tokensOf := func(i int) map[string]string {
		if i < len(tokens) && len(tokens[i]) > 0 {
			return tokens[i]
		}
		return nil
	}
	var send func(ctx context.Context, edit editorFn) (*http.Response, error)
	if o.coe {
		coe, post := true, gvault.V1BatchRecordMethodPOST
		body := gvault.V1BatchOperationRequest{Records: make([]gvault.V1BatchRecord, len(records)), ContinueOnError: &coe, Byot: &o.mode}
		for i := range records {
			rec := &body.Records[i]
			rec.Fields, rec.Tokens, rec.TableName, rec.Method = records[i], tokensOf(i), &o.table, &post
			if o.returnTokens {
				rec.Tokenization = &o.returnTokens
			}
			if o.upsert != "" {
				rec.Upsert = &o.upsert
			}
		}
		send = func(ctx context.Context, edit editorFn) (*http.Response, error) {
			return s.api.RecordServiceBatchOperation(ctx, s.id, body, edit)
		}
	} else {
		body := gvault.V1InsertRecordRequest{Records: make([]gvault.V1FieldRecords, len(records)), Byot: &o.mode}
		if o.returnTokens {
			body.Tokenization = &o.returnTokens
		}
		if o.upsert != "" {
			body.Upsert = &o.upsert
		}
		if o.homogeneous {
			body.Homogeneous = &o.homogeneous
		}
		for i := range records {
			body.Records[i] = gvault.V1FieldRecords{Fields: records[i], Tokens: tokensOf(i)}
		}
		send = func(ctx context.Context, edit editorFn) (*http.Response, error) {
			return s.api.RecordServiceInsertRecord(ctx, s.id, o.table, body, edit)
		}
	}
	// With upsert, a second write of the same records updates the first:
	// the call may be repeated. Otherwise it could write duplicates.
	call := s.op(v.c, op, writeEffect(o.upsert != ""))
	r, err := v.c.run(ctx, call, send)
	if err != nil {
		return nil, err
	}
	if o.coe {
		return batchOutcome(op, r, len(records), base)
	}
	var parsed insertAnswer
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	if err := checkInserted(op, r, parsed.Records, len(records)); err != nil {
		return nil, err
	}
	out := &InsertResponse{Inserted: make([]InsertedRecord, len(parsed.Records)), RequestID: r.requestID}
	for i, rec := range parsed.Records {
		out.Inserted[i] = InsertedRecord{Index: base + i, SkyflowID: rec.SkyflowID, Tokens: nonEmpty(rec.Tokens)}
	}
	return out, nil
}

// checkInserted checks that an insert answer holds one record with an id
// for each record sent.
func checkInserted(op string, r *reply, records []insertedRecord, sent int) error {
	if len(records) != sent {
		return r.unexpected(op, fmt.Sprintf("the answer has %d records for %d sent", len(records), sent), nil)
	}
	for i := range records {
		if records[i].SkyflowID == "" {
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

// batchOutcome reads the answer of a continue-on-error insert: one item per
// record sent, in order, each with its own status. An answer with another
// number of items is an unexpected answer: records are never matched to
// items they may not belong to.
func batchOutcome(op string, r *reply, sent, base int) (*InsertResponse, error) {
	var parsed gvault.V1BatchOperationResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	items := parsed.Responses
	if len(items) != sent {
		return nil, r.unexpected(op, fmt.Sprintf("the answer has %d items for %d records sent", len(items), sent), nil)
	}
	out := &InsertResponse{RequestID: r.requestID}
	for i, item := range items {
		status := int(item.Status)
		if status/100 == 2 {
			if item.Body == nil || len(item.Body.Records) != 1 || item.Body.Records[0].SkyflowId == "" {
				return nil, r.unexpected(op, fmt.Sprintf("item %d of the answer has no record id", i), nil)
			}
			rec := item.Body.Records[0]
			out.Inserted = append(out.Inserted, InsertedRecord{Index: base + i, SkyflowID: rec.SkyflowId, Tokens: nonEmpty(rec.Tokens)})
			continue
		}
		msg := ""
		if item.Body != nil && item.Body.Error != nil {
			msg = *item.Body.Error
		}
		if msg == "" {
			msg = strings.ToLower(http.StatusText(status))
		}
		out.Errors = append(out.Errors, r.elementError(op, base+i, msg, int32(status)))
	}
	return out, nil
}

func (r *InsertRequest) validate() error {
	if err := checkPathParam("Table", r.Table); err != nil {
		return err
	}
	if len(r.Records) == 0 {
		return errs.Invalid("Records", "must hold at least one record")
	}
	for i, rec := range r.Records {
		if reason := recordProblem(rec); reason != "" {
			return errs.Invalid(indexed("Records", i), "%s", reason)
		}
	}
	if r.Upsert != "" && r.Homogeneous {
		return errs.Invalid("Upsert", "cannot be combined with Homogeneous")
	}
	if !r.TokenMode.valid() {
		return errs.Invalid("TokenMode", "must be DISABLE, ENABLE or ENABLE_STRICT")
	}
	return checkTokens(r.TokenMode.orDefault(), r.Records, r.Tokens)
}

// recordProblem checks one record's column map and says what is wrong
// with it ("" when nothing is). nil and empty values are allowed (they
// clear or set empty columns); empty column names are not.
func recordProblem(rec map[string]any) string {
	if len(rec) == 0 {
		return "must hold at least one column"
	}
	for k := range rec {
		if blank(k) {
			return "has an empty column name"
		}
	}
	if !encodableValues(rec) {
		return unencodableReason
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
		return errs.Invalid("Tokens", "has more entries than Records")
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

// writeEffect is the effect of a write that may be applied twice without
// harm when harmless (an upsert; an upload into an existing record), and
// would write twice otherwise.
func writeEffect(harmless bool) effect {
	if harmless {
		return rewrites
	}
	return writes
}
