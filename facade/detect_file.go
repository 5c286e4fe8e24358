package facade

import (
	"context"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
	gdetect "github.com/skyflowgo/skyflow/gen/detect"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// MaskingMethod says how detected entities are hidden in an image.
type MaskingMethod string

// The masking methods.
const (
	MaskingMethodBlur     MaskingMethod = "blur"
	MaskingMethodBlackbox MaskingMethod = "blackbox"
)

// Transcription is the kind of transcription returned for an audio file.
type Transcription string

// The transcription kinds the API accepts.
const (
	TranscriptionStandard        Transcription = "transcription"
	TranscriptionMedical         Transcription = "medical_transcription"
	TranscriptionDiarized        Transcription = "diarized_transcription"
	TranscriptionMedicalDiarized Transcription = "medical_diarized_transcription"
)

// Bleep configures the tone that replaces entities in processed audio.
// When a Bleep is given, all four values are sent.
type Bleep struct {
	// Gain of the tone, in dB (0 is a valid gain).
	Gain int
	// Frequency of the tone, in Hz (required, positive).
	Frequency int
	// StartPadding is the padding before each bleep, in seconds (≥ 0).
	StartPadding float64
	// StopPadding is the padding after each bleep, in seconds (≥ 0).
	StopPadding float64
}

// RunStatus is the status of a Detect run.
type RunStatus string

// The run statuses.
const (
	RunStatusInProgress RunStatus = "IN_PROGRESS"
	RunStatusSuccess    RunStatus = "SUCCESS"
	RunStatusFailed     RunStatus = "FAILED"
	RunStatusUnknown    RunStatus = "UNKNOWN"
)

// DefaultWaitTime is how long DeidentifyFile polls a run when WaitTime is
// zero.
const DefaultWaitTime = 64 * time.Second

// maxUnknownPolls is how many answers with status UNKNOWN (or any status
// the SDK does not know) DeidentifyFile accepts in one call before it gives
// up with a *RunFailedError. Each is followed by the next wait of the
// schedule, so an UNKNOWN run never causes a tight loop.
const maxUnknownPolls = 3

// DeidentifyFileRequest de-identifies a file. Give exactly one source:
// Reader (with FileName) or Path. The endpoint and the data format are
// chosen from the file name's extension:
//
//	txt                           text
//	mp3 wav                       audio
//	pdf                           PDF
//	jpg jpeg png bmp tif tiff     image
//	ppt pptx                      presentation
//	csv xls xlsx                  spreadsheet
//	doc docx                      document
//	json xml                      structured text
//	dcm jsonl                     generic file endpoint
//
// Other extensions are rejected before any call. Options of one file kind
// (image, PDF, audio) are rejected for files of another kind, and
// Transformations are accepted only for text, audio, structured text and
// generic files, as the API applies them only there.
type DeidentifyFileRequest struct {
	// Reader streams the content; FileName is then required. When Reader
	// is also an io.Seeker (an *os.File, *bytes.Reader, ...) the request
	// can be sent again after a 401 or a transient failure.
	Reader io.Reader
	// Path is a local file to de-identify.
	Path string
	// FileName names the file: its extension chooses the endpoint, and its
	// base name names the files written to OutputDirectory. It defaults to
	// the base name of Path.
	FileName string

	// Entities are the entity types to detect; empty means all.
	Entities []EntityType
	// TokenFormat chooses the token styles.
	TokenFormat TokenFormat
	// AllowRegex lists patterns whose matches are never de-identified
	// (compiled locally first, see DeidentifyTextRequest).
	AllowRegex []string
	// RestrictRegex lists patterns whose matches are always de-identified.
	RestrictRegex []string
	// Transformations are applied to detected entities (text, audio,
	// structured text and generic files only).
	Transformations Transformations

	// OutputProcessedImage asks for the processed image (images).
	OutputProcessedImage bool
	// OutputOCRText asks for the text recognised in the image (images).
	OutputOCRText bool
	// MaskingMethod says how entities are hidden (images).
	MaskingMethod MaskingMethod

	// PixelDensity is the pixel density used to render pages (PDF; 0 leaves
	// the API default).
	PixelDensity int
	// MaxResolution is the maximum resolution used to render pages (PDF; 0
	// leaves the API default).
	MaxResolution int

	// OutputProcessedAudio asks for the processed (bleeped) audio (audio).
	OutputProcessedAudio bool
	// OutputTranscription asks for a transcription of this kind (audio).
	OutputTranscription Transcription
	// Bleep configures the bleep tone (audio).
	Bleep *Bleep

	// OutputDirectory, when set, is an existing directory where the
	// processed file and the other outputs are written once the run
	// succeeds (see DeidentifyFile).
	OutputDirectory string
	// WaitTime bounds how long DeidentifyFile polls the run, poll requests
	// included (0: DefaultWaitTime). See DeidentifyFile for how it and ctx
	// end the wait.
	WaitTime time.Duration
}

// DeidentifyFileResponse is the result of DeidentifyFile and GetDetectRun.
// While the run is in progress only RunID and Status are set.
type DeidentifyFileResponse struct {
	// File is the processed file (the run's first output). It is held
	// once, decoded.
	File []byte
	// Type is the kind of the processed file, for example redacted_file,
	// redacted_image, redacted_audio or redacted_transcription.
	Type string
	// Extension is the processed file's extension, for example pdf.
	Extension string
	// WordCount and CharacterCount count the processed input.
	WordCount      int
	CharacterCount int
	// SizeKB is the input's size in KB.
	SizeKB float64
	// DurationSeconds is the length of an audio input.
	DurationSeconds float64
	// Pages is the number of pages of a document input.
	Pages int
	// Slides is the number of slides of a presentation input.
	Slides int
	// Entities are the run's other outputs, in order: entity lists (Type
	// "entities") and, for audio, transcriptions.
	Entities []FileEntity
	// RunID is the id of the run; pass it to GetDetectRun.
	RunID string
	// Status is the run's status: SUCCESS, or IN_PROGRESS when the run
	// did not finish within WaitTime.
	Status RunStatus
	// Message is the API's status message, if any.
	Message string
	// OutputFiles are the paths written to OutputDirectory: the processed
	// file first, then one file per entry of Entities.
	OutputFiles []string
	// RequestID is the id of the last request of the call.
	RequestID string
}

// FileEntity is one output of a run after the processed file.
type FileEntity struct {
	// File is the output, decoded.
	File []byte
	// Type is the output kind, for example entities.
	Type string
	// Extension is the output's extension, for example json.
	Extension string
}

// GetDetectRunRequest asks for the state of a de-identify run.
type GetDetectRunRequest struct {
	// RunID is the id returned by DeidentifyFile (required).
	RunID string
}

// DeidentifyFile de-identifies a file: it starts a run (POST
// /v1/detect/deidentify/file/..., chosen from the extension, see
// DeidentifyFileRequest) and polls it (GET /v1/detect/runs/{runID}).
//
// The file is streamed: it travels base64 encoded inside the JSON body, and
// is encoded while it is sent, so it is never held in memory whole. A path
// source (or a seekable File) is re-read when the request must be sent
// again; another reader is sent once.
//
// Polling starts at once, then waits 1 s, 2 s, 4 s, ... between polls. One
// rule ends the wait: WaitTime is the time the caller gives the run,
// measured from the first poll and covering the poll requests; ctx is the
// time the caller gives the whole call. So:
//
//   - SUCCESS: the response with the processed file and the other outputs,
//     written to OutputDirectory when it is set;
//   - FAILED: a *skyflow.RunFailedError carrying the API's message;
//   - UNKNOWN (or another unexpected status) three times: a
//     *skyflow.RunFailedError;
//   - WaitTime spent (while waiting or while a poll is under way): a
//     response with only RunID and Status IN_PROGRESS, and no error; resume
//     with GetDetectRun;
//   - ctx done, or a poll failed: a *skyflow.RunPollError carrying the run
//     id and the cause (errors.Is(err, context.DeadlineExceeded) when ctx
//     expired; skyflow.ErrUnexpectedResponse for a SUCCESS answer without
//     the run's output, or with an output that has no file).
//
// To get an IN_PROGRESS response rather than an error, give ctx a deadline
// later than WaitTime.
//
// With OutputDirectory, the processed file is written as
// processed-<base>.<ext>, where <base> is the input's base name without its
// extension (characters other than letters, digits, '.', '-' and '_'
// replaced by '_') and <ext> is the processed file's extension (letters and
// digits only). Each other output is written as
// processed-<base>.<type>.<ext>. Every file is written to a temporary file
// in the directory and renamed into place (mode 0600), so no half-written
// file is left behind, and its final path is checked to be inside the
// directory. When a write fails, DeidentifyFile returns the response (the
// processed data is in it, OutputFiles lists what was written) together
// with the error.
func (d *Detect) DeidentifyFile(ctx context.Context, req DeidentifyFileRequest) (*DeidentifyFileResponse, error) {
	plan, err := req.plan()
	if err != nil {
		return nil, err
	}
	s, err := d.c.vaultState(d.id)
	if err != nil {
		return nil, err
	}
	prefix, suffix, err := plan.bodyParts(s.id)
	if err != nil {
		return nil, err
	}
	const op = "DeidentifyFile"
	start := plan.kind.endpoint(s.detect)
	r, err := d.c.run(ctx, &operation{
		endpoint:   s.ep,
		name:       op,
		replayable: plan.src.replayable(),
		effect:     rewrites, // a second run does no harm
		limit:      d.c.maxResponse,
		timeout:    d.c.fileAttemptTimeout(),
	}, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		body, err := newBase64JSONBody(prefix, suffix, plan.src)
		if err != nil {
			return nil, err
		}
		defer body.Close()
		return start(ctx, "application/json", body, edit, body.editor)
	})
	if err != nil {
		return nil, err
	}
	var started gdetect.DeidentifyFileResponse
	if err := r.decode(op, &started); err != nil {
		return nil, err
	}
	if deref(started.RunId) == "" {
		return nil, r.unexpected(op, "the answer has no run_id", nil)
	}
	if checkPathParam("run_id", *started.RunId) != nil {
		// "." or "..": the polls would name another path of the API.
		return nil, r.unexpected(op, "the answer's run_id is not a usable path segment", nil)
	}
	runID := *started.RunId

	out, err := d.pollRun(ctx, op, s, runID, plan.wait)
	if err != nil || out.Status != RunStatusSuccess || plan.outDir == "" {
		return out, err
	}
	out.OutputFiles, err = writeOutputs(ctx, plan.outDir, plan.src.name, out)
	if err != nil {
		return out, err
	}
	return out, nil
}

