package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// column is a configured column of a table.
type column struct {
	ColumnConfig
	table string
}

// table is a table of a vault with its records and indexes.
type table struct {
	name     string
	cols     map[string]*column
	colOrder []string
	records  map[string]*record
	// unique maps a unique column to value key to record id.
	unique map[string]map[string]string
}

// record is a stored row. Records are immutable once stored: writes replace
// the whole record (which keeps undo simple).
type record struct {
	id     string
	seq    uint64
	values map[string]any
	tokens map[string]string
	files  map[string]*storedFile
}

// storedFile is a file kept in the server's temporary directory.
type storedFile struct {
	id          string
	name        string // basename given by the client
	path        string
	size        int64
	contentType string
	scan        string // V1FileAVScanStatus value
	deleted     bool   // guarded by the vault lock
}

// cellRef locates the value behind a token.
type cellRef struct {
	table  string
	id     string
	column string
}

// vault is one vault's state. All fields are guarded by mu.
type vault struct {
	id         string
	clusterID  string
	mu         sync.RWMutex
	tables     map[string]*table
	tableOrder []string
	tokens     map[string]cellRef
	groups     map[string][]*column
	seq        uint64
	removeFile func(*storedFile) // deletes a file from disk (outside transactions)
	persist    *store            // nil: in memory only
	// detectTokens are the vault tokens Detect minted for detected values.
	detectTokens  map[string]detectValue
	detectByValue map[[2]string]string
}

