package mockserver

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/vaultapi"
)

// fileColumn returns the named file column of a table or a 400.
func fileColumn(t *table, name string) (*column, error) {
	c, ok := t.cols[name]
	if !ok {
		return nil, badRequest("invalid column %s: table %s has no such column", name, t.name)
	}
	if !c.File {
		return nil, badRequest("column %s of table %s is not a file column", name, t.name)
	}
	return c, nil
}

// attachFile stores f in column col of record id (a new record when id is
// empty) and returns the record id.
func (s *Server) attachFile(v *vault, t *table, id, col string, f *storedFile) (string, error) {
	err := v.update(func(tx *tx) error {
		if id == "" {
			rec := &record{id: uuid.NewString(), values: map[string]any{}, tokens: map[string]string{}, files: map[string]*storedFile{col: f}}
			id = rec.id
			return v.addRecord(tx, t, rec)
		}
		old, ok := t.records[id]
		if !ok {
			return notFound("record %s not found in table %s", id, t.name)
		}
		rec := old.clone()
		rec.files[col] = f
		return v.replaceRecord(tx, t, old, rec)
	})
	if err != nil {
		return "", err
	}
	s.files.register(v, f)
	return id, nil
}

// UploadFileV2 stores a file in a file column, creating a record when no
// skyflowID is given.
func (a *vaultAPI) UploadFileV2(ctx context.Context, req vaultapi.UploadFileV2RequestObject) (vaultapi.UploadFileV2ResponseObject, error) {
	v, err := a.s.vault(req.VaultID)
	if err != nil {
		return nil, err
	}
	form, err := a.s.readUpload(req.Body, "file")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (vaultapi.UploadFileV2ResponseObject, error) {
		removeStoredFile(form.file)
		return nil, err
	}
	t, err := v.table(form.fields["tableName"])
	if err != nil {
		return fail(err)
	}
	col := form.fields["columnName"]
	if _, err := fileColumn(t, col); err != nil {
		return fail(err)
	}
	if err := a.s.permit(ctx, t.name, permFiles); err != nil {
		return fail(err)
	}
	id, err := a.s.attachFile(v, t, strings.TrimSpace(form.fields["skyflowID"]), col, form.file)
	if err != nil {
		return fail(err)
	}
	out := vaultapi.V2UploadFileResponse{SkyflowID: ptr(id)}
	if form.fields["returnFileMetadata"] == "true" {
		out.FileMetadata = map[string]any{
			"name":          form.file.name,
			"size":          form.file.size,
			"contentType":   form.file.contentType,
			"avScanStatus":  form.file.scan,
			"tableName":     t.name,
			"columnName":    col,
			"fileReference": form.file.id,
		}
	}
	return vaultapi.UploadFileV2200JSONResponse{Body: out}, nil
}

// FileServiceUploadFile stores a file in a file column of an existing record.
func (a *vaultAPI) FileServiceUploadFile(ctx context.Context, req vaultapi.FileServiceUploadFileRequestObject) (vaultapi.FileServiceUploadFileResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.ObjectName)
	if err != nil {
		return nil, err
	}
	form, err := a.s.readUpload(req.Body, "file")
	if err != nil {
		return nil, err
	}
	col := form.fields["columnName"]
	if _, err := fileColumn(t, col); err != nil {
		removeStoredFile(form.file)
		return nil, err
	}
	if err := a.s.permit(ctx, t.name, permFiles); err != nil {
		removeStoredFile(form.file)
		return nil, err
	}
	if req.ID == "" {
		removeStoredFile(form.file)
		return nil, badRequest("the record id is required")
	}
	id, err := a.s.attachFile(v, t, req.ID, col, form.file)
	if err != nil {
		removeStoredFile(form.file)
		return nil, err
	}
	return vaultapi.FileServiceUploadFile200JSONResponse{Body: vaultapi.V1UpdateRecordResponse{SkyflowId: ptr(id)}}, nil
}

// FileServiceDeleteFile removes the file of a file column.
func (a *vaultAPI) FileServiceDeleteFile(ctx context.Context, req vaultapi.FileServiceDeleteFileRequestObject) (vaultapi.FileServiceDeleteFileResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.TableName)
	if err != nil {
		return nil, err
	}
	if _, err := fileColumn(t, req.ColumnName); err != nil {
		return nil, err
	}
	if err := a.s.permit(ctx, t.name, permFiles); err != nil {
		return nil, err
	}
	err = v.update(func(tx *tx) error {
		old, ok := t.records[req.ID]
		if !ok {
			return notFound("record %s not found in table %s", req.ID, t.name)
		}
		if old.files[req.ColumnName] == nil {
			return notFound("record %s has no file in column %s", req.ID, req.ColumnName)
		}
		rec := old.clone()
		delete(rec.files, req.ColumnName)
		return v.replaceRecord(tx, t, old, rec)
	})
	if err != nil {
		return nil, err
	}
	return vaultapi.FileServiceDeleteFile200JSONResponse{Body: vaultapi.V1DeleteFileResponse{SkyflowId: ptr(req.ID), Deleted: ptr(true)}}, nil
}

