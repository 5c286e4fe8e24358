package detectengine

import (
	"encoding/json"
	"strings"
)

// OutputType is a value of the Detect ProcessedFileType enum: the kind of
// one output of a run.
type OutputType string

// The ProcessedFileType values.
const (
	OutputRedactedAudio                    OutputType = "redacted_audio"
	OutputRedactedImage                    OutputType = "redacted_image"
	OutputRedactedTranscription            OutputType = "redacted_transcription"
	OutputRedactedFile                     OutputType = "redacted_file"
	OutputRedactedText                     OutputType = "redacted_text"
	OutputEntities                         OutputType = "entities"
	OutputRedactedTranscriptionDiarizeJSON OutputType = "redacted_transcription_diarize_json"
)

// FileFormats returns the data formats a de-identify file request accepts
// (the FileDataDataFormat enum). The slice is a fresh copy on every call.
func FileFormats() []string {
	return []string{"mp3", "wav", "pdf", "txt", "csv", "json", "jpg", "jpeg", "tif", "tiff",
		"png", "bmp", "xls", "xlsx", "doc", "docx", "ppt", "pptx", "xml", "dcm", "jsonl"}
}

// OutputExtensions returns the values of the ProcessedFileExtension enum,
// the only extensions [FileOutput.Extension] takes. The slice is a fresh
// copy on every call.
func OutputExtensions() []string {
	return []string{"mp3", "wav", "pdf", "txt", "csv", "json", "jpg", "jpeg", "tif", "tiff",
		"png", "bmp", "xls", "xlsx", "doc", "docx", "ppt", "pptx", "xml", "dcm"}
}

// FileOptions configure a file de-identification.
type FileOptions struct {
	Options
	// Transcription is the audio output_transcription option: empty for
	// none; "diarized_transcription" and "medical_diarized_transcription"
	// add a redacted_transcription_diarize_json output, any other value
	// (transcription, medical_transcription, plaintext_transcription) a
	// redacted_transcription text output. The engine does no speech
	// recognition, so transcriptions are empty.
	Transcription string
}

// FileOutput is one output of a run: the wire DeidentifiedFileOutput before
// base64 encoding.
type FileOutput struct {
	// Data is the file content.
	Data []byte
	// Type is the output's ProcessedFileType.
	Type OutputType
	// Extension is a ProcessedFileExtension value.
	Extension string
}

// FileResult is the outcome of de-identifying a file: what a successful
// DetectRunsResponse reports.
type FileResult struct {
	// Outputs come in this order: the processed file, the entities JSON,
	// then (audio with a transcription option) the transcription.
	Outputs []FileOutput
	// Entities are every de-identified entity, in file order; their
	// locations are relative to the text piece named by Path.
	Entities []Entity
	// WordCount and CharacterCount count the text the engine processed
	// (zero for formats whose content is not read).
	WordCount, CharacterCount int
	// SizeKB is the input size in KB (1024 bytes).
	SizeKB float64
	// DurationSeconds is the audio duration, when it can be read.
	DurationSeconds float64
	// Pages is the number of pages of a PDF input.
	Pages int
	// Slides is the number of slides of a presentation (best effort; 1 when
	// it cannot be told).
	Slides int
}

