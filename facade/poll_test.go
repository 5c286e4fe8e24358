package facade_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

// The polling schedule of DeidentifyFile, with the Detect handle's clock
// replaced (export_test.go): waits are recorded and fire at once. The fake
// answers the run's polls from a script of statuses.

const (
	startText = "POST /v1/detect/deidentify/file/text"
	getRun    = "GET /v1/detect/runs/run-1"
)

// run answers a poll with a status and a message.
func run(status, message string) handler {
	return ok(`{"status":"` + status + `","message":"` + message + `"}`)
}

// succeeded answers a finished run: the processed text and an entity list.
func succeeded() handler {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return ok(`{"status":"SUCCESS","message":"done","size":1.5,"duration":0,"pages":2,"slides":0,` +
		`"wordCharacterCount":{"wordCount":3,"characterCount":14},"output":[` +
		`{"processedFile":"` + b64("Hello [NAME_1]") + `","processedFileType":"redacted_text","processedFileExtension":"txt"},` +
		`{"processedFile":"` + b64(`[{"entity":"name"}]`) + `","processedFileType":"entities","processedFileExtension":"json"}]}`)
}

// wantSuccess is the response to succeeded().
func wantSuccess(rid string) *facade.DeidentifyFileResponse {
	return &facade.DeidentifyFileResponse{
		File: []byte("Hello [NAME_1]"),
		Type: "redacted_text", Extension: "txt", WordCount: 3, CharacterCount: 14, SizeKB: 1.5, Pages: 2,
		Entities: []facade.FileEntity{{File: []byte(`[{"entity":"name"}]`), Type: "entities", Extension: "json"}},
		RunID:    "run-1", Status: facade.RunStatusSuccess, Message: "done", RequestID: rid,
	}
}

// polling is a fake whose file start answers run-1 and whose polls answer
// the given script, and a Detect handle on it with a recording clock.
func polling(t *testing.T, script []handler, opts ...facade.Option) (*fake, *facade.Detect, *waits) {
	t.Helper()
	f := newFake(t)
	f.on(startText, ok(`{"run_id":"run-1"}`))
	f.on(getRun, script...)
	d := newDetect(t, f, opts...)
	w := &waits{}
	facade.SetClock(d, w.after)
	return f, d, w
}

func repeat(h handler, n int) []handler {
	out := make([]handler, n)
	for i := range out {
		out[i] = h
	}
	return out
}

func txt() facade.DeidentifyFileRequest {
	return facade.DeidentifyFileRequest{Reader: strings.NewReader("Hello Ann Lee"), FileName: "notes.txt"}
}

func TestPollingScheduleUntilWaitTime(t *testing.T) {
	script := append(repeat(run("IN_PROGRESS", "working"), 8), succeeded())
	f, d, w := polling(t, script)
	resp, err := d.DeidentifyFile(bg, txt())
	if err != nil {
		t.Fatal(err)
	}
	// Polled at once, then after 1, 2, 4, 8, 16, 32 and 1 s: 64 s in all,
	// the default wait time; the run is still in progress.
	want := &facade.DeidentifyFileResponse{RunID: "run-1", Status: facade.RunStatusInProgress, Message: "working", RequestID: "rid-9"}
	if !reflect.DeepEqual(resp, want) {
		t.Fatalf("got %#v\nwant %#v", resp, want)
	}
	if got := w.get(); !reflect.DeepEqual(got, secs(1, 2, 4, 8, 16, 32, 1)) {
		t.Fatalf("waits %v", got)
	}
	var total time.Duration
	for _, x := range w.get() {
		total += x
	}
	if total != facade.DefaultWaitTime || f.count(getRun) != 8 {
		t.Fatalf("waited %v in %d polls", total, f.count(getRun))
	}
	q := f.requests()[1].Query
	if q != "vault_id="+vaultID {
		t.Fatalf("poll query %q", q)
	}

	// Resuming with GetDetectRun: one call.
	got, err := d.GetDetectRun(bg, facade.GetDetectRunRequest{RunID: resp.RunID})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantSuccess("rid-10")) || f.count(getRun) != 9 {
		t.Fatalf("got %#v after %d polls", got, f.count(getRun))
	}
}

