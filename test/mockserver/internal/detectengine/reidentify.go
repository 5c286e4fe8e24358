package detectengine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Format mirrors the Detect re-identify Format: the entity types to return
// redacted, masked or in plaintext. "all" stands for every type. A type
// named explicitly wins over "all"; among explicit (or among "all") entries,
// redacted wins over masked, which wins over plaintext. Types in no list are
// returned in plaintext. Unknown values are ignored.
type Format struct {
	// Redacted lists the types that stay redacted: the token is kept.
	Redacted []string
	// Masked lists the types returned masked (see [Mask]).
	Masked []string
	// Plaintext lists the types returned as their original value.
	Plaintext []string
}

// Resolver says what a token stands for. ok is false for text that is not a
// known token.
type Resolver func(token string) (entityType, value string, ok bool)

// Mask hides all runes of value but the last four behind '*'. A value of
// four runes or fewer is masked entirely, so that a masked value never shows
// in full.
func Mask(value string) string {
	n := utf8.RuneCountInString(value)
	keep := 4
	if n <= keep {
		keep = 0
	}
	var b strings.Builder
	i := 0
	for _, r := range value {
		if i < n-keep {
			b.WriteByte('*')
		} else {
			b.WriteRune(r)
		}
		i++
	}
	return b.String()
}

// formatSets is a Format turned into sets, once per call.
type formatSets struct{ redacted, masked, plaintext map[string]bool }

// sets builds the formatSets of f.
func (f Format) sets() formatSets {
	return formatSets{listSet(f.Redacted), listSet(f.Masked), listSet(f.Plaintext)}
}

// render returns what replaces token for an entity of entityType.
func (f formatSets) render(token, entityType, value string) string {
	for _, key := range []string{entityType, TypeAll} {
		switch {
		case f.redacted[key]:
			return token
		case f.masked[key]:
			return Mask(value)
		case f.plaintext[key]:
			return value
		}
	}
	return value
}

// ReidentifyText replaces the tokens of text by what they stand for, as
// format says. It looks for two kinds of tokens:
//
//   - bracket tokens "[TYPE]" and "[TYPE_N]" (upper-case letters, digits and
//     underscores), anywhere in the text;
//   - any other whitespace-delimited word, as is and then without surrounding
//     punctuation, which is how vault tokens are found.
//
// Each candidate is passed to resolve; the ones it does not know stay as
// they are. A nil resolve returns text unchanged. The redaction marker of a
// redacted entity is its token, unchanged.
func ReidentifyText(text string, resolve func(token string) (entityType, value string, ok bool), format Format) string {
	if resolve == nil {
		return text
	}
	sets := format.sets()
	var b strings.Builder
	b.Grow(len(text))
	i := 0
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			b.WriteString(text[i : i+w])
			i += w
			continue
		}
		j := i
		for j < len(text) {
			r, w := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += w
		}
		b.WriteString(reidentifyWord(text[i:j], resolve, sets))
		i = j
	}
	return b.String()
}

// reidentifyWord handles one whitespace-delimited word.
func reidentifyWord(word string, resolve Resolver, format formatSets) string {
	if spans := bracketTokens(word); len(spans) > 0 {
		var b strings.Builder
		prev := 0
		for _, sp := range spans {
			tok := word[sp[0]:sp[1]]
			b.WriteString(word[prev:sp[0]])
			if typ, val, ok := resolve(tok); ok {
				b.WriteString(format.render(tok, typ, val))
			} else {
				b.WriteString(tok)
			}
			prev = sp[1]
		}
		b.WriteString(word[prev:])
		return b.String()
	}
	if typ, val, ok := resolve(word); ok {
		return format.render(word, typ, val)
	}
	const punct = ".,;:!?()[]{}<>\"'`"
	core := strings.TrimLeft(word, punct)
	lead := len(word) - len(core)
	core = strings.TrimRight(core, punct)
	if core == "" || len(core) == len(word) {
		return word
	}
	if typ, val, ok := resolve(core); ok {
		return word[:lead] + format.render(core, typ, val) + word[lead+len(core):]
	}
	return word
}

// bracketTokens returns the byte spans of "[A-Z][A-Z0-9_]*]" tokens in s.
func bracketTokens(s string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); i++ {
		if s[i] != '[' || i+1 >= len(s) || s[i+1] < 'A' || s[i+1] > 'Z' {
			continue
		}
		j := i + 2
		for j < len(s) && (s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] == '_') {
			j++
		}
		if j < len(s) && s[j] == ']' {
			spans = append(spans, [2]int{i, j + 1})
			i = j
		}
	}
	return spans
}
