package detectengine

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp/syntax"
)

// ErrNoVaultTokenFunc is returned when an entity must be tokenised with the
// vault_token style but [Options.VaultToken] is nil.
var ErrNoVaultTokenFunc = errors.New("detectengine: vault_token style requested but no VaultToken function was given")

// ErrBadVaultToken is returned (wrapped) when [Options.VaultToken] returns an
// empty token or one that is not valid UTF-8.
var ErrBadVaultToken = errors.New("detectengine: VaultToken returned an empty or non-UTF-8 token")

// RegexError reports a pattern of allow_regex or restrict_regex that is not
// a valid Go RE2 regular expression. It names the list and the index of the
// pattern, never the pattern text.
type RegexError struct {
	// Field is "allow_regex" or "restrict_regex".
	Field string
	// Index is the 0-based position of the pattern in its list.
	Index int
	// Code is the RE2 parser's error code (for example "missing closing )"),
	// or empty when the parser gave none.
	Code syntax.ErrorCode
}

// Error implements error. The text contains the field, the index and the
// error code, but not the pattern.
func (e *RegexError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("detectengine: %s[%d] is not a valid regular expression", e.Field, e.Index)
	}
	return fmt.Sprintf("detectengine: %s[%d] is not a valid regular expression: %s", e.Field, e.Index, e.Code)
}

// OptionError reports an invalid option: an unknown entity type, an unknown
// token style, an inverted shift range or an unknown file format. It names
// the option and, for lists, the index, never the offending value.
type OptionError struct {
	// Field names the option on the wire, e.g. "entity_types",
	// "token_type.default", "transformations.shift_dates", "data_format".
	Field string
	// Index is the 0-based position in a list option, or -1 for scalars.
	Index int
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *OptionError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("detectengine: %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("detectengine: %s[%d]: %s", e.Field, e.Index, e.Reason)
}

// FileError reports a text-like file (csv, json, jsonl, xml) whose content
// cannot be parsed as its declared format. Err is the parser's error.
type FileError struct {
	// Format is the declared data format, lower-case.
	Format string
	// Line is the 1-based line of the problem when known (csv, jsonl, xml),
	// else 0.
	Line int
	// Err is the underlying parse error. Its text may quote the file's
	// content, so [FileError.Error] does not include it.
	Err error
}

// Error implements error. The text names the format and, when known, the
// line or byte offset, but never quotes the file.
func (e *FileError) Error() string {
	where := ""
	var se *json.SyntaxError
	switch {
	case e.Line > 0:
		where = fmt.Sprintf(" (line %d)", e.Line)
	case errors.As(e.Err, &se):
		where = fmt.Sprintf(" (byte offset %d)", se.Offset)
	}
	return fmt.Sprintf("detectengine: the %s file cannot be parsed%s", e.Format, where)
}

// newFileError builds a FileError, pulling the line out of the parsers'
// error types when they carry one.
func newFileError(format string, line int, err error) *FileError {
	var pe *csv.ParseError
	var xe *xml.SyntaxError
	switch {
	case line > 0:
	case errors.As(err, &pe):
		line = pe.Line
	case errors.As(err, &xe):
		line = xe.Line
	}
	return &FileError{Format: format, Line: line, Err: err}
}

// Unwrap returns the underlying parse error.
func (e *FileError) Unwrap() error { return e.Err }