func TestPollingCutsTheScheduleToWaitTime(t *testing.T) {
	f, d, w := polling(t, []handler{run("IN_PROGRESS", "")})
	r := txt()
	r.WaitTime = 20 * time.Second
	resp, err := d.DeidentifyFile(bg, r)
	if err != nil || resp.Status != facade.RunStatusInProgress || resp.RunID != "run-1" || resp.File != nil {
		t.Fatalf("%+v %v", resp, err)
	}
	if got := w.get(); !reflect.DeepEqual(got, secs(1, 2, 4, 8, 5)) || f.count(getRun) != 6 {
		t.Fatalf("waits %v, %d polls", got, f.count(getRun))
	}
}

func TestPollingReturnsAtOnceWhenTheRunIsDone(t *testing.T) {
	_, d, w := polling(t, []handler{succeeded()})
	resp, err := d.DeidentifyFile(bg, txt())
	if err != nil || !reflect.DeepEqual(resp, wantSuccess("rid-2")) {
		t.Fatalf("%#v %v", resp, err)
	}
	if len(w.get()) != 0 {
		t.Fatalf("waits %v", w.get())
	}
}

func TestPollingAFailedRun(t *testing.T) {
	f, d, w := polling(t, []handler{run("IN_PROGRESS", ""), run("in_progress", ""), run("FAILED", "the file is corrupt")})
	resp, err := d.DeidentifyFile(bg, txt())
	want := &skyflow.RunFailedError{Operation: "DeidentifyFile", RunID: "run-1", Status: "FAILED", Message: "the file is corrupt", RequestID: "rid-4"}
	var rf *skyflow.RunFailedError
	if resp != nil || !errors.As(err, &rf) || !reflect.DeepEqual(rf, want) || !errors.Is(err, skyflow.ErrRunFailed) {
		t.Fatalf("got %#v, %#v", resp, err)
	}
	if err.Error() != "skyflow: DeidentifyFile: run run-1 failed: the file is corrupt (request id rid-4)" {
		t.Fatalf("text %q", err.Error())
	}
	if got := w.get(); !reflect.DeepEqual(got, secs(1, 2)) {
		t.Fatalf("waits %v", got)
	}

	// GetDetectRun reports the same failure.
	_, err = d.GetDetectRun(bg, facade.GetDetectRunRequest{RunID: "run-1"})
	want.Operation, want.RequestID = "GetDetectRun", "rid-5"
	if !errors.As(err, &rf) || !reflect.DeepEqual(rf, want) || f.count(getRun) != 4 {
		t.Fatalf("got %#v", err)
	}
}

func TestPollingGivesUpOnAnUnknownRun(t *testing.T) {
	f, d, w := polling(t, []handler{run("IN_PROGRESS", ""), run("UNKNOWN", "lost")})
	_, err := d.DeidentifyFile(bg, txt())
	want := &skyflow.RunFailedError{Operation: "DeidentifyFile", RunID: "run-1", Status: "UNKNOWN", Message: "lost", RequestID: "rid-5"}
	var rf *skyflow.RunFailedError
	if !errors.As(err, &rf) || !reflect.DeepEqual(rf, want) {
		t.Fatalf("got %#v", err)
	}
	if err.Error() != "skyflow: DeidentifyFile: run run-1 ended with status UNKNOWN: lost (request id rid-5)" {
		t.Fatalf("text %q", err.Error())
	}
	// One IN_PROGRESS and three UNKNOWN polls, each followed by the next
	// wait of the schedule: never a tight loop.
	if got := w.get(); f.count(getRun) != 4 || !reflect.DeepEqual(got, secs(1, 2, 4)) {
		t.Fatalf("%d polls, waits %v", f.count(getRun), got)
	}

	// GetDetectRun reports UNKNOWN as a status, not an error.
	got, err := d.GetDetectRun(bg, facade.GetDetectRunRequest{RunID: "run-1"})
	if err != nil || !reflect.DeepEqual(got, &facade.DeidentifyFileResponse{RunID: "run-1", Status: facade.RunStatusUnknown, Message: "lost", RequestID: "rid-6"}) {
		t.Fatalf("%#v %v", got, err)
	}
}

