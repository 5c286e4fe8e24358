package mockserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// opDeidentifyFile is the generic de-identify file endpoint, whose
// data_format official SDKs send in other forms than the spec's lower-case
// enum (wire-format.md §13): Go sends the extension in upper case ("DCM",
// "JSONL"), Python the lower-case extension, which may be "" for a file
// without one. The real API takes them; so does the emulator.
const opDeidentifyFile = "DetectDeidentifyFile"

// normalizeDataFormat rewrites file.data_format of a generic de-identify
// file request before validation: any case is accepted (lower-cased), and
// "" is decided from the content (see sniffFormat). A body that is not a
// JSON object with a string data_format is left for validation to reject.
func normalizeDataFormat(r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	var top map[string]json.RawMessage
	var file map[string]json.RawMessage
	var format string
	if json.Unmarshal(body, &top) != nil || json.Unmarshal(top["file"], &file) != nil || json.Unmarshal(file["data_format"], &format) != nil {
		return nil
	}
	norm := strings.ToLower(strings.TrimSpace(format))
	if norm == "" {
		var b64 string
		_ = json.Unmarshal(file["base64"], &b64)
		data, _ := base64.StdEncoding.DecodeString(b64)
		norm = sniffFormat(data)
	}
	if norm == format {
		return nil
	}
	file["data_format"], _ = json.Marshal(norm)
	top["file"], _ = json.Marshal(file)
	if body, err = json.Marshal(top); err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return nil
}

// sniffFormat names the format of a file sent without one: PDF, the image
// and audio formats by their signatures, a ZIP container as docx (returned
// unchanged, like every office format), JSON, JSON lines and XML by their
// syntax, and anything else as txt.
func sniffFormat(data []byte) string {
	switch ct := http.DetectContentType(data); {
	case strings.HasPrefix(ct, "application/pdf"):
		return "pdf"
	case ct == "image/png":
		return "png"
	case ct == "image/jpeg":
		return "jpg"
	case ct == "image/bmp":
		return "bmp"
	case ct == "audio/wave":
		return "wav"
	case ct == "audio/mpeg":
		return "mp3"
	case ct == "application/zip":
		return "docx"
	}
	if bytes.HasPrefix(data, []byte("II*\x00")) || bytes.HasPrefix(data, []byte("MM\x00*")) {
		return "tiff"
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case json.Valid(trimmed) && len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		return "json"
	case len(trimmed) > 0 && trimmed[0] == '{' && jsonLines(trimmed):
		return "jsonl"
	case len(trimmed) > 0 && trimmed[0] == '<':
		return "xml"
	}
	return "txt"
}

// jsonLines reports whether every non-empty line is a JSON value.
func jsonLines(data []byte) bool {
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if l := bytes.TrimSpace(line); len(l) > 0 && !json.Valid(l) {
			return false
		}
	}
	return true
}
