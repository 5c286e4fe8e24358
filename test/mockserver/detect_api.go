package mockserver

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/fnv"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectapi"
	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectengine"
)

// detectService holds the Detect engine of a server and the registry of
// the counter tokens it produced, per vault, for re-identification.
type detectService struct {
	s   *Server
	eng *detectengine.Engine
	reg detectengine.Registry
}

func newDetectService(s *Server) *detectService {
	return &detectService{s: s, eng: detectengine.New()}
}

// detectValue is a value that Detect stored in a vault for a vault_token.
type detectValue struct {
	entityType string
	value      string
}

// storeDetectValue stores a detected value in the vault and returns its
// token; the same value of the same type always gets the same token.
// A persistent vault stores it before the token is returned.
func (v *vault) storeDetectValue(entityType, value string) (string, error) {
	v.mu.Lock()
	key := [2]string{entityType, value}
	if tok, ok := v.detectByValue[key]; ok {
		v.mu.Unlock()
		return tok, nil
	}
	tok := uuid.NewString()
	dv := detectValue{entityType: entityType, value: value}
	v.detectTokens[tok] = dv
	v.detectByValue[key] = tok
	var durable <-chan error
	if v.persist != nil {
		durable = v.persist.enqueue([]change{{vault: v.id, id: tok, detect: &dv}})
	}
	v.mu.Unlock()
	if durable != nil {
		if err := <-durable; err != nil {
			return "", newError(http.StatusInternalServerError, "the token could not be stored: %v", err)
		}
	}
	return tok, nil
}

// resolveDetect says what a Detect vault token stands for.
func (v *vault) resolveDetect(tok string) (detectValue, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	d, ok := v.detectTokens[tok]
	return d, ok
}

// detectOptions is what every de-identify request shares.
type detectOptions struct {
	entityTypes     []detectapi.EntityType
	tokenType       *detectapi.TokenTypeMapping
	allow, restrict []string
	transformations *detectapi.Transformations
}

func entityStrings(list []detectapi.EntityType) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = string(e)
	}
	return out
}

// options converts request options into engine options for vault v.
func (d *detectService) options(v *vault, o detectOptions, seedText string) detectengine.Options {
	opts := detectengine.Options{
		EntityTypes:   entityStrings(o.entityTypes),
		AllowRegex:    o.allow,
		RestrictRegex: o.restrict,
		VaultToken:    v.storeDetectValue,
	}
	if tt := o.tokenType; tt != nil {
		opts.TokenType = detectengine.TokenType{
			Default:             detectengine.TokenStyle(deref(tt.Default)),
			VaultToken:          entityStrings(tt.VaultToken),
			EntityOnly:          entityStrings(tt.EntityOnly),
			EntityUniqueCounter: entityStrings(tt.EntityUnqCounter),
		}
	}
	if tr := o.transformations; tr != nil && tr.ShiftDates != nil {
		sd := tr.ShiftDates
		types := make([]string, len(sd.EntityTypes))
		for i, t := range sd.EntityTypes {
			types[i] = string(t)
		}
		opts.ShiftDates = &detectengine.ShiftDates{MinDays: int(deref(sd.MinDays)), MaxDays: int(deref(sd.MaxDays)), EntityTypes: types}
		h := fnv.New64a()
		_, _ = h.Write([]byte(v.id + "\x00" + seedText))
		opts.Seed = h.Sum64()
	}
	return opts
}

// engineError maps an engine error to the API: invalid options are 400s.
func engineError(err error) error {
	var re *detectengine.RegexError
	var oe *detectengine.OptionError
	var fe *detectengine.FileError
	switch {
	case errors.As(err, &re), errors.As(err, &oe), errors.As(err, &fe):
		return badRequest("%s", strings.TrimPrefix(err.Error(), "detectengine: "))
	}
	return asAPIError(err)
}

// resolver resolves tokens for re-identification in vault v: Detect vault
// tokens first, then the counter tokens of earlier calls.
func (d *detectService) resolver(v *vault) detectengine.Resolver {
	return func(tok string) (string, string, bool) {
		if dv, ok := v.resolveDetect(tok); ok {
			return dv.entityType, dv.value, true
		}
		return d.reg.Resolve(v.id, tok)
	}
}