func TestPollingGivesUpOnAnUnknownRunWhenTheScheduleEnds(t *testing.T) {
	f, d, w := polling(t, []handler{run("SOMETHING_NEW", "")})
	r := txt()
	r.WaitTime = time.Second
	_, err := d.DeidentifyFile(bg, r)
	var rf *skyflow.RunFailedError
	if !errors.As(err, &rf) || rf.Status != "SOMETHING_NEW" {
		t.Fatalf("got %v", err)
	}
	// One wait, cut to what is left of WaitTime once the first poll's
	// request took its (real) time.
	if got := w.get(); f.count(getRun) != 2 || len(got) != 1 || got[0] <= 0 || got[0] > time.Second {
		t.Fatalf("%d polls, waits %v", f.count(getRun), got)
	}
}

func TestPollingStopsWhenTheContextEnds(t *testing.T) {
	f, d, _ := polling(t, []handler{run("IN_PROGRESS", "")})
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	var asked []time.Duration
	facade.SetClock(d, func(d time.Duration) <-chan time.Time {
		asked = append(asked, d)
		cancel()
		return make(chan time.Time) // never fires: only the context ends the wait
	})
	resp, err := d.DeidentifyFile(ctx, txt())
	var pe *skyflow.RunPollError
	if resp != nil || !errors.As(err, &pe) || pe.RunID != "run-1" || pe.Operation != "DeidentifyFile" || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %#v, %#v", resp, err)
	}
	if err.Error() != "skyflow: DeidentifyFile: polling run run-1 stopped: context canceled" {
		t.Fatalf("text %q", err.Error())
	}
	if f.count(getRun) != 1 || !reflect.DeepEqual(asked, secs(1)) {
		t.Fatalf("%d polls, waits %v: no poll after the cancellation", f.count(getRun), asked)
	}
}

// With the real clock, a wait ends when the context's deadline passes: the
// first 1 s wait is cut short, so no second poll is made.
func TestPollingRealClockWaitEndsAtTheDeadline(t *testing.T) {
	f := newFake(t)
	f.on(startText, ok(`{"run_id":"run-1"}`))
	f.on(getRun, run("IN_PROGRESS", ""))
	d := newDetect(t, f)
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	_, err := d.DeidentifyFile(ctx, txt())
	var pe *skyflow.RunPollError
	if !errors.As(err, &pe) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if n := f.count(getRun); n > 1 {
		t.Fatalf("%d polls: the wait outlived the context", n)
	}
}

// WaitTime bounds the whole wait, poll requests included: a poll still
// unanswered when it runs out reports the run in progress.
func TestWaitTimeBoundsThePollRequests(t *testing.T) {
	f := newFake(t)
	f.on(startText, ok(`{"run_id":"run-1"}`))
	f.on(getRun, func(w http.ResponseWriter, r *http.Request, _ []byte) { <-r.Context().Done() })
	d := newDetect(t, f)
	w := &waits{}
	facade.SetClock(d, w.after)
	r := txt()
	r.WaitTime = 100 * time.Millisecond
	resp, err := d.DeidentifyFile(bg, r)
	if err != nil || !reflect.DeepEqual(resp, &facade.DeidentifyFileResponse{RunID: "run-1", Status: facade.RunStatusInProgress}) {
		t.Fatalf("%#v %v", resp, err)
	}
	if len(w.get()) != 0 || f.count(getRun) != 1 {
		t.Fatalf("waits %v after %d polls", w.get(), f.count(getRun))
	}
}

