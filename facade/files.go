package facade

import (
	"context"
	"errors"
	"net/http"

	"github.com/skyflowgo/skyflow"
	gvault "github.com/skyflowgo/skyflow/gen/vault"
)

// FileRef names the file stored in one file column of one record.
type FileRef struct {
	// Table is the record's table (required).
	Table string
	// SkyflowID is the record's id (required).
	SkyflowID string
	// Column is the file column (required).
	Column string
}

func (f *FileRef) validate() error {
	if err := checkPathParam("Table", f.Table); err != nil {
		return err
	}
	if err := checkPathParam("SkyflowID", f.SkyflowID); err != nil {
		return err
	}
	return checkPathParam("Column", f.Column)
}

// DeleteFileResponse is the result of DeleteFile.
type DeleteFileResponse struct {
	// SkyflowID is the record whose file was deleted.
	SkyflowID string
	// Deleted says whether the vault deleted a file.
	Deleted bool
	// Unconfirmed is set, with Deleted, when the vault's answer to the
	// delete was lost (the connection broke after sending, or a gateway
	// failed) and the retry found no file (404): the lost attempt deleted
	// it, or someone else did in between. Either way it is gone.
	Unconfirmed bool
	// RequestID is the id of the request.
	RequestID string
}

// DeleteFile deletes the file stored in a file column of a record; the
// record itself stays (DELETE
// /v1/vaults/{vaultID}/{tableName}/{ID}/files/{columnName}, operation
// FileServiceDeleteFile). It is retried like a read; when the retry of an
// attempt whose answer was lost finds no file (404), the file is reported
// deleted with Unconfirmed set, not as not found.
func (v *Vault) DeleteFile(ctx context.Context, ref FileRef) (*DeleteFileResponse, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	const op = "DeleteFile"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, rewrites), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FileServiceDeleteFile(ctx, s.id, ref.Table, ref.SkyflowID, ref.Column, edit)
	})
	if err != nil {
		var apiErr *skyflow.APIError
		if errors.As(err, &apiErr) && apiErr.MaybeApplied && apiErr.StatusCode == http.StatusNotFound && ctx.Err() == nil {
			return &DeleteFileResponse{SkyflowID: ref.SkyflowID, Deleted: true, Unconfirmed: true, RequestID: requestIDOf(err)}, nil
		}
		return nil, err
	}
	var parsed gvault.V1DeleteFileResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	out := &DeleteFileResponse{SkyflowID: deref(parsed.SkyflowId), Deleted: deref(parsed.Deleted), RequestID: r.requestID}
	if out.SkyflowID == "" {
		out.SkyflowID = ref.SkyflowID
	}
	return out, nil
}

// ScanStatus is the anti-virus scan status of a stored file.
type ScanStatus string

// The scan statuses.
const (
	ScanNone         ScanStatus = "SCAN_NONE"
	ScanClean        ScanStatus = "SCAN_CLEAN"
	ScanInfected     ScanStatus = "SCAN_INFECTED"
	ScanDeleted      ScanStatus = "SCAN_DELETED"
	ScanError        ScanStatus = "SCAN_ERROR"
	ScanPending      ScanStatus = "SCAN_PENDING"
	ScanUnscannable  ScanStatus = "SCAN_UNSCANNABLE"
	ScanFileNotFound ScanStatus = "SCAN_FILE_NOT_FOUND"
	ScanInvalid      ScanStatus = "SCAN_INVALID"
)

// FileScanStatusResponse is the result of FileScanStatus.
type FileScanStatusResponse struct {
	// Status is the file's scan status.
	Status ScanStatus
	// RequestID is the id of the request.
	RequestID string
}

// FileScanStatus returns the anti-virus scan status of a stored file (GET
// /v1/vaults/{vaultID}/{tableName}/{ID}/files/{columnName}/scan-status,
// operation FileServiceGetFileScanStatus).
func (v *Vault) FileScanStatus(ctx context.Context, ref FileRef) (*FileScanStatusResponse, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	const op = "FileScanStatus"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	r, err := v.c.run(ctx, s.op(v.c, op, reads), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.FileServiceGetFileScanStatus(ctx, s.id, ref.Table, ref.SkyflowID, ref.Column, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gvault.V1GetFileScanStatusResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	if parsed.AvScanStatus == nil {
		return nil, r.unexpected(op, "the answer has no av_scan_status", nil)
	}
	return &FileScanStatusResponse{Status: ScanStatus(*parsed.AvScanStatus), RequestID: r.requestID}, nil
}
