package facade

import (
	"context"
	"encoding/json"
	"errors"
	"hash/maphash"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/skyflowgo/skyflow"
	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// MaxGetLimit is the largest page Get returns.
const MaxGetLimit = 25

// GetRequest reads records of one table, by skyflow ids, by values of a
// unique column, or page by page.
type GetRequest struct {
	// Table is the table to read (required).
	Table string
	// IDs are the skyflow ids of the records to return. Exclusive with
	// Column.
	IDs []string
	// Column is a unique column to look records up by; ColumnValues are
	// the values to look up. Exclusive with IDs.
	Column       string
	ColumnValues []string
	// Redaction applied to returned values (unset: the vault's default).
	// Not allowed with ReturnTokens.
	Redaction RedactionType
	// ReturnTokens returns tokens instead of values. Only with IDs.
	ReturnTokens bool
	// Columns limits the returned columns (all when empty).
	Columns []string
	// Offset skips that many records.
	Offset int
	// Limit caps the number of records returned (1 to MaxGetLimit; 0 means
	// the API's default of MaxGetLimit).
	Limit int
	// DownloadURL returns download URLs for file columns.
	DownloadURL bool
	// OrderBy orders the records by skyflow_id.
	OrderBy OrderBy
}

// GetResponse is the result of Get.
type GetResponse struct {
	// Records are the records found.
	Records []Record
	// RequestID is the id of the request.
	RequestID string
}

// Record is one record read from the vault.
type Record struct {
	// SkyflowID is the record's id (when the response carries it).
	SkyflowID string
	// Fields maps column names to values (or to tokens with ReturnTokens).
	// skyflow_id is not repeated here.
	Fields map[string]any
	// Tokens maps column names to tokens, when the API returns them
	// separately.
	Tokens map[string]string
}

// Get reads records (GET /v1/vaults/{vaultID}/{table}, operation
// RecordServiceBulkGetRecord).
//
// The API answers at most MaxGetLimit records per request. More IDs (or
// ColumnValues) than that are asked for MaxGetLimit at a time, one request
// after the other, so every requested record comes back; RequestID is then
// the id of the last request. The answer is the one a single request would
// give: by IDs, an id that is not there fails the call (404); by
// ColumnValues, the records of the values that are there, and a 404 only
// when none of them is.
func (v *Vault) Get(ctx context.Context, req GetRequest) (*GetResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	keys := &req.IDs
	if len(req.ColumnValues) > 0 {
		keys = &req.ColumnValues
	}
	if len(*keys) <= MaxGetLimit {
		return v.getPage(ctx, &req)
	}
	if req.Offset != 0 || req.Limit != 0 {
		return nil, errs.Invalid("Limit", "cannot be combined with more than %d IDs or ColumnValues", MaxGetLimit)
	}
	all, byIDs := *keys, keys == &req.IDs
	out := &GetResponse{}
	var none error // the 404 of a page of values none of which is there
	answered := false
	for lo := 0; lo < len(all); lo += MaxGetLimit {
		page := req
		*pageKeys(&page, byIDs) = all[lo:min(lo+MaxGetLimit, len(all))]
		resp, err := v.getPage(ctx, &page)
		var apiErr *skyflow.APIError
		if !byIDs && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
			// The API answers 404 to values of which none is there; other
			// pages may hold the others.
			none = err
			continue
		}
		if err != nil {
			return nil, err
		}
		out.Records = append(out.Records, resp.Records...)
		out.RequestID = resp.RequestID
		answered = true
	}
	if !answered && none != nil {
		return nil, none
	}
	return out, nil
}

// pageKeys returns the list of keys of a page: its IDs or ColumnValues.
func pageKeys(page *GetRequest, ids bool) *[]string {
	if ids {
		return &page.IDs
	}
	return &page.ColumnValues
}

// getPage reads records with one request.
func (v *Vault) getPage(ctx context.Context, req *GetRequest) (*GetResponse, error) {
	params := req.params()
	const op = "Get"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, reads), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.RecordServiceBulkGetRecord(ctx, s.id, req.Table, params, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed recordsAnswer
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	out := &GetResponse{Records: make([]Record, len(parsed.Records)), RequestID: r.requestID}
	for i, r := range parsed.Records {
		out.Records[i] = recordFromWire(r)
	}
	return out, nil
}

