// Package redact renders values that hold secrets or personal data for
// people to read. A Desc names a value's type and carries only the
// attributes that are safe to show; it prints the same way through every
// channel a value can leave by: fmt (every verb), log/slog and
// encoding/json. The SDK's types delegate String, GoString, Format,
// LogValue and (for credentials) MarshalJSON to a Desc, so what they print
// is decided in one place: the code that builds the Desc.
package redact

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Hidden stands in for a value that is not shown.
const Hidden = "<redacted>"

// Desc describes a value by its type and its safe attributes.
type Desc struct {
	// Type names the value's type, for example "auth.Credentials"; ""
	// for a bare group of fields (a map's keys).
	Type string
	// Fields are the attributes shown, in order.
	Fields []Field
}

// Field is one attribute of a Desc. Value is a string (printed quoted), a
// Text, a bool, a signed or unsigned integer, a float64, a time.Time, a
// time.Duration, a Desc, a List, a Printer or nil.
type Field struct {
	Key   string
	Value any
}

// Text is shown as it is, unquoted: a marker such as Hidden or "<3 items>",
// or the description of a nested value.
type Text string

// List is a sequence of values (the kinds Field.Value allows).
type List []any

// Printer is a value that already prints itself safely in every form (the
// SDK's credentials), nested as it is.
type Printer interface {
	fmt.Stringer
	slog.LogValuer
	json.Marshaler
}

// New builds a Desc from alternating keys and values, like slog's
// arguments. A nil value, an empty string or a zero time leaves its key
// out.
func New(typ string, kv ...any) Desc {
	d := Desc{Type: typ}
	for i := 0; i+1 < len(kv); i += 2 {
		key, _ := kv[i].(string)
		switch v := kv[i+1].(type) {
		case nil:
			continue
		case string:
			if v == "" {
				continue
			}
		case time.Time:
			if v.IsZero() {
				continue
			}
		}
		d.Fields = append(d.Fields, Field{Key: key, Value: kv[i+1]})
	}
	return d
}

// TypeOf describes a value by its dynamic type alone, for values the SDK
// does not own (a caller's token source, a request body): "<T>", or nil for
// a nil interface.
func TypeOf(v any) any {
	if v == nil {
		return nil
	}
	return Text("<" + reflect.TypeOf(v).String() + ">")
}

// String renders the description as Type{key: value, ...}.
func (d Desc) String() string {
	w := writer{}
	w.value(d)
	return w.b.String()
}

// Format implements fmt.Formatter: every verb prints the description (%q
// quoted), so no verb or flag can reach the described value's fields.
func (d Desc) Format(f fmt.State, verb rune) {
	s := d.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// LogValue implements slog.LogValuer: a group of the fields.
func (d Desc) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, len(d.Fields))
	for _, f := range d.Fields {
		attrs = append(attrs, slog.Attr{Key: f.Key, Value: logValue(f.Value)})
	}
	return slog.GroupValue(attrs...)
}

// MarshalJSON implements json.Marshaler: an object of the fields.
func (d Desc) MarshalJSON() ([]byte, error) {
	w := writer{json: true}
	w.value(d)
	return []byte(w.b.String()), nil
}

// writer renders descriptions as text, or as JSON when json is set.
type writer struct {
	b    strings.Builder
	json bool
}

func (w *writer) value(v any) {
	switch v := v.(type) {
	case Desc:
		if !w.json {
			w.b.WriteString(v.Type)
		}
		w.b.WriteByte('{')
		for i, f := range v.Fields {
			w.separate(i)
			if w.json {
				w.quote(f.Key)
				w.b.WriteByte(':')
			} else {
				w.b.WriteString(f.Key)
				w.b.WriteString(": ")
			}
			w.value(f.Value)
		}
		w.b.WriteByte('}')
	case List:
		w.b.WriteByte('[')
		for i, e := range v {
			w.separate(i)
			w.value(e)
		}
		w.b.WriteByte(']')
	default:
		if w.json {
			w.jsonScalar(v)
		} else {
			w.textScalar(v)
		}
	}
}

// separate writes the separator before the i-th element.
func (w *writer) separate(i int) {
	switch {
	case i == 0:
	case w.json:
		w.b.WriteByte(',')
	default:
		w.b.WriteString(", ")
	}
}

func (w *writer) textScalar(v any) {
	switch v := v.(type) {
	case string:
		w.b.WriteString(strconv.Quote(v))
	case Text:
		w.b.WriteString(string(v))
	case Printer:
		w.b.WriteString(v.String())
	case nil:
		w.b.WriteString("nil")
	default:
		w.b.WriteString(scalar(v))
	}
}

