package detectengine

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
)

// TokenStyle is how a detected entity is replaced in the processed text.
type TokenStyle string

// The token styles of the Detect TokenTypeMapping, plus the marker used for
// dates replaced by a shift_dates transformation.
const (
	// StyleEntityUniqueCounter replaces an entity by "[TYPE_n]".
	StyleEntityUniqueCounter TokenStyle = "entity_unq_counter"
	// StyleEntityOnly replaces an entity by "[TYPE]".
	StyleEntityOnly TokenStyle = "entity_only"
	// StyleVaultToken replaces an entity by the token [Options.VaultToken]
	// returns.
	StyleVaultToken TokenStyle = "vault_token"
	// StyleShiftedDate marks a date replaced by its shifted value. It is not
	// a wire value; it only appears in [Entity.Style].
	StyleShiftedDate TokenStyle = "shift_dates"
	// StyleRestricted marks text matched by a restrict pattern, replaced by
	// "[RESTRICTED]". It is not a token and cannot be re-identified.
	StyleRestricted TokenStyle = "restricted"
)

// TokenType mirrors the Detect TokenTypeMapping: a default style and lists
// of entity types that override it.
//
// A type listed explicitly wins over "all" in a list. When a type is in more
// than one list, vault_token wins over entity_only, which wins over
// entity_unq_counter.
type TokenType struct {
	// Default is the style of entity types that no list names. Empty means
	// [StyleEntityUniqueCounter].
	Default TokenStyle
	// VaultToken lists the entity types tokenised with the vault_token style.
	VaultToken []string
	// EntityOnly lists the entity types tokenised with the entity_only style.
	EntityOnly []string
	// EntityUniqueCounter lists the entity types tokenised with the
	// entity_unq_counter style.
	EntityUniqueCounter []string
}

// ShiftDates mirrors the shift_dates transformation: every detected entity
// of one of EntityTypes is moved by the same number of days, picked in
// [MinDays, MaxDays] from [Options.Seed], and written back in its original
// layout.
type ShiftDates struct {
	// MinDays is the smallest shift, in days (may be negative).
	MinDays int
	// MaxDays is the largest shift, in days; it must not be below MinDays.
	MaxDays int
	// EntityTypes lists the shifted types among date, date_interval and dob;
	// empty means all three. Other values are rejected.
	EntityTypes []string
}

// Options configure one de-identify call.
type Options struct {
	// EntityTypes lists the entity types to find; empty or containing "all"
	// means every supported type. Every Detect enum value is accepted.
	EntityTypes []string
	// TokenType chooses the token style per entity type.
	TokenType TokenType
	// AllowRegex lists RE2 patterns whose matches are never de-identified:
	// an entity overlapping any match of any allow pattern is left as is.
	AllowRegex []string
	// RestrictRegex lists RE2 patterns whose matches are always
	// de-identified: each match is replaced by "[RESTRICTED]" (entity type
	// TypeRestricted), whether or not it holds a recognised entity, and
	// entities it overlaps are replaced with it. A restrict match that
	// overlaps an allow match is left alone (AllowRegex wins). The Detect
	// API documents restrict_regex as text that is always restricted; the
	// exact replacement text is this emulator's choice.
	RestrictRegex []string
	// ShiftDates, when non-nil, shifts dates instead of tokenising them.
	ShiftDates *ShiftDates
	// Seed makes the date shift deterministic: the same seed and range give
	// the same shift. Emulators typically derive it from the run or request.
	Seed uint64
	// VaultToken stores a value in the vault and returns its token; it is
	// called once per distinct (entity type, value) pair per call, for the
	// entities whose style is vault_token. The token must be non-empty valid
	// UTF-8 and should be reversible by the caller's resolver. Its error is
	// returned wrapped.
	VaultToken func(entityType, value string) (string, error)
}