// GetDetectRun returns the state of a de-identify run with one call (GET
// /v1/detect/runs/{runID}, operation DetectGetRun). A run in progress (or
// UNKNOWN) gives a response with only RunID and Status; a FAILED run gives a
// *skyflow.RunFailedError. GetDetectRun never writes files.
func (d *Detect) GetDetectRun(ctx context.Context, req GetDetectRunRequest) (*DeidentifyFileResponse, error) {
	if err := checkPathParam("RunID", req.RunID); err != nil {
		return nil, err
	}
	s, err := d.c.vaultState(d.id)
	if err != nil {
		return nil, err
	}
	const op = "GetDetectRun"
	run, rid, err := d.getRun(ctx, op, s, req.RunID)
	if err != nil {
		return nil, err
	}
	status := runStatus(run)
	switch status {
	case RunStatusSuccess:
		return runResponse(run, req.RunID, rid)
	case RunStatusFailed:
		return nil, runFailed(op, req.RunID, status, run, rid)
	}
	return &DeidentifyFileResponse{RunID: req.RunID, Status: status, Message: deref(run.Message), RequestID: rid}, nil
}

func runFailed(op, runID string, status RunStatus, run *gdetect.DetectRunsResponse, rid string) *skyflow.RunFailedError {
	return &skyflow.RunFailedError{Operation: op, RunID: runID, Status: string(status), Message: deref(run.Message), RequestID: rid}
}