// detectAPI implements the generated strict server of the Detect spec.
type detectAPI struct{ s *Server }

var _ detectapi.StrictServerInterface = (*detectAPI)(nil)

// deidentifyStringResponse writes the de-identify string answer with
// "entities" always present (the SDKs iterate it).
type deidentifyStringResponse struct {
	body detectapi.DeidentifyStringResponse
}

func (r deidentifyStringResponse) VisitDetectDeidentifyStringResponse(w http.ResponseWriter) error {
	type wire struct {
		detectapi.DeidentifyStringResponse
		Entities []detectapi.StringResponseEntities `json:"entities"`
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(wire{DeidentifyStringResponse: r.body, Entities: r.body.Entities}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := buf.WriteTo(w)
	return err
}

// runResponse writes a run status with "output" always present.
type runResponse struct{ body detectapi.DetectRunsResponse }

func (r runResponse) VisitDetectGetRunResponse(w http.ResponseWriter) error {
	type wire struct {
		detectapi.DetectRunsResponse
		Output []detectapi.DeidentifiedFileOutput `json:"output"`
	}
	out := r.body.Output
	if out == nil {
		out = []detectapi.DeidentifiedFileOutput{}
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(wire{DetectRunsResponse: r.body, Output: out}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := buf.WriteTo(w)
	return err
}

// DetectDeidentifyString de-identifies a text.
func (a *detectAPI) DetectDeidentifyString(ctx context.Context, req detectapi.DetectDeidentifyStringRequestObject) (detectapi.DetectDeidentifyStringResponseObject, error) {
	b := req.Body
	v, err := a.s.vaultCtx(ctx, b.VaultId)
	if err != nil {
		return nil, err
	}
	d := a.s.detect
	opts := d.options(v, detectOptions{entityTypes: b.EntityTypes, tokenType: b.TokenType, allow: b.AllowRegex, restrict: b.RestrictRegex, transformations: b.Transformations}, b.Text)
	res, err := d.eng.DeidentifyText(b.Text, opts)
	if err != nil {
		return nil, engineError(err)
	}
	d.reg.Record(v.id, res.Entities)
	out := detectapi.DeidentifyStringResponse{
		ProcessedText:  ptr(res.ProcessedText),
		WordCount:      ptr(int32(res.WordCount)),
		CharacterCount: ptr(int32(res.CharacterCount)),
		Entities:       make([]detectapi.StringResponseEntities, len(res.Entities)),
	}
	for i, e := range res.Entities {
		out.Entities[i] = detectapi.StringResponseEntities{
			Token:        ptr(e.Token),
			Value:        ptr(e.Value),
			EntityType:   ptr(e.EntityType),
			EntityScores: detectapi.EntityScores(e.Scores),
			Location: &detectapi.EntityLocation{
				StartIndex:          ptr(int32(e.Location.StartIndex)),
				EndIndex:            ptr(int32(e.Location.EndIndex)),
				StartIndexProcessed: ptr(int32(e.Location.StartIndexProcessed)),
				EndIndexProcessed:   ptr(int32(e.Location.EndIndexProcessed)),
			},
		}
	}
	return deidentifyStringResponse{body: out}, nil
}

func engineFormat(f *detectapi.Format) detectengine.Format {
	if f == nil {
		return detectengine.Format{}
	}
	return detectengine.Format{Redacted: entityStrings(f.Redacted), Masked: entityStrings(f.Masked), Plaintext: entityStrings(f.Plaintext)}
}

// DetectReidentifyString puts back the values behind the tokens of a text.
func (a *detectAPI) DetectReidentifyString(ctx context.Context, req detectapi.DetectReidentifyStringRequestObject) (detectapi.DetectReidentifyStringResponseObject, error) {
	b := req.Body
	text := deref(b.Text)
	vaultID := deref(b.VaultId)
	if vaultID == "" {
		return nil, badRequest("vault_id is required")
	}
	v, err := a.s.vaultCtx(ctx, vaultID)
	if err != nil {
		return nil, err
	}
	out := detectengine.ReidentifyText(text, a.s.detect.resolver(v), engineFormat(b.Format))
	return detectapi.DetectReidentifyString200JSONResponse{Body: detectapi.ReidentifyStringResponse{Text: out}}, nil
}

// fileJob is a de-identify file request of any endpoint.
type fileJob struct {
	vaultID       string
	base64        string
	format        string
	opts          detectOptions
	transcription string
}

// startRun decodes and processes the file at once and creates a run that
// reports the result when polled.
func (a *detectAPI) startRun(ctx context.Context, job fileJob) (string, error) {
	v, err := a.s.vaultCtx(ctx, job.vaultID)
	if err != nil {
		return "", err
	}
	data, err := base64.StdEncoding.DecodeString(job.base64)
	if err != nil {
		return "", badRequest("file.base64 is not valid base64")
	}
	d := a.s.detect
	opts := detectengine.FileOptions{Options: d.options(v, job.opts, job.base64), Transcription: job.transcription}
	res, err := d.eng.DeidentifyFile(data, job.format, opts)
	var rr runResult
	if err != nil {
		var fe *detectengine.FileError
		if !errors.As(err, &fe) {
			return "", engineError(err)
		}
		// A file that cannot be parsed fails the run, not the request.
		rr.failure = strings.TrimPrefix(err.Error(), "detectengine: ")
		rr.sizeKB = float64(len(data)) / 1024
	} else {
		d.reg.Record(v.id, res.Entities)
		rr = runResult{sizeKB: res.SizeKB, words: res.WordCount, chars: res.CharacterCount, duration: res.DurationSeconds, pages: res.Pages, slides: res.Slides}
		for _, o := range res.Outputs {
			rr.outputs = append(rr.outputs, runOutput{data: o.Data, kind: string(o.Type), extension: o.Extension})
		}
	}
	return a.s.runs.create(v.id, rr)
}

// DetectDeidentifyFile starts a run for any supported file.
func (a *detectAPI) DetectDeidentifyFile(ctx context.Context, req detectapi.DetectDeidentifyFileRequestObject) (detectapi.DetectDeidentifyFileResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts: detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations}})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifyFile200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectDeidentifyAudio starts a run for an audio file.
func (a *detectAPI) DetectDeidentifyAudio(ctx context.Context, req detectapi.DetectDeidentifyAudioRequestObject) (detectapi.DetectDeidentifyAudioResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts:          detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations},
		transcription: string(deref(b.OutputTranscription))})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifyAudio200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectDeidentifyDocument starts a run for a document.
