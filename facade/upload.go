package facade

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"

	"github.com/skyflowgo/skyflow"
	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// UploadFileRequest uploads a file into a file column. Give exactly one
// source: Reader (with FileName), Path, or Base64 (with FileName).
type UploadFileRequest struct {
	// Table is the record's table (required).
	Table string
	// Column is the file column (required).
	Column string
	// SkyflowID is the record to store the file in. When empty, a new record
	// is created and its id returned.
	SkyflowID string
	// Reader streams the file content. When it is also an io.Seeker (an
	// *os.File, *bytes.Reader, ...) the upload can be retried.
	Reader io.Reader
	// Path is a local file to upload.
	Path string
	// Base64 is the file content, base64 encoded (standard alphabet).
	Base64 string
	// FileName is the name stored with the file; required with Reader and
	// Base64, and defaults to the base name of Path.
	FileName string
	// ReturnFileMetadata asks for the stored file's metadata.
	ReturnFileMetadata bool
}

// UploadFileResponse is the result of UploadFile.
type UploadFileResponse struct {
	// SkyflowID is the record the file was stored in.
	SkyflowID string
	// FileMetadata is the stored file's metadata, when asked for.
	FileMetadata any
	// RequestID is the id of the request.
	RequestID string
}

// UploadFile uploads a file into a file column (POST
// /v2/vaults/{vaultID}/files/upload, operation UploadFileV2). The multipart
// body is streamed: the file is never held in memory whole. Path and Base64
// sources (and seekable readers) are re-read when the request must be sent
// again; a plain io.Reader is sent once.
func (v *Vault) UploadFile(ctx context.Context, req UploadFileRequest) (*UploadFileResponse, error) {
	src, err := req.source()
	if err != nil {
		return nil, err
	}
	const op = "UploadFile"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	r, err := v.c.run(ctx, &operation{
		endpoint:   s.ep,
		name:       op,
		replayable: src.replayable(),
		effect:     writeEffect(req.SkyflowID != ""), // without it, a new record is created
		limit:      v.c.maxResponse,
		timeout:    v.c.fileAttemptTimeout(),
	}, func(ctx context.Context, edit editorFn) (*http.Response, error) {
		body, err := newMultipartBody(&req, src)
		if err != nil {
			return nil, err
		}
		defer body.Close()
		return s.api.UploadFileV2WithBody(ctx, s.id, body.contentType, body, edit, body.editor)
	})
	if err != nil {
		return nil, err
	}
	var parsed gvault.V2UploadFileResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	if deref(parsed.SkyflowID) == "" {
		return nil, r.unexpected(op, "the answer has no skyflowID", nil)
	}
	return &UploadFileResponse{
		SkyflowID:    *parsed.SkyflowID,
		FileMetadata: parsed.FileMetadata,
		RequestID:    r.requestID,
	}, nil
}

// fileSource opens the content of an upload, possibly several times.
type fileSource struct {
	name string
	size int64 // -1 when unknown
	open func() (io.ReadCloser, error)
	// once is set for sources that can be read only once.
	once bool
}

func (s *fileSource) replayable() bool { return !s.once }

// openBody opens the source for one attempt. Failures to open or read it
// are *skyflow.FileError values (without the path), so they are told apart
// from network failures.
func (s *fileSource) openBody() (io.ReadCloser, error) {
	f, err := s.open()
	if err != nil {
		var ve *skyflow.ValidationError
		if errors.As(err, &ve) {
			return nil, ve
		}
		return nil, &skyflow.FileError{Op: "open", Output: -1, Err: pathless(err)}
	}
	return fileReader{f}, nil
}

// fileReader turns the read errors of a local source into
// *skyflow.FileError values.
type fileReader struct{ io.ReadCloser }

func (r fileReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = &skyflow.FileError{Op: "read", Output: -1, Err: pathless(err)}
	}
	return n, err
}

func (r *UploadFileRequest) source() (*fileSource, error) {
	if strings.TrimSpace(r.Table) == "" {
		return nil, errs.Invalid("Table", "is required")
	}
	if strings.TrimSpace(r.Column) == "" {
		return nil, errs.Invalid("Column", "is required")
	}
	n := 0
	for _, given := range []bool{r.Reader != nil, r.Path != "", r.Base64 != ""} {
		if given {
			n++
		}
	}
	if n != 1 {
		return nil, errs.Invalid("Reader/Path/Base64", "exactly one file source must be given")
	}
	switch {
	case r.Path != "":
		fi, err := os.Stat(r.Path)
		if err != nil {
			return nil, &skyflow.ValidationError{Field: "Path", Reason: "cannot be read: " + errReason(err), Err: pathless(err)}
		}
		if !fi.Mode().IsRegular() {
			return nil, errs.Invalid("Path", "is not a regular file")
		}
		name := r.FileName
		if name == "" {
			name = filepath.Base(r.Path)
		}
		path := r.Path
		return &fileSource{name: name, size: fi.Size(), open: func() (io.ReadCloser, error) { return os.Open(path) }}, nil
	case r.Base64 != "":
		if r.FileName == "" {
			return nil, errs.Invalid("FileName", "is required with Base64")
		}
		size, err := io.Copy(io.Discard, base64.NewDecoder(base64.StdEncoding, strings.NewReader(r.Base64)))
		if err != nil {
			return nil, errs.Invalid("Base64", "is not valid base64")
		}
		data := r.Base64
		return &fileSource{name: r.FileName, size: size, open: func() (io.ReadCloser, error) {
			return io.NopCloser(base64.NewDecoder(base64.StdEncoding, strings.NewReader(data))), nil
		}}, nil
	default:
		if r.FileName == "" {
			return nil, errs.Invalid("FileName", "is required with Reader")
		}
		return readerSource(r.Reader, r.FileName)
	}
}

