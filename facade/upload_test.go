package facade_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// part is one part of a multipart body.
type part struct {
	name, filename, contentType, value string
}

func parts(t *testing.T, r request) []part {
	t.Helper()
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
	var out []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		out = append(out, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(data)})
	}
}

const uploadPath = "/v2/vaults/" + vaultID + "/files/upload"

func TestUploadFileSources(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(path, []byte("%PDF-1.7 content"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFake(t)
	f.on("POST "+uploadPath, ok(`{"skyflowID":"rec-1","fileMetadata":{"size":16}}`))
	v := newVault(t, f)

	for _, c := range []struct {
		name     string
		req      facade.UploadFileRequest
		filename string
		ctype    string
	}{
		{"path", facade.UploadFileRequest{Path: path}, "scan.pdf", "application/pdf"},
		{"path renamed", facade.UploadFileRequest{Path: path, FileName: "other.bin"}, "other.bin", "application/octet-stream"},
		{"base64", facade.UploadFileRequest{Base64: base64.StdEncoding.EncodeToString([]byte("%PDF-1.7 content")), FileName: "b.pdf"}, "b.pdf", "application/pdf"},
		{"seekable reader", facade.UploadFileRequest{Reader: bytes.NewReader([]byte("%PDF-1.7 content")), FileName: "r.pdf"}, "r.pdf", "application/pdf"},
		{"plain reader", facade.UploadFileRequest{Reader: io.MultiReader(strings.NewReader("%PDF-1.7 content")), FileName: "p.pdf"}, "p.pdf", "application/pdf"},
	} {
		req := c.req
		req.Table, req.Column, req.SkyflowID, req.ReturnFileMetadata = "docs", "file", "rec-1", true
		resp, err := v.UploadFile(bg, req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if resp.SkyflowID != "rec-1" || resp.RequestID == "" || resp.FileMetadata.(map[string]any)["size"] != 16.0 {
			t.Fatalf("%s: %+v", c.name, resp)
		}
		want := []part{
			{"tableName", "", "", "docs"}, {"columnName", "", "", "file"}, {"skyflowID", "", "", "rec-1"},
			{"returnFileMetadata", "", "", "true"}, {"file", c.filename, c.ctype, "%PDF-1.7 content"},
		}
		got := parts(t, f.last())
		if len(got) != len(want) {
			t.Fatalf("%s: parts %+v", c.name, got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: part %d = %+v, want %+v", c.name, i, got[i], want[i])
			}
		}
		if c.name != "plain reader" && f.last().Header.Get("Content-Length") == "" {
			t.Errorf("%s: a known size is sent as Content-Length", c.name)
		}
	}
}

func TestUploadFileWithoutRecordCreatesOne(t *testing.T) {
	f := newFake(t)
	f.on("POST "+uploadPath, ok(`{"skyflowID":"new-1"}`), ok(`{}`))
	v := newVault(t, f)
	resp, err := v.UploadFile(bg, facade.UploadFileRequest{Table: "docs", Column: "file", Base64: "aGk=", FileName: "a.txt"})
	if err != nil || resp.SkyflowID != "new-1" || resp.FileMetadata != nil {
		t.Fatalf("%+v %v", resp, err)
	}
	for _, p := range parts(t, f.last()) {
		if p.name == "skyflowID" || p.name == "returnFileMetadata" {
			t.Fatalf("unasked part %s", p.name)
		}
	}
	_, err = v.UploadFile(bg, facade.UploadFileRequest{Table: "docs", Column: "file", Base64: "aGk=", FileName: "a.txt"})
	if !errors.Is(err, skyflow.ErrUnexpectedResponse) {
		t.Fatalf("an answer without skyflowID: %v", err)
	}
}

func TestUploadFileValidation(t *testing.T) {
	dir := t.TempDir()
	v := newVault(t, newFake(t))
	r := strings.NewReader("x")
	for _, c := range []struct {
		req   facade.UploadFileRequest
		field string
	}{
		{facade.UploadFileRequest{Column: "c", Base64: "aGk=", FileName: "a"}, "Table"},
		{facade.UploadFileRequest{Table: "t", Base64: "aGk=", FileName: "a"}, "Column"},
		{facade.UploadFileRequest{Table: "t", Column: "c"}, "Reader/Path/Base64"},
		{facade.UploadFileRequest{Table: "t", Column: "c", Base64: "aGk=", Path: "x"}, "Reader/Path/Base64"},
		{facade.UploadFileRequest{Table: "t", Column: "c", Path: filepath.Join(dir, "missing")}, "Path"},
		{facade.UploadFileRequest{Table: "t", Column: "c", Path: dir}, "Path"},
		{facade.UploadFileRequest{Table: "t", Column: "c", Base64: "aGk="}, "FileName"},
		{facade.UploadFileRequest{Table: "t", Column: "c", Base64: "!!", FileName: "a"}, "Base64"},
		{facade.UploadFileRequest{Table: "t", Column: "c", Reader: r}, "FileName"},
		{facade.UploadFileRequest{Table: "t", Column: "c", Reader: badSeeker{}, FileName: "a"}, "Reader"},
	} {
		_, err := v.UploadFile(bg, c.req)
		var ve *skyflow.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: got %v, want %s", c.req, err, c.field)
		}
	}
	_, err := v.UploadFile(bg, facade.UploadFileRequest{Table: "t", Column: "c", Path: filepath.Join(dir, "missing")})
	if !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), dir) {
		t.Fatalf("a missing file matches fs.ErrNotExist without naming the path: %v", err)
	}
}

