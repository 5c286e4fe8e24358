package facade_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

// started answers the start of a run, checking that the JSON body
// carries the file base64 encoded, with its length.
func started(t *testing.T, content string) handler {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		want := `"base64":"` + base64.StdEncoding.EncodeToString([]byte(content)) + `"`
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("the body lacks the encoded file: %.200s", body)
		}
		if r.ContentLength != int64(len(body)) {
			t.Errorf("Content-Length %d for %d bytes", r.ContentLength, len(body))
		}
		ok(`{"run_id":"run-1"}`)(w, r, body)
	}
}

func TestDeidentifyFileEndpointsAndOptions(t *testing.T) {
	content := strings.Repeat("0123456789", 10_000) // several base64 chunks
	for _, c := range []struct {
		ext, path string
		req       facade.DeidentifyFileRequest
		want      map[string]any
	}{
		{"txt", "text", facade.DeidentifyFileRequest{Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 1, MaxDays: 2}}},
			map[string]any{"transformations": map[string]any{"shift_dates": map[string]any{"min_days": 1.0, "max_days": 2.0}}}},
		{"mp3", "audio", facade.DeidentifyFileRequest{OutputProcessedAudio: true, OutputTranscription: facade.TranscriptionDiarized,
			Bleep: &facade.Bleep{Gain: -3, Frequency: 1000, StartPadding: 0.1, StopPadding: 0.2}},
			map[string]any{"output_processed_audio": true, "output_transcription": "diarized_transcription", "bleep_gain": -3.0,
				"bleep_frequency": 1000.0, "bleep_start_padding": 0.1, "bleep_stop_padding": 0.2}},
		{"pdf", "document/pdf", facade.DeidentifyFileRequest{PixelDensity: 150, MaxResolution: 2000},
			map[string]any{"density": 150.0, "max_resolution": 2000.0}},
		{"png", "image", facade.DeidentifyFileRequest{OutputProcessedImage: true, OutputOCRText: true, MaskingMethod: facade.MaskingMethodBlur},
			map[string]any{"output_processed_image": true, "output_ocr_text": true, "masking_method": "blur"}},
		{"pptx", "presentation", facade.DeidentifyFileRequest{}, map[string]any{}},
		{"csv", "spreadsheet", facade.DeidentifyFileRequest{}, map[string]any{}},
		{"docx", "document", facade.DeidentifyFileRequest{}, map[string]any{}},
		{"json", "structured_text", facade.DeidentifyFileRequest{Entities: []facade.EntityType{facade.EntitySSN}},
			map[string]any{"entity_types": []any{"ssn"}}},
		{"dcm", "", facade.DeidentifyFileRequest{TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken},
			AllowRegex: []string{"a"}, RestrictRegex: []string{"b"}},
			map[string]any{"token_type": map[string]any{"default": "vault_token"}, "allow_regex": []any{"a"}, "restrict_regex": []any{"b"}}},
	} {
		f := newFake(t)
		route := "POST /v1/detect/deidentify/file"
		if c.path != "" {
			route += "/" + c.path
		}
		f.on(route, started(t, content))
		f.on(getRun, succeeded())
		d := newDetect(t, f)
		req := c.req
		req.Reader, req.FileName = bytes.NewReader([]byte(content)), "input."+strings.ToUpper(c.ext)
		if _, err := d.DeidentifyFile(bg, req); err != nil {
			t.Fatalf("%s: %v", c.ext, err)
		}
		body := f.requests()[0].json(t)
		file := body["file"].(map[string]any)
		if file["data_format"] != c.ext || body["vault_id"] != vaultID {
			t.Errorf("%s: file %v", c.ext, body)
		}
		delete(body, "file")
		delete(body, "vault_id")
		if !reflect.DeepEqual(body, c.want) {
			t.Errorf("%s: options %v\nwant %v", c.ext, body, c.want)
		}
	}
}

