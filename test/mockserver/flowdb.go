package mockserver

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/query"
)

// A Flow DB vault: tables of records whose columns are tokenized into
// token groups (one token per group), and schemaless tokens made by
// tokenize. Every call about several records or tokens answers each one on
// its own: a failure becomes the element's error and httpCode inside a 200
// answer, while the others succeed; only a request that is wrong as a whole
// (no vault, an unknown table in a get, an unknown redaction) gets the
// error body.

// flowVault is one Flow DB vault's state. Every field is guarded by mu.
type flowVault struct {
	id, clusterID string
	mu            sync.RWMutex
	groups        map[string]*TokenGroupConfig
	tables        map[string]*flowTable
	tableOrder    []string
	tokens        map[string]*flowTokenEntry
	// deterministic maps a deterministic group and a value key to the
	// schemaless token of that value.
	deterministic map[string]map[string]string
	// groupTables maps a token group to the tables with a column in it
	// (fixed by the configuration; see flowdb_roles.go).
	groupTables map[string][]string
	seq         uint64
	persist     *store // nil: in memory only
}

type flowTable struct {
	name     string
	cols     map[string]*FlowDBColumnConfig
	colOrder []string
	records  map[string]*flowRecord
	// unique maps a unique column to a value key to a record id.
	unique map[string]map[string]string
}

// flowRecord is a stored row; writes replace its maps, never mutate them
// in place, so answers can hold them.
type flowRecord struct {
	id     string
	seq    uint64
	data   map[string]any
	tokens map[string][]flowColToken
}

type flowColToken struct {
	Token string `json:"token"`
	Group string `json:"tokenGroupName"`
}

// flowTokenEntry is what a token stands for: a cell of a record, or (table
// empty) a schemaless value.
type flowTokenEntry struct {
	group             string
	value             any
	table, id, column string
}

func newFlowVault(cfg FlowDBVaultConfig, st *store) (*flowVault, error) {
	v := &flowVault{id: cfg.ID, clusterID: cfg.ClusterID, groups: map[string]*TokenGroupConfig{},
		tables: map[string]*flowTable{}, tokens: map[string]*flowTokenEntry{}, deterministic: map[string]map[string]string{},
		groupTables: tablesOfGroups(cfg.Tables)}
	for i := range cfg.TokenGroups {
		g := cfg.TokenGroups[i]
		v.groups[g.Name] = &g
	}
	for _, tc := range cfg.Tables {
		t := &flowTable{name: tc.Name, cols: map[string]*FlowDBColumnConfig{}, records: map[string]*flowRecord{}, unique: map[string]map[string]string{}}
		for i := range tc.Columns {
			c := tc.Columns[i]
			t.cols[c.Name] = &c
			t.colOrder = append(t.colOrder, c.Name)
			if c.Unique {
				t.unique[c.Name] = map[string]string{}
			}
		}
		v.tables[tc.Name] = t
		v.tableOrder = append(v.tableOrder, tc.Name)
	}
	if st != nil {
		if err := st.loadFlowVault(v); err != nil {
			return nil, err
		}
		v.persist = st
	}
	return v, nil
}

// flowWrite collects the changes of one request, stored when it ends.
type flowWrite struct {
	changes []change
}

// commit makes the writes of a request durable (with a data directory)
// and reports a failure as the request's error. The caller holds the
// vault's lock, so changes are queued in commit order; it waits on the
// returned channel after releasing the lock.
func (v *flowVault) commit(w *flowWrite) <-chan error {
	if v.persist == nil || len(w.changes) == 0 {
		return nil
	}
	return v.persist.enqueue(w.changes)
}

// write runs fn under the write lock and waits until its changes are
// durable.
func (v *flowVault) write(fn func(w *flowWrite) error) error {
	w := &flowWrite{}
	v.mu.Lock()
	err := fn(w)
	durable := v.commit(w)
	v.mu.Unlock()
	if durable != nil {
		if perr := <-durable; perr != nil {
			return newError(http.StatusInternalServerError, "the write could not be stored: %v", perr)
		}
	}
	return err
}

// storedFlowRecord is the persisted form of a record.
type storedFlowRecord struct {
	Table  string                    `json:"t"`
	ID     string                    `json:"id"`
	Data   map[string]any            `json:"d,omitempty"`
	Tokens map[string][]flowColToken `json:"k,omitempty"`
}

// storedFlowToken is the persisted form of a schemaless token.
type storedFlowToken struct {
	Group string `json:"g"`
	Value any    `json:"v"`
}

