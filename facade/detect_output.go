package facade

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// checkOutputDirectory checks that dir exists, is a directory and accepts
// new files, and returns its absolute path.
func checkOutputDirectory(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", &skyflow.ValidationError{Field: "OutputDirectory", Reason: "is not a usable path", Err: err}
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", &skyflow.ValidationError{Field: "OutputDirectory", Reason: "cannot be read: " + errReason(err), Err: err}
	}
	if !fi.IsDir() {
		return "", errs.Invalid("OutputDirectory", "is not a directory")
	}
	f, err := os.CreateTemp(abs, ".skyflow-check-*")
	if err != nil {
		return "", &skyflow.ValidationError{Field: "OutputDirectory", Reason: "is not writable: " + errReason(err), Err: err}
	}
	name := f.Name()
	_ = f.Close()
	_ = os.Remove(name)
	return abs, nil
}

// maxOutputFiles bounds the files a run's answer may have written: a run
// has a processed file and a few other outputs (an entities report, a
// transcript), so an answer that lists more is not believed.
const maxOutputFiles = 64

// writeOutputs writes the processed file and the other outputs of a run
// into dir, and returns the paths written. It stops when ctx ends.
func writeOutputs(ctx context.Context, dir, inputName string, r *DeidentifyFileResponse) ([]string, error) {
	if n := 1 + len(r.Entities); n > maxOutputFiles {
		return nil, unexpected("DeidentifyFile", http.StatusOK, nil,
			fmt.Sprintf("the run lists %d output files, more than the %d a run has", n, maxOutputFiles), nil)
	}
	base := safeBaseName(inputName)
	inputExt := strings.TrimPrefix(filepath.Ext(inputName), ".")
	var names nameSet
	var written []string
	write := func(i int, name string, data []byte) error {
		if err := ctx.Err(); err != nil {
			return &skyflow.FileError{Operation: "DeidentifyFile", Op: "write", Output: i, Err: err}
		}
		name = names.unique(name)
		path, err := insideDir(dir, name)
		if err == nil {
			err = writeFileAtomic(dir, path, data)
		}
		if err != nil {
			return &skyflow.FileError{Operation: "DeidentifyFile", Op: "write", Output: i, Err: err}
		}
		written = append(written, path)
		return nil
	}
	ext := safeExtension(r.Extension)
	if ext == "" {
		ext = safeExtension(inputExt)
	}
	if ext == "" {
		ext = "bin"
	}
	if err := write(0, "processed-"+base+"."+ext, r.File); err != nil {
		return written, err
	}
	for i, e := range r.Entities {
		typ := safeWord(e.Type, "_", 48)
		if typ == "" {
			typ = "output"
		}
		ext := safeExtension(e.Extension)
		if ext == "" {
			ext = "bin"
		}
		if err := write(i+1, "processed-"+base+"."+typ+"."+ext, e.File); err != nil {
			return written, err
		}
	}
	return written, nil
}

// safeBaseName is the input's base name without its extension, with every
// character other than letters, digits, '.', '-' and '_' replaced by '_',
// no leading dots, at most 100 bytes; "file" when nothing is left.
func safeBaseName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(name, filepath.Ext(name))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	if len(out) > 100 {
		out = out[:100]
	}
	if out == "" {
		return "file"
	}
	return out
}

// safeExtension keeps the ASCII letters and digits of ext, lower-cased, at
// most 16 of them.
func safeExtension(ext string) string { return safeWord(ext, "", 16) }

// safeWord keeps the ASCII letters and digits of s and the characters in
// extra, lower-cased, at most limit of them.
func safeWord(s, extra string, limit int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || strings.ContainsRune(extra, r) {
			b.WriteRune(r)
			if b.Len() == limit {
				break
			}
		}
	}
	return b.String()
}

// nameSet hands out the names of one call's output files.
type nameSet struct {
	used map[string]bool
	next map[string]int // the next suffix to try, per name asked for
}

// unique returns name, or name with -2, -3, ... before its extension when
// it was already used in this call. Each name's suffixes continue where
// they stopped, so n copies of a name cost n steps, not n².
func (s *nameSet) unique(name string) string {
	if s.used == nil {
		s.used, s.next = map[string]bool{}, map[string]int{}
	}
	cand, n := name, max(s.next[name], 2)
	for s.used[cand] {
		ext := filepath.Ext(name)
		cand = strings.TrimSuffix(name, ext) + "-" + strconv.Itoa(n) + ext
		n++
	}
	s.next[name] = n
	s.used[cand] = true
	return cand
}

// errOutsideDir is returned when an output name would leave the directory.
var errOutsideDir = errors.New("output path is outside the output directory")

// insideDir joins dir and name and checks the result stays directly inside
// dir.
func insideDir(dir, name string) (string, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, 0) {
		return "", errOutsideDir
	}
	path := filepath.Join(dir, name)
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel != name || filepath.Dir(path) != filepath.Clean(dir) {
		return "", errOutsideDir
	}
	return path, nil
}

// writeFileAtomic writes data to a temporary file in dir and renames it to
// path, so readers see either the old file or the whole new one. Errors
// carry the cause without the path.
func writeFileAtomic(dir, path string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, ".skyflow-out-*.tmp")
	if err != nil {
		return pathless(err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return pathless(err)
	}
	if err = f.Sync(); err != nil {
		return pathless(err)
	}
	if err = f.Close(); err != nil {
		return pathless(err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return pathless(err)
	}
	return nil
}

// pathless drops the path of a *fs.PathError or *os.LinkError.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
