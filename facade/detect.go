package facade

import (
	"context"
	"errors"
	"math"
	"net/http"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
	gdetect "github.com/skyflowgo/skyflow/gen/detect"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// Detect is a cheap handle on Skyflow Detect for one vault: de-identify and
// re-identify text and files. It shares the client's HTTP connections and
// token cache, and calls go to the vault's base URL (BaseURL applies to
// every Detect call, files and runs included). It is safe for concurrent
// use.
type Detect struct {
	c     *Client
	id    string
	clock clock
}

// Detect returns a Detect handle on the vault with the given id, or on the
// first vault added when vaultID is "".
func (c *Client) Detect(vaultID string) (*Detect, error) {
	id, err := c.resolveVaultID(vaultID)
	if err != nil {
		return nil, err
	}
	return &Detect{c: c, id: id, clock: realClock{}}, nil
}

// ID returns the vault id of the handle.
func (d *Detect) ID() string { return d.id }

// clock is the time source of DeidentifyFile's polling waits: After
// returns a channel that receives once d has elapsed. Tests replace it
// (export_test.go) to poll without sleeping.
type clock interface {
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// op describes a Detect call with a JSON body.
func (s *vaultState) detectOp(c *Client, name string) *operation {
	return &operation{endpoint: s.ep, name: name, replayable: true, effect: rewrites, limit: c.maxResponse}
}

// TokenType is a style of the tokens that replace detected entities.
type TokenType string

// The token styles.
const (
	// TokenTypeVaultToken replaces an entity by a vault token, which
	// ReidentifyText can turn back into the value.
	TokenTypeVaultToken TokenType = "vault_token"
	// TokenTypeEntityUniqueCounter replaces an entity by its type and a
	// counter per distinct value, for example [SSN_1].
	TokenTypeEntityUniqueCounter TokenType = "entity_unq_counter"
	// TokenTypeEntityOnly replaces an entity by its type, for example [SSN].
	TokenTypeEntityOnly TokenType = "entity_only"
)

func (t TokenType) valid() bool {
	return gdetect.TokenTypeMappingDefault(t).Valid()
}

// TokenFormat chooses the token style: a default for every entity type, and
// lists of entity types that use another style. Every list given is sent.
// The zero value leaves the choice to the API (entity_unq_counter).
type TokenFormat struct {
	// Default is the style of the entity types not listed below.
	Default TokenType
	// VaultToken lists entity types replaced by vault tokens.
	VaultToken []EntityType
	// EntityUniqueCounter lists entity types replaced by [TYPE_n].
	EntityUniqueCounter []EntityType
	// EntityOnly lists entity types replaced by [TYPE].
	EntityOnly []EntityType
}

// Transformations are applied to detected entities instead of tokenising
// them.
type Transformations struct {
	// ShiftDates shifts dates by a random number of days.
	ShiftDates *DateShift
}

// DateShift shifts each detected date by a random number of days between
// MinDays and MaxDays (inclusive). The API requires a positive range:
// MinDays at least 1 and MaxDays at least MinDays.
type DateShift struct {
	// MinDays is the smallest shift, at least 1.
	MinDays int
	// MaxDays is the largest shift, at least MinDays.
	MaxDays int
	// Entities are the date entity types to shift: EntityDate,
	// EntityDateInterval and EntityDOB only. Empty leaves the choice to the
	// API.
	Entities []EntityType
}

// DeidentifyTextRequest de-identifies a text.
type DeidentifyTextRequest struct {
	// Text to de-identify (required).
	Text string
	// Entities are the entity types to detect; empty means all.
	Entities []EntityType
	// TokenFormat chooses the token styles.
	TokenFormat TokenFormat
	// AllowRegex lists patterns whose matches are never de-identified.
	// Patterns are compiled locally first (Go RE2 syntax, which the API's
	// syntax also accepts for common patterns), so a bad one fails fast.
	AllowRegex []string
	// RestrictRegex lists patterns whose matches are always de-identified.
	RestrictRegex []string
	// Transformations are applied to detected entities.
	Transformations Transformations
}

// DeidentifyTextResponse is the result of DeidentifyText.
type DeidentifyTextResponse struct {
	// ProcessedText is the de-identified text.
	ProcessedText string
	// Entities are the detected entities, in text order.
	Entities []DetectedEntity
	// WordCount is the number of words of the input.
	WordCount int
	// CharacterCount is the number of characters of the input.
	CharacterCount int
	// RequestID is the id of the request.
	RequestID string
}

// DetectedEntity is one entity found in a text.
type DetectedEntity struct {
	// Token is what replaced the entity in the processed text.
	Token string
	// Value is the original text of the entity.
	Value string
	// TextIndex is where the entity is in the input text.
	TextIndex TextRange
	// ProcessedIndex is where its token is in the processed text.
	ProcessedIndex TextRange
	// EntityType is the entity's type.
	EntityType EntityType
	// Scores are the confidence scores per entity type.
	Scores map[string]float64
}

// TextRange is a range of character offsets [Start, End) as the API counts
// them.
type TextRange struct {
	Start int
	End   int
}

// ReidentifyTextRequest turns tokens of a de-identified text back into
// values. Entity types in no list get the API's default treatment;
// EntityAll in a list stands for every type.
type ReidentifyTextRequest struct {
	// Text to re-identify (required).
	Text string
	// RedactedEntities stay redacted.
	RedactedEntities []EntityType
	// MaskedEntities are returned masked.
	MaskedEntities []EntityType
	// PlainTextEntities are returned in plain text.
	PlainTextEntities []EntityType
}

// ReidentifyTextResponse is the result of ReidentifyText.
type ReidentifyTextResponse struct {
	// ProcessedText is the re-identified text.
	ProcessedText string
	// RequestID is the id of the request.
	RequestID string
}

// DeidentifyText replaces the sensitive entities of a text by tokens (POST
// /v1/detect/deidentify/string, operation DetectDeidentifyString).
func (d *Detect) DeidentifyText(ctx context.Context, req DeidentifyTextRequest) (*DeidentifyTextResponse, error) {
	if strings.TrimSpace(req.Text) == "" {
		return nil, errs.Invalid("Text", "is required")
	}
	opts, err := buildDetectOptions(req.Entities, req.TokenFormat, req.AllowRegex, req.RestrictRegex, req.Transformations)
	if err != nil {
		return nil, err
	}
	s, err := d.c.vaultState(d.id)
	if err != nil {
		return nil, err
	}
	body := gdetect.DeidentifyStringRequest{
		Text:            req.Text,
		VaultId:         s.id,
		EntityTypes:     opts.entities,
		TokenType:       opts.tokenType,
		AllowRegex:      opts.allow,
		RestrictRegex:   opts.restrict,
		Transformations: opts.transformations,
	}
	const op = "DeidentifyText"
	r, err := d.c.run(ctx, s.detectOp(d.c, op), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.detect.DetectDeidentifyString(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gdetect.DeidentifyStringResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	if parsed.ProcessedText == nil {
		return nil, r.unexpected(op, "the answer has no processed_text", nil)
	}
	out := &DeidentifyTextResponse{
		ProcessedText:  *parsed.ProcessedText,
		WordCount:      int(parsed.WordCount),
		CharacterCount: int(parsed.CharacterCount),
		RequestID:      r.requestID,
		Entities:       make([]DetectedEntity, len(parsed.Entities)),
	}
	for i := range parsed.Entities {
		e, l := &parsed.Entities[i], &parsed.Entities[i].Location
		out.Entities[i] = DetectedEntity{
			Token:          e.Token,
			Value:          e.Value,
			EntityType:     EntityType(e.EntityType),
			Scores:         map[string]float64(e.EntityScores),
			TextIndex:      TextRange{Start: int(l.StartIndex), End: int(l.EndIndex)},
			ProcessedIndex: TextRange{Start: int(l.StartIndexProcessed), End: int(l.EndIndexProcessed)},
		}
	}
	return out, nil
}

// ReidentifyText turns the tokens of a de-identified text back into values,
// redacted, masked or in plain text per entity type (POST
// /v1/detect/reidentify/string, operation DetectReidentifyString).
func (d *Detect) ReidentifyText(ctx context.Context, req ReidentifyTextRequest) (*ReidentifyTextResponse, error) {
	if strings.TrimSpace(req.Text) == "" {
		return nil, errs.Invalid("Text", "is required")
	}
	format, err := buildFormat(req.RedactedEntities, req.MaskedEntities, req.PlainTextEntities)
	if err != nil {
		return nil, err
	}
	s, err := d.c.vaultState(d.id)
	if err != nil {
		return nil, err
	}
	text, vaultID := req.Text, s.id
	body := gdetect.ReidentifyStringRequest{Text: &text, VaultId: &vaultID, Format: format}
	const op = "ReidentifyText"
	r, err := d.c.run(ctx, s.detectOp(d.c, op), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.detect.DetectReidentifyString(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gdetect.ReidentifyStringResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	if parsed.Text == "" {
		return nil, r.unexpected(op, "the answer has no text", nil)
	}
	return &ReidentifyTextResponse{ProcessedText: parsed.Text, RequestID: r.requestID}, nil
}

// detectOptions are the validated wire forms of the options shared by text
// and file de-identification.
type detectOptions struct {
	entities        gdetect.EntityTypeList
	tokenType       *gdetect.TokenTypeMapping
	allow, restrict []string
	transformations *gdetect.Transformations
}

func buildDetectOptions(entities []EntityType, tf TokenFormat, allow, restrict []string, tr Transformations) (detectOptions, error) {
	var o detectOptions
	var err error
	if o.entities, err = entityList("Entities", entities); err != nil {
		return o, err
	}
	if o.tokenType, err = tokenFormatToWire(tf); err != nil {
		return o, err
	}
	if o.allow, err = regexList("AllowRegex", allow); err != nil {
		return o, err
	}
	if o.restrict, err = regexList("RestrictRegex", restrict); err != nil {
		return o, err
	}
	if o.transformations, err = transformationsToWire(tr); err != nil {
		return o, err
	}
	return o, nil
}

// entityList checks a list of entity types and converts it (nil when
// empty, so nothing is sent).
func entityList(field string, list []EntityType) (gdetect.EntityTypeList, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := make(gdetect.EntityTypeList, len(list))
	for i, e := range list {
		if !e.Valid() {
			return nil, errs.Invalid(field+"["+strconv.Itoa(i)+"]", "is not a known entity type")
		}
		out[i] = gdetect.EntityType(e)
	}
	return out, nil
}

// disjointLists checks that no entity type is in two of the named lists.
func disjointLists(lists map[string][]EntityType, order []string) error {
	seen := map[EntityType]string{}
	for _, name := range order {
		for i, e := range lists[name] {
			if prev, ok := seen[e]; ok && prev != name {
				return errs.Invalid(name+"["+strconv.Itoa(i)+"]", "is also listed in %s", prev)
			}
			seen[e] = name
		}
	}
	return nil
}

func tokenFormatToWire(tf TokenFormat) (*gdetect.TokenTypeMapping, error) {
	if tf.Default == "" && len(tf.VaultToken) == 0 && len(tf.EntityUniqueCounter) == 0 && len(tf.EntityOnly) == 0 {
		return nil, nil
	}
	m := &gdetect.TokenTypeMapping{}
	if tf.Default != "" {
		if !tf.Default.valid() {
			return nil, errs.Invalid("TokenFormat.Default", "must be vault_token, entity_unq_counter or entity_only")
		}
		def := gdetect.TokenTypeMappingDefault(tf.Default)
		m.Default = &def
	}
	var err error
	if m.VaultToken, err = entityList("TokenFormat.VaultToken", tf.VaultToken); err != nil {
		return nil, err
	}
	if m.EntityUnqCounter, err = entityList("TokenFormat.EntityUniqueCounter", tf.EntityUniqueCounter); err != nil {
		return nil, err
	}
	if m.EntityOnly, err = entityList("TokenFormat.EntityOnly", tf.EntityOnly); err != nil {
		return nil, err
	}
	order := []string{"TokenFormat.VaultToken", "TokenFormat.EntityUniqueCounter", "TokenFormat.EntityOnly"}
	if err := disjointLists(map[string][]EntityType{
		order[0]: tf.VaultToken, order[1]: tf.EntityUniqueCounter, order[2]: tf.EntityOnly,
	}, order); err != nil {
		return nil, err
	}
	return m, nil
}

// regexList compiles every pattern so a bad one fails before any call. The
// error names the index and the kind of syntax error, never the pattern.
func regexList(field string, list []string) ([]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	for i, p := range list {
		f := field + "[" + strconv.Itoa(i) + "]"
		if p == "" {
			return nil, errs.Invalid(f, "is empty")
		}
		if _, err := regexp.Compile(p); err != nil {
			reason := "is not a valid regular expression"
			var se *syntax.Error
			if errors.As(err, &se) {
				reason += ": " + string(se.Code)
			}
			return nil, &skyflow.ValidationError{Field: f, Reason: reason}
		}
	}
	return append([]string(nil), list...), nil
}

func transformationsToWire(tr Transformations) (*gdetect.Transformations, error) {
	sd := tr.ShiftDates
	if sd == nil {
		return nil, nil
	}
	if sd.MinDays < 1 {
		return nil, errs.Invalid("Transformations.ShiftDates.MinDays", "must be at least 1")
	}
	if sd.MaxDays < sd.MinDays {
		return nil, errs.Invalid("Transformations.ShiftDates.MaxDays", "must be at least MinDays")
	}
	if sd.MaxDays > math.MaxInt32 {
		return nil, errs.Invalid("Transformations.ShiftDates.MaxDays", "is too large")
	}
	minDays, maxDays := int32(sd.MinDays), int32(sd.MaxDays)
	shift := &gdetect.ShiftDates{MinDays: &minDays, MaxDays: &maxDays}
	for i, e := range sd.Entities {
		switch e {
		case EntityDate, EntityDateInterval, EntityDOB:
			shift.EntityTypes = append(shift.EntityTypes, gdetect.ShiftDatesEntityType(e))
		default:
			return nil, errs.Invalid("Transformations.ShiftDates.Entities["+strconv.Itoa(i)+"]", "must be date, date_interval or dob")
		}
	}
	return &gdetect.Transformations{ShiftDates: shift}, nil
}

// buildFormat converts the re-identify lists (nil when all are empty).
func buildFormat(redacted, masked, plain []EntityType) (*gdetect.Format, error) {
	if len(redacted) == 0 && len(masked) == 0 && len(plain) == 0 {
		return nil, nil
	}
	f := &gdetect.Format{}
	var err error
	if f.Redacted, err = entityList("RedactedEntities", redacted); err != nil {
		return nil, err
	}
	if f.Masked, err = entityList("MaskedEntities", masked); err != nil {
		return nil, err
	}
	if f.Plaintext, err = entityList("PlainTextEntities", plain); err != nil {
		return nil, err
	}
	order := []string{"RedactedEntities", "MaskedEntities", "PlainTextEntities"}
	if err := disjointLists(map[string][]EntityType{order[0]: redacted, order[1]: masked, order[2]: plain}, order); err != nil {
		return nil, err
	}
	return f, nil
}
