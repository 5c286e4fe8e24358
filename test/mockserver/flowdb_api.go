package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/flowdbapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/query"
)

// flowdbAPI implements the generated strict server of the Flow DB spec.
type flowdbAPI struct{ s *Server }

var _ flowdbapi.StrictServerInterface = (*flowdbAPI)(nil)

// flowJSON is a 200 answer written as it is: the emulator's own element
// types keep httpCode on every element and empty lists present.
type flowJSON struct{ body any }

func (j flowJSON) write(w http.ResponseWriter) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j.body); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := buf.WriteTo(w)
	return err
}

func (j flowJSON) VisitFlowDBInsertResponse(w http.ResponseWriter) error       { return j.write(w) }
func (j flowJSON) VisitFlowDBGetResponse(w http.ResponseWriter) error          { return j.write(w) }
func (j flowJSON) VisitFlowDBUpdateResponse(w http.ResponseWriter) error       { return j.write(w) }
func (j flowJSON) VisitFlowDBDeleteResponse(w http.ResponseWriter) error       { return j.write(w) }
func (j flowJSON) VisitFlowDBQueryResponse(w http.ResponseWriter) error        { return j.write(w) }
func (j flowJSON) VisitFlowDBDetokenizeResponse(w http.ResponseWriter) error   { return j.write(w) }
func (j flowJSON) VisitFlowDBTokenizeResponse(w http.ResponseWriter) error     { return j.write(w) }
func (j flowJSON) VisitFlowDBDeleteTokensResponse(w http.ResponseWriter) error { return j.write(w) }
func (j flowJSON) VisitFlowDBVaultMetricsResponse(w http.ResponseWriter) error { return j.write(w) }
func (j flowJSON) VisitFlowDBTokenizeLegacyResponse(w http.ResponseWriter) error {
	return j.write(w)
}

// vault returns the Flow DB vault a request body names.
func (a *flowdbAPI) vault(ctx context.Context, id *string) (*flowVault, error) {
	vid := deref(id)
	if vid == "" {
		return nil, badRequest("vaultID is required")
	}
	noteVault(ctx, vid)
	v, ok := a.s.flowdbs[vid]
	if !ok {
		return nil, notFound("vault %s not found", vid)
	}
	return v, nil
}

func upsertOf(u *flowdbapi.Upsert) *flowUpsert {
	if u == nil {
		return nil
	}
	return &flowUpsert{updateType: string(deref(u.UpdateType)), columns: u.UniqueColumns}
}

func uniquesOf(list []flowdbapi.UniqueValue) []map[string]any {
	out := make([]map[string]any, len(list))
	for i, u := range list {
		out[i] = deref(u.Data)
	}
	return out
}

func columnRedactionsOf(list []flowdbapi.ColumnRedaction) []flowColumnRedaction {
	out := make([]flowColumnRedaction, len(list))
	for i, cr := range list {
		out[i] = flowColumnRedaction{column: deref(cr.ColumnName), redaction: deref(cr.Redaction)}
	}
	return out
}

// otherTable is the error of a record that names another table than its
// request.
const otherTable = "the record names another table than the request"

// recordTable is the table a record of an insert or update goes to: its
// own, else the request's. ok is false when both are named and differ.
func recordTable(reqTable, recTable string) (table string, ok bool) {
	switch {
	case recTable == "":
		return reqTable, true
	case reqTable != "" && recTable != reqTable:
		return recTable, false
	}
	return recTable, true
}

