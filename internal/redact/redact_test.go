package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

type level string

type inner struct {
	Name  string
	Count int
}

type sample struct {
	ID       string
	Secret   string
	Level    level
	Levels   []level
	IDs      []string
	Values   []string
	Data     []byte
	Row      map[string]any
	Nested   *inner
	List     []inner
	Body     any
	Reader   io.Reader
	Err      error
	When     time.Time
	Wait     time.Duration
	Ratio    float64
	Size     uint
	On       bool
	Empty    string
	NilPtr   *inner
	hidden   string
	Fn       func()
	Children map[int]string
}

func TestOf(t *testing.T) {
	v := sample{
		ID: "id-1", Secret: "s3cr3t", Level: "HIGH", Levels: []level{"A", "B"}, IDs: []string{"a", "b"},
		Values: []string{"v1", "v2"}, Data: []byte("abc"), Row: map[string]any{"z": 1, "a": "x"},
		Nested: &inner{Name: "n", Count: 2}, List: []inner{{Count: 1}}, Body: map[string]any{"k": "v"},
		Reader: strings.NewReader("content"), Err: errors.New("boom"), When: time.Unix(0, 0).UTC(), Wait: time.Second,
		Ratio: 0.5, Size: 7, On: true, hidden: "h", Fn: func() {}, Children: map[int]string{1: "c"},
	}
	shown := func(f string) bool { return f == "ID" || f == "IDs" }
	want := `redact.sample{ID: "id-1", Secret: <redacted>, Level: "HIGH", Levels: ["A", "B"], IDs: ["a", "b"], ` +
		`Values: <2 items>, Data: <3 bytes>, Row: {a: <redacted>, z: <redacted>}, ` +
		`Nested: redact.inner{Name: <redacted>, Count: 2}, List: [redact.inner{Count: 1}], ` +
		`Body: <map[string]interface {}>, Reader: <*strings.Reader>, Err: <*errors.errorString>, ` +
		`When: 1970-01-01T00:00:00Z, Wait: 1s, Ratio: 0.5, Size: 7, On: true, Fn: <func()>, Children: <1 entries>}`
	if got := Of(v, shown).String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := Of(&v, shown).String(); got != want {
		t.Fatalf("pointer: got %s", got)
	}
	if got := Of((*sample)(nil), shown).String(); got != "*redact.sample(nil){}" {
		t.Fatalf("nil: got %s", got)
	}
}

func TestDescForms(t *testing.T) {
	d := New("pkg.T", "kind", "api key", "skip", "", "n", 3, "at", time.Unix(0, 0).UTC(), "zero", time.Time{},
		"nested", New("", "a", Text(Hidden)), "list", List{"x", int64(1)}, "none", nil)
	const text = `pkg.T{kind: "api key", n: 3, at: 1970-01-01T00:00:00Z, nested: {a: <redacted>}, list: ["x", 1]}`
	for verb, want := range map[string]string{"%v": text, "%+v": text, "%#v": text, "%s": text, "%x": text,
		"%q": fmt.Sprintf("%q", text)} {
		if got := fmt.Sprintf(verb, d); got != want {
			t.Errorf("%s: got %s, want %s", verb, got, want)
		}
	}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"kind":"api key","n":3,"at":"1970-01-01T00:00:00Z","nested":{"a":"\u003credacted\u003e"},"list":["x",1]}`
	if string(data) != wantJSON {
		t.Errorf("json: got %s", data)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("m", "d", d)
	const wantLog = `{"level":"INFO","msg":"m","d":{"kind":"api key","n":3,"at":"1970-01-01T00:00:00Z",` +
		`"nested":{"a":"<redacted>"},"list":"[\"x\", 1]"}}` + "\n"
	if buf.String() != wantLog {
		t.Errorf("slog: got %s", buf.String())
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