func TestDeidentifyFileValidation(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	_ = os.WriteFile(empty, nil, 0o600)
	d := newDetect(t, newFake(t))
	r := func() io.Reader { return strings.NewReader("x") }
	for _, c := range []struct {
		req   facade.DeidentifyFileRequest
		field string
	}{
		{facade.DeidentifyFileRequest{}, "Reader/Path"},
		{facade.DeidentifyFileRequest{Reader: r(), Path: "a.txt"}, "Reader/Path"},
		{facade.DeidentifyFileRequest{Reader: r()}, "FileName"},
		{facade.DeidentifyFileRequest{Reader: strings.NewReader(""), FileName: "a.txt"}, "Reader"},
		{facade.DeidentifyFileRequest{Path: filepath.Join(dir, "none.txt")}, "Path"},
		{facade.DeidentifyFileRequest{Path: dir}, "Path"},
		{facade.DeidentifyFileRequest{Path: empty}, "Path"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "noext"}, "FileName"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.exe"}, "FileName"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", OutputProcessedImage: true}, "OutputProcessedImage"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", OutputOCRText: true}, "OutputOCRText"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", MaskingMethod: facade.MaskingMethodBlackbox}, "MaskingMethod"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", PixelDensity: 1}, "PixelDensity"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", MaxResolution: 1}, "MaxResolution"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", OutputProcessedAudio: true}, "OutputProcessedAudio"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", OutputTranscription: facade.TranscriptionStandard}, "OutputTranscription"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", Bleep: &facade.Bleep{Frequency: 1}}, "Bleep"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.pdf", Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 1, MaxDays: 1}}}, "Transformations"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.png", MaskingMethod: "smudge"}, "MaskingMethod"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.wav", OutputTranscription: "poem"}, "OutputTranscription"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.pdf", PixelDensity: -1}, "PixelDensity"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.pdf", MaxResolution: -1}, "MaxResolution"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.wav", Bleep: &facade.Bleep{}}, "Bleep.Frequency"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.wav", Bleep: &facade.Bleep{Frequency: 1, Gain: 1 << 40}}, "Bleep.Gain"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.wav", Bleep: &facade.Bleep{Frequency: 1, StartPadding: -1}}, "Bleep.StartPadding"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.wav", Bleep: &facade.Bleep{Frequency: 1, StopPadding: -1}}, "Bleep.StopPadding"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", Entities: []facade.EntityType{"planet"}}, "Entities[0]"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", WaitTime: -1}, "WaitTime"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", OutputDirectory: filepath.Join(dir, "none")}, "OutputDirectory"},
		{facade.DeidentifyFileRequest{Reader: r(), FileName: "a.txt", OutputDirectory: empty}, "OutputDirectory"},
	} {
		_, err := d.DeidentifyFile(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want %s", c.req, err, c.field)
		}
	}
	_, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Path: filepath.Join(dir, "none.txt")})
	if !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), dir) {
		t.Fatalf("a missing file: %v", err)
	}
}

func TestDeidentifyFileFromAPathWritesTheOutputs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "my notes (v2).txt")
	if err := os.WriteFile(in, []byte("Hello Ann Lee"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	f := newFake(t)
	f.on(startText, started(t, "Hello Ann Lee"))
	f.on(getRun, succeeded())
	d := newDetect(t, f)
	resp, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Path: in, OutputDirectory: out})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(out, "processed-my_notes__v2_.txt"), filepath.Join(out, "processed-my_notes__v2_.entities.json")}
	if !reflect.DeepEqual(resp.OutputFiles, want) {
		t.Fatalf("OutputFiles %v\nwant %v", resp.OutputFiles, want)
	}
	for i, content := range []string{"Hello [NAME_1]", `[{"entity":"name"}]`} {
		data, err := os.ReadFile(want[i])
		fi, _ := os.Stat(want[i])
		if err != nil || string(data) != content || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %q %v %v", want[i], data, err, fi.Mode())
		}
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2 {
		t.Fatalf("no temporary file is left behind: %v", entries)
	}
}

func TestDeidentifyFileOutputNames(t *testing.T) {
	out := t.TempDir()
	b64 := base64.StdEncoding.EncodeToString([]byte("x"))
	f := newFake(t)
	f.on(startText, ok(`{"run_id":"run-1"}`))
	f.on(getRun, ok(`{"status":"SUCCESS","output":[`+
		`{"processedFile":"`+b64+`","processedFileExtension":"../../etc"},`+
		`{"processedFile":"`+b64+`","processedFileType":"entities"},`+
		`{"processedFile":"`+b64+`","processedFileType":"entities"},`+
		`{"processedFile":"`+b64+`","processedFileType":"../x","processedFileExtension":"j/s"}]}`))
	d := newDetect(t, f)
	resp, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("a"), FileName: `..\..\.hidden.txt`, OutputDirectory: out})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range resp.OutputFiles {
		if filepath.Dir(p) != out {
			t.Fatalf("%s is outside the directory", p)
		}
		names = append(names, filepath.Base(p))
	}
	want := []string{"processed-hidden.etc", "processed-hidden.entities.bin", "processed-hidden.entities-2.bin", "processed-hidden.x.js"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("names %v\nwant %v", names, want)
	}

	// Without usable names: "file", the input's extension, "output", "bin".
	f.on(getRun, ok(`{"status":"SUCCESS","output":[{"processedFile":"`+b64+`"},{"processedFile":"`+b64+`","processedFileType":"!!"}]}`))
	out2 := t.TempDir()
	resp, err = d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("a"), FileName: "!!!.txt", OutputDirectory: out2})
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{filepath.Base(resp.OutputFiles[0]), filepath.Base(resp.OutputFiles[1])}; !reflect.DeepEqual(got, []string{"processed-___.txt", "processed-___.output.bin"}) {
		t.Fatalf("names %v", got)
	}
	f.on(getRun, ok(`{"status":"SUCCESS","output":[{"processedFile":"`+b64+`"}]}`))
	resp, err = d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("a"), FileName: ".txt", OutputDirectory: t.TempDir()})
	if err != nil || filepath.Base(resp.OutputFiles[0]) != "processed-file.txt" {
		t.Fatalf("%v %v", resp.OutputFiles, err)
	}
}