func flowBucket(id string) string { return "flowdb:" + id }

// putRecord records a stored record (or, with rec nil, the deletion of the
// record with that sequence number).
func (v *flowVault) putRecord(w *flowWrite, table string, seq uint64, rec *flowRecord) {
	if v.persist == nil {
		return
	}
	o := &op{b1: flowBucket(v.id), b2: "records", key: binary.BigEndian.AppendUint64(nil, seq)}
	if rec == nil {
		o.del = true
	} else {
		o.val, _ = json.Marshal(storedFlowRecord{Table: table, ID: rec.id, Data: rec.data, Tokens: rec.tokens})
	}
	w.changes = append(w.changes, change{raw: o})
}

// putToken records a schemaless token (or, with e nil, its deletion).
func (v *flowVault) putToken(w *flowWrite, token string, e *flowTokenEntry) {
	if v.persist == nil {
		return
	}
	o := &op{b1: flowBucket(v.id), b2: "tokens", key: []byte(token)}
	if e == nil {
		o.del = true
	} else {
		o.val, _ = json.Marshal(storedFlowToken{Group: e.group, Value: e.value})
	}
	w.changes = append(w.changes, change{raw: o})
}

// elemError is the failure of one element of a call: its httpCode and
// error.
type elemError struct {
	code int
	msg  string
}

func elemErr(code int, format string, args ...any) *elemError {
	return &elemError{code: code, msg: fmt.Sprintf(format, args...)}
}

// flowRecordOut is one element of an insert, get or update answer.
type flowRecordOut struct {
	SkyflowID string                    `json:"skyflowID,omitempty"`
	Tokens    map[string][]flowColToken `json:"tokens,omitempty"`
	Data      map[string]any            `json:"data,omitempty"`
	Error     string                    `json:"error,omitempty"`
	HTTPCode  int                       `json:"httpCode"`
	TableName string                    `json:"tableName,omitempty"`
}

func (o *flowRecordOut) fail(e *elemError) {
	o.Error, o.HTTPCode = e.msg, e.code
}

// hasTable reports whether the vault has a table of that name (tables are
// fixed by the configuration: no lock is needed).
func (v *flowVault) hasTable(name string) bool {
	_, ok := v.tables[name]
	return ok
}

func (v *flowVault) table(name string) (*flowTable, *elemError) {
	if name == "" {
		return nil, elemErr(http.StatusBadRequest, "tableName is required")
	}
	t, ok := v.tables[name]
	if !ok {
		return nil, elemErr(http.StatusNotFound, "table %s not found in vault %s", name, v.id)
	}
	return t, nil
}

// flowUpsert is the upsert of a record.
type flowUpsert struct {
	updateType string
	columns    []string
}

// checkData checks the columns of a record write and the tokens supplied
// for them; it returns the tokens as column to token.
func (t *flowTable) checkData(data map[string]any, byot map[string]any, vaultTokens map[string]*flowTokenEntry, id string) (map[string]string, *elemError) {
	for col := range data {
		if _, ok := t.cols[col]; !ok {
			return nil, elemErr(http.StatusBadRequest, "unknown column %s in table %s", col, t.name)
		}
	}
	supplied := map[string]string{}
	for col, raw := range byot {
		c, ok := t.cols[col]
		switch {
		case !ok:
			return nil, elemErr(http.StatusBadRequest, "token for unknown column %s in table %s", col, t.name)
		case len(c.TokenGroups) == 0:
			return nil, elemErr(http.StatusBadRequest, "token for column %s, which is not tokenized", col)
		}
		if _, ok := data[col]; !ok {
			return nil, elemErr(http.StatusBadRequest, "token for column %s, which the record does not write", col)
		}
		tok, ok := raw.(string)
		if !ok || strings.TrimSpace(tok) == "" {
			return nil, elemErr(http.StatusBadRequest, "the token of column %s must be a non-empty string", col)
		}
		if e, used := vaultTokens[tok]; used && !(e.id == id && e.column == col && id != "") {
			return nil, elemErr(http.StatusConflict, "the token supplied for column %s is already in use", col)
		}
		supplied[col] = tok
	}
	return supplied, nil
}

// uniqueConflict reports a unique value of data held by another record.
func (t *flowTable) uniqueConflict(data map[string]any, id string) *elemError {
	for _, col := range sortedKeys(t.unique) {
		val, ok := data[col]
		if !ok || val == nil {
			continue
		}
		if other, dup := t.unique[col][valueKey(val)]; dup && other != id {
			return elemErr(http.StatusConflict, "duplicate value for unique column %s of table %s (it is already stored in record %s)", col, t.name, other)
		}
	}
	return nil
}