// badSeeker can tell where it stands but cannot go back there.
type badSeeker struct{}

func (badSeeker) Read([]byte) (int, error) { return 0, io.EOF }
func (badSeeker) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart {
		return 0, errors.New("cannot seek back")
	}
	return 0, nil
}

// refreshing is a caching token source: after a 401 the refused token is
// dropped and the next one differs.
type refreshing struct {
	mu          sync.Mutex
	n           int
	invalidated []string
}

func (s *refreshing) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "token-" + string(rune('0'+s.n)), nil
}

func (s *refreshing) Invalidate(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalidated = append(s.invalidated, tok)
	s.n++
}

func vaultWithSource(t *testing.T, f *fake, ts *refreshing, opts ...facade.Option) *facade.Vault {
	t.Helper()
	c, _ := newClient(t, f, opts...)
	if err := c.AddVault(facade.VaultConfig{VaultID: "v2", BaseURL: f.srv.URL, TokenSource: ts}); err != nil {
		t.Fatal(err)
	}
	v, err := c.Vault("v2")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A one-shot body (a plain io.Reader) is sent once: a 401 is returned to
// the caller rather than answered by sending the request again.
func TestUploadOfAPlainReaderIsNotResentAfter401(t *testing.T) {
	f := newFake(t)
	path := "/v2/vaults/v2/files/upload"
	f.on("POST "+path, reply(401, `{"error":{"message":"token expired"}}`), ok(`{"skyflowID":"rec-1"}`))
	ts := &refreshing{}
	v := vaultWithSource(t, f, ts)
	_, err := v.UploadFile(bg, facade.UploadFileRequest{Table: "t", Column: "c", SkyflowID: "rec-1",
		Reader: io.MultiReader(strings.NewReader("content")), FileName: "a.txt"})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Message != "token expired" {
		t.Fatalf("got %v, want the 401", err)
	}
	if n := f.count("POST " + path); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	if len(ts.invalidated) != 0 {
		t.Fatalf("the token was dropped (%v) for a request that is not sent again", ts.invalidated)
	}

	// A seekable reader is sent again with a fresh token.
	f.on("POST "+path, reply(401, `{"error":{"message":"token expired"}}`), ok(`{"skyflowID":"rec-1"}`))
	if _, err := v.UploadFile(bg, facade.UploadFileRequest{Table: "t", Column: "c", SkyflowID: "rec-1",
		Reader: strings.NewReader("content"), FileName: "a.txt"}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	first, second := reqs[len(reqs)-2], reqs[len(reqs)-1]
	if first.Header.Get(auth.AuthorizationHeader) != "Bearer token-0" || second.Header.Get(auth.AuthorizationHeader) != "Bearer token-1" {
		t.Fatalf("tokens %q then %q", first.Header.Get(auth.AuthorizationHeader), second.Header.Get(auth.AuthorizationHeader))
	}
	if parts(t, second)[3].value != "content" {
		t.Fatal("the resent body holds the whole file")
	}
}

// A reader that fails while the body is sent is a local file error, told
// apart from network failures.
func TestUploadReadFailureIsAFileError(t *testing.T) {
	f := newFake(t)
	f.on("POST "+uploadPath, ok(`{"skyflowID":"rec-1"}`))
	v := newVault(t, f)
	boom := errors.New("disk gone")
	_, err := v.UploadFile(bg, facade.UploadFileRequest{Table: "t", Column: "c", FileName: "a.txt",
		Reader: io.MultiReader(strings.NewReader("abc"), failing{boom})})
	var fe *skyflow.FileError
	if !errors.As(err, &fe) || fe.Operation != "UploadFile" || fe.Op != "read" || !errors.Is(err, boom) {
		t.Fatalf("got %#v", err)
	}
	var te *skyflow.TransportError
	if errors.As(err, &te) {
		t.Fatal("a local failure is not a transport error")
	}
	if err.Error() != "skyflow: UploadFile: cannot read the file: disk gone" {
		t.Fatalf("text %q", err.Error())
	}
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

func TestUploadOpenFailureIsAFileError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root opens any file")
	}
	path := filepath.Join(t.TempDir(), "locked.txt")
	if err := os.WriteFile(path, []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	v := newVault(t, newFake(t))
	_, err := v.UploadFile(bg, facade.UploadFileRequest{Table: "t", Column: "c", Path: path})
	var fe *skyflow.FileError
	if !errors.As(err, &fe) || fe.Op != "open" || !errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), path) {
		t.Fatalf("got %v", err)
	}
}