func TestPollingStopsWhenAPollFails(t *testing.T) {
	_, d, _ := polling(t, []handler{run("IN_PROGRESS", ""), reply(500, `{"error":{"message":"boom"}}`)})
	_, err := d.DeidentifyFile(bg, txt())
	var pe *skyflow.RunPollError
	var apiErr *skyflow.APIError
	if !errors.As(err, &pe) || pe.RunID != "run-1" || !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Message != "boom" {
		t.Fatalf("got %#v", err)
	}
}

// A transient poll failure is retried by the transport, at once after its
// short backoff: the polling schedule is not stretched by it.
func TestPollingIsNotSlowedByATransientFailure(t *testing.T) {
	retry := facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 2, InitialBackoff: time.Microsecond, MaxBackoff: time.Microsecond})
	f := newFake(t)
	f.on(startText, ok(`{"run_id":"run-1"}`))
	f.on(getRun, reply(503, `{"error":"busy"}`), run("IN_PROGRESS", ""), succeeded())
	c, logs := newClient(t, f, retry)
	d, _ := c.Detect("")
	w := &waits{}
	facade.SetClock(d, w.after)
	resp, err := d.DeidentifyFile(bg, txt())
	if err != nil || resp.Status != facade.RunStatusSuccess {
		t.Fatalf("%+v %v", resp, err)
	}
	if got := w.get(); !reflect.DeepEqual(got, secs(1)) || f.count(getRun) != 3 {
		t.Fatalf("waits %v after %d polls: the 503 added a wait of the schedule", got, f.count(getRun))
	}
	var retries []time.Duration
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line struct {
			Msg     string
			Status  int
			Backoff time.Duration
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "retrying request" {
			if line.Status != 503 {
				t.Fatalf("retried a %d", line.Status)
			}
			retries = append(retries, line.Backoff)
		}
	}
	if len(retries) != 1 || retries[0] <= 0 || retries[0] > time.Microsecond {
		t.Fatalf("transport waits %v, want one of at most the policy's 1µs", retries)
	}
}

func TestGetDetectRun(t *testing.T) {
	f := newFake(t)
	f.on(getRun, run("IN_PROGRESS", "queued"))
	f.on("GET /v1/detect/runs/missing", reply(404, `{"error":{"message":"no such run"}}`))
	d := newDetect(t, f)
	got, err := d.GetDetectRun(bg, facade.GetDetectRunRequest{RunID: "run-1"})
	if err != nil || !reflect.DeepEqual(got, &facade.DeidentifyFileResponse{RunID: "run-1", Status: facade.RunStatusInProgress, Message: "queued", RequestID: "rid-1"}) {
		t.Fatalf("%#v %v", got, err)
	}
	if _, err := d.GetDetectRun(bg, facade.GetDetectRunRequest{RunID: "missing"}); !errors.Is(err, skyflow.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
	for _, id := range []string{"", " ", "..", "."} {
		if _, err := d.GetDetectRun(bg, facade.GetDetectRunRequest{RunID: id}); !errors.Is(err, skyflow.ErrValidation) {
			t.Errorf("%q: %v", id, err)
		}
	}
	if len(f.requests()) != 2 {
		t.Fatal("an invalid run id is never sent")
	}

	f.on(getRun, ok(`{"status":"SUCCESS","output":[{"processedFile":"@@not base64"}]}`))
	_, err = d.GetDetectRun(bg, facade.GetDetectRunRequest{RunID: "run-1"})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, skyflow.ErrUnexpectedResponse) || apiErr.Message != "the answer cannot be decoded" || apiErr.RequestID != "rid-3" {
		t.Fatalf("got %v", err)
	}
}
