// Package apiurl builds the request URLs of the generated clients (gen/...)
// in one buffer: the server's base URL, the operation's path with its
// escaped parameters, and the query. It writes what the oapi-codegen
// runtime's styling writes for the parameter kinds the APIs use (simple
// path strings; exploded form query strings, integers, booleans and string
// arrays), without reflection, URL re-parsing or intermediate strings; the
// generated code keeps the runtime for any other kind.
package apiurl

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/oapi-codegen/runtime"
)

// Builder assembles one URL. The zero value is empty; a Builder must not be
// copied once used.
type Builder struct {
	b     strings.Builder
	query bool
}

// Path writes server (a base URL ending with a slash) followed by format,
// a path starting with a slash in which each %s is replaced by the next of
// params, already escaped (see PathParam). It is the URL that resolving
// "."+path against server gives for the paths the APIs define. extra is a
// guess of the bytes the query will add (0 when none).
func (u *Builder) Path(server, format string, extra int, params ...string) {
	n := len(server) + len(format) + extra
	for _, p := range params {
		n += len(p)
	}
	u.b.Grow(n)
	u.b.WriteString(strings.TrimSuffix(server, "/"))
	for _, p := range params {
		i := strings.Index(format, "%s")
		if i < 0 {
			break
		}
		u.b.WriteString(format[:i])
		u.b.WriteString(p)
		format = format[i+2:]
	}
	u.b.WriteString(format)
}

// PathParam escapes a simple-style path parameter, as the runtime does.
// It returns v itself when nothing needs escaping.
func PathParam(v string) string { return url.PathEscape(v) }

// String adds one exploded form-style query parameter: name=value.
func (u *Builder) String(name, value string) {
	u.sep()
	u.b.WriteString(escape(name))
	u.b.WriteByte('=')
	u.b.WriteString(escape(value))
}

// Int adds one form-style integer query parameter.
func (u *Builder) Int(name string, value int64) {
	u.sep()
	u.b.WriteString(escape(name))
	u.b.WriteByte('=')
	var buf [20]byte
	u.b.Write(strconv.AppendInt(buf[:0], value, 10))
}

// Bool adds one form-style boolean query parameter.
func (u *Builder) Bool(name string, value bool) {
	u.sep()
	u.b.WriteString(escape(name))
	u.b.WriteByte('=')
	u.b.WriteString(strconv.FormatBool(value))
}

// Strings adds an exploded form-style array query parameter: name=v1&name=v2…
// An empty array writes "name=", as the runtime does.
func Strings[S ~string](u *Builder, name string, values []S) {
	name = escape(name)
	n := 0
	for _, v := range values {
		n += len(name) + 2 + len(v)
	}
	u.b.Grow(n + 1)
	if len(values) == 0 {
		u.sep()
		u.b.WriteString(name)
		u.b.WriteByte('=')
		return
	}
	for _, v := range values {
		u.sep()
		u.b.WriteString(name)
		u.b.WriteByte('=')
		u.b.WriteString(escape(string(v)))
	}
}

// Styled adds a query fragment the runtime styled (runtime.StyleParamWithOptions),
// when it is not empty.
func (u *Builder) Styled(fragment string) {
	if fragment == "" {
		return
	}
	u.sep()
	u.b.WriteString(fragment)
}

// URL returns the URL built.
func (u *Builder) URL() string { return u.b.String() }

func (u *Builder) sep() {
	if u.query {
		u.b.WriteByte('&')
		return
	}
	u.query = true
	u.b.WriteByte('?')
}

// escape escapes a query name or value with the runtime's query encoder,
// as the runtime's styling does.
func escape(s string) string {
	return runtime.DefaultQueryEncoder.EscapeQueryValue(s, false)
}