// pollWaits is the polling schedule: 1 s, 2 s, 4 s, ... with the last wait
// cut so the waits add up to total.
func pollWaits(total time.Duration) []time.Duration {
	var out []time.Duration
	var sum time.Duration
	for next := time.Second; sum < total; next *= 2 {
		w := min(next, total-sum)
		out = append(out, w)
		sum += w
	}
	return out
}

// pollRun polls a run until it ends, total has elapsed, or ctx is done.
// total bounds the whole wait, poll requests included: when it runs out,
// during a wait or during a poll, the run is reported IN_PROGRESS.
func (d *Detect) pollRun(ctx context.Context, op string, s *vaultState, runID string, total time.Duration) (*DeidentifyFileResponse, error) {
	waits := pollWaits(total)
	deadline := time.Now().Add(total)
	pollCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	inProgress := func(msg, rid string) *DeidentifyFileResponse {
		return &DeidentifyFileResponse{RunID: runID, Status: RunStatusInProgress, Message: msg, RequestID: rid}
	}
	unknown := 0
	for i := 0; ; i++ {
		run, rid, err := d.getRun(pollCtx, op, s, runID)
		if err != nil {
			if ctx.Err() == nil && pollCtx.Err() != nil {
				return inProgress("", ""), nil // the wait time ran out during the poll
			}
			return nil, &skyflow.RunPollError{Operation: op, RunID: runID, Err: err}
		}
		status := runStatus(run)
		if d.c.logger.Enabled(ctx, slog.LevelDebug) {
			d.c.logger.LogAttrs(ctx, slog.LevelDebug, "detect run polled",
				slog.String("operation", op), slog.String("vault_id", s.id),
				slog.String("run_id", runID), slog.String("status", string(status)), slog.Int("poll", i+1))
		}
		switch status {
		case RunStatusSuccess:
			return runResponse(run, runID, rid)
		case RunStatusFailed:
			return nil, runFailed(op, runID, status, run, rid)
		case RunStatusInProgress:
		default:
			unknown++
			if unknown >= maxUnknownPolls || i >= len(waits) {
				return nil, runFailed(op, runID, status, run, rid)
			}
		}
		wait := time.Duration(0)
		if i < len(waits) {
			wait = min(waits[i], time.Until(deadline))
		}
		if wait <= 0 {
			if status == RunStatusInProgress {
				return inProgress(deref(run.Message), rid), nil
			}
			return nil, runFailed(op, runID, status, run, rid)
		}
		if err := d.wait(ctx, wait); err != nil {
			return nil, &skyflow.RunPollError{Operation: op, RunID: runID, Err: err}
		}
	}
}