func (w *writer) jsonScalar(v any) {
	switch v := v.(type) {
	case string:
		w.quote(v)
	case Text:
		w.quote(string(v))
	case Printer:
		data, err := v.MarshalJSON()
		if err != nil || !json.Valid(data) {
			w.quote(v.String())
			return
		}
		w.b.Write(data)
	case nil:
		w.b.WriteString("null")
	case bool, int, int64, uint64:
		w.b.WriteString(scalar(v))
	case float64:
		data, err := json.Marshal(v)
		if err != nil { // NaN and infinities have no JSON form
			w.quote(scalar(v))
			return
		}
		w.b.Write(data)
	default:
		w.quote(scalar(v))
	}
}

// quote writes s as a JSON string.
func (w *writer) quote(s string) {
	data, _ := json.Marshal(s) // a string always encodes
	w.b.Write(data)
}

func logValue(v any) slog.Value {
	switch v := v.(type) {
	case Desc:
		return v.LogValue()
	case string:
		return slog.StringValue(v)
	case Text:
		return slog.StringValue(string(v))
	case Printer:
		return v.LogValue()
	case bool:
		return slog.BoolValue(v)
	case int:
		return slog.IntValue(v)
	case int64:
		return slog.Int64Value(v)
	case uint64:
		return slog.Uint64Value(v)
	case float64:
		return slog.Float64Value(v)
	case time.Time:
		return slog.TimeValue(v)
	case time.Duration:
		return slog.DurationValue(v)
	}
	w := writer{}
	w.value(v)
	return slog.StringValue(w.b.String())
}

// scalar formats the plain kinds a Field may hold.
func scalar(v any) string {
	switch v := v.(type) {
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	case time.Duration:
		return v.String()
	}
	return "<" + reflect.TypeOf(v).String() + ">"
}

// maxDepth bounds how deep Of descends into nested values.
const maxDepth = 8

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// Of describes a struct (or a pointer to one) by reflection, showing its
// structure and never its data. Zero fields are left out. For the others:
//
//   - numbers, bools, times and durations are shown;
//   - strings of a named type (the SDK's enumerations) are shown; other
//     strings, and slices of them, only when shown(field name) is true,
//     else they print as Hidden or "<n items>";
//   - []byte prints as "<n bytes>";
//   - a map prints its keys, every value Hidden (record values, header
//     values and parameters live in maps);
//   - structs and pointers to them are described the same way, slices of
//     them element by element;
//   - interfaces (a body, a reader, an error) print their dynamic type only.
func Of(v any, shown func(field string) bool) Desc {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return Desc{Type: rv.Type().String() + "(nil)"}
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return Desc{Type: "<" + rv.Type().String() + ">"}
	}
	return structOf(rv, shown, 0)
}

func structOf(rv reflect.Value, shown func(string) bool, depth int) Desc {
	t := rv.Type()
	d := Desc{Type: t.String()}
	for i := range t.NumField() {
		sf := t.Field(i)
		fv := rv.Field(i)
		if !sf.IsExported() || fv.IsZero() {
			continue
		}
		d.Fields = append(d.Fields, Field{Key: sf.Name, Value: valueOf(fv, shown(sf.Name), shown, depth+1)})
	}
	return d
}

func valueOf(v reflect.Value, show bool, shown func(string) bool, depth int) any {
	t := v.Type()
	switch {
	case depth > maxDepth:
		return Text("<" + t.String() + ">")
	case t == timeType:
		return v.Interface()
	case t == durationType:
		return time.Duration(v.Int())
	}
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.String:
		if show || t.PkgPath() != "" {
			return v.String()
		}
		return Text(Hidden)
	case reflect.Slice, reflect.Array:
		return listOf(v, show, shown, depth)
	case reflect.Map:
		keys := v.MapKeys()
		if t.Key().Kind() != reflect.String {
			return Text("<" + strconv.Itoa(len(keys)) + " entries>")
		}
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.String()
		}
		slices.Sort(names)
		d := Desc{Fields: make([]Field, len(names))}
		for i, n := range names {
			d.Fields[i] = Field{Key: n, Value: Text(Hidden)}
		}
		return d
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return valueOf(v.Elem(), show, shown, depth+1)
	case reflect.Struct:
		return structOf(v, shown, depth)
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return Text("<" + v.Elem().Type().String() + ">")
	}
	return Text("<" + t.String() + ">")
}

func listOf(v reflect.Value, show bool, shown func(string) bool, depth int) any {
	elem := v.Type().Elem()
	n := v.Len()
	switch {
	case elem.Kind() == reflect.Uint8:
		return Text("<" + strconv.Itoa(n) + " bytes>")
	case elem.Kind() == reflect.String && !show && elem.PkgPath() == "":
		return Text("<" + strconv.Itoa(n) + " items>")
	}
	out := make(List, n)
	for i := range n {
		out[i] = valueOf(v.Index(i), show, shown, depth+1)
	}
	return out
}
