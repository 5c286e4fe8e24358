package facade

import (
	"encoding/json"
	"math"
	"testing"
)

// encodable agrees with json.Marshal on every kind of value a record holds,
// those its fast path accepts without encoding included.
func TestEncodableAgreesWithMarshal(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	for _, v := range []any{
		nil, "s", true, 3, int64(-4), uint8(5), 1.5, float32(2.5), map[string]string{"a": "b"}, []string{"x"},
		map[string]any{"a": []any{1.0, "b", map[string]any{"c": nil}}},
		json.Number("12.5"), json.Number("abc"), json.Number(""),
		math.NaN(), math.Inf(-1), float32(math.Inf(1)), []any{math.NaN()}, map[string]any{"a": math.Inf(1)},
		make(chan int), func() {}, cyclic, struct{ A float64 }{math.NaN()},
	} {
		_, err := json.Marshal(v)
		if got, want := encodable(v), err == nil; got != want {
			t.Errorf("encodable(%T) = %v, json.Marshal says %v", v, got, want)
		}
	}
}
