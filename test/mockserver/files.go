package mockserver

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"
)

// maxTextPart bounds the size of a non-file multipart part.
const maxTextPart = 1 << 20

// spoolMultipart validates a multipart/form-data body against its schema
// while copying the raw body to a spool file in the server's temporary
// directory. Text parts are held in memory (bounded); file parts are only
// counted. On success the request body is replaced by the spool file, so
// the handler streams the parts again from disk.
func (s *Server) spoolMultipart(r *http.Request, schema *openapi3.Schema, required bool) (func(), *apiError) {
	noop := func() {}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return noop, badRequest("invalid request body: expected Content-Type multipart/form-data with a boundary")
	}
	spool, err := s.files.create("upload-*")
	if err != nil {
		return noop, newError(http.StatusInternalServerError, "cannot spool upload: %v", err)
	}
	cleanup := func() {
		_ = spool.Close()
		_ = os.Remove(spool.Name())
	}
	tee := io.TeeReader(r.Body, spool)
	mr := multipart.NewReader(tee, params["boundary"])
	texts := map[string]string{}
	files := map[string]bool{}
	parts := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			cleanup()
			if parts == 0 && required {
				return noop, bodyReadError(err, "invalid request body: malformed or empty multipart body")
			}
			return noop, bodyReadError(err, "invalid request body: malformed multipart body")
		}
		parts++
		name := part.FormName()
		if name == "" {
			cleanup()
			return noop, badRequest("invalid request body: multipart part %d has no form name", parts)
		}
		prop := schema.Properties[name]
		binary := prop != nil && prop.Value != nil && prop.Value.Format == "binary"
		if part.FileName() != "" || binary {
			if _, err := io.Copy(io.Discard, part); err != nil {
				cleanup()
				return noop, bodyReadError(err, "invalid request body: reading part %s: %v", name, err)
			}
			files[name] = true
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxTextPart+1))
		if err != nil {
			cleanup()
			return noop, badRequest("invalid request body: reading part %s: %v", name, err)
		}
		if len(b) > maxTextPart {
			cleanup()
			return noop, badRequest("invalid request body: part %s is larger than %d bytes", name, maxTextPart)
		}
		texts[name] = string(b)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		cleanup()
		return noop, badRequest("invalid request body: %v", err)
	}
	for _, req := range schema.Required {
		if _, ok := texts[req]; !ok && !files[req] {
			cleanup()
			return noop, badRequest("invalid request body: part %s is required", req)
		}
	}
	for _, name := range sortedKeys(texts) {
		prop := schema.Properties[name]
		if prop == nil || prop.Value == nil {
			continue
		}
		val, err := formValue(prop.Value, texts[name])
		if err == nil {
			err = prop.Value.VisitJSON(val)
		}
		if err != nil {
			cleanup()
			var se *openapi3.SchemaError
			if errors.As(err, &se) {
				return noop, badRequest("invalid request body: part %s: %s", name, se.Reason)
			}
			return noop, badRequest("invalid request body: part %s: %v", name, err)
		}
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return noop, newError(http.StatusInternalServerError, "cannot read spooled upload: %v", err)
	}
	st, _ := spool.Stat()
	r.Body = io.NopCloser(spool)
	if st != nil {
		r.ContentLength = st.Size()
	}
	return cleanup, nil
}

// formValue converts a text part to the JSON value its schema expects.
func formValue(schema *openapi3.Schema, text string) (any, error) {
	switch {
	case schema.Type.Is("boolean"):
		b, err := strconv.ParseBool(text)
		if err != nil {
			return nil, fmt.Errorf("expected true or false")
		}
		return b, nil
	case schema.Type.Is("integer"):
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("expected an integer")
		}
		return float64(n), nil
	case schema.Type.Is("number"):
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("expected a number")
		}
		return f, nil
	}
	return text, nil
}

// uploadForm is a parsed upload: its text fields and the stored file.
type uploadForm struct {
	fields map[string]string
	file   *storedFile
}

// readUpload reads the parts of an upload, streaming the part named
// fileField into a new file of the temporary directory. The caller owns the
// returned file (removeStoredFile it on failure).
func (s *Server) readUpload(mr *multipart.Reader, fileField string) (*uploadForm, error) {
	form := &uploadForm{fields: map[string]string{}}
	fail := func(err error) (*uploadForm, error) {
		if form.file != nil {
			removeStoredFile(form.file)
		}
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(badRequest("malformed multipart body"))
		}
		name := part.FormName()
		if name == fileField {
			if form.file != nil {
				return fail(badRequest("more than one %s part", fileField))
			}
			f, err := s.storeFile(part)
			if err != nil {
				return fail(err)
			}
			form.file = f
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxTextPart))
		if err != nil {
			return fail(badRequest("reading part %s: %v", name, err))
		}
		form.fields[name] = string(b)
	}
	if form.file == nil {
		return fail(badRequest("part %s is required", fileField))
	}
	return form, nil
}

// eicar is the standard anti-virus test signature; a stored file that
// contains it scans as SCAN_INFECTED.
var eicar = []byte(`X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`)

