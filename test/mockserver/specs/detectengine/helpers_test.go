package detectengine_test

import (
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectengine"
)

// engine is shared by the specs; an Engine is immutable and safe to share.
func engine() *detectengine.Engine { return detectengine.New() }

// find recognises text with the given entity types (all when none).
func find(text string, types ...string) []detectengine.Match {
	ms, err := engine().Recognise(text, detectengine.Options{EntityTypes: types})
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return ms
}

// found returns "type:text" for each match.
func found(text string, types ...string) []string {
	var out []string
	for _, m := range find(text, types...) {
		out = append(out, m.Type+":"+m.Text)
	}
	return out
}

// deid de-identifies text and fails the spec on error.
func deid(text string, opts detectengine.Options) detectengine.Result {
	r, err := engine().DeidentifyText(text, opts)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return r
}

// runeSlice returns the runes [s, e) of text.
func runeSlice(text string, s, e int) string {
	r := []rune(text)
	return string(r[s:e])
}
