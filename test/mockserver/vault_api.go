package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/query"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/vaultapi"
)

// vaultAPI implements the generated strict server of the vault spec.
type vaultAPI struct{ s *Server }

var _ vaultapi.StrictServerInterface = (*vaultAPI)(nil)

// requestFrom returns the request a strict handler serves (download URLs
// and token audiences follow its host).
func requestFrom(ctx context.Context) *http.Request {
	if st := stateFrom(ctx); st != nil {
		return st.req
	}
	return nil
}

// jsonBody is a response written as-is; it implements the response
// interfaces whose generated types would drop an empty array (the SDKs
// iterate records, so "records": [] must be present).
type jsonBody struct{ body any }

func (j jsonBody) visit(w http.ResponseWriter) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(j.body); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := buf.WriteTo(w)
	return err
}

func (j jsonBody) VisitRecordServiceBulkGetRecordResponse(w http.ResponseWriter) error {
	return j.visit(w)
}
func (j jsonBody) VisitQueryServiceExecuteQueryResponse(w http.ResponseWriter) error {
	return j.visit(w)
}
func (j jsonBody) VisitRecordServiceBatchOperationResponse(w http.ResponseWriter) error {
	return j.visit(w)
}
func (j jsonBody) VisitRecordServiceGetRecordResponse(w http.ResponseWriter) error {
	return j.visit(w)
}
func (j jsonBody) VisitAuditServiceListAuditEventsResponse(w http.ResponseWriter) error {
	return j.visit(w)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// at prefixes an error message with the position of the failing item.
func at(err error, format string, args ...any) error {
	e := asAPIError(err)
	c := *e
	c.message = fmt.Sprintf(format, args...) + ": " + e.message
	return &c
}

func (a *vaultAPI) lookup(vaultID, table string) (*vault, *table, error) {
	v, err := a.s.vault(vaultID)
	if err != nil {
		return nil, nil, err
	}
	t, err := v.table(table)
	if err != nil {
		return nil, nil, err
	}
	return v, t, nil
}

func tokensOut(m map[string]string) vaultapi.V1RecordTokens {
	out := vaultapi.V1RecordTokens{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// RecordServiceInsertRecord inserts records all or nothing.
func (a *vaultAPI) RecordServiceInsertRecord(ctx context.Context, req vaultapi.RecordServiceInsertRecordRequestObject) (vaultapi.RecordServiceInsertRecordResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.ObjectName)
	if err != nil {
		return nil, err
	}
	body := req.Body
	if len(body.Records) == 0 {
		return nil, badRequest("records must contain at least one record")
	}
	opts := writeOptions{byot: string(deref(body.Byot)), upsert: deref(body.Upsert)}
	if err := a.s.permitWrite(ctx, t.name, opts.upsert != ""); err != nil {
		return nil, err
	}
	if deref(body.Homogeneous) {
		if opts.upsert != "" {
			return nil, badRequest("homogeneous cannot be combined with upsert")
		}
		first := strings.Join(sortedKeys(body.Records[0].Fields), ",")
		for i, r := range body.Records {
			if strings.Join(sortedKeys(r.Fields), ",") != first {
				return nil, badRequest("records[%d]: homogeneous records must all have the same fields", i)
			}
		}
	}
	results := make([]writeResult, len(body.Records))
	err = v.update(func(tx *tx) error {
		for i, r := range body.Records {
			res, err := v.insert(tx, t, r.Fields, r.Tokens, opts)
			if err != nil {
				return at(err, "records[%d]", i)
			}
			results[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := vaultapi.V1InsertRecordResponse{Records: make([]vaultapi.V1RecordMetaProperties, len(results))}
	for i, res := range results {
		out.Records[i].SkyflowId = ptr(res.id)
		if deref(body.Tokenization) {
			out.Records[i].Tokens = tokensOut(res.tokens)
		}
	}
	return vaultapi.RecordServiceInsertRecord200JSONResponse{Body: out}, nil
}

// batchItem runs one item of a batch call inside tx and returns its body.
func (a *vaultAPI) batchItem(ctx context.Context, v *vault, tx *tx, item vaultapi.V1BatchRecord, byot string) (map[string]any, error) {
	name := deref(item.TableName)
	if name == "" {
		return nil, badRequest("tableName is required")
	}
	t, err := v.table(name)
	if err != nil {
		return nil, err
	}
	method := vaultapi.V1BatchRecordMethodPOST
	if item.Method != nil {
		method = *item.Method
	}
	switch method {
	case vaultapi.V1BatchRecordMethodPOST:
		err = a.s.permitWrite(ctx, t.name, deref(item.Upsert) != "")
	case vaultapi.V1BatchRecordMethodPUT:
		err = a.s.permit(ctx, t.name, permUpdate)
	case vaultapi.V1BatchRecordMethodGET:
		err = a.s.permitRead(ctx, t.name, deref(item.DownloadURL))
	case vaultapi.V1BatchRecordMethodDELETE:
		err = a.s.permit(ctx, t.name, permDelete)
	}
	if err != nil {
		return nil, err
	}
	id := deref(item.ID)
	needID := func() (*record, error) {
		if id == "" {
			return nil, badRequest("ID is required for method %s", method)
		}
		rec, ok := t.records[id]
		if !ok {
			return nil, notFound("record %s not found in table %s", id, t.name)
		}
		return rec, nil
	}
	switch method {
	case vaultapi.V1BatchRecordMethodPOST:
		res, err := v.insert(tx, t, item.Fields, item.Tokens, writeOptions{byot: byot, upsert: deref(item.Upsert)})
		if err != nil {
			return nil, err
		}
		meta := map[string]any{"skyflow_id": res.id}
		if deref(item.Tokenization) {
			meta["tokens"] = res.tokens
		}
		return map[string]any{"records": []any{meta}}, nil
	case vaultapi.V1BatchRecordMethodPUT:
		rec, err := needID()
		if err != nil {
			return nil, err
		}
		if err := checkFields(t, item.Fields); err != nil {
			return nil, err
		}
		supplied, err := byotTokens(t, byot, item.Fields, item.Tokens)
		if err != nil {
			return nil, err
		}
		res, err := v.modify(tx, t, rec, item.Fields, supplied)
		if err != nil {
			return nil, err
		}
		out := map[string]any{"skyflow_id": res.id}
		if deref(item.Tokenization) {
			out["tokens"] = res.tokens
		}
		return out, nil
	case vaultapi.V1BatchRecordMethodGET:
		rec, err := needID()
		if err != nil {
			return nil, err
		}
		ro := readOptions{redaction: string(deref(item.Redaction)), tokenization: deref(item.Tokenization), downloadURL: deref(item.DownloadURL), r: requestFrom(ctx), cap: a.s.redactionCap(ctx, t.name)}
		return map[string]any{"records": []any{map[string]any{"fields": a.s.formatRecord(t, rec, ro)}}}, nil
	case vaultapi.V1BatchRecordMethodDELETE:
		rec, err := needID()
		if err != nil {
			return nil, err
		}
		v.removeRecord(tx, t, rec)
		return map[string]any{"skyflow_id": rec.id, "deleted": true}, nil
	}
	return nil, badRequest("unsupported batch method %s", method)
}

// RecordServiceBatchOperation runs several record operations. With
// continueOnError every item succeeds or fails on its own and is wrapped in
// {"Status", "Body"}; without it the call is all or nothing and every item
// is the bare response of its method (what the Node SDK reads).
func (a *vaultAPI) RecordServiceBatchOperation(ctx context.Context, req vaultapi.RecordServiceBatchOperationRequestObject) (vaultapi.RecordServiceBatchOperationResponseObject, error) {
	v, err := a.s.vault(req.VaultID)
	if err != nil {
		return nil, err
	}
	body := req.Body
	if len(body.Records) == 0 {
		return nil, badRequest("records must contain at least one record")
	}
	byot := string(deref(body.Byot))
	responses := make([]map[string]any, len(body.Records))
	if deref(body.ContinueOnError) {
		for i, item := range body.Records {
			var out map[string]any
			err := v.update(func(tx *tx) error {
				var err error
				out, err = a.batchItem(ctx, v, tx, item, byot)
				return err
			})
			if err != nil {
				e := asAPIError(err)
				responses[i] = map[string]any{"Status": e.status, "Body": map[string]any{"error": e.message}}
				continue
			}
			responses[i] = map[string]any{"Status": http.StatusOK, "Body": out}
		}
	} else {
		err := v.update(func(tx *tx) error {
			for i, item := range body.Records {
				out, err := a.batchItem(ctx, v, tx, item, byot)
				if err != nil {
					return at(err, "records[%d]", i)
				}
				// All or nothing: each item is its method's bare response.
				responses[i] = out
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return jsonBody{body: map[string]any{"vaultID": v.id, "responses": responses}}, nil
}

// readOptions are the options of a read (get, batch GET).
type readOptions struct {
	redaction    string
	tokenization bool
	downloadURL  bool
	fields       []string
	r            *http.Request
	cap          string // most revealing redaction the caller's roles allow
}

// formatRecord renders a record as the fields object of a get response:
// skyflow_id plus the requested columns, redacted or tokenized. Columns
// without a value are left out. The caller holds the vault lock.
func (s *Server) formatRecord(t *table, rec *record, o readOptions) map[string]any {
	out := map[string]any{"skyflow_id": rec.id}
	cols := o.fields
	if len(cols) == 0 {
		cols = t.colOrder
	}
	for _, name := range cols {
		c, ok := t.cols[name]
		if !ok {
			continue
		}
		if c.File {
			f := rec.files[name]
			if f == nil || (o.tokenization && !o.downloadURL) {
				continue // no file, or tokens asked for: files have none
			}
			switch {
			case o.downloadURL && f.scan != "SCAN_CLEAN":
				continue // URLs are only given for clean files (wire-format.md §8.3a)
			case o.downloadURL:
				out[name] = s.downloadURL(o.r, f)
			case capRedaction(c, o.redaction, o.cap) == "REDACTED":
				out[name] = redactedValue
			default:
				out[name] = f.name
			}
			continue
		}
		val, ok := rec.values[name]
		if !ok {
			continue
		}
		if o.tokenization {
			if tok, ok := rec.tokens[name]; ok {
				out[name] = tok
			}
			continue
		}
		out[name] = redact(c, val, capRedaction(c, o.redaction, o.cap))
	}
	return out
}

// permitRead checks a read (and, for download URLs, files).
func (s *Server) permitRead(ctx context.Context, table string, downloadURL bool) error {
	if err := s.permit(ctx, table, permRead); err != nil {
		return err
	}
	if downloadURL {
		return s.permit(ctx, table, permFiles)
	}
	return nil
}

// checkReadColumns validates a fields list.
func checkReadColumns(t *table, fields []string) ([]string, error) {
	var out []string
	for _, f := range fields {
		if f == "skyflow_id" {
			continue
		}
		if _, ok := t.cols[f]; !ok {
			return nil, badRequest("invalid field %s: table %s has no such column", f, t.name)
		}
		out = append(out, f)
	}
	return out, nil
}

const maxPageSize = 25

func parseCount(name, val string, def, max int) (int, error) {
	if val == "" {
		return def, nil
	}
	n, err := strconv.Atoi(val)
	if err != nil || n < 0 {
		return 0, badRequest("%s must be a non-negative integer", name)
	}
	if max > 0 && n > max {
		return 0, badRequest("%s must be at most %d", name, max)
	}
	return n, nil
}

// RecordServiceBulkGetRecord gets records by ids, by unique column values, or
// a page of the table.
func (a *vaultAPI) RecordServiceBulkGetRecord(ctx context.Context, req vaultapi.RecordServiceBulkGetRecordRequestObject) (vaultapi.RecordServiceBulkGetRecordResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.ObjectName)
	if err != nil {
		return nil, err
	}
	p := req.Params
	colName := deref(p.ColumnName)
	tokenization := deref(p.Tokenization)
	redaction := string(deref(p.Redaction))
	switch {
	case len(p.SkyflowIds) > 0 && (colName != "" || len(p.ColumnValues) > 0):
		return nil, badRequest("skyflow_ids cannot be combined with column_name and column_values")
	case colName != "" && len(p.ColumnValues) == 0:
		return nil, badRequest("column_values are required with column_name")
	case colName == "" && len(p.ColumnValues) > 0:
		return nil, badRequest("column_name is required with column_values")
	case tokenization && redaction != "":
		return nil, badRequest("tokenization cannot be combined with redaction")
	case tokenization && colName != "":
		return nil, badRequest("tokenization cannot be combined with column_name and column_values")
	}
	fields, err := checkReadColumns(t, p.Fields)
	if err != nil {
		return nil, err
	}
	limit, err := parseCount("limit", deref(p.Limit), maxPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	offset, err := parseCount("offset", deref(p.Offset), 0, 0)
	if err != nil {
		return nil, err
	}
	if deref(p.Limit) != "" && limit == 0 {
		return nil, badRequest("limit must be between 1 and %d", maxPageSize)
	}
	if err := a.s.permitRead(ctx, t.name, deref(p.DownloadURL)); err != nil {
		return nil, err
	}
	ro := readOptions{redaction: redaction, tokenization: tokenization, downloadURL: deref(p.DownloadURL), fields: fields, r: requestFrom(ctx), cap: a.s.redactionCap(ctx, t.name)}

	v.mu.RLock()
	defer v.mu.RUnlock()
	var recs []*record
	switch {
	case len(p.SkyflowIds) > 0:
		seen := map[string]bool{}
		var missing []string
		for _, id := range p.SkyflowIds {
			if seen[id] {
				continue
			}
			seen[id] = true
			rec, ok := t.records[id]
			if !ok {
				missing = append(missing, id)
				continue
			}
			recs = append(recs, rec)
		}
		if len(missing) > 0 {
			return nil, notFound("no records found in table %s for skyflow_ids %s", t.name, strings.Join(missing, ", "))
		}
	case colName != "":
		c, ok := t.cols[colName]
		if !ok {
			return nil, badRequest("invalid column_name %s: table %s has no such column", colName, t.name)
		}
		if !c.Unique {
			return nil, badRequest("column_name %s is not a unique column", colName)
		}
		seen := map[string]bool{}
		for _, val := range p.ColumnValues {
			id, ok := t.unique[colName][valueKey(val)]
			if ok && !seen[id] {
				seen[id] = true
				recs = append(recs, t.records[id])
			}
		}
		if len(recs) == 0 {
			return nil, notFound("no records found in table %s for the given values of %s", t.name, colName)
		}
	default:
		recs = t.sortedRecords()
	}
	switch deref(p.OrderBy) {
	case vaultapi.V1OrderByASCENDING:
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].id < recs[j].id })
	case vaultapi.V1OrderByDESCENDING:
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].id > recs[j].id })
	}
	// The page limit (at most 25) applies to pages of the table. Explicit
	// ids are all returned unless the client asks for a page of them: a
	// get must never drop requested records silently.
	if len(p.SkyflowIds) == 0 || deref(p.Limit) != "" || deref(p.Offset) != "" {
		recs = page(recs, offset, limit)
	}
	out := make([]map[string]any, len(recs))
	for i, rec := range recs {
		out[i] = map[string]any{"fields": a.s.formatRecord(t, rec, ro)}
	}
	return jsonBody{body: map[string]any{"records": out}}, nil
}

func page[T any](items []T, offset, limit int) []T {
	if offset >= len(items) {
		return nil
	}
	items = items[offset:]
	if limit >= 0 && limit < len(items) {
		items = items[:limit]
	}
	return items
}

// RecordServiceGetRecord gets one record.
func (a *vaultAPI) RecordServiceGetRecord(ctx context.Context, req vaultapi.RecordServiceGetRecordRequestObject) (vaultapi.RecordServiceGetRecordResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.ObjectName)
	if err != nil {
		return nil, err
	}
	p := req.Params
	if deref(p.Tokenization) && p.Redaction != nil {
		return nil, badRequest("tokenization cannot be combined with redaction")
	}
	fields, err := checkReadColumns(t, p.Fields)
	if err != nil {
		return nil, err
	}
	if err := a.s.permitRead(ctx, t.name, deref(p.DownloadURL)); err != nil {
		return nil, err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	rec, ok := t.records[req.ID]
	if !ok {
		return nil, notFound("record %s not found in table %s", req.ID, t.name)
	}
	ro := readOptions{redaction: string(deref(p.Redaction)), tokenization: deref(p.Tokenization), downloadURL: deref(p.DownloadURL), fields: fields, r: requestFrom(ctx), cap: a.s.redactionCap(ctx, t.name)}
	return jsonBody{body: map[string]any{"fields": a.s.formatRecord(t, rec, ro)}}, nil
}

// RecordServiceUpdateRecord updates one record.
func (a *vaultAPI) RecordServiceUpdateRecord(ctx context.Context, req vaultapi.RecordServiceUpdateRecordRequestObject) (vaultapi.RecordServiceUpdateRecordResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.ObjectName)
	if err != nil {
		return nil, err
	}
	body := req.Body
	if body.Record == nil {
		return nil, badRequest("record is required")
	}
	if err := a.s.permit(ctx, t.name, permUpdate); err != nil {
		return nil, err
	}
	fields := body.Record.Fields
	if err := checkFields(t, fields); err != nil {
		return nil, err
	}
	supplied, err := byotTokens(t, string(deref(body.Byot)), fields, body.Record.Tokens)
	if err != nil {
		return nil, err
	}
	var res writeResult
	err = v.update(func(tx *tx) error {
		rec, ok := t.records[req.ID]
		if !ok {
			return notFound("record %s not found in table %s", req.ID, t.name)
		}
		res, err = v.modify(tx, t, rec, fields, supplied)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := vaultapi.V1UpdateRecordResponse{SkyflowId: ptr(res.id)}
	if deref(body.Tokenization) {
		out.Tokens = tokensOut(res.tokens)
	}
	return vaultapi.RecordServiceUpdateRecord200JSONResponse{Body: out}, nil
}

// RecordServiceBulkDeleteRecord deletes records by id ("*" deletes all).
func (a *vaultAPI) RecordServiceBulkDeleteRecord(ctx context.Context, req vaultapi.RecordServiceBulkDeleteRecordRequestObject) (vaultapi.RecordServiceBulkDeleteRecordResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.ObjectName)
	if err != nil {
		return nil, err
	}
	if err := a.s.permit(ctx, t.name, permDelete); err != nil {
		return nil, err
	}
	ids := req.Body.SkyflowIds
	if len(ids) == 0 {
		return nil, badRequest("skyflow_ids must contain at least one id (or \"*\" to delete every record)")
	}
	all := len(ids) == 1 && ids[0] == "*"
	if !all && slices.Contains(ids, "*") {
		return nil, badRequest("\"*\" must be the only id to delete every record")
	}
	var deleted []string
	err = v.update(func(tx *tx) error {
		if all {
			for _, rec := range t.sortedRecords() {
				v.removeRecord(tx, t, rec)
			}
			deleted = []string{"*"}
			return nil
		}
		var missing []string
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			rec, ok := t.records[id]
			if !ok {
				missing = append(missing, id)
				continue
			}
			v.removeRecord(tx, t, rec)
			deleted = append(deleted, id)
		}
		if len(missing) > 0 {
			return notFound("no records found in table %s for skyflow_ids %s", t.name, strings.Join(missing, ", "))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return vaultapi.RecordServiceBulkDeleteRecord200JSONResponse{Body: vaultapi.V1BulkDeleteRecordResponse{RecordIDResponse: deleted}}, nil
}

// RecordServiceDeleteRecord deletes one record.
func (a *vaultAPI) RecordServiceDeleteRecord(ctx context.Context, req vaultapi.RecordServiceDeleteRecordRequestObject) (vaultapi.RecordServiceDeleteRecordResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.ObjectName)
	if err != nil {
		return nil, err
	}
	if err := a.s.permit(ctx, t.name, permDelete); err != nil {
		return nil, err
	}
	err = v.update(func(tx *tx) error {
		rec, ok := t.records[req.ID]
		if !ok {
			return notFound("record %s not found in table %s", req.ID, t.name)
		}
		v.removeRecord(tx, t, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return vaultapi.RecordServiceDeleteRecord200JSONResponse{Body: vaultapi.V1DeleteRecordResponse{SkyflowId: ptr(req.ID), Deleted: ptr(true)}}, nil
}

// detokenizeOne resolves one token (the caller holds the read lock).
func (a *vaultAPI) detokenizeOne(ctx context.Context, v *vault, tok, redaction string) (vaultapi.V1DetokenizeRecordResponse, error) {
	ref, ok := v.tokens[tok]
	if !ok {
		if d, isDetect := v.detectTokens[tok]; isDetect {
			c := &column{ColumnConfig: ColumnConfig{Name: d.entityType, Mask: "full"}}
			return vaultapi.V1DetokenizeRecordResponse{
				Value:     ptr(redactString(c, d.value, redaction)),
				ValueType: ptr(vaultapi.DetokenizeRecordResponseValueTypeSTRING),
			}, nil
		}
		return vaultapi.V1DetokenizeRecordResponse{}, notFound("token not found")
	}
	t := v.tables[ref.table]
	if err := a.s.permit(ctx, t.name, permDetokenize); err != nil {
		return vaultapi.V1DetokenizeRecordResponse{}, err
	}
	c := t.cols[ref.column]
	val := t.records[ref.id].values[ref.column]
	vt := vaultapi.DetokenizeRecordResponseValueType(valueType(c, val))
	return vaultapi.V1DetokenizeRecordResponse{
		Value:     ptr(redactString(c, val, capRedaction(c, redaction, a.s.redactionCap(ctx, t.name)))),
		ValueType: &vt,
	}, nil
}

// TokenServiceDetokenize returns the values behind tokens.
func (a *vaultAPI) TokenServiceDetokenize(ctx context.Context, req vaultapi.TokenServiceDetokenizeRequestObject) (vaultapi.TokenServiceDetokenizeResponseObject, error) {
	v, err := a.s.vault(req.VaultID)
	if err != nil {
		return nil, err
	}
	params := req.Body.DetokenizationParameters
	if len(params) == 0 {
		return nil, badRequest("detokenizationParameters must contain at least one token")
	}
	coe := deref(req.Body.ContinueOnError)
	// Signed data tokens are verified before taking the lock.
	plain := make([]string, len(params))
	errs := make([]error, len(params))
	for i, p := range params {
		tok := deref(p.Token)
		switch {
		case tok == "":
			errs[i] = badRequest("token is empty")
		case strings.HasPrefix(tok, signedTokenPrefix):
			inner, err := a.s.auth.resolveSignedToken(tok)
			if err != nil {
				errs[i] = unauthenticated("%s", err.Error())
			}
			plain[i] = inner
		default:
			plain[i] = tok
		}
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := vaultapi.V1DetokenizeResponse{Records: make([]vaultapi.V1DetokenizeRecordResponse, len(params))}
	for i, p := range params {
		var rec vaultapi.V1DetokenizeRecordResponse
		err := errs[i]
		if err == nil {
			rec, err = a.detokenizeOne(ctx, v, plain[i], string(deref(p.Redaction)))
		}
		if err != nil {
			if !coe {
				return nil, at(err, "detokenizationParameters[%d]", i)
			}
			rec = vaultapi.V1DetokenizeRecordResponse{Error: ptr(asAPIError(err).message)}
		}
		rec.Token = ptr(deref(p.Token))
		out.Records[i] = rec
	}
	return vaultapi.TokenServiceDetokenize200JSONResponse{Body: out}, nil
}

// TokenServiceTokenize returns the existing token of values in column groups.
func (a *vaultAPI) TokenServiceTokenize(ctx context.Context, req vaultapi.TokenServiceTokenizeRequestObject) (vaultapi.TokenServiceTokenizeResponseObject, error) {
	v, err := a.s.vault(req.VaultID)
	if err != nil {
		return nil, err
	}
	params := req.Body.TokenizationParameters
	if len(params) == 0 {
		return nil, badRequest("tokenizationParameters must contain at least one value")
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := vaultapi.V1TokenizeResponse{Records: make([]vaultapi.V1TokenizeRecordResponse, len(params))}
	for i, p := range params {
		group := deref(p.ColumnGroup)
		if group == "" || p.Value == nil {
			return nil, badRequest("tokenizationParameters[%d]: value and columnGroup are required", i)
		}
		cols, ok := v.groups[group]
		if !ok {
			return nil, badRequest("tokenizationParameters[%d]: unknown column group %s", i, group)
		}
		for _, c := range cols {
			if err := a.s.permit(ctx, c.table, permTokenize); err != nil {
				return nil, at(err, "tokenizationParameters[%d]", i)
			}
		}
		tok := ""
		var best uint64
		for _, c := range cols {
			for _, rec := range v.tables[c.table].records {
				val, has := rec.values[c.Name]
				if !has || valueKey(val) != *p.Value {
					continue
				}
				if tok == "" || rec.seq < best {
					tok, best = rec.tokens[c.Name], rec.seq
				}
			}
		}
		if tok == "" {
			return nil, notFound("tokenizationParameters[%d]: the value is not stored in column group %s", i, group)
		}
		out.Records[i].Token = ptr(tok)
	}
	return vaultapi.TokenServiceTokenize200JSONResponse{Body: out}, nil
}

// QueryServiceExecuteQuery runs a SELECT over one table.
func (a *vaultAPI) QueryServiceExecuteQuery(ctx context.Context, req vaultapi.QueryServiceExecuteQueryRequestObject) (vaultapi.QueryServiceExecuteQueryResponseObject, error) {
	v, err := a.s.vault(req.VaultID)
	if err != nil {
		return nil, err
	}
	q := strings.TrimSpace(deref(req.Body.Query))
	if q == "" {
		return nil, badRequest("query is required")
	}
	sel, err := query.Parse(q)
	if err != nil {
		return nil, badRequest("%v", err)
	}
	t, err := v.table(sel.Table)
	if err != nil {
		return nil, err
	}
	if err := a.s.permit(ctx, t.name, permQuery); err != nil {
		return nil, err
	}
	capped := a.s.redactionCap(ctx, t.name)
	known := func(name string) bool { _, ok := t.cols[name]; return ok || name == "skyflow_id" }
	for _, c := range sel.Columns {
		if !known(c) {
			return nil, badRequest("invalid query: table %s has no column %s", t.name, c)
		}
	}
	if bad := unknownColumn(sel.Where, known); bad != "" {
		return nil, badRequest("invalid query: table %s has no column %s", t.name, bad)
	}
	limit := sel.Limit
	if limit < 0 {
		limit = maxPageSize
	}
	if limit > maxPageSize {
		return nil, badRequest("invalid query: LIMIT must be at most %d", maxPageSize)
	}
	cols := sel.Columns
	if len(cols) == 0 {
		cols = append([]string{"skyflow_id"}, t.colOrder...)
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	var rows []*record
	for _, rec := range t.sortedRecords() {
		get := func(col string) (any, bool) {
			if col == "skyflow_id" {
				return rec.id, true
			}
			if f := rec.files[col]; f != nil {
				return f.name, true
			}
			val, ok := rec.values[col]
			return val, ok
		}
		if sel.Where == nil || sel.Where.Eval(get) {
			rows = append(rows, rec)
		}
	}
	rows = page(rows, sel.Offset, limit)
	out := make([]map[string]any, len(rows))
	for i, rec := range rows {
		fields := map[string]any{}
		tokens := map[string]any{}
		for _, name := range cols {
			if name == "skyflow_id" {
				fields[name] = rec.id
				continue
			}
			c := t.cols[name]
			if f := rec.files[name]; f != nil {
				fields[name] = f.name
				if capRedaction(c, "DEFAULT", capped) == "REDACTED" {
					fields[name] = redactedValue
				}
				continue
			}
			val, ok := rec.values[name]
			if !ok {
				fields[name] = nil
				continue
			}
			fields[name] = redact(c, val, capRedaction(c, "DEFAULT", capped))
			if tok, ok := rec.tokens[name]; ok {
				tokens[name] = tok
			}
		}
		row := map[string]any{"fields": fields}
		if len(tokens) > 0 {
			row["tokens"] = tokens
		}
		out[i] = row
	}
	return jsonBody{body: map[string]any{"records": out}}, nil
}

// unknownColumn returns the first column of a condition that known rejects.
func unknownColumn(e query.Expr, known func(string) bool) string {
	switch x := e.(type) {
	case *query.And:
		if c := unknownColumn(x.Left, known); c != "" {
			return c
		}
		return unknownColumn(x.Right, known)
	case *query.Or:
		if c := unknownColumn(x.Left, known); c != "" {
			return c
		}
		return unknownColumn(x.Right, known)
	case *query.Eq:
		if !known(x.Column) {
			return x.Column
		}
	case *query.In:
		if !known(x.Column) {
			return x.Column
		}
	}
	return ""
}
