package facade

import (
	"encoding/json"
	"math"
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

// hostLabel reports whether s holds only what a host name's labels hold
// (letters, digits, '-', '_', and '.' between labels): a cluster id becomes
// part of the host of every request, which anything else would break at
// every call, or move.
func hostLabel(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
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

// unencodableReason is the reason of the error for a value JSON cannot
// encode.
const unencodableReason = "holds a value JSON cannot encode (NaN, an infinity, a channel, a function, or a cycle)"

// encodable reports whether json.Marshal can encode v. The JSON shapes
// records are made of are walked without encoding them (a string, the
// common case, costs a type switch); any other value is encoded, as is a
// value nested deeper than maxWalk, where encoding/json finds cycles.
func encodable(v any) bool { return encodableAt(v, 0) }

const maxWalk = 32

func encodableAt(v any, depth int) bool {
	switch x := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		map[string]string, []string:
		return true
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0)
	case map[string]any:
		if depth < maxWalk {
			for _, e := range x {
				if !encodableAt(e, depth+1) {
					return false
				}
			}
			return true
		}
	case []any:
		if depth < maxWalk {
			for _, e := range x {
				if !encodableAt(e, depth+1) {
					return false
				}
			}
			return true
		}
	}
	_, err := json.Marshal(v)
	return err == nil
}

// encodableValues reports whether json.Marshal can encode every value of m.
func encodableValues(m map[string]any) bool {
	for _, v := range m {
		if !encodable(v) {
			return false
		}
	}
	return true
}
