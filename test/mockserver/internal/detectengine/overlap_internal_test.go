package detectengine

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// These specs reach into resolveOverlaps because full ties (same length and
// score) do not arise from the built-in recognisers.
var _ = Describe("resolveOverlaps", func() {
	const text = "abcdefghij"

	kept := func(cands ...candidate) []string {
		var out []string
		for _, c := range resolveOverlaps(text, cands) {
			out = append(out, c.typ+":"+text[c.start:c.end])
		}
		return out
	}

	It("prefers the longest, then the highest score, then the earliest, then the type name", func() {
		Expect(kept(candidate{typ: "b", start: 0, end: 3, score: 1}, candidate{typ: "a", start: 1, end: 5, score: 0.1})).
			To(Equal([]string{"a:bcde"}))
		Expect(kept(candidate{typ: "b", start: 0, end: 3, score: 0.5}, candidate{typ: "a", start: 1, end: 4, score: 0.6})).
			To(Equal([]string{"a:bcd"}))
		Expect(kept(candidate{typ: "b", start: 1, end: 4, score: 0.5}, candidate{typ: "a", start: 0, end: 3, score: 0.5})).
			To(Equal([]string{"a:abc"}))
		Expect(kept(candidate{typ: "zip", start: 0, end: 3, score: 0.5}, candidate{typ: "age", start: 0, end: 3, score: 0.5})).
			To(Equal([]string{"age:abc"}))
	})

	It("keeps every non-overlapping candidate, in text order", func() {
		Expect(kept(
			candidate{typ: "x", start: 6, end: 9, score: 0.5},
			candidate{typ: "y", start: 0, end: 2, score: 0.5},
			candidate{typ: "z", start: 2, end: 6, score: 0.5},
			candidate{typ: "w", start: 1, end: 3, score: 0.9},
		)).To(Equal([]string{"y:ab", "z:cdef", "x:ghi"}))
	})

	It("measures length in runes, not bytes", func() {
		t := "ééé abcd"
		got := resolveOverlaps(t, []candidate{
			{typ: "bytes", start: 0, end: 6, score: 0.5},  // 3 runes, 6 bytes
			{typ: "runes", start: 2, end: 11, score: 0.5}, // "éé abcd": 7 runes
		})
		Expect(got).To(HaveLen(1))
		Expect(got[0].typ).To(Equal("runes"))
		Expect(got[0].rs).To(Equal(1))
		Expect(got[0].re).To(Equal(8))
	})
})