// wait waits for dur on the handle's clock, or until ctx is done.
func (d *Detect) wait(ctx context.Context, dur time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-d.clock.After(dur):
		return nil
	}
}

func (d *Detect) getRun(ctx context.Context, op string, s *vaultState, runID string) (*gdetect.DetectRunsResponse, string, error) {
	params := &gdetect.DetectGetRunParams{VaultId: &s.id}
	r, err := d.c.run(ctx, &operation{
		endpoint:   s.ep,
		name:       op,
		replayable: true,
		effect:     reads,
		limit:      d.c.maxFileResponse,
		timeout:    d.c.fileAttemptTimeout(),
	}, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.detect.DetectGetRun(ctx, runID, params, edit)
	})
	if err != nil {
		return nil, "", err
	}
	var run gdetect.DetectRunsResponse
	if err := r.decode(op, &run); err != nil {
		return nil, "", err
	}
	if runStatus(&run) == RunStatusSuccess {
		// A finished run carries its processed file: a SUCCESS without it
		// would be reported (and written to OutputDirectory) as an empty
		// file.
		if len(run.Output) == 0 {
			return nil, "", r.unexpected(op, "the run succeeded without any output", nil)
		}
		for _, o := range run.Output {
			if o.ProcessedFile == nil {
				return nil, "", r.unexpected(op, "an output of the run has no processedFile", nil)
			}
		}
	}
	return &run, r.requestID, nil
}

func runStatus(r *gdetect.DetectRunsResponse) RunStatus {
	return RunStatus(strings.ToUpper(string(deref(r.Status))))
}

// runResponse converts a finished run.
func runResponse(r *gdetect.DetectRunsResponse, runID, rid string) (*DeidentifyFileResponse, error) {
	out := &DeidentifyFileResponse{
		RunID:           runID,
		Status:          RunStatusSuccess,
		Message:         deref(r.Message),
		SizeKB:          deref(r.Size),
		DurationSeconds: deref(r.Duration),
		Pages:           int(deref(r.Pages)),
		Slides:          int(deref(r.Slides)),
		RequestID:       rid,
	}
	if wc := r.WordCharacterCount; wc != nil {
		out.WordCount = int(deref(wc.WordCount))
		out.CharacterCount = int(deref(wc.CharacterCount))
	}
	for i, o := range r.Output {
		typ, ext := string(deref(o.ProcessedFileType)), string(deref(o.ProcessedFileExtension))
		if i == 0 {
			out.File, out.Type, out.Extension = o.ProcessedFile, typ, ext
			continue
		}
		out.Entities = append(out.Entities, FileEntity{File: o.ProcessedFile, Type: typ, Extension: ext})
	}
	return out, nil
}