func (a *detectAPI) DetectDeidentifyDocument(ctx context.Context, req detectapi.DetectDeidentifyDocumentRequestObject) (detectapi.DetectDeidentifyDocumentResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts: detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations}})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifyDocument200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectDeidentifyPdf starts a run for a PDF.
func (a *detectAPI) DetectDeidentifyPdf(ctx context.Context, req detectapi.DetectDeidentifyPdfRequestObject) (detectapi.DetectDeidentifyPdfResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts: detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations}})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifyPdf200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectDeidentifyImage starts a run for an image.
func (a *detectAPI) DetectDeidentifyImage(ctx context.Context, req detectapi.DetectDeidentifyImageRequestObject) (detectapi.DetectDeidentifyImageResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts: detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations}})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifyImage200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectDeidentifyPresentation starts a run for a presentation.
func (a *detectAPI) DetectDeidentifyPresentation(ctx context.Context, req detectapi.DetectDeidentifyPresentationRequestObject) (detectapi.DetectDeidentifyPresentationResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts: detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations}})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifyPresentation200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectDeidentifySpreadsheet starts a run for a spreadsheet.
func (a *detectAPI) DetectDeidentifySpreadsheet(ctx context.Context, req detectapi.DetectDeidentifySpreadsheetRequestObject) (detectapi.DetectDeidentifySpreadsheetResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts: detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations}})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifySpreadsheet200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectDeidentifyStructuredText starts a run for JSON or XML.
func (a *detectAPI) DetectDeidentifyStructuredText(ctx context.Context, req detectapi.DetectDeidentifyStructuredTextRequestObject) (detectapi.DetectDeidentifyStructuredTextResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts: detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations}})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifyStructuredText200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectDeidentifyText starts a run for a text file.
func (a *detectAPI) DetectDeidentifyText(ctx context.Context, req detectapi.DetectDeidentifyTextRequestObject) (detectapi.DetectDeidentifyTextResponseObject, error) {
	b := req.Body
	id, err := a.startRun(ctx, fileJob{vaultID: b.VaultId, base64: b.File.Base64, format: string(b.File.DataFormat),
		opts: detectOptions{b.EntityTypes, b.TokenType, b.AllowRegex, b.RestrictRegex, b.Transformations}})
	if err != nil {
		return nil, err
	}
	return detectapi.DetectDeidentifyText200JSONResponse{Body: detectapi.DeidentifyFileResponse{RunId: ptr(id)}}, nil
}