// tokenize gives each tokenized column of data its tokens: the supplied
// one for the column's first group, the previous ones of unchanged values,
// new ones otherwise.
func (v *flowVault) tokenizeRecord(t *flowTable, data map[string]any, prev *flowRecord, supplied map[string]string) map[string][]flowColToken {
	out := map[string][]flowColToken{}
	for col, val := range data {
		c := t.cols[col]
		if len(c.TokenGroups) == 0 || val == nil {
			continue
		}
		if prev != nil && supplied[col] == "" && len(prev.tokens[col]) > 0 {
			if old, had := prev.data[col]; had && valueKey(old) == valueKey(val) {
				out[col] = prev.tokens[col]
				continue
			}
		}
		list := make([]flowColToken, len(c.TokenGroups))
		for i, g := range c.TokenGroups {
			list[i] = flowColToken{Token: newToken(), Group: g}
			if i == 0 && supplied[col] != "" {
				list[i].Token = supplied[col]
			}
		}
		out[col] = list
	}
	return out
}

// store puts rec into the table and its indexes (replacing prev, when not
// nil, the version it updates).
func (v *flowVault) storeRecord(w *flowWrite, t *flowTable, prev, rec *flowRecord) {
	if prev != nil {
		v.unindex(t, prev)
		rec.seq = prev.seq
	} else {
		v.seq++
		rec.seq = v.seq
	}
	t.records[rec.id] = rec
	for col, idx := range t.unique {
		if val, ok := rec.data[col]; ok && val != nil {
			idx[valueKey(val)] = rec.id
		}
	}
	for col, list := range rec.tokens {
		for _, ct := range list {
			v.tokens[ct.Token] = &flowTokenEntry{group: ct.Group, table: t.name, id: rec.id, column: col}
		}
	}
	v.putRecord(w, t.name, rec.seq, rec)
}

// unindex removes a record from the unique indexes and its tokens from the
// token index.
func (v *flowVault) unindex(t *flowTable, rec *flowRecord) {
	for col, idx := range t.unique {
		if val, ok := rec.data[col]; ok && val != nil && idx[valueKey(val)] == rec.id {
			delete(idx, valueKey(val))
		}
	}
	for _, list := range rec.tokens {
		for _, ct := range list {
			if e := v.tokens[ct.Token]; e != nil && e.id == rec.id {
				delete(v.tokens, ct.Token)
			}
		}
	}
}

func (v *flowVault) deleteRecord(w *flowWrite, t *flowTable, rec *flowRecord) {
	v.unindex(t, rec)
	delete(t.records, rec.id)
	v.putRecord(w, t.name, rec.seq, nil)
}

// findUnique returns the record whose values in the columns of match are
// those of match (every column must be unique), or nil.
func (t *flowTable) findUnique(match map[string]any) (*flowRecord, *elemError) {
	if len(match) == 0 {
		return nil, elemErr(http.StatusBadRequest, "a unique value names no column")
	}
	var found *flowRecord
	for _, col := range sortedKeys(match) {
		idx, ok := t.unique[col]
		if !ok {
			if _, known := t.cols[col]; !known {
				return nil, elemErr(http.StatusBadRequest, "unknown column %s in table %s", col, t.name)
			}
			return nil, elemErr(http.StatusBadRequest, "column %s of table %s is not unique", col, t.name)
		}
		id, ok := idx[valueKey(match[col])]
		if !ok {
			return nil, nil
		}
		if found != nil && found.id != id {
			return nil, nil
		}
		found = t.records[id]
	}
	return found, nil
}

// insertRecord inserts (or upserts) one record.
func (v *flowVault) insertRecord(w *flowWrite, tableName string, data map[string]any, byot map[string]any, up *flowUpsert) flowRecordOut {
	out := flowRecordOut{TableName: tableName}
	t, e := v.table(tableName)
	if e != nil {
		out.fail(e)
		return out
	}
	if len(data) == 0 {
		out.fail(elemErr(http.StatusBadRequest, "a record must hold at least one column"))
		return out
	}
	var prev *flowRecord
	if up != nil {
		if len(up.columns) == 0 {
			out.fail(elemErr(http.StatusBadRequest, "upsert needs uniqueColumns"))
			return out
		}
		match := map[string]any{}
		for _, col := range up.columns {
			val, ok := data[col]
			if !ok {
				out.fail(elemErr(http.StatusBadRequest, "the record has no value for the upsert column %s", col))
				return out
			}
			match[col] = val
		}
		if prev, e = t.findUnique(match); e != nil {
			out.fail(e)
			return out
		}
	}
	return v.writeRecord(w, out, t, prev, data, byot, up != nil && up.updateType == "REPLACE")
}

