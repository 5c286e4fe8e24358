package detectengine

import (
	"slices"
	"testing"
)

// These tests reach into resolveOverlaps because full ties (same length and
// score) do not arise from the built-in recognisers.

// kept resolves cands over a fixed text and returns "type:text" of the
// candidates kept, in order.
func kept(cands ...candidate) []string {
	const text = "abcdefghij"
	var out []string
	for _, c := range resolveOverlaps(text, cands) {
		out = append(out, c.typ+":"+text[c.start:c.end])
	}
	return out
}

func TestResolveOverlapsPrefersLongestThenScoreThenEarliestThenType(t *testing.T) {
	cases := []struct {
		name  string
		cands []candidate
		want  []string
	}{
		{"longest wins over a higher score", []candidate{{typ: "b", start: 0, end: 3, score: 1}, {typ: "a", start: 1, end: 5, score: 0.1}}, []string{"a:bcde"}},
		{"then the higher score", []candidate{{typ: "b", start: 0, end: 3, score: 0.5}, {typ: "a", start: 1, end: 4, score: 0.6}}, []string{"a:bcd"}},
		{"then the earliest", []candidate{{typ: "b", start: 1, end: 4, score: 0.5}, {typ: "a", start: 0, end: 3, score: 0.5}}, []string{"a:abc"}},
		{"then the type name", []candidate{{typ: "zip", start: 0, end: 3, score: 0.5}, {typ: "age", start: 0, end: 3, score: 0.5}}, []string{"age:abc"}},
	}
	for _, c := range cases {
		if got := kept(c.cands...); !slices.Equal(got, c.want) {
			t.Errorf("%s: kept %v, want %v", c.name, got, c.want)
		}
	}
}

func TestResolveOverlapsKeepsNonOverlappingInTextOrder(t *testing.T) {
	got := kept(
		candidate{typ: "x", start: 6, end: 9, score: 0.5},
		candidate{typ: "y", start: 0, end: 2, score: 0.5},
		candidate{typ: "z", start: 2, end: 6, score: 0.5},
		candidate{typ: "w", start: 1, end: 3, score: 0.9},
	)
	if want := []string{"y:ab", "z:cdef", "x:ghi"}; !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
}

func TestResolveOverlapsMeasuresRunes(t *testing.T) {
	got := resolveOverlaps("ééé abcd", []candidate{
		{typ: "bytes", start: 0, end: 6, score: 0.5},  // 3 runes, 6 bytes
		{typ: "runes", start: 2, end: 11, score: 0.5}, // "éé abcd": 7 runes
	})
	if len(got) != 1 || got[0].typ != "runes" || got[0].rs != 1 || got[0].re != 8 {
		t.Fatalf("got %+v, want only the 7-rune candidate at runes [1, 8)", got)
	}
}