// DetectGetRun reports a run's status and, when done, its outputs.
func (a *detectAPI) DetectGetRun(ctx context.Context, req detectapi.DetectGetRunRequestObject) (detectapi.DetectGetRunResponseObject, error) {
	vaultID := deref(req.Params.VaultId)
	if vaultID != "" {
		if _, err := a.s.vaultCtx(ctx, vaultID); err != nil {
			return nil, err
		}
	}
	out, err := a.s.runs.poll(req.RunID, vaultID)
	if err != nil {
		return nil, err
	}
	return runResponse{body: out}, nil
}

// DetectReidentifyFile re-identifies a text-like file at once (txt, csv,
// json, xml); the other formats come back unchanged.
func (a *detectAPI) DetectReidentifyFile(ctx context.Context, req detectapi.DetectReidentifyFileRequestObject) (detectapi.DetectReidentifyFileResponseObject, error) {
	b := req.Body
	v, err := a.s.vaultCtx(ctx, b.VaultId)
	if err != nil {
		return nil, err
	}
	data, err := base64.StdEncoding.DecodeString(b.File.Base64)
	if err != nil {
		return nil, badRequest("file.base64 is not valid base64")
	}
	format := string(b.File.DataFormat)
	switch format {
	case "txt", "csv", "json", "xml":
		data = []byte(detectengine.ReidentifyText(string(data), a.s.detect.resolver(v), engineFormat(b.Format)))
	}
	return detectapi.DetectReidentifyFile200JSONResponse{Body: detectapi.ReidentifyFileResponse{
		Status:     ptr(detectapi.DetectRunStatusSUCCESS),
		OutputType: ptr(detectapi.DetectOutputTypeBASE64),
		Output: &detectapi.ReidentifyFileResponseOutput{
			ProcessedFile:          ptr(base64.StdEncoding.EncodeToString(data)),
			ProcessedFileType:      ptr(detectapi.ReidentifiedFileTypeReidentifiedFile),
			ProcessedFileExtension: ptr(detectapi.ProcessedFileExtension(format)),
		},
	}}, nil
}

// toxicWords is the emulator's whole toxicity model.
var toxicWords = []string{"idiot", "stupid", "hate you", "kill you", "moron", "dumb"}

// DetectCheckGuardrails flags toxic words and denied topics by substring.
func (a *detectAPI) DetectCheckGuardrails(ctx context.Context, req detectapi.DetectCheckGuardrailsRequestObject) (detectapi.DetectCheckGuardrailsResponseObject, error) {
	b := req.Body
	if _, err := a.s.vaultCtx(ctx, b.VaultId); err != nil {
		return nil, err
	}
	lower := strings.ToLower(b.Text)
	toxic := false
	if deref(b.CheckToxicity) {
		for _, w := range toxicWords {
			if strings.Contains(lower, w) {
				toxic = true
				break
			}
		}
	}
	denied := false
	for _, topic := range b.DenyTopics {
		if t := strings.ToLower(strings.TrimSpace(topic)); t != "" && strings.Contains(lower, t) {
			denied = true
			break
		}
	}
	validation := detectapi.GuardrailsValidationPassed
	if toxic || denied {
		validation = detectapi.GuardrailsValidationFailed
	}
	return detectapi.DetectCheckGuardrails200JSONResponse{Body: detectapi.DetectGuardrailsResponse{
		Text: b.Text, Toxic: ptr(toxic), DeniedTopic: ptr(denied), Validation: validation,
	}}, nil
}