// writeRecord writes data into prev (a new record when nil), merged with
// prev's columns unless replace: the data and tokens checked, the record
// tokenized and stored. out is the element answered, filled in.
func (v *flowVault) writeRecord(w *flowWrite, out flowRecordOut, t *flowTable, prev *flowRecord, data, byot map[string]any, replace bool) flowRecordOut {
	id := ""
	if prev != nil {
		id = prev.id
	}
	supplied, e := t.checkData(data, byot, v.tokens, id)
	if e == nil {
		e = t.uniqueConflict(data, id)
	}
	if e != nil {
		out.fail(e)
		return out
	}
	rec := &flowRecord{id: id, data: map[string]any{}}
	if prev == nil {
		rec.id = uuid.NewString()
	} else if !replace {
		for k, val := range prev.data {
			rec.data[k] = val
		}
	}
	for k, val := range data {
		rec.data[k] = val
	}
	rec.tokens = v.tokenizeRecord(t, rec.data, prev, supplied)
	v.storeRecord(w, t, prev, rec)
	out.SkyflowID, out.Tokens, out.HTTPCode = rec.id, rec.tokens, http.StatusOK
	return out
}

// updateRecord updates one record by id.
func (v *flowVault) updateRecord(w *flowWrite, tableName, id string, data map[string]any, byot map[string]any, replace bool) flowRecordOut {
	out := flowRecordOut{SkyflowID: id, TableName: tableName}
	t, e := v.table(tableName)
	if e != nil {
		out.fail(e)
		return out
	}
	prev, ok := t.records[id]
	switch {
	case id == "":
		out.fail(elemErr(http.StatusBadRequest, "skyflowID is required"))
		return out
	case !ok:
		out.fail(elemErr(http.StatusNotFound, "record %s not found in table %s", id, t.name))
		return out
	case len(data) == 0:
		out.fail(elemErr(http.StatusBadRequest, "an update must hold at least one column"))
		return out
	}
	return v.writeRecord(w, out, t, prev, data, byot, replace)
}

// readSpec is what a get returns of each record: columns and redactions.
type readSpec struct {
	columns    []string          // nil: every column
	redactions map[string]string // column to masking style ("" plain, "redacted", or a mask)
	cap        string            // the request's redaction cap for the table ("" none)
}

// readSpecFor checks the columns and column redactions of a get against a
// table.
func (v *flowVault) readSpecFor(t *flowTable, columns []string, reds []flowColumnRedaction) (*readSpec, *apiError) {
	rs := &readSpec{redactions: map[string]string{}}
	for _, col := range columns {
		if _, ok := t.cols[col]; !ok {
			return nil, badRequest("unknown column %s in table %s", col, t.name)
		}
		rs.columns = append(rs.columns, col)
	}
	for _, cr := range reds {
		c, ok := t.cols[cr.column]
		if !ok {
			return nil, badRequest("columnRedactions: unknown column %s in table %s", cr.column, t.name)
		}
		style, ok := v.columnRedaction(c, cr.redaction)
		if !ok {
			return nil, badRequest("columnRedactions: column %s offers no redaction %s", cr.column, cr.redaction)
		}
		rs.redactions[cr.column] = style
	}
	return rs, nil
}

type flowColumnRedaction struct{ column, redaction string }

// columnRedaction resolves a redaction name for a column: the built-in
// ones, or a mask of one of its token groups.
func (v *flowVault) columnRedaction(c *FlowDBColumnConfig, name string) (string, bool) {
	if name == flowPlainText {
		return "", true
	}
	if name == flowRedacted {
		return flowRedacted, true
	}
	for _, g := range c.TokenGroups {
		if style, ok := v.groups[g].groupRedaction(name); ok {
			return style, true
		}
	}
	return "", false
}

// defaultStyle is the redaction a column's values get when a get names
// none: the default of its first token group (plain text for a column
// without token groups).
func (v *flowVault) defaultStyle(c *FlowDBColumnConfig) string {
	if len(c.TokenGroups) == 0 {
		return ""
	}
	return v.groups[c.TokenGroups[0]].defaultStyle()
}

