package facade

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	gflow "github.com/skyflowgo/skyflow/gen/flowdb"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// Operation names of the Flow DB calls, as errors and logs report them.
const (
	opFlowInsert       = "FlowDB.Insert"
	opFlowGet          = "FlowDB.Get"
	opFlowUpdate       = "FlowDB.Update"
	opFlowDelete       = "FlowDB.Delete"
	opFlowQuery        = "FlowDB.Query"
	opFlowDetokenize   = "FlowDB.Detokenize"
	opFlowTokenize     = "FlowDB.Tokenize"
	opFlowDeleteTokens = "FlowDB.DeleteTokens"
	opFlowMetrics      = "FlowDB.Metrics"
)

// FlowUpdateType says what an update (or the update half of an upsert)
// does with the columns it does not send.
type FlowUpdateType string

// The update types. The zero value ("") lets the vault choose, which is
// FlowUpdate.
const (
	// FlowUpdate changes the columns sent and keeps the others.
	FlowUpdate FlowUpdateType = "UPDATE"
	// FlowReplace replaces the record: the columns not sent are cleared.
	FlowReplace FlowUpdateType = "REPLACE"
)

func (t FlowUpdateType) valid() bool { return t == "" || t == FlowUpdate || t == FlowReplace }

// FlowUpsert makes an insert an update-or-insert: a record whose values in
// UniqueColumns match an existing record updates that record (as
// UpdateType says) instead of being inserted.
type FlowUpsert struct {
	// UniqueColumns are the unique columns that identify the existing
	// record (required, at least one).
	UniqueColumns []string
	// UpdateType says what happens to the columns not sent ("": the
	// vault's default, FlowUpdate).
	UpdateType FlowUpdateType
}

// FlowRecord is one record to insert.
type FlowRecord struct {
	// Table is the record's table, for an insert into several tables in
	// one call; the request's Table must then be empty (and every record
	// names its own).
	Table string
	// Data maps column names to values (required, non-empty). Values are
	// any JSON value. The map is never modified.
	Data map[string]any
	// Tokens maps columns of Data to the tokens to store for their values
	// instead of generated ones (bring your own tokens).
	Tokens map[string]string
	// Upsert makes this record an update-or-insert. It sits with the
	// table: only on records that name their Table.
	Upsert *FlowUpsert
}

// FlowInsertRequest inserts records, into one table (Table) or into
// several (each record's Table).
type FlowInsertRequest struct {
	// Table is the table of every record. When empty, every record names
	// its own table.
	Table string
	// Records are the records to insert (required).
	Records []FlowRecord
	// Upsert makes every record an update-or-insert (with Table only; with
	// per-record tables, set each record's Upsert).
	Upsert *FlowUpsert
}

// FlowToken is one token of a column value, in one token group. Its JSON
// names are the wire's, which answers decode into; json.Marshal encodes
// its structure, like every result (see Printing).
type FlowToken struct {
	// Token is the token.
	Token string `json:"token"`
	// TokenGroup is the token group that issued it.
	TokenGroup string `json:"tokenGroupName"`
}

// recordsWire is the answer of insert, get and update (flowdb.yaml's
// InsertResponse, GetResponse and UpdateResponse, which api/codegen leaves
// out of gen/flowdb) with each record's tokens decoded straight into
// FlowToken, so they are not copied a second time per record. Tests here
// and in test/specs keep it the schemas' shape.
type recordsWire struct {
	Records []recordWire `json:"records,omitempty"`
}

// recordWire is flowdb.yaml's RecordResult, its tokens as FlowToken.
type recordWire struct {
	Data       map[string]any         `json:"data,omitempty"`
	Error      string                 `json:"error,omitempty"`
	HashedData map[string]any         `json:"hashedData,omitempty"`
	HTTPCode   int32                  `json:"httpCode,omitempty"`
	SkyflowID  string                 `json:"skyflowID,omitempty"`
	TableName  string                 `json:"tableName,omitempty"`
	Tokens     map[string][]FlowToken `json:"tokens,omitempty"`
}

