package facade

import (
	"reflect"
	"strings"
	"testing"

	gvault "github.com/skyflowgo/skyflow/gen/vault"
)

// TestWireShapesMatchTheGeneratedTypes keeps the unnamed answer types of
// wire.go in step with the generated ones (regenerated from the spec):
// the same JSON names, options and kinds, field by field, all the way
// down.
func TestWireShapesMatchTheGeneratedTypes(t *testing.T) {
	for _, c := range []struct {
		ours, generated any
	}{
		{detokenizeAnswer{}, gvault.V1DetokenizeResponse{}},
		{insertAnswer{}, gvault.V1InsertRecordResponse{}},
		{recordsAnswer{}, gvault.V1BulkGetRecordResponse{}},
		{recordsAnswer{}, gvault.V1GetQueryResponse{}},
	} {
		ours, gen := reflect.TypeOf(c.ours), reflect.TypeOf(c.generated)
		if diff := sameShape(ours, gen, gen.Name()); diff != "" {
			t.Errorf("%s does not decode like %s: %s", ours, gen, diff)
		}
		for _, elem := range elements(ours) {
			if elem.PkgPath() != "" {
				t.Errorf("%s holds the declared type %s: encoding/json looks its name and methods up for every value", ours, elem)
			}
		}
	}
}

// sameShape compares two types as encoding/json decodes them, and says
// where they differ ("" when they do not).
func sameShape(a, b reflect.Type, path string) string {
	if a.Kind() != b.Kind() {
		return path + ": " + a.Kind().String() + " vs " + b.Kind().String()
	}
	switch a.Kind() {
	case reflect.Struct:
		fa, fb := jsonFields(a), jsonFields(b)
		if len(fa) != len(fb) {
			return path + ": " + strings.Join(keys(fa), ",") + " vs " + strings.Join(keys(fb), ",")
		}
		for tag, x := range fa {
			y, ok := fb[tag]
			if !ok {
				return path + ": no field " + tag
			}
			if d := sameShape(x, y, path+"."+tag); d != "" {
				return d
			}
		}
	case reflect.Slice, reflect.Pointer:
		return sameShape(a.Elem(), b.Elem(), path+"[]")
	case reflect.Map:
		if d := sameShape(a.Key(), b.Key(), path+"{key}"); d != "" {
			return d
		}
		return sameShape(a.Elem(), b.Elem(), path+"{}")
	}
	return ""
}

// jsonFields maps each field's full JSON tag to its type.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		out[f.Tag.Get("json")] = f.Type
	}
	return out
}

func keys(m map[string]reflect.Type) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// elements lists the types inside t's fields (not t itself).
func elements(t reflect.Type) []reflect.Type {
	var out []reflect.Type
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		switch t.Kind() {
		case reflect.Struct:
			for i := range t.NumField() {
				ft := t.Field(i).Type
				out = append(out, ft)
				walk(ft)
			}
		case reflect.Slice, reflect.Pointer, reflect.Map:
			out = append(out, t.Elem())
			walk(t.Elem())
		}
	}
	walk(t)
	return out
}