// fileKind is a Detect file endpoint.
type fileKind int

const (
	kindGeneric fileKind = iota
	kindText
	kindAudio
	kindPDF
	kindImage
	kindPresentation
	kindSpreadsheet
	kindDocument
	kindStructured
)

func kindOf(ext string) (fileKind, bool) {
	switch ext {
	case "txt":
		return kindText, true
	case "mp3", "wav":
		return kindAudio, true
	case "pdf":
		return kindPDF, true
	case "jpg", "jpeg", "png", "bmp", "tif", "tiff":
		return kindImage, true
	case "ppt", "pptx":
		return kindPresentation, true
	case "csv", "xls", "xlsx":
		return kindSpreadsheet, true
	case "doc", "docx":
		return kindDocument, true
	case "json", "xml":
		return kindStructured, true
	}
	if gdetect.FileDataDataFormat(ext).Valid() {
		return kindGeneric, true
	}
	return 0, false
}

// transformable reports whether the API applies transformations to files
// of the kind.
func (k fileKind) transformable() bool {
	switch k {
	case kindText, kindAudio, kindStructured, kindGeneric:
		return true
	}
	return false
}

type startFn func(ctx context.Context, contentType string, body io.Reader, reqEditors ...gdetect.RequestEditorFn) (*http.Response, error)

func (k fileKind) endpoint(api *gdetect.Client) startFn {
	switch k {
	case kindText:
		return api.DetectDeidentifyTextWithBody
	case kindAudio:
		return api.DetectDeidentifyAudioWithBody
	case kindPDF:
		return api.DetectDeidentifyPdfWithBody
	case kindImage:
		return api.DetectDeidentifyImageWithBody
	case kindPresentation:
		return api.DetectDeidentifyPresentationWithBody
	case kindSpreadsheet:
		return api.DetectDeidentifySpreadsheetWithBody
	case kindDocument:
		return api.DetectDeidentifyDocumentWithBody
	case kindStructured:
		return api.DetectDeidentifyStructuredTextWithBody
	}
	return api.DetectDeidentifyFileWithBody
}

// filePlan is a validated DeidentifyFileRequest.
type filePlan struct {
	req    *DeidentifyFileRequest
	src    *fileSource
	kind   fileKind
	ext    string
	opts   detectOptions
	wait   time.Duration
	outDir string
}