// FlowRecordResult is the outcome of one record of an insert, get, update
// or delete.
type FlowRecordResult struct {
	// Index is the record's position in the request (for a get, the
	// position of its lookup: the skyflow ids, then the unique values, table
	// by table; for a page, the position in the answer), or in the input of
	// a bulk call.
	Index int
	// Outcome says what became of the record.
	Outcome FlowOutcome
	// SkyflowID is the record's id.
	SkyflowID string
	// Table is the record's table.
	Table string
	// Data maps column names to values (as the vault returns them: for a
	// get, redacted as asked).
	Data map[string]any
	// HashedData maps column names to hashed values, when the vault returns
	// them.
	HashedData map[string]any
	// Tokens maps column names to the column's tokens, one per token group.
	Tokens map[string][]FlowToken
	// Err is nil when Outcome is FlowDone; otherwise why the record failed
	// (a *skyflow.RecordError for a record the vault refused) or why its
	// outcome is unknown (see FlowOutcome).
	Err error
	// RequestID is the id of the request that carried the record ("" when
	// it was never sent).
	RequestID string
}

// FlowInsertResponse is the result of Insert.
type FlowInsertResponse struct {
	// Records holds one result per request record, in request order.
	Records []FlowRecordResult
	// RequestID is the id of the request.
	RequestID string
}

// Insert inserts records with one request (POST /v2/records/insert,
// operation FlowDBInsert). Records can go to one table or to several, with
// an upsert and with tokens of your own. The vault writes every record it
// can: the response holds one result per record, FlowDone with its skyflow
// id and tokens, or FlowFailed with a *skyflow.RecordError (a duplicate
// unique value, an unknown column, a token already in use, ...).
//
// The call fails as a whole (an error, no response) only when the request
// is invalid (*skyflow.ValidationError, nothing sent), no token can be had,
// or the vault refuses the request or its answer is lost; FlowOutcomeOf(err)
// then says whether the records may have been written. For large inputs,
// BulkInsert batches, streams and reports every record.
func (f *FlowDB) Insert(ctx context.Context, req FlowInsertRequest) (*FlowInsertResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return f.insert(ctx, &req, req.Records, 0)
}