// applyStyle redacts a value with a masking style.
func applyStyle(style string, val any) any {
	switch style {
	case "":
		return val
	case flowRedacted:
		return redactedValue
	}
	return mask(style, valueString(val))
}

// read renders a record for a get.
func (v *flowVault) read(t *flowTable, rec *flowRecord, rs *readSpec) flowRecordOut {
	out := flowRecordOut{SkyflowID: rec.id, TableName: t.name, HTTPCode: http.StatusOK, Data: map[string]any{}, Tokens: map[string][]flowColToken{}}
	cols := rs.columns
	if cols == nil {
		cols = t.colOrder
	}
	for _, col := range cols {
		val, ok := rec.data[col]
		if !ok {
			continue
		}
		style, named := rs.redactions[col]
		if !named {
			style = v.defaultStyle(t.cols[col])
		}
		out.Data[col] = applyStyle(capStyle(style, rs.cap), val)
		if list := rec.tokens[col]; len(list) > 0 {
			out.Tokens[col] = list
		}
	}
	if len(out.Tokens) == 0 {
		out.Tokens = nil
	}
	return out
}

// getTable is the lookups of one table of a get.
type getTable struct {
	table   string
	ids     []string
	uniques []map[string]any
	columns []string
	reds    []flowColumnRedaction
	refused *elemError // the roles may not read the table: every lookup fails with it
	cap     string     // the roles' redaction cap for the table
}

// get answers a get: one element per lookup, or a page.
func (v *flowVault) get(lookups []getTable, page bool, offset, limit int) ([]flowRecordOut, *apiError) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := []flowRecordOut{}
	for _, gt := range lookups {
		t, e := v.table(gt.table)
		if e != nil {
			return nil, newError(e.code, "%s", e.msg)
		}
		rs, err := v.readSpecFor(t, gt.columns, gt.reds)
		if err != nil {
			return nil, err
		}
		rs.cap = gt.cap
		if gt.refused != nil {
			if page {
				return nil, newError(gt.refused.code, "%s", gt.refused.msg)
			}
			for _, id := range gt.ids {
				out = append(out, flowRecordOut{SkyflowID: id, TableName: t.name, Error: gt.refused.msg, HTTPCode: gt.refused.code})
			}
			for range gt.uniques {
				out = append(out, flowRecordOut{TableName: t.name, Error: gt.refused.msg, HTTPCode: gt.refused.code})
			}
			continue
		}
		if page {
			recs := t.sorted()
			if offset > len(recs) {
				offset = len(recs)
			}
			recs = recs[offset:]
			if limit == 0 {
				limit = flowDefaultPage
			}
			if limit < len(recs) {
				recs = recs[:limit]
			}
			for _, rec := range recs {
				out = append(out, v.read(t, rec, rs))
			}
			return out, nil
		}
		for _, id := range gt.ids {
			rec, ok := t.records[id]
			if !ok {
				out = append(out, flowRecordOut{SkyflowID: id, TableName: t.name, Error: "record " + id + " not found", HTTPCode: http.StatusNotFound})
				continue
			}
			out = append(out, v.read(t, rec, rs))
		}
		for _, m := range gt.uniques {
			rec, e := t.findUnique(m)
			switch {
			case e != nil:
				out = append(out, flowRecordOut{TableName: t.name, Error: e.msg, HTTPCode: e.code})
			case rec == nil:
				out = append(out, flowRecordOut{TableName: t.name, Error: "no record has these unique values", HTTPCode: http.StatusNotFound})
			default:
				out = append(out, v.read(t, rec, rs))
			}
		}
	}
	return out, nil
}

// flowDefaultPage is the page size of a get without limit, and
// flowMaxPage the largest limit.
const (
	flowDefaultPage = 25
	flowMaxPage     = 1000
)

// sorted returns the records in insertion order.
func (t *flowTable) sorted() []*flowRecord {
	recs := make([]*flowRecord, 0, len(t.records))
	for _, r := range t.records {
		recs = append(recs, r)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].seq < recs[j].seq })
	return recs
}

// flowDeleteOut is one element of a delete answer.
type flowDeleteOut struct {
	SkyflowID string `json:"skyflowID,omitempty"`
	Error     string `json:"error,omitempty"`
	HTTPCode  int    `json:"httpCode"`
}