// storeFile streams a file part into the temporary directory.
func (s *Server) storeFile(part *multipart.Part) (*storedFile, error) {
	id := uuid.NewString()
	out, err := s.files.createStored(id)
	if err != nil {
		return nil, newError(http.StatusInternalServerError, "cannot store file: %v", err)
	}
	sf := &storedFile{id: id, name: baseName(part.FileName()), path: out.Name(), scan: "SCAN_CLEAN"}
	sniff := make([]byte, 0, 512)
	buf := make([]byte, 32<<10)
	keep := len(eicar) - 1
	tail := make([]byte, 0, 2*len(eicar))
	infected := false
	for {
		n, rerr := part.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if len(sniff) < 512 {
				sniff = append(sniff, chunk[:min(len(chunk), 512-len(sniff))]...)
			}
			if !infected {
				infected = bytes.Contains(chunk, eicar) ||
					bytes.Contains(append(tail, chunk[:min(len(chunk), keep)]...), eicar)
				if len(chunk) >= keep {
					tail = append(tail[:0], chunk[len(chunk)-keep:]...)
				} else {
					joined := append(tail, chunk...)
					tail = append(tail[:0], joined[max(0, len(joined)-keep):]...)
				}
			}
			if _, werr := out.Write(chunk); werr != nil {
				_ = out.Close()
				removeStoredFile(sf)
				return nil, newError(http.StatusInternalServerError, "cannot store file: %v", werr)
			}
			sf.size += int64(n)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			_ = out.Close()
			removeStoredFile(sf)
			return nil, badRequest("reading the file part: %v", rerr)
		}
	}
	if s.files.durable() {
		// The record that refers to the file is acknowledged only once
		// durable, so the bytes must be on disk first.
		if err := out.Sync(); err != nil {
			_ = out.Close()
			removeStoredFile(sf)
			return nil, newError(http.StatusInternalServerError, "cannot store file: %v", err)
		}
		if err := syncDir(filepath.Dir(sf.path)); err != nil {
			_ = out.Close()
			removeStoredFile(sf)
			return nil, newError(http.StatusInternalServerError, "cannot store file: %v", err)
		}
	}
	if err := out.Close(); err != nil {
		removeStoredFile(sf)
		return nil, newError(http.StatusInternalServerError, "cannot store file: %v", err)
	}
	if infected {
		sf.scan = "SCAN_INFECTED"
	}
	sf.contentType = part.Header.Get("Content-Type")
	if sf.contentType == "" || sf.contentType == "application/octet-stream" {
		if ct := mime.TypeByExtension(filepath.Ext(sf.name)); ct != "" {
			sf.contentType = ct
		} else {
			sf.contentType = http.DetectContentType(sniff)
		}
	}
	return sf, nil
}

// syncDir makes the entries of a directory durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// baseName keeps the last element of a client-side path (either separator).
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}

// downloadURL is the address that serves a stored file's bytes: on the
// host the client used, signed, and valid for the download URL lifetime
// (WithDownloadURLLifetime; the URL is the secret, like a pre-signed URL).
func (s *Server) downloadURL(r *http.Request, f *storedFile) string {
	exp := s.opts.clock().Add(s.opts.downloadLifetime).Unix()
	q := url.Values{"expires": {strconv.FormatInt(exp, 10)}, "signature": {s.downloadSignature(f.id, exp)}}
	return s.externalBase(r) + filesPrefix + f.id + "/" + url.PathEscape(f.name) + "?" + q.Encode()
}

// downloadSignature authenticates a file id and expiry time.
func (s *Server) downloadSignature(id string, exp int64) string {
	m := hmac.New(sha256.New, s.downloadKey)
	fmt.Fprintf(m, "%s\n%d", id, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// externalBase is the base URL as the client reached the server: the
// scheme and host it used (the https vault host through the proxy), and the
// base path on the emulator's own listener.
func (s *Server) externalBase(r *http.Request) string {
	if r == nil {
		return s.URL()
	}
	if o, ok := r.Context().Value(originKey{}).(origin); ok && o.host != "" {
		if o.surface == surfaceDirect {
			return o.base() + s.opts.basePath
		}
		return o.base()
	}
	if r.Host == "" {
		return s.URL()
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + s.opts.basePath
}

// serveDownload serves the bytes of a stored file (the URL is its secret,
// like a pre-signed URL: no Authorization is needed).
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, rest string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, newError(http.StatusMethodNotAllowed, "method %s is not allowed on a download URL", r.Method))
		return
	}
	id, _, _ := strings.Cut(rest, "/")
	exp, err := strconv.ParseInt(r.URL.Query().Get("expires"), 10, 64)
	if err != nil || !hmac.Equal([]byte(r.URL.Query().Get("signature")), []byte(s.downloadSignature(id, exp))) {
		writeError(w, forbidden("invalid download URL"))
		return
	}
	if s.opts.clock().Unix() > exp {
		writeError(w, forbidden("the download URL has expired; get a new one"))
		return
	}
	e := s.files.lookup(id)
	if e == nil {
		writeError(w, notFound("file not found"))
		return
	}
	e.v.mu.RLock()
	deleted := e.f.deleted
	e.v.mu.RUnlock()
	if deleted {
		writeError(w, notFound("file not found"))
		return
	}
	fh, err := os.Open(e.f.path)
	if err != nil {
		writeError(w, notFound("file not found"))
		return
	}
	defer fh.Close()
	w.Header().Set("Content-Type", e.f.contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.f.name}))
	http.ServeContent(w, r, e.f.name, time.Time{}, fh)
	// Everything is sent before the handler returns (see serverConn).
	_ = http.NewResponseController(w).Flush()
}
