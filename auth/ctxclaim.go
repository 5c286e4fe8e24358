package auth

import (
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
)

var ctxKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

// normalizeCtx checks a ctx claim value and returns what goes into the JWT,
// or nil when the claim is to be omitted (nil, "" or an empty map). field is
// the name used in errors ("Context" or "Ctx").
//
// Accepted: string, bool, every Go integer and float kind (finite), and maps
// with string keys matching ^[a-zA-Z0-9_]+$ whose values encode as JSON.
func normalizeCtx(field string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		if rv.Len() == 0 {
			return nil, nil
		}
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rv.Uint(), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, invalid(field, ErrInvalidContext, "number must be finite")
		}
		return f, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, invalid(field, ErrInvalidContext, "map keys must be strings")
		}
		if rv.IsNil() || rv.Len() == 0 {
			return nil, nil
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		out := make(map[string]any, len(keys))
		for _, k := range keys {
			if !ctxKeyPattern.MatchString(k) {
				return nil, invalid(field+"["+strconv.Quote(k)+"]", ErrInvalidContextKey,
					"key must match ^[a-zA-Z0-9_]+$")
			}
			out[k] = rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())).Interface()
		}
		if _, err := json.Marshal(out); err != nil {
			return nil, invalid(field, ErrInvalidContext, "map values must be encodable as JSON")
		}
		return out, nil
	}
	return nil, invalid(field, ErrInvalidContext,
		"must be a string, bool, number or map with string keys, not "+typeName(v))
}

// typeName describes a Go type without printing its value.
func typeName(v any) string { return reflect.TypeOf(v).String() }