// DeidentifyFile de-identifies a file of one of [FileFormats] (matched
// case-insensitively); opts are the same as for text, applied across the
// whole file (the same value gets the same counter token everywhere).
//
// Per format:
//   - txt: the whole file as text; output redacted_text, extension txt.
//   - csv: every cell on its own, the shape kept (Path "R<row>C<col>", 1-based);
//     quotes must follow RFC 4180, rows may differ in length.
//   - json: every string value (keys, numbers, booleans and nulls untouched,
//     key order kept); Path is a JSON Pointer. Indented output when the input
//     spans several lines.
//   - jsonl: every line as json; the output keeps the JSON Lines layout and
//     gets the extension json, as the extension enum has no jsonl (Path is
//     "<line>:<JSON Pointer>").
//   - xml: every text node and attribute value (not namespace declarations);
//     Path is the element path, with "/@name" for attributes.
//   - pdf: literal strings of uncompressed content streams are read and
//     de-identified, and a new one-font PDF carrying the processed text is
//     returned. When no text can be read, the PDF says so and how many
//     entities were found (zero).
//   - png, jpg, jpeg, bmp, tif, tiff: the input when it is a well-formed
//     image of its format, else a small blank image of that format.
//   - wav: a PCM WAV of silence with the input's format and duration (an
//     empty WAV when the input cannot be read); mp3: the input.
//   - doc, docx, xls, xlsx, ppt, pptx, dcm: the input, unchanged.
//
// Text-like formats that do not parse give a [*FileError]; an unknown format
// gives an [*OptionError].
func (e *Engine) DeidentifyFile(data []byte, format string, opts FileOptions) (FileResult, error) {
	s, err := e.newSession(opts.Options)
	if err != nil {
		return FileResult{}, err
	}
	format = strings.ToLower(format)
	res := FileResult{SizeKB: float64(len(data)) / 1024}
	fp := &fileProcessor{s: s, res: &res}
	var main FileOutput
	switch format {
	case "txt":
		out, err := fp.text(string(data), "")
		if err != nil {
			return FileResult{}, err
		}
		main = FileOutput{Data: []byte(out), Type: OutputRedactedText, Extension: "txt"}
	case "csv":
		main, err = fp.csv(data)
	case "json":
		main, err = fp.json(data)
	case "jsonl":
		main, err = fp.jsonl(data)
	case "xml":
		main, err = fp.xml(data)
	case "pdf":
		main, err = fp.pdf(data)
	case "png", "jpg", "jpeg", "bmp", "tif", "tiff":
		main = imageOutput(data, format)
	case "wav":
		var dur float64
		main, dur = wavOutput(data)
		res.DurationSeconds = dur
	case "mp3":
		main = FileOutput{Data: data, Type: OutputRedactedAudio, Extension: "mp3"}
		res.DurationSeconds = mp3Duration(data)
	case "ppt", "pptx":
		main = FileOutput{Data: data, Type: OutputRedactedFile, Extension: format}
		res.Slides = slideCount(data, format)
	case "doc", "docx", "xls", "xlsx", "dcm":
		main = FileOutput{Data: data, Type: OutputRedactedFile, Extension: format}
	default:
		return FileResult{}, &OptionError{Field: "data_format", Index: -1, Reason: "not a supported file format"}
	}
	if err != nil {
		return FileResult{}, err
	}
	if res.Entities == nil {
		res.Entities = []Entity{}
	}
	ents, err := json.MarshalIndent(res.Entities, "", "  ")
	if err != nil {
		return FileResult{}, err
	}
	res.Outputs = []FileOutput{main, {Data: ents, Type: OutputEntities, Extension: "json"}}
	if (format == "wav" || format == "mp3") && opts.Transcription != "" {
		if strings.Contains(opts.Transcription, "diarized") {
			res.Outputs = append(res.Outputs, FileOutput{Data: []byte("[]"), Type: OutputRedactedTranscriptionDiarizeJSON, Extension: "json"})
		} else {
			res.Outputs = append(res.Outputs, FileOutput{Data: []byte{}, Type: OutputRedactedTranscription, Extension: "txt"})
		}
	}
	return res, nil
}

// DeidentifyFile is [Engine.DeidentifyFile] on a fresh Engine.
func DeidentifyFile(data []byte, format string, opts FileOptions) (FileResult, error) {
	return New().DeidentifyFile(data, format, opts)
}

// fileProcessor de-identifies the text pieces of one file with one session
// and accumulates the result.
type fileProcessor struct {
	s   *session
	res *FileResult
}

// text de-identifies one piece of a file.
func (fp *fileProcessor) text(piece, path string) (string, error) {
	r, err := fp.s.deidentify(piece, path)
	if err != nil {
		return "", err
	}
	fp.res.Entities = append(fp.res.Entities, r.Entities...)
	fp.res.WordCount += r.WordCount
	fp.res.CharacterCount += r.CharacterCount
	return r.ProcessedText, nil
}
