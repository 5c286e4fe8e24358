package facade

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/skyflowgo/skyflow"
	gdetect "github.com/skyflowgo/skyflow/gen/detect"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// ReidentifyFileRequest re-identifies a de-identified file. Give exactly
// one source: Reader (with FileName) or Path. The extension must be txt,
// csv, json, xml, xls, xlsx, doc or docx. Entity types in no list get the
// API's default treatment.
type ReidentifyFileRequest struct {
	// Reader streams the content; FileName is then required. A seekable
	// Reader can be sent again after a 401 or a transient failure.
	Reader io.Reader
	// Path is a local file to re-identify.
	Path string
	// FileName names the file; its extension is the data format. It
	// defaults to the base name of Path.
	FileName string
	// RedactedEntities stay redacted.
	RedactedEntities []EntityType
	// MaskedEntities are returned masked.
	MaskedEntities []EntityType
	// PlainTextEntities are returned in plain text.
	PlainTextEntities []EntityType
}

// ReidentifyFileResponse is the result of ReidentifyFile.
type ReidentifyFileResponse struct {
	// File is the re-identified file, held once, decoded.
	File []byte
	// Type is the output kind (reidentified_file).
	Type string
	// Extension is the file's extension.
	Extension string
	// Status is the status the API reported (SUCCESS).
	Status RunStatus
	// RequestID is the id of the request.
	RequestID string
}

// ReidentifyFile turns the tokens of a de-identified file back into values
// (POST /v1/detect/reidentify/file, operation DetectReidentifyFile). The
// file is streamed as DeidentifyFile streams it. The answer is synchronous;
// a FAILED status is a *RunFailedError (without run id), and an answer
// with another status than SUCCESS, or without the file, is an error
// matching skyflow.ErrUnexpectedResponse.
func (d *Detect) ReidentifyFile(ctx context.Context, req ReidentifyFileRequest) (*ReidentifyFileResponse, error) {
	src, err := fileInput(req.Reader, req.FileName, req.Path)
	if err != nil {
		return nil, err
	}
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(src.name), "."))
	if !gdetect.FileDataReidentifyFileDataFormat(ext).Valid() {
		return nil, errs.Invalid("FileName", "must end in txt, csv, json, xml, xls, xlsx, doc or docx")
	}
	format, err := buildFormat(req.RedactedEntities, req.MaskedEntities, req.PlainTextEntities)
	if err != nil {
		return nil, err
	}
	s, err := d.c.vaultState(d.id)
	if err != nil {
		return nil, err
	}
	prefix, suffix, err := splitAtMarker(gdetect.ReidentifyFileRequest{
		File:    gdetect.FileDataReidentifyFile{Base64: fileMarker, DataFormat: gdetect.FileDataReidentifyFileDataFormat(ext)},
		VaultId: s.id,
		Format:  format,
	})
	if err != nil {
		return nil, err
	}
	const op = "ReidentifyFile"
	r, err := d.c.run(ctx, &operation{
		endpoint:   s.ep,
		name:       op,
		replayable: src.replayable(),
		effect:     rewrites,
		limit:      d.c.maxFileResponse,
		timeout:    d.c.fileAttemptTimeout(),
	}, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		body, err := newBase64JSONBody(prefix, suffix, src)
		if err != nil {
			return nil, err
		}
		defer body.Close()
		return s.detect.DetectReidentifyFileWithBody(ctx, "application/json", body, edit, body.editor)
	})
	if err != nil {
		return nil, err
	}
	parsed := new(gdetect.ReidentifyFileResponse)
	if err := r.decode(op, parsed); err != nil {
		return nil, err
	}
	rid := r.requestID
	status := RunStatus(strings.ToUpper(string(deref(parsed.Status))))
	switch {
	case status == RunStatusFailed:
		return nil, &skyflow.RunFailedError{Operation: op, Status: string(status), RequestID: rid}
	case status != RunStatusSuccess && status != "":
		// The call is synchronous and has no run id to poll: any other
		// status leaves the caller without the file.
		return nil, r.unexpected(op, "the answer's status is "+strconv.Quote(string(status))+", not SUCCESS", nil)
	case parsed.Output == nil || parsed.Output.ProcessedFile == nil:
		return nil, r.unexpected(op, "the answer has no processed_file", nil)
	}
	o := parsed.Output
	return &ReidentifyFileResponse{
		File:      o.ProcessedFile,
		Type:      string(deref(o.ProcessedFileType)),
		Extension: string(deref(o.ProcessedFileExtension)),
		Status:    status,
		RequestID: rid,
	}, nil
}

// CheckGuardrailsRequest checks a text before it reaches a model or a
// user.
type CheckGuardrailsRequest struct {
	// Text to check (required).
	Text string
	// CheckToxicity checks the text for toxicity.
	CheckToxicity bool
	// DenyTopics are topics the text must not touch.
	DenyTopics []string
}

// CheckGuardrailsResponse is the result of CheckGuardrails.
type CheckGuardrailsResponse struct {
	// Text is the checked text.
	Text string
	// Toxic says whether the text is toxic (when asked).
	Toxic bool
	// DeniedTopic says whether the text touches a denied topic.
	DeniedTopic bool
	// Passed is the overall verdict: no check failed.
	Passed bool
	// RequestID is the id of the request.
	RequestID string
}

// CheckGuardrails checks a text for toxicity and denied topics (POST
// /v1/detect/guardrails, operation DetectCheckGuardrails).
func (d *Detect) CheckGuardrails(ctx context.Context, req CheckGuardrailsRequest) (*CheckGuardrailsResponse, error) {
	if strings.TrimSpace(req.Text) == "" {
		return nil, errs.Invalid("Text", "is required")
	}
	for i, t := range req.DenyTopics {
		if strings.TrimSpace(t) == "" {
			return nil, errs.Invalid("DenyTopics["+strconv.Itoa(i)+"]", "is empty")
		}
	}
	s, err := d.c.vaultState(d.id)
	if err != nil {
		return nil, err
	}
	body := gdetect.DetectGuardrailsRequest{Text: req.Text, VaultId: s.id, DenyTopics: req.DenyTopics, CheckToxicity: ptrIf(req.CheckToxicity, true)}
	const op = "CheckGuardrails"
	r, err := d.c.run(ctx, s.detectOp(d.c, op), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.detect.DetectCheckGuardrails(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	parsed := new(gdetect.DetectGuardrailsResponse)
	if err := r.decode(op, parsed); err != nil {
		return nil, err
	}
	return &CheckGuardrailsResponse{
		Text:        parsed.Text,
		Toxic:       deref(parsed.Toxic),
		DeniedTopic: deref(parsed.DeniedTopic),
		Passed:      parsed.Validation == gdetect.GuardrailsValidationPassed,
		RequestID:   r.requestID,
	}, nil
}