// Records iterates over every record Get matches, fetching page after page
// (Limit records per page, MaxGetLimit when unset) from req.Offset on. It
// stops at the first error, which it yields. A page that repeats an
// earlier one (a server that ignores the offset, or sends pages round a
// cycle) is an error (skyflow.ErrUnexpectedResponse) rather than an
// endless loop. Pages are compared by their records' skyflow ids, or, for
// records that come without one, by their values.
func (v *Vault) Records(ctx context.Context, req GetRequest) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		page := req
		if page.Limit == 0 {
			page.Limit = MaxGetLimit
		}
		seen := pageSet{seed: maphash.MakeSeed(), pages: map[uint64]bool{}}
		for {
			resp, err := v.Get(ctx, page)
			if err != nil {
				yield(Record{}, err)
				return
			}
			if len(resp.Records) > 0 && !seen.add(resp.Records) {
				yield(Record{}, noProgress("Get", resp.RequestID))
				return
			}
			for _, r := range resp.Records {
				if !yield(r, nil) {
					return
				}
			}
			if len(resp.Records) < page.Limit {
				return
			}
			page.Offset += len(resp.Records)
		}
	}
}

// pageSet remembers the pages of a listing by a hash of their records (8
// bytes a page: 1,000,000 records of pages of 25 take 40,000 entries).
type pageSet struct {
	seed  maphash.Seed
	pages map[uint64]bool
}

// add records a page and reports whether it is new.
func (s *pageSet) add(records []Record) bool {
	var h maphash.Hash
	h.SetSeed(s.seed)
	for _, r := range records {
		if r.SkyflowID != "" {
			h.WriteString(r.SkyflowID)
		} else {
			// No id: the values identify the record (encoding/json sorts
			// map keys, so equal maps encode alike).
			b, _ := json.Marshal(r.Fields)
			h.Write(b)
		}
		h.WriteByte(0)
	}
	sum := h.Sum64()
	if s.pages[sum] {
		return false
	}
	s.pages[sum] = true
	return true
}

func recordFromWire(r fieldRecord) Record {
	rec := Record{Fields: r.Fields, Tokens: nonEmpty(r.Tokens)}
	if id, ok := rec.Fields["skyflow_id"].(string); ok {
		rec.SkyflowID = id
		delete(rec.Fields, "skyflow_id")
	}
	if rec.Fields == nil {
		rec.Fields = map[string]any{}
	}
	return rec
}

func (r *GetRequest) params() *gvault.RecordServiceBulkGetRecordParams {
	p := &gvault.RecordServiceBulkGetRecordParams{
		SkyflowIds:   r.IDs,
		Fields:       r.Columns,
		ColumnValues: r.ColumnValues,
	}
	if r.Column != "" {
		p.ColumnName = &r.Column
	}
	if r.Redaction != "" {
		red := gvault.RedactionEnum(r.Redaction)
		p.Redaction = &red
	}
	if r.ReturnTokens {
		p.Tokenization = &r.ReturnTokens
	}
	if r.Offset > 0 {
		s := strconv.Itoa(r.Offset)
		p.Offset = &s
	}
	if r.Limit > 0 {
		s := strconv.Itoa(r.Limit)
		p.Limit = &s
	}
	if r.DownloadURL {
		p.DownloadURL = &r.DownloadURL
	}
	if r.OrderBy != "" {
		o := gvault.V1OrderBy(r.OrderBy)
		p.OrderBy = &o
	}
	return p
}