// newVault builds a configured vault. With a store, the vault's stored
// state is loaded; a vault the store does not know yet gets the configured
// seed records, stored at once.
func newVault(cfg VaultConfig, removeFile func(*storedFile), st *store, register func(*vault, *storedFile)) (*vault, error) {
	v := &vault{
		id:         cfg.ID,
		clusterID:  cfg.ClusterID,
		tables:     map[string]*table{},
		tokens:     map[string]cellRef{},
		groups:     map[string][]*column{},
		removeFile: removeFile,

		detectTokens:  map[string]detectValue{},
		detectByValue: map[[2]string]string{},
	}
	for _, tc := range cfg.Tables {
		t := &table{name: tc.Name, cols: map[string]*column{}, records: map[string]*record{}, unique: map[string]map[string]string{}}
		for _, cc := range tc.Columns {
			c := &column{ColumnConfig: cc, table: tc.Name}
			t.cols[cc.Name] = c
			t.colOrder = append(t.colOrder, cc.Name)
			if cc.Unique {
				t.unique[cc.Name] = map[string]string{}
			}
			if cc.ColumnGroup != "" {
				v.groups[cc.ColumnGroup] = append(v.groups[cc.ColumnGroup], c)
			}
		}
		v.tables[tc.Name] = t
		v.tableOrder = append(v.tableOrder, tc.Name)
	}
	if st != nil {
		found, err := st.loadVault(v, func(f *storedFile) { register(v, f) })
		if err != nil {
			return nil, err
		}
		v.persist = st
		if found {
			return v, nil
		}
	}
	err := v.update(func(tx *tx) error {
		for _, tc := range cfg.Tables {
			t := v.tables[tc.Name]
			for _, rs := range tc.Records {
				rec := &record{id: rs.SkyflowID, values: map[string]any{}, tokens: map[string]string{}, files: map[string]*storedFile{}}
				if rec.id == "" {
					rec.id = uuid.NewString()
				}
				for k, val := range rs.Fields {
					if val != nil {
						rec.values[k] = val
					}
				}
				for name, val := range rec.values {
					if c := t.cols[name]; c.Tokenized && val != nil {
						if tok := rs.Tokens[name]; tok != "" {
							rec.tokens[name] = tok
						} else {
							rec.tokens[name] = newToken()
						}
					}
				}
				if err := v.addRecord(tx, t, rec); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vault %s: seed records: %s", cfg.ID, asAPIError(err).message)
	}
	return v, nil
}

func newToken() string { return uuid.NewString() }

// tx is an undo log: every mutation of a transaction records how to revert
// it, so multi-record operations are all or nothing. It also collects the
// changes a persistent vault stores when the transaction commits.
type tx struct {
	undo    []func()
	added   []*storedFile
	removed []*storedFile
	changes []change
}

// update runs fn under the write lock, committing when it returns nil and
// reverting every change otherwise. A persistent vault returns once the
// committed changes are durable (the store commits concurrent
// transactions together); files a commit dropped are deleted after that.
func (v *vault) update(fn func(*tx) error) error {
	t := &tx{}
	v.mu.Lock()
	err := fn(t)
	if err != nil {
		for i := len(t.undo) - 1; i >= 0; i-- {
			t.undo[i]()
		}
	}
	var drop []*storedFile
	if err != nil {
		drop = filesOnlyIn(t.added, t.removed)
	} else {
		drop = filesOnlyIn(t.removed, t.added)
	}
	for _, f := range drop {
		f.deleted = true
	}
	var durable <-chan error
	if err == nil && v.persist != nil && len(t.changes) > 0 {
		durable = v.persist.enqueue(t.changes)
	}
	v.mu.Unlock()
	if durable != nil {
		if perr := <-durable; perr != nil {
			return newError(http.StatusInternalServerError, "the write could not be stored: %v", perr)
		}
	}
	if v.removeFile != nil {
		for _, f := range drop {
			v.removeFile(f)
		}
	}
	return err
}

// filesOnlyIn returns the files of a that are not in b.
func filesOnlyIn(a, b []*storedFile) []*storedFile {
	var out []*storedFile
	for _, f := range a {
		if !slices.Contains(b, f) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// addRecord stores rec, checking unique values and token uniqueness first.
func (v *vault) addRecord(tx *tx, t *table, rec *record) error {
	if _, ok := t.records[rec.id]; ok {
		return conflict("a record with skyflow_id %s already exists in table %s", rec.id, t.name)
	}
	for col, idx := range t.unique {
		val, ok := rec.values[col]
		if !ok || val == nil {
			continue
		}
		if other, dup := idx[valueKey(val)]; dup && other != rec.id {
			return conflict("duplicate value for unique column %s of table %s (it is already stored in record %s)", col, t.name, other)
		}
	}
	for col, tok := range rec.tokens {
		if ref, used := v.tokens[tok]; used {
			return conflict("token supplied for column %s is already in use (column %s of table %s)", col, ref.column, ref.table)
		}
	}
	if rec.seq == 0 {
		v.seq++
		rec.seq = v.seq
	}
	t.records[rec.id] = rec
	for col, idx := range t.unique {
		if val, ok := rec.values[col]; ok && val != nil {
			idx[valueKey(val)] = rec.id
		}
	}
	for col, tok := range rec.tokens {
		v.tokens[tok] = cellRef{table: t.name, id: rec.id, column: col}
	}
	for _, f := range rec.files {
		tx.added = append(tx.added, f)
	}
	tx.undo = append(tx.undo, func() { v.dropRecord(t, rec) })
	if v.persist != nil {
		tx.changes = append(tx.changes, change{vault: v.id, table: t.name, id: rec.id, seq: rec.seq, rec: rec})
	}
	return nil
}

// removeRecord deletes rec from the table and its indexes.
func (v *vault) removeRecord(tx *tx, t *table, rec *record) {
	v.dropRecord(t, rec)
	if v.persist != nil {
		tx.changes = append(tx.changes, change{vault: v.id, table: t.name, id: rec.id, seq: rec.seq})
	}
	for _, f := range rec.files {
		tx.removed = append(tx.removed, f)
	}
	tx.undo = append(tx.undo, func() {
		t.records[rec.id] = rec
		for col, idx := range t.unique {
			if val, ok := rec.values[col]; ok && val != nil {
				idx[valueKey(val)] = rec.id
			}
		}
		for col, tok := range rec.tokens {
			v.tokens[tok] = cellRef{table: t.name, id: rec.id, column: col}
		}
	})
}

func (v *vault) dropRecord(t *table, rec *record) {
	delete(t.records, rec.id)
	for col, idx := range t.unique {
		if val, ok := rec.values[col]; ok && val != nil && idx[valueKey(val)] == rec.id {
			delete(idx, valueKey(val))
		}
	}
	for _, tok := range rec.tokens {
		delete(v.tokens, tok)
	}
}

// replaceRecord swaps old for its new version (same id and position).
func (v *vault) replaceRecord(tx *tx, t *table, old, rec *record) error {
	rec.seq = old.seq
	v.removeRecord(tx, t, old)
	return v.addRecord(tx, t, rec)
}

// clone returns a copy of rec that can be modified.
func (r *record) clone() *record {
	c := &record{id: r.id, seq: r.seq, values: make(map[string]any, len(r.values)), tokens: make(map[string]string, len(r.tokens)), files: make(map[string]*storedFile, len(r.files))}
	for k, v := range r.values {
		c.values[k] = v
	}
	for k, v := range r.tokens {
		c.tokens[k] = v
	}
	for k, v := range r.files {
		c.files[k] = v
	}
	return c
}

// table returns the named table or a 404.
func (v *vault) table(name string) (*table, error) {
	t, ok := v.tables[name]
	if !ok {
		return nil, notFound("table %s not found in vault %s", name, v.id)
	}
	return t, nil
}

// sortedRecords returns the table's records in insertion order.
func (t *table) sortedRecords() []*record {
	out := make([]*record, 0, len(t.records))
	for _, r := range t.records {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// writeOptions are the options of an insert or update.
type writeOptions struct {
	byot   string
	upsert string
}

// checkFields validates the values written to a table: known, non-file
// columns with values of the column's type. Nulls are allowed (they mean
// "no value" on insert and "clear" on update).
func checkFields(t *table, fields map[string]any) error {
	if len(fields) == 0 {
		return badRequest("no fields given for table %s", t.name)
	}
	for _, name := range sortedKeys(fields) {
		if name == "skyflow_id" {
			return badRequest("skyflow_id cannot be written")
		}
		c, ok := t.cols[name]
		if !ok {
			return badRequest("invalid field %s: table %s has no such column", name, t.name)
		}
		if c.File {
			return badRequest("column %s of table %s is a file column; upload files with the file upload endpoint", name, t.name)
		}
		if val := fields[name]; val != nil {
			if err := checkType(c.Type, val); err != nil {
				return badRequest("invalid value for column %s: %v", name, err)
			}
		}
	}
	return nil
}

// byotTokens applies the token mode ("bring your own token") to the tokens
// supplied with a record and returns them as column -> token.
func byotTokens(t *table, mode string, fields map[string]any, tokens map[string]any) (map[string]string, error) {
	if mode == "" {
		mode = "DISABLE"
	}
	if mode == "DISABLE" {
		if len(tokens) > 0 {
			return nil, badRequest("tokens were supplied but byot is DISABLE; set byot to ENABLE or ENABLE_STRICT to insert your own tokens")
		}
		return nil, nil
	}
	out := map[string]string{}
	for _, name := range sortedKeys(tokens) {
		c, ok := t.cols[name]
		if !ok {
			return nil, badRequest("token supplied for unknown column %s of table %s", name, t.name)
		}
		if !c.Tokenized {
			return nil, badRequest("token supplied for column %s, which is not tokenized", name)
		}
		if fields[name] == nil {
			return nil, badRequest("token supplied for column %s without a value for it", name)
		}
		tok, ok := tokens[name].(string)
		if !ok || strings.TrimSpace(tok) == "" {
			return nil, badRequest("token for column %s must be a non-empty string", name)
		}
		if strings.HasPrefix(tok, signedTokenPrefix) {
			return nil, badRequest("token for column %s cannot be a signed data token", name)
		}
		out[name] = tok
	}
	if mode == "ENABLE_STRICT" {
		for _, name := range sortedKeys(fields) {
			if fields[name] != nil && out[name] == "" {
				return nil, badRequest("byot is ENABLE_STRICT but no token was supplied for column %s", name)
			}
		}
	}
	return out, nil
}

// writeResult is the outcome of writing one record.
type writeResult struct {
	id     string
	tokens map[string]string // tokens of the written tokenized columns
}

// insert writes one record (or updates the upsert match) inside tx.
func (v *vault) insert(tx *tx, t *table, fields map[string]any, tokens map[string]any, opts writeOptions) (writeResult, error) {
	if err := checkFields(t, fields); err != nil {
		return writeResult{}, err
	}
	supplied, err := byotTokens(t, opts.byot, fields, tokens)
	if err != nil {
		return writeResult{}, err
	}
	if opts.upsert != "" {
		c, ok := t.cols[opts.upsert]
		if !ok {
			return writeResult{}, badRequest("upsert column %s is not a column of table %s", opts.upsert, t.name)
		}
		if !c.Unique {
			return writeResult{}, badRequest("upsert column %s is not a unique column", opts.upsert)
		}
		key := fields[opts.upsert]
		if key == nil {
			return writeResult{}, badRequest("record has no value for the upsert column %s", opts.upsert)
		}
		if id, found := t.unique[opts.upsert][valueKey(key)]; found {
			return v.modify(tx, t, t.records[id], fields, supplied)
		}
	}
	rec := &record{id: uuid.NewString(), values: map[string]any{}, tokens: map[string]string{}, files: map[string]*storedFile{}}
	res := writeResult{id: rec.id, tokens: map[string]string{}}
	for name, val := range fields {
		if val == nil {
			continue
		}
		rec.values[name] = val
		if t.cols[name].Tokenized {
			tok := supplied[name]
			if tok == "" {
				tok = newToken()
			}
			rec.tokens[name] = tok
			res.tokens[name] = tok
		}
	}
	if err := v.addRecord(tx, t, rec); err != nil {
		return writeResult{}, err
	}
	return res, nil
}

// modify applies fields (null clears a column) and supplied tokens to an
// existing record. A changed value of a tokenized column gets a new token
// unless one is supplied.
func (v *vault) modify(tx *tx, t *table, old *record, fields map[string]any, supplied map[string]string) (writeResult, error) {
	rec := old.clone()
	res := writeResult{id: rec.id, tokens: map[string]string{}}
	for name, val := range fields {
		c := t.cols[name]
		if val == nil {
			delete(rec.values, name)
			delete(rec.tokens, name)
			continue
		}
		prev, had := old.values[name]
		rec.values[name] = val
		if !c.Tokenized {
			continue
		}
		switch {
		case supplied[name] != "":
			rec.tokens[name] = supplied[name]
		case !had || valueKey(prev) != valueKey(val) || rec.tokens[name] == "":
			rec.tokens[name] = newToken()
		}
		res.tokens[name] = rec.tokens[name]
	}
	// A token moved from the old version to the new one is not a conflict.
	if err := v.replaceRecord(tx, t, old, rec); err != nil {
		return writeResult{}, err
	}
	return res, nil
}

// valueKey is the canonical text of a stored value, used for unique indexes
// and comparisons.
func valueKey(v any) string { return valueString(v) }

// valueString renders a stored value as the string detokenize returns.
func valueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// valueType is the detokenize valueType of a stored value.
func valueType(c *column, v any) string {
	if c.Type != "" {
		return c.Type
	}
	switch x := v.(type) {
	case string:
		return "STRING"
	case float64:
		if x == float64(int64(x)) {
			return "INTEGER"
		}
		return "FLOAT"
	case bool:
		return "BOOL"
	case map[string]any:
		return "JSON"
	case []any:
		return "ARRAY"
	}
	return "STRING"
}

// checkType checks a value against a column type.
func checkType(typ string, v any) error {
	switch typ {
	case "", "STRING":
		switch v.(type) {
		case string, float64, bool:
			return nil
		}
		return fmt.Errorf("expected a string")
	case "INTEGER":
		switch x := v.(type) {
		case float64:
			if x == float64(int64(x)) {
				return nil
			}
		case string:
			if _, err := strconv.ParseInt(x, 10, 64); err == nil {
				return nil
			}
		}
		return fmt.Errorf("expected an integer")
	case "FLOAT":
		switch x := v.(type) {
		case float64:
			return nil
		case string:
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return nil
			}
		}
		return fmt.Errorf("expected a number")
	case "BOOL":
		switch x := v.(type) {
		case bool:
			return nil
		case string:
			if x == "true" || x == "false" {
				return nil
			}
		}
		return fmt.Errorf("expected a boolean")
	case "DATE":
		if s, ok := v.(string); ok {
			if _, err := time.Parse(time.DateOnly, s); err == nil {
				return nil
			}
		}
		return fmt.Errorf("expected a date (YYYY-MM-DD)")
	case "DATETIME":
		if s, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339, s); err == nil {
				return nil
			}
		}
		return fmt.Errorf("expected an RFC 3339 date-time")
	case "JSON":
		if _, ok := v.(map[string]any); ok {
			return nil
		}
		return fmt.Errorf("expected a JSON object")
	case "ARRAY":
		if _, ok := v.([]any); ok {
			return nil
		}
		return fmt.Errorf("expected an array")
	}
	return fmt.Errorf("unknown column type %s", typ)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// removeStoredFile deletes a stored file from disk.
func removeStoredFile(f *storedFile) {
	if f.path != "" {
		_ = os.Remove(f.path)
	}
}
