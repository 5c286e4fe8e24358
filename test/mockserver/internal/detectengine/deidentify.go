package detectengine

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Location is where an entity is, in rune offsets (end exclusive), in the
// input text and in the processed text. Its JSON form is the wire
// EntityLocation.
type Location struct {
	// StartIndex is the offset of the entity's first rune in the input.
	StartIndex int `json:"start_index"`
	// EndIndex is the offset just past the entity in the input.
	EndIndex int `json:"end_index"`
	// StartIndexProcessed is the offset of the token's first rune in the
	// processed text.
	StartIndexProcessed int `json:"start_index_processed"`
	// EndIndexProcessed is the offset just past the token in the processed
	// text.
	EndIndexProcessed int `json:"end_index_processed"`
}

// Entity is one de-identified entity. Its JSON form is the wire
// StringResponseEntities (plus "path" for entities found in files).
type Entity struct {
	// Token is the replacement written into the processed text.
	Token string `json:"token"`
	// Value is the original text of the entity.
	Value string `json:"value"`
	// EntityType is the Detect entity type.
	EntityType string `json:"entity_type"`
	// Scores maps the entity type to the recogniser's confidence in (0, 1].
	Scores map[string]float64 `json:"entity_scores"`
	// Location holds the input and processed offsets.
	Location Location `json:"location"`
	// Style is how Token was made. It is not part of the wire form.
	Style TokenStyle `json:"-"`
	// Path says where in a file the entity was found (see
	// [Engine.DeidentifyFile]); it is empty for plain text, and then left out
	// of the JSON form.
	Path string `json:"path,omitempty"`
}

// Result is the outcome of de-identifying a text. Its JSON form is the wire
// DeidentifyStringResponse.
type Result struct {
	// ProcessedText is the text with every entity replaced by its token.
	ProcessedText string `json:"processed_text"`
	// Entities are the replaced entities, in text order (never nil).
	Entities []Entity `json:"entities"`
	// WordCount is the number of whitespace-separated words of the input.
	WordCount int `json:"word_count"`
	// CharacterCount is the number of runes of the input.
	CharacterCount int `json:"character_count"`
}

// Resolve looks a token up among the entities of r, one by one. Shifted
// dates and entity_only tokens are not resolvable (they do not identify one
// value). For many look-ups, such as a whole [ReidentifyText] call, use
// [Result.Resolver].
func (r Result) Resolve(token string) (entityType, value string, ok bool) {
	for _, e := range r.Entities {
		if e.Token == token && reversible(e.Style) {
			return e.EntityType, e.Value, true
		}
	}
	return "", "", false
}

// Resolver returns the per-call resolver of r for [ReidentifyText]: it
// answers like [Result.Resolve] from a map built once.
func (r Result) Resolver() Resolver {
	m := make(map[string]registryEntry, len(r.Entities))
	for _, e := range r.Entities {
		if _, seen := m[e.Token]; !seen && reversible(e.Style) {
			m[e.Token] = registryEntry{e.EntityType, e.Value}
		}
	}
	return func(token string) (string, string, bool) {
		e, ok := m[token]
		return e.entityType, e.value, ok
	}
}

// reversible reports whether a token style identifies one value.
func reversible(s TokenStyle) bool {
	return s == StyleEntityUniqueCounter || s == StyleVaultToken
}

// session is the per-call (per-file) state of a de-identification: the
// validated options, the counters and the vault token cache.
type session struct {
	eng      *Engine
	opts     *compiledOptions
	counters map[string]map[string]int // entity type -> value -> counter
	vault    map[[2]string]string      // (entity type, value) -> vault token
}

// newSession validates opts and starts a session.
func (e *Engine) newSession(opts Options) (*session, error) {
	c, err := opts.compile()
	if err != nil {
		return nil, err
	}
	return &session{eng: e, opts: c, counters: map[string]map[string]int{}, vault: map[[2]string]string{}}, nil
}

// DeidentifyText finds the entities of text and replaces them by tokens (or
// shifted dates) as opts say. See the package documentation for the token
// formats and offsets.
func (e *Engine) DeidentifyText(text string, opts Options) (Result, error) {
	s, err := e.newSession(opts)
	if err != nil {
		return Result{}, err
	}
	return s.deidentify(text, "")
}

// DeidentifyText is [Engine.DeidentifyText] on a fresh Engine.
func DeidentifyText(text string, opts Options) (Result, error) {
	return New().DeidentifyText(text, opts)
}

// deidentify processes one piece of text; path is copied into the entities.
func (s *session) deidentify(text, path string) (Result, error) {
	cands := s.eng.find(text, s.opts)
	res := Result{
		Entities:       make([]Entity, 0, len(cands)),
		WordCount:      len(strings.Fields(text)),
		CharacterCount: utf8.RuneCountInString(text),
	}
	var b strings.Builder
	b.Grow(len(text))
	prev, outRunes := 0, 0
	for _, c := range cands {
		value := text[c.start:c.end]
		token, style, err := s.replacement(c.typ, value)
		if err != nil {
			return Result{}, err
		}
		between := utf8.RuneCountInString(text[prev:c.start])
		b.WriteString(text[prev:c.start])
		b.WriteString(token)
		outRunes += between
		loc := Location{StartIndex: c.rs, EndIndex: c.re, StartIndexProcessed: outRunes}
		outRunes += utf8.RuneCountInString(token)
		loc.EndIndexProcessed = outRunes
		prev = c.end
		res.Entities = append(res.Entities, Entity{
			Token: token, Value: value, EntityType: c.typ,
			Scores:   map[string]float64{c.typ: c.score},
			Location: loc, Style: style, Path: path,
		})
	}
	b.WriteString(text[prev:])
	res.ProcessedText = b.String()
	return res, nil
}

// replacement returns the token of one entity and how it was made.
func (s *session) replacement(typ, value string) (string, TokenStyle, error) {
	if typ == TypeRestricted {
		return RestrictedToken, StyleRestricted, nil
	}
	if s.opts.shift && s.opts.shiftTypes[typ] {
		if d, ok := s.eng.re.parseDate(value); ok {
			return d.shift(s.opts.shiftDays), StyleShiftedDate, nil
		}
	}
	style := s.opts.styleFor(typ)
	upper := strings.ToUpper(typ)
	switch style {
	case StyleEntityOnly:
		return "[" + upper + "]", style, nil
	case StyleVaultToken:
		key := [2]string{typ, value}
		if tok, ok := s.vault[key]; ok {
			return tok, style, nil
		}
		if s.opts.vaultToken == nil {
			return "", style, ErrNoVaultTokenFunc
		}
		tok, err := s.opts.vaultToken(typ, value)
		if err != nil {
			return "", style, fmt.Errorf("detectengine: vault token for a %s entity: %w", typ, err)
		}
		if tok == "" || !utf8.ValidString(tok) {
			return "", style, fmt.Errorf("detectengine: vault token for a %s entity: %w", typ, ErrBadVaultToken)
		}
		s.vault[key] = tok
		return tok, style, nil
	default:
		m := s.counters[typ]
		if m == nil {
			m = map[string]int{}
			s.counters[typ] = m
		}
		n, ok := m[value]
		if !ok {
			n = len(m) + 1
			m[value] = n
		}
		return "[" + upper + "_" + strconv.Itoa(n) + "]", StyleEntityUniqueCounter, nil
	}
}