func (r *GetRequest) validate() error {
	if err := checkPathParam("Table", r.Table); err != nil {
		return err
	}
	byColumn := r.Column != "" || len(r.ColumnValues) > 0
	if len(r.IDs) > 0 && byColumn {
		return errs.Invalid("IDs", "cannot be combined with Column/ColumnValues")
	}
	if err := nonEmptyEntries("IDs", r.IDs); err != nil {
		return err
	}
	if byColumn {
		if strings.TrimSpace(r.Column) == "" {
			return errs.Invalid("Column", "is required with ColumnValues")
		}
		if len(r.ColumnValues) == 0 {
			return errs.Invalid("ColumnValues", "are required with Column")
		}
	}
	if err := nonEmptyEntries("Columns", r.Columns); err != nil {
		return err
	}
	if r.Redaction != "" && !r.Redaction.valid() {
		return errs.Invalid("Redaction", "must be DEFAULT, REDACTED, MASKED or PLAIN_TEXT")
	}
	if r.ReturnTokens && r.Redaction != "" {
		return errs.Invalid("ReturnTokens", "cannot be combined with Redaction")
	}
	if r.ReturnTokens && byColumn {
		return errs.Invalid("ReturnTokens", "is not supported when looking up by column values")
	}
	if r.Offset < 0 {
		return errs.Invalid("Offset", "must not be negative")
	}
	if r.Limit < 0 || r.Limit > MaxGetLimit {
		return errs.Invalid("Limit", "must be between 1 and %d (0 for the default)", MaxGetLimit)
	}
	switch r.OrderBy {
	case "", OrderAscending, OrderDescending, OrderNone:
	default:
		return errs.Invalid("OrderBy", "must be ASCENDING, DESCENDING or NONE")
	}
	return nil
}

func nonEmptyEntries(field string, list []string) error {
	for i, s := range list {
		if blank(s) {
			return errs.Invalid(field+"["+strconv.Itoa(i)+"]", "is empty")
		}
	}
	return nil
}

// UpdateRequest updates one record.
type UpdateRequest struct {
	// Table is the record's table (required).
	Table string
	// SkyflowID is the record's id (required, unless Fields holds
	// "skyflow_id", which is then used and not sent as a column).
	SkyflowID string
	// Fields maps the columns to change to their new values (required).
	// nil clears a column. The map is never modified.
	Fields map[string]any
	// Tokens supplies tokens for the written columns with TokenModeEnable
	// or TokenModeEnableStrict.
	Tokens map[string]string
	// ReturnTokens asks for the tokens of the updated tokenized columns.
	ReturnTokens bool
	// TokenMode says whether Tokens are supplied (default TokenModeDisable).
	TokenMode TokenMode
}

// UpdateResponse is the result of Update.
type UpdateResponse struct {
	// SkyflowID is the updated record's id.
	SkyflowID string
	// Tokens maps column names to tokens (with ReturnTokens).
	Tokens map[string]string
	// RequestID is the id of the request.
	RequestID string
}

// Update updates one record (PUT /v1/vaults/{vaultID}/{table}/{skyflowID},
// operation RecordServiceUpdateRecord).
func (v *Vault) Update(ctx context.Context, req UpdateRequest) (*UpdateResponse, error) {
	id, fields, err := req.validate()
	if err != nil {
		return nil, err
	}
	mode := gvault.V1Byot(req.TokenMode.orDefault())
	body := gvault.V1UpdateRecordRequest{
		Record: &gvault.V1FieldRecords{Fields: fields},
		Byot:   &mode,
	}
	if len(req.Tokens) > 0 {
		body.Record.Tokens = req.Tokens
	}
	if req.ReturnTokens {
		body.Tokenization = &req.ReturnTokens
	}
	const op = "Update"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, rewrites), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.RecordServiceUpdateRecord(ctx, s.id, req.Table, id, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gvault.V1UpdateRecordResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	out := &UpdateResponse{SkyflowID: deref(parsed.SkyflowId), Tokens: nonEmpty(parsed.Tokens), RequestID: r.requestID}
	if out.SkyflowID == "" {
		out.SkyflowID = id
	}
	return out, nil
}

// validate checks the request and returns the record id and the fields to
// send (a copy without skyflow_id when Fields carries it).
func (r *UpdateRequest) validate() (string, map[string]any, error) {
	if err := checkPathParam("Table", r.Table); err != nil {
		return "", nil, err
	}
	id := r.SkyflowID
	fields := r.Fields
	if raw, ok := r.Fields["skyflow_id"]; ok {
		s, isString := raw.(string)
		if !isString || (id != "" && s != id) {
			return "", nil, errs.Invalid("Fields[\"skyflow_id\"]", "must be a string equal to SkyflowID")
		}
		id = s
		fields = make(map[string]any, len(r.Fields)-1)
		for k, val := range r.Fields {
			if k != "skyflow_id" {
				fields[k] = val
			}
		}
	}
	if err := checkPathParam("SkyflowID", id); err != nil {
		return "", nil, err
	}
	if reason := recordProblem(fields); reason != "" {
		return "", nil, errs.Invalid("Fields", "%s", reason)
	}
	if !r.TokenMode.valid() {
		return "", nil, errs.Invalid("TokenMode", "must be DISABLE, ENABLE or ENABLE_STRICT")
	}
	var tokens []map[string]string
	if len(r.Tokens) > 0 || r.TokenMode.orDefault() != TokenModeDisable {
		tokens = []map[string]string{r.Tokens}
	}
	if err := checkTokens(r.TokenMode.orDefault(), []map[string]any{fields}, tokens); err != nil {
		return "", nil, err
	}
	return id, fields, nil
}