// readerSource wraps a caller's reader. Seekable readers can be re-read
// from where they stood; others are read once.
func readerSource(rd io.Reader, name string) (*fileSource, error) {
	src := &fileSource{name: name, size: -1}
	if sk, ok := rd.(io.Seeker); ok {
		start, err := sk.Seek(0, io.SeekCurrent)
		if err == nil {
			if end, err := sk.Seek(0, io.SeekEnd); err == nil {
				src.size = end - start
			}
			if _, err := sk.Seek(start, io.SeekStart); err != nil {
				return nil, &skyflow.ValidationError{Field: "Reader", Reason: "cannot seek", Err: pathless(err)}
			}
			src.open = func() (io.ReadCloser, error) {
				if _, err := sk.Seek(start, io.SeekStart); err != nil {
					return nil, err
				}
				return io.NopCloser(rd), nil
			}
			return src, nil
		}
	}
	used := false
	src.once = true
	src.open = func() (io.ReadCloser, error) {
		if used {
			return nil, errs.Invalid("Reader", "cannot be read twice; pass an io.Seeker to allow retries")
		}
		used = true
		return io.NopCloser(rd), nil
	}
	return src, nil
}

func errReason(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file"
	case os.IsPermission(err):
		return "permission denied"
	}
	return "stat failed"
}

// multipartBody streams text parts, then the file, then the closing
// boundary, with a known length when the file size is known.
type multipartBody struct {
	io.Reader
	contentType string
	length      int64
	file        io.ReadCloser
	// reopen builds a fresh body for a retry.
	reopen func() (io.ReadCloser, error)
}

func (b *multipartBody) Close() error { return b.file.Close() }

// editor sets the length (so no chunked encoding is needed) and, for
// replayable sources, GetBody so the transport can resend.
func (b *multipartBody) editor(_ context.Context, req *http.Request) error {
	if b.length >= 0 {
		req.ContentLength = b.length
	}
	if b.reopen != nil {
		req.GetBody = b.reopen
	} else {
		req.GetBody = nil
	}
	return nil
}

func newMultipartBody(req *UploadFileRequest, src *fileSource) (*multipartBody, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fields := [][2]string{{"tableName", req.Table}, {"columnName", req.Column}}
	if req.SkyflowID != "" {
		fields = append(fields, [2]string{"skyflowID", req.SkyflowID})
	}
	if req.ReturnFileMetadata {
		fields = append(fields, [2]string{"returnFileMetadata", "true"})
	}
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+dispositionName(src.name)+`"`)
	ct := mime.TypeByExtension(filepath.Ext(src.name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	if _, err := w.CreatePart(h); err != nil {
		return nil, err
	}
	prefix := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := w.Close(); err != nil {
		return nil, err
	}
	suffix := bytes.Clone(buf.Bytes())

	file, err := src.openBody()
	if err != nil {
		return nil, err
	}
	body := &multipartBody{
		Reader:      io.MultiReader(bytes.NewReader(prefix), file, bytes.NewReader(suffix)),
		contentType: w.FormDataContentType(),
		length:      -1,
		file:        file,
	}
	if src.size >= 0 {
		body.length = int64(len(prefix)) + src.size + int64(len(suffix))
	}
	if src.replayable() {
		body.reopen = func() (io.ReadCloser, error) {
			f, err := src.openBody()
			if err != nil {
				return nil, err
			}
			return readCloser{io.MultiReader(bytes.NewReader(prefix), f, bytes.NewReader(suffix)), f}, nil
		}
	}
	return body, nil
}

// dispositionName escapes a file name for a quoted filename parameter of
// multipart/form-data, as browsers and both official SDKs write it (RFC
// 7578 section 4.2: UTF-8 as is, no filename* parameter): a double quote,
// CR and LF are percent-encoded, a backslash is doubled.
func dispositionName(name string) string {
	return dispositionEscaper.Replace(name)
}

var dispositionEscaper = strings.NewReplacer(`\`, `\\`, `"`, "%22", "\r", "%0D", "\n", "%0A")

type readCloser struct {
	io.Reader
	io.Closer
}