// deleteRecords deletes by ids, then by unique values.
func (v *flowVault) deleteRecords(w *flowWrite, tableName string, ids []string, uniques []map[string]any) ([]flowDeleteOut, *apiError) {
	t, e := v.table(tableName)
	if e != nil {
		return nil, newError(e.code, "%s", e.msg)
	}
	out := []flowDeleteOut{}
	for _, id := range ids {
		rec, ok := t.records[id]
		if !ok {
			out = append(out, flowDeleteOut{SkyflowID: id, Error: "record " + id + " not found", HTTPCode: http.StatusNotFound})
			continue
		}
		v.deleteRecord(w, t, rec)
		out = append(out, flowDeleteOut{SkyflowID: id, HTTPCode: http.StatusOK})
	}
	for _, m := range uniques {
		rec, e := t.findUnique(m)
		switch {
		case e != nil:
			out = append(out, flowDeleteOut{Error: e.msg, HTTPCode: e.code})
		case rec == nil:
			out = append(out, flowDeleteOut{Error: "no record has these unique values", HTTPCode: http.StatusNotFound})
		default:
			v.deleteRecord(w, t, rec)
			out = append(out, flowDeleteOut{SkyflowID: rec.id, HTTPCode: http.StatusOK})
		}
	}
	return out, nil
}

// flowQueryOut is a query answer.
type flowQueryOut struct {
	Records  []flowQueryRecord `json:"records"`
	Metadata flowQueryMetadata `json:"metadata"`
}

type flowQueryRecord struct {
	Data map[string]any `json:"data"`
}

type flowQueryMetadata struct {
	Columns []string `json:"columns"`
}

// runQuery runs a SELECT (the SQL subset of package query) on a table.
// Values come back as stored, each column with its default redaction
// (capped at cap).
func (v *flowVault) runQuery(sel *query.Select, cap string) (*flowQueryOut, *apiError) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	t, e := v.table(sel.Table)
	if e != nil {
		return nil, badRequest("%s", e.msg)
	}
	cols := sel.Columns
	if len(cols) == 0 {
		cols = append([]string{"skyflowID"}, t.colOrder...)
	}
	for _, c := range cols {
		if _, ok := t.cols[c]; !ok && c != "skyflowID" {
			return nil, badRequest("unknown column %s in table %s", c, t.name)
		}
	}
	out := &flowQueryOut{Records: []flowQueryRecord{}, Metadata: flowQueryMetadata{Columns: cols}}
	skipped := 0
	for _, rec := range t.sorted() {
		get := func(col string) (any, bool) {
			if col == "skyflowID" {
				return rec.id, true
			}
			val, ok := rec.data[col]
			return val, ok
		}
		if sel.Where != nil && !sel.Where.Eval(get) {
			continue
		}
		if skipped < sel.Offset {
			skipped++
			continue
		}
		if sel.Limit >= 0 && len(out.Records) >= sel.Limit {
			break
		}
		data := map[string]any{}
		for _, c := range cols {
			if val, ok := get(c); ok {
				if c != "skyflowID" {
					val = applyStyle(capStyle(v.defaultStyle(t.cols[c]), cap), val)
				}
				data[c] = val
			}
		}
		out.Records = append(out.Records, flowQueryRecord{Data: data})
	}
	return out, nil
}

// flowDetokenizeOut is one element of a detokenize answer.
type flowDetokenizeOut struct {
	Token          string         `json:"token"`
	Value          any            `json:"value,omitempty"`
	TokenGroupName string         `json:"tokenGroupName,omitempty"`
	Error          string         `json:"error,omitempty"`
	HTTPCode       int            `json:"httpCode"`
	Metadata       map[string]any `json:"metadata,omitempty"`
}

// groupStyles checks the token-group redactions of a detokenize and
// resolves them to masking styles.
func (v *flowVault) groupStyles(reds []flowColumnRedaction) (map[string]string, *apiError) {
	out := map[string]string{}
	for _, r := range reds {
		g, ok := v.groups[r.column]
		if !ok {
			return nil, badRequest("tokenGroupRedactions: unknown token group %s", r.column)
		}
		style, ok := g.groupRedaction(r.redaction)
		if !ok {
			return nil, badRequest("tokenGroupRedactions: token group %s offers no redaction %s (it offers %s)", r.column, r.redaction,
				strings.Join(g.redactionNames(), ", "))
		}
		out[r.column] = style
	}
	return out, nil
}

