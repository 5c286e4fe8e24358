package detectengine

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Engine holds the compiled recognition rules. It is immutable after [New]
// and safe for concurrent use; build one and share it, or use the package
// functions, which build one per call.
type Engine struct {
	re    rules
	first map[string]bool
	last  map[string]bool
}

// New builds an Engine.
func New() *Engine {
	return &Engine{re: compileRules(), first: wordSet(firstNames), last: wordSet(lastNames)}
}

// wordSet splits a whitespace-separated list into a set.
func wordSet(list string) map[string]bool {
	words := strings.Fields(list)
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

// Match is one entity found in a text.
type Match struct {
	// Type is the entity type, a Detect EntityType value.
	Type string
	// Start is the rune offset of the first rune of the entity.
	Start int
	// End is the rune offset just past the entity (exclusive).
	End int
	// Text is the matched text.
	Text string
	// Score is the confidence, in (0, 1].
	Score float64
}

// candidate is a match in byte offsets, before overlap resolution.
type candidate struct {
	typ        string
	start, end int // byte offsets
	score      float64
	rs, re     int // rune offsets, filled by resolve
}

// Recognise finds the entities of opts.EntityTypes in text, resolves
// overlaps and applies opts.AllowRegex and opts.RestrictRegex. The other
// fields of opts are ignored. Matches are in text order.
func (e *Engine) Recognise(text string, opts Options) ([]Match, error) {
	c, err := Options{EntityTypes: opts.EntityTypes, AllowRegex: opts.AllowRegex, RestrictRegex: opts.RestrictRegex}.compile()
	if err != nil {
		return nil, err
	}
	cands := e.find(text, c)
	out := make([]Match, len(cands))
	for i, m := range cands {
		out[i] = Match{Type: m.typ, Start: m.rs, End: m.re, Text: text[m.start:m.end], Score: m.score}
	}
	return out, nil
}

// Recognise is [Engine.Recognise] on a fresh Engine.
func Recognise(text string, opts Options) ([]Match, error) {
	return New().Recognise(text, opts)
}

// find runs every wanted recogniser, resolves overlaps, applies the regex
// lists and returns the survivors in text order with rune offsets filled in.
func (e *Engine) find(text string, c *compiledOptions) []candidate {
	var cands []candidate
	want := c.want
	if want.has(TypeSSN) {
		cands = e.findSSN(text, cands)
	}
	if want.has(TypeCreditCard) {
		cands = e.findCards(text, cands)
	}
	if want.has(TypeEmailAddress) {
		cands = e.findEmails(text, cands)
	}
	if want.has(TypePhoneNumber) {
		cands = e.findPhones(text, cands)
	}
	if want.has(TypeDate) || want.has(TypeDOB) {
		cands = e.findDates(text, want, cands)
	}
	if want.has(TypeIPAddress) {
		cands = e.findIPs(text, cands)
	}
	if want.has(TypeURL) {
		cands = e.findURLs(text, cands)
	}
	if want.has(TypeName) || want.has(TypeNameGiven) || want.has(TypeNameFamily) {
		cands = e.findNames(text, want, cands)
	}
	if want.has(TypeBankAccount) || want.has(TypeRoutingNumber) || want.has(TypeLocationZip) {
		cands = e.findContextNumbers(text, want, cands)
	}
	cands = resolveOverlaps(text, cands)
	return filterRegex(text, cands, c.allow, c.restrict)
}

// resolveOverlaps keeps a set of non-overlapping candidates: longest first
// (in runes), then highest score, then earliest start, then type name.
func resolveOverlaps(text string, cands []candidate) []candidate {
	if len(cands) == 0 {
		return nil
	}
	fillRuneOffsets(text, cands)
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if la, lb := a.re-a.rs, b.re-b.rs; la != lb {
			return la > lb
		}
		if a.score != b.score {
			return a.score > b.score
		}
		if a.start != b.start {
			return a.start < b.start
		}
		return a.typ < b.typ
	})
	var kept []candidate
	taken := make([]bool, len(text)) // bytes covered by kept candidates
	for _, c := range cands {
		if slices.Contains(taken[c.start:c.end], true) {
			continue
		}
		for i := c.start; i < c.end; i++ {
			taken[i] = true
		}
		kept = append(kept, c)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	return kept
}

// fillRuneOffsets converts the byte offsets of cands to rune offsets with one
// pass over text.
func fillRuneOffsets(text string, cands []candidate) {
	idx := runeIndex(text)
	for i := range cands {
		cands[i].rs = idx[cands[i].start]
		cands[i].re = idx[cands[i].end]
	}
}

// runeIndex maps every byte offset of s (0..len(s)) to the rune offset of
// the rune containing it; offsets at rune starts get that rune's index.
func runeIndex(s string) []int {
	idx := make([]int, len(s)+1)
	n := 0
	for i := 0; i < len(s); {
		_, w := utf8.DecodeRuneInString(s[i:])
		for k := 0; k < w; k++ {
			idx[i+k] = n
		}
		i += w
		n++
	}
	idx[len(s)] = n
	return idx
}

// filterRegex applies the regex lists. Candidates overlapping an allow
// match are dropped (left in clear). Every restrict match that overlaps no
// allow match is always de-identified: it becomes a candidate of type
// TypeRestricted and replaces the candidates it overlaps, whether or not a
// recogniser found anything there. Overlapping restrict matches merge.
// Empty (zero-width) matches cover no text and are ignored.
func filterRegex(text string, cands []candidate, allow, restrict []*regexp.Regexp) []candidate {
	if len(allow) == 0 && len(restrict) == 0 {
		return cands
	}
	allowSpans := regexSpans(text, allow)
	var forced [][]int
	for _, sp := range mergeSpans(regexSpans(text, restrict)) {
		if !overlapsAny(candidate{start: sp[0], end: sp[1]}, allowSpans) {
			forced = append(forced, sp)
		}
	}
	var out []candidate
	for _, c := range cands {
		if overlapsAny(c, allowSpans) || overlapsAny(c, forced) {
			continue
		}
		out = append(out, c)
	}
	if len(forced) == 0 {
		return out
	}
	added := make([]candidate, len(forced))
	for i, sp := range forced {
		added[i] = candidate{typ: TypeRestricted, start: sp[0], end: sp[1], score: 1}
	}
	fillRuneOffsets(text, added)
	out = append(out, added...)
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// mergeSpans sorts spans and merges the overlapping ones.
func mergeSpans(spans [][]int) [][]int {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var out [][]int
	for _, sp := range spans {
		if n := len(out); n > 0 && sp[0] < out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], sp[1])
			continue
		}
		out = append(out, []int{sp[0], sp[1]})
	}
	return out
}

// regexSpans returns the non-empty match spans of all patterns.
func regexSpans(text string, res []*regexp.Regexp) [][]int {
	var spans [][]int
	for _, re := range res {
		for _, m := range re.FindAllStringIndex(text, -1) {
			if m[1] > m[0] {
				spans = append(spans, m)
			}
		}
	}
	return spans
}

// overlapsAny reports whether c shares at least one byte with a span.
func overlapsAny(c candidate, spans [][]int) bool {
	for _, s := range spans {
		if c.start < s[1] && s[0] < c.end {
			return true
		}
	}
	return false
}