// A write that fails returns the response (the data is in it) with a
// *FileError naming the output.
func TestDeidentifyFileWriteFailure(t *testing.T) {
	out := t.TempDir()
	f := newFake(t)
	f.on(startText, ok(`{"run_id":"run-1"}`))
	// The processed file's name is taken by a directory: the rename fails.
	if err := os.Mkdir(filepath.Join(out, "processed-notes.txt"), 0o700); err != nil {
		t.Fatal(err)
	}
	f.on(getRun, succeeded())
	d := newDetect(t, f)
	resp, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("a"), FileName: "notes.txt", OutputDirectory: out})
	var fe *skyflow.FileError
	if !errors.As(err, &fe) || fe.Operation != "DeidentifyFile" || fe.Op != "write" || fe.Output != 0 {
		t.Fatalf("got %#v", err)
	}
	if resp == nil || string(resp.File) != "Hello [NAME_1]" || len(resp.OutputFiles) != 0 {
		t.Fatalf("the response comes with the error: %+v", resp)
	}
	if !strings.HasPrefix(err.Error(), "skyflow: DeidentifyFile: cannot write output 0: ") || strings.Contains(err.Error(), out) {
		t.Fatalf("text %q", err.Error())
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Fatalf("the temporary file is removed: %v", entries)
	}
}

func TestDeidentifyFileStartFailures(t *testing.T) {
	f := newFake(t)
	f.on(startText, ok(`{}`), reply(400, `{"error":{"message":"unsupported"}}`))
	d := newDetect(t, f)
	if _, err := d.DeidentifyFile(bg, txt()); !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("an answer without run_id: %v", err)
	}
	var apiErr *skyflow.APIError
	if _, err := d.DeidentifyFile(bg, txt()); !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Operation != "DeidentifyFile" {
		t.Fatalf("got %v", err)
	}
}

// A seekable file is sent again with a fresh token after a 401; a plain
// reader is sent once.
func TestDeidentifyFileResendAfter401(t *testing.T) {
	f := newFake(t)
	ts := &refreshing{}
	c, _ := newClient(t, f)
	if err := c.AddVault(facade.VaultConfig{VaultID: "v2", BaseURL: f.srv.URL, TokenSource: ts}); err != nil {
		t.Fatal(err)
	}
	d, _ := c.Detect("v2")
	w := &waits{}
	facade.SetClock(d, w.after)
	f.on(startText, reply(401, `{}`), started(t, "Hello"))
	f.on(getRun, succeeded())
	if _, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("Hello"), FileName: "a.txt"}); err != nil {
		t.Fatal(err)
	}
	f.on(startText, reply(401, `{}`), started(t, "Hello"))
	_, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: io.MultiReader(strings.NewReader("Hello")), FileName: "a.txt"})
	if !errors.Is(err, skyflow.ErrUnauthorized) || f.count(startText) != 3 {
		t.Fatalf("got %v after %d starts", err, f.count(startText))
	}
}

