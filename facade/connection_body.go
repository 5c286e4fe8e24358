package facade

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"mime"
	"mime/multipart"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// encodeInvokeBody encodes an Invoke body for the caller's Content-Type
// (ct, possibly "") and returns the bytes and the Content-Type to send ("" to
// leave the caller's, or none).
func encodeInvokeBody(body any, ct string) ([]byte, string, error) {
	if body == nil {
		return nil, "", nil
	}
	media := ""
	var params map[string]string
	if ct != "" {
		var err error
		media, params, err = mime.ParseMediaType(ct)
		if err != nil {
			return nil, "", errs.Invalid("Headers[Content-Type]", "is not a valid media type")
		}
	}
	switch raw := body.(type) {
	case string:
		return []byte(raw), defaultJSON(ct), nil
	case []byte:
		return bytes.Clone(raw), defaultJSON(ct), nil
	}
	switch {
	case media == "application/x-www-form-urlencoded":
		tree, err := objectTree(body, "form-urlencoded")
		if err != nil {
			return nil, "", err
		}
		var b strings.Builder
		for i, kv := range flatten(tree) {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(kv[0]))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(kv[1]))
		}
		return []byte(b.String()), "", nil
	case media == "multipart/form-data":
		tree, err := objectTree(body, "multipart")
		if err != nil {
			return nil, "", err
		}
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		if bnd := params["boundary"]; bnd != "" {
			if err := w.SetBoundary(bnd); err != nil {
				return nil, "", errs.Invalid("Headers[Content-Type]", "has an invalid multipart boundary")
			}
		}
		for _, kv := range flatten(tree) {
			if err := w.WriteField(kv[0], kv[1]); err != nil {
				return nil, "", err
			}
		}
		if err := w.Close(); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), w.FormDataContentType(), nil
	case media == "application/xml" || media == "text/xml" || strings.HasSuffix(media, "+xml"):
		tree, err := objectTree(body, "XML")
		if err != nil {
			return nil, "", err
		}
		var buf bytes.Buffer
		if err := writeXMLElement(&buf, "root", tree); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "", nil
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, "", &skyflow.ValidationError{Field: "Body", Reason: "cannot be encoded as JSON", Err: err}
	}
	return data, defaultJSON(ct), nil
}

// defaultJSON is the Content-Type to set when the caller gave none.
func defaultJSON(ct string) string {
	if ct == "" {
		return "application/json"
	}
	return ""
}

// objectTree turns body into its generic JSON form (maps, slices, strings,
// json.Number, bools, nil), which must be an object.
func objectTree(body any, kind string) (map[string]any, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, &skyflow.ValidationError{Field: "Body", Reason: "cannot be encoded", Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, &skyflow.ValidationError{Field: "Body", Reason: "cannot be encoded", Err: err}
	}
	m, ok := tree.(map[string]any)
	if !ok {
		return nil, errs.Invalid("Body", "must be an object (a map or a struct) for %s bodies", kind)
	}
	return m, nil
}

// flatten lists the leaves of an object as (key, value) pairs with nested
// keys a[b][0], keys in sorted order and slices in index order. nil becomes
// an empty value; empty objects and slices produce nothing.
func flatten(tree map[string]any) [][2]string {
	var out [][2]string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				walk(prefix+"["+k+"]", x[k])
			}
		case []any:
			for i, e := range x {
				walk(prefix+"["+strconv.Itoa(i)+"]", e)
			}
		default:
			out = append(out, [2]string{prefix, leafText(x)})
		}
	}
	for _, k := range sortedKeys(tree) {
		switch x := tree[k].(type) {
		case map[string]any, []any:
			walk(k, x)
		default:
			out = append(out, [2]string{k, leafText(x)})
		}
	}
	return out
}

func leafText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// writeXMLElement writes v as the element name: objects as child elements
// in key order, slices as repeated elements of the same name (items of a
// nested slice are named "item"), nil as an empty element, and scalars as
// escaped text.
func writeXMLElement(buf *bytes.Buffer, name string, v any) error {
	if !validXMLName(name) {
		return errs.Invalid("Body", "has a key that is not a valid XML element name")
	}
	if list, ok := v.([]any); ok {
		for _, e := range list {
			if inner, ok := e.([]any); ok {
				buf.WriteString("<" + name + ">")
				for _, ie := range inner {
					if err := writeXMLElement(buf, "item", ie); err != nil {
						return err
					}
				}
				buf.WriteString("</" + name + ">")
				continue
			}
			if err := writeXMLElement(buf, name, e); err != nil {
				return err
			}
		}
		return nil
	}
	if v == nil {
		buf.WriteString("<" + name + "/>")
		return nil
	}
	buf.WriteString("<" + name + ">")
	if m, ok := v.(map[string]any); ok {
		for _, k := range sortedKeys(m) {
			if err := writeXMLElement(buf, k, m[k]); err != nil {
				return err
			}
		}
	} else if err := xml.EscapeText(buf, []byte(leafText(v))); err != nil {
		return err
	}
	buf.WriteString("</" + name + ">")
	return nil
}

// validXMLName reports whether s is an XML element name without a
// namespace prefix.
func validXMLName(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (r == '-' || r == '.' || unicode.IsDigit(r)):
		default:
			return false
		}
	}
	return true
}

// queryValues formats one query parameter value.
func queryValues(v any) ([]string, error) {
	if s, ok := scalarText(v); ok {
		return []string{s}, nil
	}
	rv := reflect.ValueOf(v)
	if v != nil && (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) {
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return nil, errors.New("must not be a byte slice (pass a string)")
		}
		out := make([]string, 0, rv.Len())
		for i := range rv.Len() {
			s, ok := scalarText(rv.Index(i).Interface())
			if !ok {
				return nil, errors.New("has an element that is not a string, bool or number")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New("must be a string, bool, number or a slice of those")
}

// scalarText formats a query scalar: numbers as JSON formats them.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case json.Number:
		return x.String(), true
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), true
	}
	return "", false
}

// formatFloat writes f as encoding/json does: plain decimals, exponent
// form only below 1e-6 or from 1e21 on; NaN and infinities are rejected.
func formatFloat(f float64, bits int) (string, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.FormatFloat(f, format, -1, bits), true
}