func (r *DeidentifyFileRequest) plan() (*filePlan, error) {
	p := &filePlan{req: r}
	var err error
	if p.src, err = r.source(); err != nil {
		return nil, err
	}
	p.ext = strings.ToLower(strings.TrimPrefix(filepath.Ext(p.src.name), "."))
	if p.ext == "" {
		return nil, errs.Invalid("FileName", "has no extension; the extension chooses the file type")
	}
	var ok bool
	if p.kind, ok = kindOf(p.ext); !ok {
		return nil, errs.Invalid("FileName", "has an unsupported extension %q", p.ext)
	}
	if err := r.checkKindOptions(p.kind); err != nil {
		return nil, err
	}
	if p.opts, err = buildDetectOptions(r.Entities, r.TokenFormat, r.AllowRegex, r.RestrictRegex, r.Transformations); err != nil {
		return nil, err
	}
	switch {
	case r.WaitTime == 0:
		p.wait = DefaultWaitTime
	case r.WaitTime < 0:
		return nil, errs.Invalid("WaitTime", "must not be negative (0 for the default, 64s)")
	default:
		p.wait = r.WaitTime
	}
	if r.OutputDirectory != "" {
		if p.outDir, err = checkOutputDirectory(r.OutputDirectory); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (r *DeidentifyFileRequest) source() (*fileSource, error) {
	return fileInput(r.Reader, r.FileName, r.Path)
}

// fileInput checks a Detect file source, Reader (with name) or Path, and
// opens it lazily.
func fileInput(file io.Reader, fileName, filePath string) (*fileSource, error) {
	switch {
	case file != nil && filePath != "":
		return nil, errs.Invalid("Reader/Path", "give either Reader or Path, not both")
	case filePath != "":
		fi, err := os.Stat(filePath)
		if err != nil {
			return nil, &skyflow.ValidationError{Field: "Path", Reason: "cannot be read: " + errReason(err), Err: pathless(err)}
		}
		if !fi.Mode().IsRegular() {
			return nil, errs.Invalid("Path", "is not a regular file")
		}
		if fi.Size() == 0 {
			return nil, errs.Invalid("Path", "is an empty file")
		}
		name := fileName
		if name == "" {
			name = filepath.Base(filePath)
		}
		path := filePath
		return &fileSource{name: name, size: fi.Size(), open: func() (io.ReadCloser, error) { return os.Open(path) }}, nil
	case file != nil:
		if strings.TrimSpace(fileName) == "" {
			return nil, errs.Invalid("FileName", "is required with Reader")
		}
		src, err := readerSource(file, fileName)
		if err != nil {
			return nil, err
		}
		if src.size == 0 {
			return nil, errs.Invalid("Reader", "is empty")
		}
		return src, nil
	}
	return nil, errs.Invalid("Reader/Path", "a file source is required")
}

// checkKindOptions rejects options that do not apply to the file's kind,
// and invalid option values.
func (r *DeidentifyFileRequest) checkKindOptions(k fileKind) error {
	only := func(field, kind string) error {
		return errs.Invalid(field, "applies only to %s files", kind)
	}
	if k != kindImage {
		switch {
		case r.OutputProcessedImage:
			return only("OutputProcessedImage", "image")
		case r.OutputOCRText:
			return only("OutputOCRText", "image")
		case r.MaskingMethod != "":
			return only("MaskingMethod", "image")
		}
	}
	if k != kindPDF {
		switch {
		case r.PixelDensity != 0:
			return only("PixelDensity", "pdf")
		case r.MaxResolution != 0:
			return only("MaxResolution", "pdf")
		}
	}
	if k != kindAudio {
		switch {
		case r.OutputProcessedAudio:
			return only("OutputProcessedAudio", "audio")
		case r.OutputTranscription != "":
			return only("OutputTranscription", "audio")
		case r.Bleep != nil:
			return only("Bleep", "audio")
		}
	}
	if r.Transformations.ShiftDates != nil && !k.transformable() {
		return errs.Invalid("Transformations", "apply only to text, audio, structured text and generic files")
	}
	if r.MaskingMethod != "" && !gdetect.DeidentifyImageMaskingMethod(r.MaskingMethod).Valid() {
		return errs.Invalid("MaskingMethod", "must be blur or blackbox")
	}
	if r.OutputTranscription != "" && !gdetect.DeidentifyAudioOutputTranscription(r.OutputTranscription).Valid() {
		return errs.Invalid("OutputTranscription", "must be transcription, medical_transcription, diarized_transcription or medical_diarized_transcription")
	}
	if r.PixelDensity < 0 || r.PixelDensity > math.MaxInt32 {
		return errs.Invalid("PixelDensity", "must be positive (or 0 for the default)")
	}
	if r.MaxResolution < 0 || r.MaxResolution > math.MaxInt32 {
		return errs.Invalid("MaxResolution", "must be positive (or 0 for the default)")
	}
	if b := r.Bleep; b != nil {
		switch {
		case b.Frequency < 1 || b.Frequency > math.MaxInt32:
			return errs.Invalid("Bleep.Frequency", "must be a positive number of Hz")
		case b.Gain < math.MinInt32 || b.Gain > math.MaxInt32:
			return errs.Invalid("Bleep.Gain", "is out of range")
		case !(b.StartPadding >= 0) || math.IsInf(b.StartPadding, 0):
			return errs.Invalid("Bleep.StartPadding", "must be a finite number of seconds, at least 0")
		case !(b.StopPadding >= 0) || math.IsInf(b.StopPadding, 0):
			return errs.Invalid("Bleep.StopPadding", "must be a finite number of seconds, at least 0")
		}
	}
	return nil
}

func ptrIf[T any](set bool, v T) *T {
	if !set {
		return nil
	}
	return &v
}