func TestReidentifyFile(t *testing.T) {
	f := newFake(t)
	b64 := base64.StdEncoding.EncodeToString([]byte("Hello Ann"))
	f.on("POST /v1/detect/reidentify/file",
		ok(`{"status":"SUCCESS","output_type":"BASE64","output":{"processed_file":"`+b64+`","processed_file_type":"reidentified_file","processed_file_extension":"txt"}}`),
		ok(`{"status":"FAILED"}`),
		ok(`{"status":"SUCCESS","output":{"processed_file":"%%"}}`))
	d := newDetect(t, f)
	resp, err := d.ReidentifyFile(bg, facade.ReidentifyFileRequest{Reader: strings.NewReader("Hello [NAME_1]"), FileName: "a.txt",
		RedactedEntities: []facade.EntityType{facade.EntitySSN}, PlainTextEntities: []facade.EntityType{facade.EntityName}})
	want := &facade.ReidentifyFileResponse{File: []byte("Hello Ann"), Type: "reidentified_file", Extension: "txt",
		Status: facade.RunStatusSuccess, RequestID: "rid-1"}
	if err != nil || !reflect.DeepEqual(resp, want) {
		t.Fatalf("%#v %v", resp, err)
	}
	body := f.last().json(t)
	wantBody := map[string]any{"vault_id": vaultID, "file": map[string]any{"base64": base64.StdEncoding.EncodeToString([]byte("Hello [NAME_1]")), "data_format": "txt"},
		"format": map[string]any{"redacted": []any{"ssn"}, "plaintext": []any{"name"}}}
	if !reflect.DeepEqual(body, wantBody) {
		t.Fatalf("body %v\nwant %v", body, wantBody)
	}

	_, err = d.ReidentifyFile(bg, facade.ReidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.csv"})
	var rf *skyflow.RunFailedError
	if !errors.As(err, &rf) || !reflect.DeepEqual(rf, &skyflow.RunFailedError{Operation: "ReidentifyFile", Status: "FAILED", RequestID: "rid-2"}) {
		t.Fatalf("got %#v", err)
	}
	if err.Error() != "skyflow: ReidentifyFile: run failed (request id rid-2)" {
		t.Fatalf("text %q", err.Error())
	}
	if _, err := d.ReidentifyFile(bg, facade.ReidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.txt"}); !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("bad base64: %v", err)
	}
	for _, req := range []facade.ReidentifyFileRequest{
		{},
		{Reader: strings.NewReader("x"), FileName: "a.pdf"},
		{Reader: strings.NewReader("x"), FileName: "a.txt", MaskedEntities: []facade.EntityType{"planet"}},
	} {
		if _, err := d.ReidentifyFile(bg, req); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%+v: %v", req, err)
		}
	}
}

// A file value that holds the SDK's marker text cannot be confused with
// the file: the request is refused before it is sent.
func TestFileMarkerInARequestValue(t *testing.T) {
	f := newFake(t)
	d := newDetect(t, f)
	_, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.txt",
		AllowRegex: []string{"@@skyflow-go-file-base64@@"}})
	if err == nil || len(f.requests()) != 0 {
		t.Fatalf("got %v", err)
	}
}

// An answer may list at most a run's handful of outputs: one that lists
// more writes nothing and is an unexpected answer (thousands of files, one
// fsync each, were written before). Repeated output types get distinct
// names in linear time.
func TestDeidentifyFileOutputsAreBounded(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte("x"))
	outputs := func(n int) string {
		return `{"status":"SUCCESS","output":[{"processedFile":"` + b64 + `","processedFileExtension":"txt"}` +
			strings.Repeat(`,{"processedFile":"`+b64+`"}`, n) + `]}`
	}
	f := newFake(t)
	f.on(startText, ok(`{"run_id":"run-1"}`))
	f.on(getRun, ok(outputs(5000)))
	d := newDetect(t, f)
	out := t.TempDir()
	_, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("a"), FileName: "a.txt", OutputDirectory: out})
	if !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("got %v, want an unexpected answer", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("%d files written", len(entries))
	}

	f.on(getRun, ok(outputs(63)))
	resp, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("a"), FileName: "a.txt", OutputDirectory: out})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range resp.OutputFiles {
		seen[filepath.Base(p)] = true
	}
	if len(seen) != 64 || !seen["processed-a.output-63.bin"] {
		t.Fatalf("%d distinct names", len(seen))
	}
}

// A request value holding the text that marks the file's place in the body
// is refused as a *skyflow.ValidationError, before any request.
func TestDeidentifyFileRefusesTheFileMarkerInAValue(t *testing.T) {
	f := newFake(t)
	d := newDetect(t, f)
	_, err := d.DeidentifyFile(bg, facade.DeidentifyFileRequest{Reader: strings.NewReader("hello"), FileName: "a.txt",
		AllowRegex: []string{"@@skyflow-go-file-base64@@"}})
	var ve *skyflow.ValidationError
	if !errors.As(err, &ve) || len(f.requests()) != 0 {
		t.Fatalf("got %v after %d requests, want a *skyflow.ValidationError before any", err, len(f.requests()))
	}
}