// FileServiceGetFileScanStatus reports the anti-virus status of a file.
func (a *vaultAPI) FileServiceGetFileScanStatus(ctx context.Context, req vaultapi.FileServiceGetFileScanStatusRequestObject) (vaultapi.FileServiceGetFileScanStatusResponseObject, error) {
	v, t, err := a.lookup(req.VaultID, req.TableName)
	if err != nil {
		return nil, err
	}
	if _, err := fileColumn(t, req.ColumnName); err != nil {
		return nil, err
	}
	if err := a.s.permit(ctx, t.name, permFiles); err != nil {
		return nil, err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	rec, ok := t.records[req.ID]
	if !ok {
		return nil, notFound("record %s not found in table %s", req.ID, t.name)
	}
	status := vaultapi.V1FileAVScanStatusSCANFILENOTFOUND
	if f := rec.files[req.ColumnName]; f != nil {
		status = vaultapi.V1FileAVScanStatus(f.scan)
	}
	return vaultapi.FileServiceGetFileScanStatus200JSONResponse{Body: vaultapi.V1GetFileScanStatusResponse{AvScanStatus: &status}}, nil
}

// BINListServiceListCardsOfBIN describes the card network of a BIN (or of
// a card stored in the vault) from its leading digits.
func (a *vaultAPI) BINListServiceListCardsOfBIN(ctx context.Context, req vaultapi.BINListServiceListCardsOfBINRequestObject) (vaultapi.BINListServiceListCardsOfBINResponseObject, error) {
	body := req.Body
	number := deref(body.BIN)
	expiry, lastFour := "", ""
	if id := deref(body.SkyflowId); id != "" {
		cfg := body.VaultSchemaConfig
		if cfg == nil || deref(cfg.Id) == "" || deref(cfg.TableName) == "" || cfg.Mapping == nil || deref(cfg.Mapping.CardNumber) == "" {
			return nil, badRequest("vault_schema_config with id, table_name and mapping.card_number is required with skyflow_id")
		}
		v, t, err := a.lookup(deref(cfg.Id), deref(cfg.TableName))
		if err != nil {
			return nil, err
		}
		noteVault(ctx, v.id)
		if err := a.s.permit(ctx, t.name, permRead); err != nil {
			return nil, err
		}
		// The lookup reads the mapped columns in plain text (and answers
		// with digits of the card): a role capped below plain text may not.
		if cp := a.s.redactionCap(ctx, t.name); cp != "" {
			return nil, forbidden("the token's roles see table %s only %s: a card lookup by skyflow_id reads plain values", t.name, cp)
		}
		for _, col := range []string{deref(cfg.Mapping.CardNumber), deref(cfg.Mapping.CardExpiry), deref(cfg.Mapping.CardLastFourDigits)} {
			if _, ok := t.cols[col]; col != "" && !ok {
				return nil, badRequest("vault_schema_config.mapping names %s, which is not a column of table %s", col, t.name)
			}
		}
		v.mu.RLock()
		rec, ok := t.records[id]
		if ok {
			number = valueString(rec.values[deref(cfg.Mapping.CardNumber)])
			if col := deref(cfg.Mapping.CardExpiry); col != "" {
				expiry = valueString(rec.values[col])
			}
			if col := deref(cfg.Mapping.CardLastFourDigits); col != "" {
				lastFour = valueString(rec.values[col])
			}
		}
		v.mu.RUnlock()
		if !ok {
			return nil, notFound("record %s not found in table %s", id, t.name)
		}
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, number)
	if deref(body.BIN) == "" && deref(body.SkyflowId) == "" {
		return nil, badRequest("BIN or skyflow_id (with vault_schema_config) is required")
	}
	if len(digits) < 6 {
		return nil, badRequest("BIN must have at least 6 digits")
	}
	all := map[string]*string{
		"BIN":           ptr(digits[:min(len(digits), 8)]),
		"card_scheme":   ptr(cardScheme(digits)),
		"card_type":     ptr("CREDIT"),
		"card_category": ptr("CLASSIC"),
		"country_code":  ptr("US"),
		"currency":      ptr("USD"),
		"issuer_name":   ptr("SKYFLOW MOCK BANK"),
	}
	if lastFour != "" {
		all["card_last_four_digits"] = ptr(lastFour)
	} else if len(digits) >= 12 {
		all["card_last_four_digits"] = ptr(digits[len(digits)-4:])
	}
	if expiry != "" {
		all["card_expiry"] = ptr(expiry)
	}
	if len(body.Fields) > 0 {
		keep := map[string]*string{}
		for _, f := range body.Fields {
			if _, known := binFields[f]; !known {
				return nil, badRequest("unknown card field %s (one of BIN, issuer_name, country_code, currency, card_type, card_category, card_scheme, card_last_four_digits, card_expiry)", f)
			}
			keep[f] = all[f]
		}
		all = keep
	}
	card := vaultapi.V1Card{
		BIN: all["BIN"], CardScheme: all["card_scheme"], CardType: all["card_type"], CardCategory: all["card_category"],
		CountryCode: all["country_code"], Currency: all["currency"], IssuerName: all["issuer_name"],
		CardLastFourDigits: all["card_last_four_digits"], CardExpiry: all["card_expiry"],
	}
	return vaultapi.BINListServiceListCardsOfBIN200JSONResponse{Body: vaultapi.V1BINListResponse{CardsData: []vaultapi.V1Card{card}}}, nil
}

// binFields are the card fields a BIN lookup can ask for.
var binFields = map[string]bool{"BIN": true, "issuer_name": true, "country_code": true, "currency": true, "card_type": true,
	"card_category": true, "card_scheme": true, "card_last_four_digits": true, "card_expiry": true}

// cardScheme names the network of a card number by its prefix.
func cardScheme(d string) string {
	switch {
	case strings.HasPrefix(d, "4"):
		return "VISA"
	case strings.HasPrefix(d, "34"), strings.HasPrefix(d, "37"):
		return "AMEX"
	case strings.HasPrefix(d, "6011"), strings.HasPrefix(d, "65"):
		return "DISCOVER"
	case d[0] == '5' && d[1] >= '1' && d[1] <= '5', d[:2] == "22", d[:2] == "27":
		return "MASTERCARD"
	case strings.HasPrefix(d, "35"):
		return "JCB"
	}
	return "UNKNOWN"
}