// compiledOptions are Options validated and ready for one call.
type compiledOptions struct {
	want     typeSet
	allow    []*regexp.Regexp
	restrict []*regexp.Regexp

	def        TokenStyle
	vaultSet   typeSet
	onlySet    typeSet
	counterSet typeSet

	shift      bool
	shiftDays  int
	shiftTypes map[string]bool

	vaultToken func(entityType, value string) (string, error)
}

// compile validates opts.
func (o Options) compile() (*compiledOptions, error) {
	c := &compiledOptions{vaultToken: o.VaultToken}
	var err error
	if c.want, err = newTypeSet("entity_types", o.EntityTypes); err != nil {
		return nil, err
	}
	if c.allow, err = compilePatterns("allow_regex", o.AllowRegex); err != nil {
		return nil, err
	}
	if c.restrict, err = compilePatterns("restrict_regex", o.RestrictRegex); err != nil {
		return nil, err
	}
	switch o.TokenType.Default {
	case "":
		c.def = StyleEntityUniqueCounter
	case StyleEntityUniqueCounter, StyleEntityOnly, StyleVaultToken:
		c.def = o.TokenType.Default
	default:
		return nil, &OptionError{Field: "token_type.default", Index: -1, Reason: "not a token style"}
	}
	if c.vaultSet, err = styleList("token_type.vault_token", o.TokenType.VaultToken); err != nil {
		return nil, err
	}
	if c.onlySet, err = styleList("token_type.entity_only", o.TokenType.EntityOnly); err != nil {
		return nil, err
	}
	if c.counterSet, err = styleList("token_type.entity_unq_counter", o.TokenType.EntityUniqueCounter); err != nil {
		return nil, err
	}
	if sd := o.ShiftDates; sd != nil {
		if sd.MaxDays < sd.MinDays {
			return nil, &OptionError{Field: "transformations.shift_dates", Index: -1, Reason: "max_days is below min_days"}
		}
		c.shift = true
		c.shiftTypes = map[string]bool{}
		for i, t := range sd.EntityTypes {
			switch t {
			case TypeDate, TypeDateInterval, TypeDOB:
				c.shiftTypes[t] = true
			default:
				return nil, &OptionError{Field: "transformations.shift_dates.entity_types", Index: i, Reason: "only date, date_interval and dob can be shifted"}
			}
		}
		if len(c.shiftTypes) == 0 {
			c.shiftTypes = map[string]bool{TypeDate: true, TypeDateInterval: true, TypeDOB: true}
		}
		span := uint64(int64(sd.MaxDays)-int64(sd.MinDays)) + 1
		r := rand.New(rand.NewPCG(o.Seed, 0x5eed_da7e))
		c.shiftDays = int(int64(sd.MinDays) + int64(r.Uint64N(span)))
	}
	return c, nil
}

// styleList validates a token style list. An empty list is the empty set,
// not "all" (unlike entity_types).
func styleList(field string, types []string) (typeSet, error) {
	set := typeSet{}
	for i, t := range types {
		if !IsEntityType(t) {
			return nil, &OptionError{Field: field, Index: i, Reason: "not a Detect entity type"}
		}
		set[t] = true
	}
	return set, nil
}

// styleFor returns the token style of an entity type.
func (c *compiledOptions) styleFor(entityType string) TokenStyle {
	// Explicit entries first, in precedence order, then "all" wildcards.
	for _, key := range []string{entityType, TypeAll} {
		switch {
		case c.vaultSet[key]:
			return StyleVaultToken
		case c.onlySet[key]:
			return StyleEntityOnly
		case c.counterSet[key]:
			return StyleEntityUniqueCounter
		}
	}
	return c.def
}

// compilePatterns compiles a regex list, reporting the first bad index.
func compilePatterns(field string, patterns []string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, 0, len(patterns))
	for i, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			re := &RegexError{Field: field, Index: i}
			var se *syntax.Error
			if errors.As(err, &se) {
				re.Code = se.Code
			}
			return nil, re
		}
		out = append(out, re)
	}
	return out, nil
}
