package facade_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

// A run the server calls SUCCESS without any output is not a success: the
// caller would get no processed file, and OutputDirectory would receive an
// empty one.
func TestSucceededRunWithoutOutputIsUnexpected(t *testing.T) {
	for _, answer := range []string{`{"status":"SUCCESS"}`, `{"status":"SUCCESS","output":[]}`, `{"status":"SUCCESS","output":[{"processedFileType":"redacted_text"}]}`} {
		f := newFake(t)
		d := newDetect(t, f)
		dir := t.TempDir()
		f.on(startText, started(t, "Hello"))
		f.on(getRun, ok(answer))
		resp, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("Hello"), FileName: "a.txt", OutputDirectory: dir})
		if !errors.Is(err, skyflow.ErrUnexpectedResponse) {
			t.Errorf("%s: got %+v, %v", answer, resp, err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("%s: %d files written", answer, len(ents))
		}
		f.on(getRun, ok(answer))
		if resp, err := d.GetDetectRun(bg, facade.GetDetectRunRequest{RunID: "run-1"}); !errors.Is(err, skyflow.ErrUnexpectedResponse) {
			t.Errorf("GetDetectRun %s: got %+v, %v", answer, resp, err)
		}
	}
}

// ReidentifyFile is synchronous: an answer without the re-identified file,
// or with a status other than SUCCESS, is not a success.
func TestReidentifyFileWithoutOutputIsNotASuccess(t *testing.T) {
	for _, answer := range []string{`{}`, `{"status":"SUCCESS"}`, `{"status":"SUCCESS","output":{"processed_file_type":"reidentified_file"}}`,
		`{"status":"IN_PROGRESS"}`, `{"status":"UNKNOWN","output":{"processed_file":"SGVsbG8="}}`} {
		f := newFake(t)
		d := newDetect(t, f)
		f.on("POST /v1/detect/reidentify/file", ok(answer))
		resp, err := d.ReidentifyFile(bg, facade.ReidentifyFileRequest{Reader: strings.NewReader("Hello [NAME_1]"), FileName: "a.txt"})
		if !errors.Is(err, skyflow.ErrUnexpectedResponse) {
			t.Errorf("%s: got %+v, %v", answer, resp, err)
		}
	}
}

// A run id the server answers that a URL path would resolve away ("." or
// "..") is refused: the polls would go to another endpoint of the API,
// with the bearer token.
func TestDotRunIDIsRefused(t *testing.T) {
	for _, id := range []string{"..", ".", " .. "} {
		f := newFake(t)
		d := newDetect(t, f)
		f.on(startText, ok(`{"run_id":"`+id+`"}`))
		_, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("Hello"), FileName: "a.txt"})
		if !errors.Is(err, skyflow.ErrUnexpectedResponse) {
			t.Errorf("%q: got %v", id, err)
		}
		if n := len(f.requests()); n != 1 {
			t.Errorf("%q: %d requests, want only the start", id, n)
		}
	}
}