// detokenize answers one element per token; a token the roles may not
// detokenize fails on its own (403), and a value is capped as its table's
// (its group's tables', for a token of no record) redaction cap says.
func (v *flowVault) detokenize(g flowGuard, tokens []string, styles map[string]string) []flowDetokenizeOut {
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := make([]flowDetokenizeOut, len(tokens))
	for i, tok := range tokens {
		e, ok := v.tokens[tok]
		if !ok {
			out[i] = flowDetokenizeOut{Token: tok, Error: "Detokenize failed. Token " + tok + " is invalid. Specify a valid token.", HTTPCode: http.StatusNotFound}
			continue
		}
		var refused *elemError
		var cap string
		if e.table != "" {
			refused, cap = g.refuse(e.table, permDetokenize), g.cap(e.table)
		} else {
			refused, cap = g.refuseGroup(v, e.group, permDetokenize), g.groupCap(v, e.group)
		}
		if refused != nil {
			out[i] = flowDetokenizeOut{Token: tok, Error: refused.msg, HTTPCode: refused.code}
			continue
		}
		val := e.value
		var meta map[string]any
		if e.table != "" {
			val = v.tables[e.table].records[e.id].data[e.column]
			meta = map[string]any{"skyflowID": e.id, "tableName": e.table}
		}
		style, named := styles[e.group]
		if !named {
			style = v.groups[e.group].defaultStyle()
		}
		out[i] = flowDetokenizeOut{Token: tok, Value: applyStyle(capStyle(style, cap), val), TokenGroupName: e.group, HTTPCode: http.StatusOK, Metadata: meta}
	}
	return out
}

// flowTokenizeOut is one element of a tokenize answer.
type flowTokenizeOut struct {
	Value  any                 `json:"value"`
	Tokens []flowGroupTokenOut `json:"tokens"`
}

type flowGroupTokenOut struct {
	TokenGroupName string `json:"tokenGroupName"`
	Token          string `json:"token,omitempty"`
	Error          string `json:"error,omitempty"`
	HTTPCode       int    `json:"httpCode"`
}

// tokenizeItem is one value of a tokenize.
type tokenizeItem struct {
	value  any
	groups []string
	token  any // a token of the caller's own
}

// tokenize answers one element per value, one token per group; a group
// the roles may not tokenize into fails on its own (403).
func (v *flowVault) tokenize(w *flowWrite, g flowGuard, items []tokenizeItem) []flowTokenizeOut {
	out := make([]flowTokenizeOut, len(items))
	for i, it := range items {
		el := flowTokenizeOut{Value: it.value, Tokens: []flowGroupTokenOut{}}
		for _, name := range it.groups {
			gt := flowGroupTokenOut{TokenGroupName: name}
			tok, e := v.tokenizeOne(w, g, it, name)
			if e != nil {
				gt.Error, gt.HTTPCode = e.msg, e.code
			} else {
				gt.Token, gt.HTTPCode = tok, http.StatusOK
			}
			el.Tokens = append(el.Tokens, gt)
		}
		out[i] = el
	}
	return out
}

func (v *flowVault) tokenizeOne(w *flowWrite, guard flowGuard, it tokenizeItem, group string) (string, *elemError) {
	g, ok := v.groups[group]
	if !ok {
		return "", elemErr(http.StatusNotFound, "token group %s not found", group)
	}
	if e := guard.refuseGroup(v, group, permTokenize); e != nil {
		return "", e
	}
	switch {
	case it.value == nil:
		return "", elemErr(http.StatusBadRequest, "value is required")
	}
	if s, isStr := it.value.(string); isStr && strings.TrimSpace(s) == "" {
		return "", elemErr(http.StatusBadRequest, "value is blank")
	}
	key := valueKey(it.value)
	if g.Deterministic {
		if tok, ok := v.deterministic[group][key]; ok {
			return tok, nil
		}
	}
	tok := newToken()
	if it.token != nil {
		own, isStr := it.token.(string)
		switch {
		case !isStr || strings.TrimSpace(own) == "":
			return "", elemErr(http.StatusBadRequest, "token must be a non-empty string")
		case len(it.groups) != 1:
			return "", elemErr(http.StatusBadRequest, "a token of your own needs exactly one token group")
		case v.tokens[own] != nil:
			return "", elemErr(http.StatusConflict, "the token supplied is already in use")
		}
		tok = own
	}
	e := &flowTokenEntry{group: group, value: it.value}
	v.tokens[tok] = e
	if g.Deterministic {
		if v.deterministic[group] == nil {
			v.deterministic[group] = map[string]string{}
		}
		v.deterministic[group][key] = tok
	}
	v.putToken(w, tok, e)
	return tok, nil
}

