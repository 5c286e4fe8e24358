package facade

import (
	"strings"

	"github.com/skyflowgo/skyflow/internal/errs"
)

// checkPathParam checks a value that becomes one segment of a request path
// (a table, a record id, a run id): it must not be empty, and must not be
// "." or "..", which would move the request to another path.
func checkPathParam(field, v string) error {
	switch strings.TrimSpace(v) {
	case "":
		return errs.Invalid(field, "is required")
	case ".", "..":
		return errs.Invalid(field, "must not be %q", v)
	}
	return nil
}

// blank reports whether s is empty or white space only, like
// strings.TrimSpace(s) == "", without trimming when s starts with a
// printable ASCII character (a column name, a token, an id): the per-item
// checks of large requests stay cheap.
func blank(s string) bool {
	if s != "" && s[0] > ' ' && s[0] < 0x7f {
		return false
	}
	return strings.TrimSpace(s) == ""
}