// FlowDBInsert inserts each record on its own: a record that fails gets
// its error and httpCode while the others are written. A request whose
// table (named once, for all its records) the roles may not insert into
// (with its upsert, update too) is refused as a whole; a record naming its
// own table, or an upsert of its own, is refused on its own.
func (a *flowdbAPI) FlowDBInsert(ctx context.Context, req flowdbapi.FlowDBInsertRequestObject) (flowdbapi.FlowDBInsertResponseObject, error) {
	b := req.Body
	v, err := a.vault(ctx, b.VaultID)
	if err != nil {
		return nil, err
	}
	if len(b.Records) == 0 {
		return nil, badRequest("records must hold at least one record")
	}
	reqTable, reqUp := deref(b.TableName), upsertOf(b.Upsert)
	g := a.guard(ctx)
	if v.hasTable(reqTable) {
		if err := g.permitWrite(reqTable, reqUp != nil); err != nil {
			return nil, err
		}
	}
	out := make([]flowRecordOut, len(b.Records))
	err = v.write(func(w *flowWrite) error {
		for i, rec := range b.Records {
			table, ok := recordTable(reqTable, deref(rec.TableName))
			if !ok {
				out[i] = flowRecordOut{TableName: table, Error: otherTable, HTTPCode: http.StatusBadRequest}
				continue
			}
			up := reqUp
			if rec.Upsert != nil {
				up = upsertOf(rec.Upsert)
			}
			if e := g.refuseWrite(table, up != nil); e != nil && v.hasTable(table) {
				out[i] = flowRecordOut{TableName: table, Error: e.msg, HTTPCode: e.code}
				continue
			}
			out[i] = v.insertRecord(w, table, deref(rec.Data), deref(rec.Tokens), up)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return flowJSON{map[string]any{"records": out}}, nil
}

// FlowDBGet answers one element per skyflow id and unique value asked, or
// a page of the table.
func (a *flowdbAPI) FlowDBGet(ctx context.Context, req flowdbapi.FlowDBGetRequestObject) (flowdbapi.FlowDBGetResponseObject, error) {
	b := req.Body
	v, err := a.vault(ctx, b.VaultID)
	if err != nil {
		return nil, err
	}
	offset, limit := int(deref(b.Offset)), int(deref(b.Limit))
	switch {
	case offset < 0:
		return nil, badRequest("offset must not be negative")
	case limit < 0 || limit > flowMaxPage:
		return nil, badRequest("limit must be between 0 and %d", flowMaxPage)
	}
	var lookups []getTable
	page := false
	g := a.guard(ctx)
	if len(b.Records) > 0 {
		if b.TableName != nil || len(b.SkyflowIDs) > 0 || len(b.UniqueValues) > 0 || len(b.Columns) > 0 || len(b.ColumnRedactions) > 0 {
			return nil, badRequest("records cannot be combined with tableName, skyflowIDs, uniqueValues, columns or columnRedactions")
		}
		for _, gt := range b.Records {
			if len(gt.SkyflowIDs) == 0 && len(gt.UniqueValues) == 0 {
				return nil, badRequest("each element of records needs skyflowIDs or uniqueValues")
			}
			table := deref(gt.TableName)
			lookups = append(lookups, getTable{table: table, ids: gt.SkyflowIDs, uniques: uniquesOf(gt.UniqueValues),
				columns: gt.Columns, reds: columnRedactionsOf(gt.ColumnRedactions), refused: g.refuse(table, permRead), cap: g.cap(table)})
		}
	} else {
		page = len(b.SkyflowIDs) == 0 && len(b.UniqueValues) == 0
		if !page && (offset != 0 || limit != 0) {
			return nil, badRequest("offset and limit page through a table; they cannot be combined with skyflowIDs or uniqueValues")
		}
		table := deref(b.TableName)
		if v.hasTable(table) {
			if err := g.permit(table, permRead); err != nil {
				return nil, err
			}
		}
		lookups = []getTable{{table: table, ids: b.SkyflowIDs, uniques: uniquesOf(b.UniqueValues),
			columns: b.Columns, reds: columnRedactionsOf(b.ColumnRedactions), cap: g.cap(table)}}
	}
	out, apiErr := v.get(lookups, page, offset, limit)
	if apiErr != nil {
		return nil, apiErr
	}
	return flowJSON{map[string]any{"records": out}}, nil
}

// FlowDBUpdate updates each record on its own. A request whose table the
// roles may not update is refused as a whole; a record naming its own
// table is refused on its own.
func (a *flowdbAPI) FlowDBUpdate(ctx context.Context, req flowdbapi.FlowDBUpdateRequestObject) (flowdbapi.FlowDBUpdateResponseObject, error) {
	b := req.Body
	v, err := a.vault(ctx, b.VaultID)
	if err != nil {
		return nil, err
	}
	if len(b.Records) == 0 {
		return nil, badRequest("records must hold at least one record")
	}
	reqTable, replace := deref(b.TableName), deref(b.UpdateType) == flowdbapi.UpdateTypeREPLACE
	g := a.guard(ctx)
	if v.hasTable(reqTable) {
		if err := g.permit(reqTable, permUpdate); err != nil {
			return nil, err
		}
	}
	out := make([]flowRecordOut, len(b.Records))
	err = v.write(func(w *flowWrite) error {
		for i, rec := range b.Records {
			table, ok := recordTable(reqTable, deref(rec.TableName))
			if !ok {
				out[i] = flowRecordOut{SkyflowID: deref(rec.SkyflowID), TableName: table, Error: otherTable, HTTPCode: http.StatusBadRequest}
				continue
			}
			if e := g.refuse(table, permUpdate); e != nil && v.hasTable(table) {
				out[i] = flowRecordOut{SkyflowID: deref(rec.SkyflowID), TableName: table, Error: e.msg, HTTPCode: e.code}
				continue
			}
			out[i] = v.updateRecord(w, table, deref(rec.SkyflowID), deref(rec.Data), deref(rec.Tokens), replace)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return flowJSON{map[string]any{"records": out}}, nil
}

// FlowDBDelete deletes each record on its own, in one table: a table the
// roles may not delete from refuses the request as a whole.
func (a *flowdbAPI) FlowDBDelete(ctx context.Context, req flowdbapi.FlowDBDeleteRequestObject) (flowdbapi.FlowDBDeleteResponseObject, error) {
	b := req.Body
	v, err := a.vault(ctx, b.VaultID)
	if err != nil {
		return nil, err
	}
	if len(b.SkyflowIDs) == 0 && len(b.UniqueValues) == 0 {
		return nil, badRequest("skyflowIDs or uniqueValues must name at least one record")
	}
	if table := deref(b.TableName); v.hasTable(table) {
		if err := a.guard(ctx).permit(table, permDelete); err != nil {
			return nil, err
		}
	}
	var out []flowDeleteOut
	err = v.write(func(w *flowWrite) error {
		var apiErr *apiError
		out, apiErr = v.deleteRecords(w, deref(b.TableName), b.SkyflowIDs, uniquesOf(b.UniqueValues))
		if apiErr != nil {
			return apiErr
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return flowJSON{map[string]any{"records": out}}, nil
}

// FlowDBQuery runs a SELECT; it needs query on its table, whose redaction
// cap applies.
func (a *flowdbAPI) FlowDBQuery(ctx context.Context, req flowdbapi.FlowDBQueryRequestObject) (flowdbapi.FlowDBQueryResponseObject, error) {
	b := req.Body
	v, err := a.vault(ctx, b.VaultID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(deref(b.Query)) == "" {
		return nil, badRequest("query is required")
	}
	sel, err := query.Parse(deref(b.Query))
	if err != nil {
		return nil, badRequest("%v", err)
	}
	g := a.guard(ctx)
	if v.hasTable(sel.Table) {
		if err := g.permit(sel.Table, permQuery); err != nil {
			return nil, err
		}
	}
	out, apiErr := v.runQuery(sel, g.cap(sel.Table))
	if apiErr != nil {
		return nil, apiErr
	}
	return flowJSON{out}, nil
}

// FlowDBDetokenize answers one element per token.
func (a *flowdbAPI) FlowDBDetokenize(ctx context.Context, req flowdbapi.FlowDBDetokenizeRequestObject) (flowdbapi.FlowDBDetokenizeResponseObject, error) {
	b := req.Body
	v, err := a.vault(ctx, b.VaultID)
	if err != nil {
		return nil, err
	}
	if len(b.Tokens) == 0 {
		return nil, badRequest("tokens must hold at least one token")
	}
	reds := make([]flowColumnRedaction, len(b.TokenGroupRedactions))
	for i, r := range b.TokenGroupRedactions {
		reds[i] = flowColumnRedaction{column: deref(r.TokenGroupName), redaction: deref(r.Redaction)}
	}
	styles, apiErr := v.groupStyles(reds)
	if apiErr != nil {
		return nil, apiErr
	}
	return flowJSON{map[string]any{"response": v.detokenize(a.guard(ctx), b.Tokens, styles)}}, nil
}

// FlowDBTokenize tokenizes each value into each group named.
func (a *flowdbAPI) FlowDBTokenize(ctx context.Context, req flowdbapi.FlowDBTokenizeRequestObject) (flowdbapi.FlowDBTokenizeResponseObject, error) {
	b := req.Body
	items := make([]tokenizeItem, len(b.Data))
	for i, d := range b.Data {
		items[i] = tokenizeItem{value: d.Value, groups: d.TokenGroupNames, token: d.Token}
	}
	out, err := a.tokenize(ctx, b.VaultID, items)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FlowDBTokenizeLegacy is tokenize on the path and in the request form of
// older clients; dataType is accepted and not needed.
func (a *flowdbAPI) FlowDBTokenizeLegacy(ctx context.Context, req flowdbapi.FlowDBTokenizeLegacyRequestObject) (flowdbapi.FlowDBTokenizeLegacyResponseObject, error) {
	b := req.Body
	items := make([]tokenizeItem, len(b.Data))
	for i, d := range b.Data {
		items[i] = tokenizeItem{value: d.Value, groups: d.TokenGroupNames}
	}
	out, err := a.tokenize(ctx, b.VaultID, items)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (a *flowdbAPI) tokenize(ctx context.Context, vaultID *string, items []tokenizeItem) (flowJSON, error) {
	v, err := a.vault(ctx, vaultID)
	if err != nil {
		return flowJSON{}, err
	}
	if len(items) == 0 {
		return flowJSON{}, badRequest("data must hold at least one value")
	}
	var out []flowTokenizeOut
	err = v.write(func(w *flowWrite) error {
		out = v.tokenize(w, a.guard(ctx), items)
		return nil
	})
	if err != nil {
		return flowJSON{}, err
	}
	return flowJSON{map[string]any{"response": out}}, nil
}

// FlowDBDeleteTokens deletes each token on its own.
func (a *flowdbAPI) FlowDBDeleteTokens(ctx context.Context, req flowdbapi.FlowDBDeleteTokensRequestObject) (flowdbapi.FlowDBDeleteTokensResponseObject, error) {
	b := req.Body
	v, err := a.vault(ctx, b.VaultID)
	if err != nil {
		return nil, err
	}
	if len(b.Tokens) == 0 {
		return nil, badRequest("tokens must hold at least one token")
	}
	var out []flowDeleteTokenOut
	err = v.write(func(w *flowWrite) error {
		out = v.deleteTokens(w, a.guard(ctx), b.Tokens)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return flowJSON{map[string]any{"tokens": out}}, nil
}

// FlowDBVaultMetrics reports the record count of each table the roles may
// read.
func (a *flowdbAPI) FlowDBVaultMetrics(ctx context.Context, req flowdbapi.FlowDBVaultMetricsRequestObject) (flowdbapi.FlowDBVaultMetricsResponseObject, error) {
	v, err := a.vault(ctx, req.Body.VaultID)
	if err != nil {
		return nil, err
	}
	return flowJSON{map[string]any{"data": map[string]any{"tables": v.metrics(a.guard(ctx))}}}, nil
}