// DeleteRequest deletes records of one table.
type DeleteRequest struct {
	// Table is the records' table (required).
	Table string
	// IDs are the skyflow ids to delete (required). The single id "*"
	// deletes every record of the table.
	IDs []string
}

// DeleteResponse is the result of Delete.
type DeleteResponse struct {
	// DeletedIDs are the ids deleted (["*"] after deleting everything).
	DeletedIDs []string
	// Unconfirmed is set when the vault's answer to the delete was lost
	// (the connection broke after sending, or a gateway failed) and the
	// retry found the records already gone: the lost attempt deleted them,
	// or someone else did in between. Either way they are gone.
	Unconfirmed bool
	// RequestID is the id of the request.
	RequestID string
}

// Delete deletes records (DELETE /v1/vaults/{vaultID}/{table}, operation
// RecordServiceBulkDeleteRecord). A delete is retried like a read; when
// the retry of an attempt whose answer was lost finds the records gone
// (404), they are reported deleted with Unconfirmed set, not as not found.
func (v *Vault) Delete(ctx context.Context, req DeleteRequest) (*DeleteResponse, error) {
	if err := checkPathParam("Table", req.Table); err != nil {
		return nil, err
	}
	if len(req.IDs) == 0 {
		return nil, errs.Invalid("IDs", "must hold at least one id")
	}
	if err := nonEmptyEntries("IDs", req.IDs); err != nil {
		return nil, err
	}
	body := gvault.V1BulkDeleteRecordRequest{SkyflowIds: req.IDs}
	const op = "Delete"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, rewrites), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.RecordServiceBulkDeleteRecord(ctx, s.id, req.Table, body, edit)
	})
	if err != nil {
		var apiErr *skyflow.APIError
		if errors.As(err, &apiErr) && apiErr.MaybeApplied && apiErr.StatusCode == http.StatusNotFound && ctx.Err() == nil {
			return &DeleteResponse{DeletedIDs: slices.Clone(req.IDs), Unconfirmed: true, RequestID: requestIDOf(err)}, nil
		}
		return nil, err
	}
	var parsed gvault.V1BulkDeleteRecordResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	return &DeleteResponse{DeletedIDs: parsed.RecordIDResponse, RequestID: r.requestID}, nil
}

// requestIDOf returns the request id an error carries.
func requestIDOf(err error) string {
	var apiErr *skyflow.APIError
	if errors.As(err, &apiErr) {
		return apiErr.RequestID
	}
	return ""
}

// QueryRequest runs a SQL query.
type QueryRequest struct {
	// Query is a SQL SELECT statement (required).
	Query string
}

// QueryResponse is the result of Query.
type QueryResponse struct {
	// Records are the matching rows.
	Records []Record
	// RequestID is the id of the request.
	RequestID string
}

// Query runs a SQL SELECT query (POST /v1/vaults/{vaultID}/query, operation
// QueryServiceExecuteQuery).
func (v *Vault) Query(ctx context.Context, req QueryRequest) (*QueryResponse, error) {
	q := strings.TrimSpace(req.Query)
	if q == "" {
		return nil, errs.Invalid("Query", "is required")
	}
	if len(q) < 6 || !strings.EqualFold(q[:6], "select") {
		return nil, errs.Invalid("Query", "must be a SELECT statement")
	}
	body := gvault.QueryServiceExecuteQueryBody{Query: &req.Query}
	const op = "Query"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, reads), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.QueryServiceExecuteQuery(ctx, s.id, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed recordsAnswer
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	out := &QueryResponse{Records: make([]Record, len(parsed.Records)), RequestID: r.requestID}
	for i, r := range parsed.Records {
		out.Records[i] = recordFromWire(r)
	}
	return out, nil
}