// flowDeleteTokenOut is one element of a delete-tokens answer.
type flowDeleteTokenOut struct {
	Value    string `json:"value"`
	Error    string `json:"error,omitempty"`
	HTTPCode int    `json:"httpCode"`
}

// deleteTokens deletes tokens: a schemaless one, or a record's token of
// one group (the record keeps its value). Deleting a token needs delete on
// its table (every table of its group, for a token of no record); a token
// the roles may not delete fails on its own (403).
func (v *flowVault) deleteTokens(w *flowWrite, g flowGuard, tokens []string) []flowDeleteTokenOut {
	out := make([]flowDeleteTokenOut, len(tokens))
	for i, tok := range tokens {
		e, ok := v.tokens[tok]
		if !ok {
			out[i] = flowDeleteTokenOut{Value: tok, Error: "token " + tok + " not found", HTTPCode: http.StatusNotFound}
			continue
		}
		refused := g.refuseGroup(v, e.group, permDelete)
		if e.table != "" {
			refused = g.refuse(e.table, permDelete)
		}
		if refused != nil {
			out[i] = flowDeleteTokenOut{Value: tok, Error: refused.msg, HTTPCode: refused.code}
			continue
		}
		delete(v.tokens, tok)
		if e.table == "" {
			if idx := v.deterministic[e.group]; idx[valueKey(e.value)] == tok {
				delete(idx, valueKey(e.value))
			}
			v.putToken(w, tok, nil)
		} else {
			t := v.tables[e.table]
			prev := t.records[e.id]
			rec := &flowRecord{id: prev.id, seq: prev.seq, data: prev.data, tokens: map[string][]flowColToken{}}
			for col, list := range prev.tokens {
				list = slices.DeleteFunc(slices.Clone(list), func(ct flowColToken) bool { return ct.Token == tok })
				if len(list) > 0 {
					rec.tokens[col] = list
				}
			}
			t.records[rec.id] = rec
			v.putRecord(w, t.name, rec.seq, rec)
		}
		out[i] = flowDeleteTokenOut{Value: tok, HTTPCode: http.StatusOK}
	}
	return out
}

// metrics counts the records of each table the roles may read (the
// others are left out).
func (v *flowVault) metrics(g flowGuard) map[string]any {
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := map[string]any{}
	for _, name := range v.tableOrder {
		if !g.allows(name, permRead) {
			continue
		}
		out[name] = map[string]any{"records": len(v.tables[name].records)}
	}
	return out
}

// loadFlowVault fills v (configured, empty) from the store. Records of
// tables no longer configured, and values of columns no longer configured,
// are left out.
func (st *store) loadFlowVault(v *flowVault) error {
	err := st.db.View(func(btx *bolt.Tx) error {
		vb := btx.Bucket([]byte(flowBucket(v.id)))
		if vb == nil {
			return nil
		}
		if rb := vb.Bucket([]byte("records")); rb != nil {
			err := rb.ForEach(func(k, data []byte) error {
				var sr storedFlowRecord
				if err := json.Unmarshal(data, &sr); err != nil || len(k) != 8 {
					return fmt.Errorf("a stored record does not decode")
				}
				t, ok := v.tables[sr.Table]
				if !ok {
					return nil
				}
				rec := &flowRecord{id: sr.ID, data: map[string]any{}, tokens: map[string][]flowColToken{}}
				for col, val := range sr.Data {
					if _, ok := t.cols[col]; ok {
						rec.data[col] = val
					}
				}
				for col, list := range sr.Tokens {
					if _, ok := rec.data[col]; ok {
						rec.tokens[col] = list
					}
				}
				seq := binary.BigEndian.Uint64(k)
				v.seq = max(v.seq, seq-1)
				v.storeRecord(&flowWrite{}, t, nil, rec)
				return nil
			})
			if err != nil {
				return err
			}
		}
		if tb := vb.Bucket([]byte("tokens")); tb != nil {
			return tb.ForEach(func(k, data []byte) error {
				var sv storedFlowToken
				if err := json.Unmarshal(data, &sv); err != nil {
					return fmt.Errorf("a stored token does not decode")
				}
				g, ok := v.groups[sv.Group]
				if !ok {
					return nil
				}
				v.tokens[string(k)] = &flowTokenEntry{group: sv.Group, value: sv.Value}
				if g.Deterministic {
					if v.deterministic[sv.Group] == nil {
						v.deterministic[sv.Group] = map[string]string{}
					}
					v.deterministic[sv.Group][valueKey(sv.Value)] = string(k)
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load Flow DB vault %s: %w", v.id, err)
	}
	return nil
}