// insert sends records with the table and upsert of req; base is the
// index of records[0] in the caller's input.
func (f *FlowDB) insert(ctx context.Context, req *FlowInsertRequest, records []FlowRecord, base int) (*FlowInsertResponse, error) {
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.InsertRequest{VaultID: s.id, TableName: req.Table, Upsert: wireUpsert(req.Upsert),
		Records: make([]gflow.InsertRecord, len(records))}
	upserts := true
	for i := range records {
		rec := &records[i]
		body.Records[i] = gflow.InsertRecord{Data: rec.Data, Tokens: rec.Tokens, TableName: rec.Table, Upsert: wireUpsert(rec.Upsert)}
		if req.Upsert == nil && rec.Upsert == nil {
			upserts = false
		}
	}
	// An insert whose every record upserts writes the same rows when sent
	// twice: it may be repeated. Otherwise it could write duplicates.
	r, err := f.run(ctx, s, opFlowInsert, writeEffect(upserts), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBInsert(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed recordsWire
	if err := r.decode(opFlowInsert, &parsed); err != nil {
		return nil, err
	}
	if len(parsed.Records) != len(records) {
		return nil, r.unexpected(opFlowInsert, fmt.Sprintf("the answer has %d records for %d sent", len(parsed.Records), len(records)), nil)
	}
	out := &FlowInsertResponse{Records: make([]FlowRecordResult, len(records)), RequestID: r.requestID}
	for i := range parsed.Records {
		el := &parsed.Records[i]
		table := req.Table
		if table == "" {
			table = records[i].Table
		}
		if el.TableName != "" && el.TableName != table {
			return nil, r.unexpected(opFlowInsert, fmt.Sprintf("record %d of the answer belongs to another table than the record sent at its position", i), nil)
		}
		if !elementFailed(el.Error, el.HTTPCode) && el.SkyflowID == "" {
			return nil, r.unexpected(opFlowInsert, fmt.Sprintf("record %d of the answer has neither a skyflowID nor an error", i), nil)
		}
		if j := swappedWith(records, i, el.Data); j >= 0 {
			return nil, r.unexpected(opFlowInsert, fmt.Sprintf("record %d of the answer carries the values of record %d sent", i, j), nil)
		}
		recordResult(&out.Records[i], opFlowInsert, base+i, table, el, r)
	}
	return out, nil
}

// recordResult fills res from an element of r.
func recordResult(res *FlowRecordResult, op string, index int, table string, el *recordWire, r *reply) {
	res.Index, res.Table, res.SkyflowID, res.RequestID = index, table, el.SkyflowID, r.requestID
	if elementFailed(el.Error, el.HTTPCode) {
		res.Outcome, res.Err = r.failure(op, index, el.Error, el.HTTPCode)
		return
	}
	res.Outcome = FlowDone
	res.Data, res.HashedData, res.Tokens = el.Data, el.HashedData, el.Tokens
}

func wireUpsert(u *FlowUpsert) *gflow.Upsert {
	if u == nil {
		return nil
	}
	return &gflow.Upsert{UniqueColumns: u.UniqueColumns, UpdateType: gflow.UpdateType(u.UpdateType)}
}

// validate checks an insert request; no record value goes into an error.
func (r *FlowInsertRequest) validate() error {
	if len(r.Records) == 0 {
		return errs.Invalid("Records", "must hold at least one record")
	}
	perRecord := strings.TrimSpace(r.Table) == ""
	if r.Table != "" && perRecord {
		return errs.Invalid("Table", "is blank")
	}
	if r.Upsert != nil {
		if perRecord {
			return errs.Invalid("Upsert", "needs Table: the upsert sits at the level of the table (set each record's Upsert when the records name their tables)")
		}
		if err := r.Upsert.check("Upsert"); err != nil {
			return err
		}
	}
	for i := range r.Records {
		if err := r.Records[i].check(i, perRecord); err != nil {
			return err
		}
	}
	return nil
}

// check applies the record rules to record i of an insert.
func (rec *FlowRecord) check(i int, perRecord bool) error {
	field := func(name string) string { return indexed("Records", i) + name }
	switch {
	case perRecord && strings.TrimSpace(rec.Table) == "":
		return errs.Invalid(field(".Table"), "is required when the request names no Table")
	case !perRecord && rec.Table != "":
		return errs.Invalid(field(".Table"), "must be empty when the request names Table")
	case !perRecord && rec.Upsert != nil:
		return errs.Invalid(field(".Upsert"), "must be empty when the request names Table (use the request's Upsert)")
	}
	if err := checkFlowData(field, rec.Data, rec.Tokens, true); err != nil {
		return err
	}
	if rec.Upsert != nil {
		return rec.Upsert.check(field(".Upsert"))
	}
	return nil
}

// check applies the upsert rules.
func (u *FlowUpsert) check(field string) error {
	if len(u.UniqueColumns) == 0 {
		return errs.Invalid(field+".UniqueColumns", "must name at least one unique column")
	}
	if err := nonEmptyEntries(field+".UniqueColumns", u.UniqueColumns); err != nil {
		return err
	}
	if !u.UpdateType.valid() {
		return errs.Invalid(field+".UpdateType", "must be UPDATE or REPLACE")
	}
	return nil
}

// checkFlowData checks the columns and tokens of a record: Data non-empty
// (unless tokens alone may be written), no blank column name, and every
// token non-empty and for a column of Data. field names the record's
// fields, for the error only.
func checkFlowData(field func(string) string, data map[string]any, tokens map[string]string, dataRequired bool) error {
	if len(data) == 0 && (dataRequired || len(tokens) == 0) {
		return errs.Invalid(field(".Data"), "must hold at least one column")
	}
	for k := range data {
		if strings.TrimSpace(k) == "" {
			return errs.Invalid(field(".Data"), "has an empty column name")
		}
	}
	if !encodableValues(data) {
		return errs.Invalid(field(".Data"), unencodableReason)
	}
	for col, tok := range tokens {
		if _, ok := data[col]; !ok && dataRequired {
			return errs.Invalid(field(".Tokens"), "has a token for a column the record does not write")
		}
		if strings.TrimSpace(col) == "" {
			return errs.Invalid(field(".Tokens"), "has an empty column name")
		}
		if strings.TrimSpace(tok) == "" {
			return errs.Invalid(field(".Tokens"), "has an empty token")
		}
	}
	return nil
}

// checkUniqueValues checks lookups by unique values: each a non-empty map
// with no blank column name.
func checkUniqueValues(field string, values []map[string]any) error {
	for i, m := range values {
		if len(m) == 0 {
			return errs.Invalid(indexed(field, i), "must hold at least one column")
		}
		for k := range m {
			if strings.TrimSpace(k) == "" {
				return errs.Invalid(indexed(field, i), "has an empty column name")
			}
		}
		if !encodableValues(m) {
			return errs.Invalid(indexed(field, i), unencodableReason)
		}
	}
	return nil
}

func wireUniqueValues(values []map[string]any) []gflow.UniqueValue {
	if len(values) == 0 {
		return nil
	}
	out := make([]gflow.UniqueValue, len(values))
	for i, m := range values {
		out[i].Data = m
	}
	return out
}

// FlowColumnRedaction names the redaction applied to one column's values.
type FlowColumnRedaction struct {
	// Column is the column (required).
	Column string
	// Redaction is the name of a redaction configured in the vault, for
	// example "plain_text", "redacted" or a mask such as "mask1" (required).
	Redaction string
}

// FlowGetTable is the lookups of one table of a get across several tables.
type FlowGetTable struct {
	// Table is the table (required).
	Table string
	// IDs are skyflow ids of records to return.
	IDs []string
	// UniqueValues look records up by their values in unique columns: each
	// maps one or more unique columns to a value.
	UniqueValues []map[string]any
	// Columns limits the columns returned (all when empty).
	Columns []string
	// ColumnRedactions chooses a redaction per column.
	ColumnRedactions []FlowColumnRedaction
}

// FlowGetRequest reads records: by skyflow ids or unique values (lookups),
// or a page of a table, or lookups in several tables at once (Tables).
type FlowGetRequest struct {
	// Table is the table to read (required unless Tables is set).
	Table string
	// IDs are skyflow ids of records to return.
	IDs []string
	// UniqueValues look records up by their values in unique columns: each
	// maps one or more unique columns to a value.
	UniqueValues []map[string]any
	// Columns limits the columns returned (all when empty).
	Columns []string
	// ColumnRedactions chooses a redaction per column (the vault's default
	// for the others).
	ColumnRedactions []FlowColumnRedaction
	// Offset and Limit page through the table, when neither IDs nor
	// UniqueValues are given (0: the vault's defaults).
	Offset int
	Limit  int
	// Tables looks records up in several tables in one call; it excludes
	// every field above.
	Tables []FlowGetTable
}

// FlowGetResponse is the result of Get.
type FlowGetResponse struct {
	// Records holds, for lookups, one result per skyflow id and unique value
	// asked (FlowDone with the record, or FlowFailed, for example with
	// status 404 for a record that does not exist), in request order; for a
	// page, the records of the page.
	Records []FlowRecordResult
	// RequestID is the id of the request.
	RequestID string
}

// flowLookup is one record a request names: by skyflow id, or by unique
// values.
type flowLookup struct {
	table  string
	id     string
	unique map[string]any
	// redacted are the columns the request asked to see through a
	// redaction other than plain text: the answer shows them masked or
	// redacted, so their values cannot be compared with the lookup's.
	redacted []FlowColumnRedaction
}

// shownAsSent reports whether the answer shows column col as it was sent.
func (l *flowLookup) shownAsSent(col string) bool {
	for _, cr := range l.redacted {
		if cr.Column == col && !strings.EqualFold(cr.Redaction, "plain_text") {
			return false
		}
	}
	return true
}

// Get reads records with one request (POST /v2/records/get, operation
// FlowDBGet): by skyflow ids, by unique values, or a page of a table; in
// several tables at once with Tables. Columns and ColumnRedactions choose
// what comes back.
func (f *FlowDB) Get(ctx context.Context, req FlowGetRequest) (*FlowGetResponse, error) {
	lookups, err := req.validate()
	if err != nil {
		return nil, err
	}
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.GetRequest{VaultID: s.id}
	if len(req.Tables) > 0 {
		body.Records = make([]gflow.GetTable, len(req.Tables))
		for i := range req.Tables {
			t := &req.Tables[i]
			body.Records[i] = gflow.GetTable{TableName: t.Table, SkyflowIDs: t.IDs, UniqueValues: wireUniqueValues(t.UniqueValues),
				Columns: t.Columns, ColumnRedactions: wireColumnRedactions(t.ColumnRedactions)}
		}
	} else {
		body.TableName, body.SkyflowIDs, body.UniqueValues = req.Table, req.IDs, wireUniqueValues(req.UniqueValues)
		body.Columns, body.ColumnRedactions = req.Columns, wireColumnRedactions(req.ColumnRedactions)
		body.Offset, body.Limit = int32(req.Offset), int32(req.Limit)
	}
	r, err := f.run(ctx, s, opFlowGet, reads, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBGet(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed recordsWire
	if err := r.decode(opFlowGet, &parsed); err != nil {
		return nil, err
	}
	out := &FlowGetResponse{Records: make([]FlowRecordResult, len(parsed.Records)), RequestID: r.requestID}
	if len(lookups) == 0 { // a page
		for i := range parsed.Records {
			el := &parsed.Records[i]
			table := el.TableName
			if table == "" {
				table = req.Table
			}
			recordResult(&out.Records[i], opFlowGet, i, table, el, r)
		}
		return out, nil
	}
	order, err := matchLookups(opFlowGet, r, lookups, len(parsed.Records), func(k int) (string, string, map[string]any) {
		el := &parsed.Records[k]
		return el.SkyflowID, el.TableName, el.Data
	})
	if err != nil {
		return nil, err
	}
	for i, k := range order {
		recordResult(&out.Records[i], opFlowGet, i, lookups[i].table, &parsed.Records[k], r)
	}
	return out, nil
}

func wireColumnRedactions(list []FlowColumnRedaction) []gflow.ColumnRedaction {
	if len(list) == 0 {
		return nil
	}
	out := make([]gflow.ColumnRedaction, len(list))
	for i, cr := range list {
		out[i] = gflow.ColumnRedaction{ColumnName: cr.Column, Redaction: cr.Redaction}
	}
	return out
}

// validate checks a get request and returns its lookups, in answer order.
func (r *FlowGetRequest) validate() ([]flowLookup, error) {
	if len(r.Tables) > 0 {
		if r.Table != "" || len(r.IDs) > 0 || len(r.UniqueValues) > 0 || len(r.Columns) > 0 || len(r.ColumnRedactions) > 0 ||
			r.Offset != 0 || r.Limit != 0 {
			return nil, errs.Invalid("Tables", "cannot be combined with Table, IDs, UniqueValues, Columns, ColumnRedactions, Offset or Limit")
		}
		var lookups []flowLookup
		for i := range r.Tables {
			t := &r.Tables[i]
			field := indexed("Tables", i)
			if err := checkGetTable(field, t.Table, t.IDs, t.UniqueValues, t.Columns, t.ColumnRedactions); err != nil {
				return nil, err
			}
			if len(t.IDs) == 0 && len(t.UniqueValues) == 0 {
				return nil, errs.Invalid(field, "must hold IDs or UniqueValues")
			}
			lookups = appendLookups(lookups, t.Table, t.IDs, t.UniqueValues, t.ColumnRedactions)
		}
		return lookups, nil
	}
	if err := checkGetTable("", r.Table, r.IDs, r.UniqueValues, r.Columns, r.ColumnRedactions); err != nil {
		return nil, err
	}
	switch {
	case r.Offset < 0 || r.Offset > maxInt32:
		return nil, errs.Invalid("Offset", "must be between 0 and %d", maxInt32)
	case r.Limit < 0 || r.Limit > maxInt32:
		return nil, errs.Invalid("Limit", "must be between 0 and %d", maxInt32)
	case (r.Offset != 0 || r.Limit != 0) && (len(r.IDs) > 0 || len(r.UniqueValues) > 0):
		return nil, errs.Invalid("Limit", "and Offset page through a table; they cannot be combined with IDs or UniqueValues")
	}
	return appendLookups(nil, r.Table, r.IDs, r.UniqueValues, r.ColumnRedactions), nil
}

const maxInt32 = 1<<31 - 1

// checkGetTable checks the fields of one table of a get; prefix names the
// table's position ("" for the single-table form).
func checkGetTable(prefix, table string, ids []string, unique []map[string]any, columns []string, reds []FlowColumnRedaction) error {
	name := func(f string) string {
		if prefix == "" {
			return f
		}
		return prefix + "." + f
	}
	if strings.TrimSpace(table) == "" {
		return errs.Invalid(name("Table"), "is required")
	}
	if err := nonEmptyEntries(name("IDs"), ids); err != nil {
		return err
	}
	if err := checkUniqueValues(name("UniqueValues"), unique); err != nil {
		return err
	}
	if err := nonEmptyEntries(name("Columns"), columns); err != nil {
		return err
	}
	for i, cr := range reds {
		if strings.TrimSpace(cr.Column) == "" || strings.TrimSpace(cr.Redaction) == "" {
			return errs.Invalid(indexed(name("ColumnRedactions"), i), "needs a Column and a Redaction")
		}
	}
	return nil
}

// appendLookups appends the lookups of one table; reds are the column
// redactions its answer is read with.
func appendLookups(out []flowLookup, table string, ids []string, unique []map[string]any, reds []FlowColumnRedaction) []flowLookup {
	for _, id := range ids {
		out = append(out, flowLookup{table: table, id: id})
	}
	for _, m := range unique {
		out = append(out, flowLookup{table: table, unique: m, redacted: reds})
	}
	return out
}

// matchLookups pairs each lookup of a request with the answer element that
// answers it (order[i] is the element of lookup i). The answer must hold
// one element per lookup. A lookup by skyflow id is answered by the element
// carrying that id; a lookup by unique values by the next element not
// taken, in order, whose table and values (when it carries them, and
// unless the request asked to see them redacted) fit. An
// answer that does not fit is an unexpected answer; no value or id goes
// into the error. When the answer keeps the request's order, as the API
// does, no map is built.
func matchLookups(op string, r *reply, asked []flowLookup, n int, elem func(k int) (id, table string, data map[string]any)) ([]int, error) {
	if n != len(asked) {
		return nil, r.unexpected(op, fmt.Sprintf("the answer has %d records for %d asked", n, len(asked)), nil)
	}
	fits := func(l *flowLookup, k int) bool {
		id, table, data := elem(k)
		if table != "" && table != l.table {
			return false
		}
		if l.id != "" {
			return id == l.id
		}
		for col, want := range l.unique {
			if got, ok := data[col]; ok && l.shownAsSent(col) && !sameValue(got, want) {
				return false
			}
		}
		return true
	}
	order := make([]int, len(asked))
	inOrder := true
	for i := range asked {
		if !fits(&asked[i], i) {
			inOrder = false
			break
		}
		order[i] = i
	}
	if inOrder {
		return order, nil
	}
	taken := make([]bool, n)
	byID := map[string][]int{}
	for k := range n {
		if id, _, _ := elem(k); id != "" {
			byID[id] = append(byID[id], k)
		}
	}
	for i := range asked {
		l := &asked[i]
		if l.id == "" {
			continue
		}
		found := -1
		for _, k := range byID[l.id] {
			if !taken[k] && fits(l, k) {
				found = k
				break
			}
		}
		if found < 0 {
			return nil, r.unexpected(op, fmt.Sprintf("the answer has no record for lookup %d of the request", i), nil)
		}
		taken[found], order[i] = true, found
	}
	next := 0
	for i := range asked {
		l := &asked[i]
		if l.id != "" {
			continue
		}
		for next < n && taken[next] {
			next++
		}
		if next == n || !fits(l, next) {
			return nil, r.unexpected(op, fmt.Sprintf("the answer does not match lookup %d of the request", i), nil)
		}
		taken[next], order[i] = true, next
	}
	return order, nil
}

// sameJSON reports whether two values encode to the same JSON (a decoded
// answer value against the value a caller gave).
func sameJSON(got, want any) bool {
	if w, ok := want.(string); ok {
		g, ok := got.(string)
		return ok && g == w
	}
	if reflect.DeepEqual(got, want) {
		return true
	}
	if g, ok := got.(float64); ok {
		// Answers decode numbers as float64: an integer beyond 2^53 comes
		// back rounded, and matches what it rounds to.
		if w, ok := asFloat(want); ok && g == w {
			return true
		}
	}
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	return err1 == nil && err2 == nil && bytes.Equal(g, w)
}

// FlowUpdateRecord is one record to update.
type FlowUpdateRecord struct {
	// SkyflowID is the record's id (required).
	SkyflowID string
	// Table is the record's table, when the request names none.
	Table string
	// Data maps the columns to change to their new values.
	Data map[string]any
	// Tokens maps columns to tokens of your own for their new values.
	Tokens map[string]string
}

// FlowUpdateRequest updates records by skyflow id.
type FlowUpdateRequest struct {
	// Table is the table of every record. When empty, every record names
	// its own table.
	Table string
	// Records are the records to update (required), each with Data or
	// Tokens.
	Records []FlowUpdateRecord
	// UpdateType says what happens to the columns not sent ("": the
	// vault's default, FlowUpdate).
	UpdateType FlowUpdateType
}

// FlowUpdateResponse is the result of Update.
type FlowUpdateResponse struct {
	// Records holds one result per request record, in request order.
	Records []FlowRecordResult
	// RequestID is the id of the request.
	RequestID string
}

// Update updates records with one request (POST /v2/records/update,
// operation FlowDBUpdate). Each record succeeds or fails on its own (status
// 404 for a record that does not exist, 409 for a duplicate unique value).
func (f *FlowDB) Update(ctx context.Context, req FlowUpdateRequest) (*FlowUpdateResponse, error) {
	lookups, err := req.validate()
	if err != nil {
		return nil, err
	}
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.UpdateRequest{VaultID: s.id, TableName: req.Table, UpdateType: gflow.UpdateType(req.UpdateType),
		Records: make([]gflow.UpdateRecord, len(req.Records))}
	for i := range req.Records {
		rec := &req.Records[i]
		body.Records[i] = gflow.UpdateRecord{SkyflowID: rec.SkyflowID, TableName: rec.Table, Data: rec.Data, Tokens: rec.Tokens}
	}
	r, err := f.run(ctx, s, opFlowUpdate, rewrites, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBUpdate(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed recordsWire
	if err := r.decode(opFlowUpdate, &parsed); err != nil {
		return nil, err
	}
	order, err := matchLookups(opFlowUpdate, r, lookups, len(parsed.Records), func(k int) (string, string, map[string]any) {
		el := &parsed.Records[k]
		return el.SkyflowID, el.TableName, nil
	})
	if err != nil {
		return nil, err
	}
	out := &FlowUpdateResponse{Records: make([]FlowRecordResult, len(order)), RequestID: r.requestID}
	for i, k := range order {
		recordResult(&out.Records[i], opFlowUpdate, i, lookups[i].table, &parsed.Records[k], r)
	}
	return out, nil
}

// validate checks an update request and returns its records as lookups.
func (r *FlowUpdateRequest) validate() ([]flowLookup, error) {
	if len(r.Records) == 0 {
		return nil, errs.Invalid("Records", "must hold at least one record")
	}
	perRecord := strings.TrimSpace(r.Table) == ""
	if r.Table != "" && perRecord {
		return nil, errs.Invalid("Table", "is blank")
	}
	if !r.UpdateType.valid() {
		return nil, errs.Invalid("UpdateType", "must be UPDATE or REPLACE")
	}
	lookups := make([]flowLookup, len(r.Records))
	for i := range r.Records {
		rec := &r.Records[i]
		field := func(name string) string { return indexed("Records", i) + name }
		switch {
		case strings.TrimSpace(rec.SkyflowID) == "":
			return nil, errs.Invalid(field(".SkyflowID"), "is required")
		case perRecord && strings.TrimSpace(rec.Table) == "":
			return nil, errs.Invalid(field(".Table"), "is required when the request names no Table")
		case !perRecord && rec.Table != "":
			return nil, errs.Invalid(field(".Table"), "must be empty when the request names Table")
		}
		if err := checkFlowData(field, rec.Data, rec.Tokens, false); err != nil {
			return nil, err
		}
		table := rec.Table
		if !perRecord {
			table = r.Table
		}
		lookups[i] = flowLookup{table: table, id: rec.SkyflowID}
	}
	return lookups, nil
}

// FlowDeleteRequest deletes records of one table, by skyflow ids or by
// unique values.
type FlowDeleteRequest struct {
	// Table is the records' table (required).
	Table string
	// IDs are skyflow ids of records to delete.
	IDs []string
	// UniqueValues name records by their values in unique columns.
	UniqueValues []map[string]any
}

// FlowDeleteResponse is the result of Delete.
type FlowDeleteResponse struct {
	// Records holds one result per skyflow id and unique value asked (the
	// ids first), in request order: FlowDone with the deleted record's
	// SkyflowID, or FlowFailed (status 404 for a record that does not
	// exist).
	Records []FlowRecordResult
	// RequestID is the id of the request.
	RequestID string
}

// Delete deletes records with one request (POST /v2/records/delete,
// operation FlowDBDelete). Each record succeeds or fails on its own.
func (f *FlowDB) Delete(ctx context.Context, req FlowDeleteRequest) (*FlowDeleteResponse, error) {
	if err := checkGetTable("", req.Table, req.IDs, req.UniqueValues, nil, nil); err != nil {
		return nil, err
	}
	if len(req.IDs) == 0 && len(req.UniqueValues) == 0 {
		return nil, errs.Invalid("IDs", "or UniqueValues must name at least one record")
	}
	lookups := appendLookups(nil, req.Table, req.IDs, req.UniqueValues, nil)
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.DeleteRequest{VaultID: s.id, TableName: req.Table, SkyflowIDs: req.IDs, UniqueValues: wireUniqueValues(req.UniqueValues)}
	// Not repeated after a lost answer: a second request would report the
	// records the first one deleted as not found.
	r, err := f.run(ctx, s, opFlowDelete, writes, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBDelete(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gflow.DeleteResponse
	if err := r.decode(opFlowDelete, &parsed); err != nil {
		return nil, err
	}
	order, err := matchLookups(opFlowDelete, r, lookups, len(parsed.Records), func(k int) (string, string, map[string]any) {
		return parsed.Records[k].SkyflowID, "", nil
	})
	if err != nil {
		return nil, err
	}
	out := &FlowDeleteResponse{Records: make([]FlowRecordResult, len(order)), RequestID: r.requestID}
	for i, k := range order {
		el := &parsed.Records[k]
		res := &out.Records[i]
		res.Index, res.Table, res.SkyflowID, res.RequestID = i, req.Table, el.SkyflowID, r.requestID
		if elementFailed(el.Error, el.HttpCode) {
			res.Outcome, res.Err = r.failure(opFlowDelete, i, el.Error, el.HttpCode)
			continue
		}
		if el.SkyflowID == "" {
			return nil, r.unexpected(opFlowDelete, fmt.Sprintf("record %d of the answer has neither a skyflowID nor an error", k), nil)
		}
		res.Outcome = FlowDone
	}
	return out, nil
}

// FlowQueryRequest runs a query.
type FlowQueryRequest struct {
	// Query is the query (required), in the vault's query language.
	Query string
}

// FlowQueryResponse is the result of Query.
type FlowQueryResponse struct {
	// Records are the records the query selects, each column name to value.
	Records []map[string]any
	// Columns names the columns of the records, when the vault says.
	Columns []string
	// RequestID is the id of the request.
	RequestID string
}

// Query runs a query on the vault (POST /v2/query, operation FlowDBQuery).
func (f *FlowDB) Query(ctx context.Context, req FlowQueryRequest) (*FlowQueryResponse, error) {
	if strings.TrimSpace(req.Query) == "" {
		return nil, errs.Invalid("Query", "is required")
	}
	s, err := f.state()
	if err != nil {
		return nil, err
	}
	body := gflow.QueryRequest{VaultID: s.id, Query: req.Query}
	r, err := f.run(ctx, s, opFlowQuery, reads, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FlowDBQuery(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gflow.QueryResponse
	if err := r.decode(opFlowQuery, &parsed); err != nil {
		return nil, err
	}
	out := &FlowQueryResponse{Records: make([]map[string]any, len(parsed.Records)), RequestID: r.requestID}
	for i, rec := range parsed.Records {
		out.Records[i] = rec.Data
	}
	if parsed.Metadata != nil {
		out.Columns = parsed.Metadata.Columns
	}
	return out, nil
}

// asFloat returns a number a caller gave as the float64 an answer decodes
// it to.
func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}

// swappedWith returns the position of another record sent whose value of
// some column the answer element for records[i] carries in place of
// records[i]'s own, or -1. A value that merely differs from the one sent
// (the vault may return it transformed) is not evidence of a swap; a value
// of another record of the request is.
func swappedWith(records []FlowRecord, i int, data map[string]any) int {
	for col, got := range data {
		own, ok := records[i].Data[col]
		if !ok || sameJSON(got, own) {
			continue
		}
		for j := range records {
			if other, ok := records[j].Data[col]; j != i && ok && sameJSON(got, other) {
				return j
			}
		}
	}
	return -1
}
