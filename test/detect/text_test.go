package detect_test

import (
	"errors"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("DeidentifyText", func() {
	var e *env
	BeforeEach(func() { e = startEnv() })

	It("returns the processed text, every entity field and the counts, and sends only what is set", func(ctx SpecContext) {
		resp, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: sampleText})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.RequestID).NotTo(BeEmpty())
		Expect(resp.WordCount).To(BeNumerically(">", 5))
		Expect(resp.CharacterCount).To(Equal(len([]rune(sampleText))))
		Expect(resp.ProcessedText).NotTo(ContainSubstring("123-45-6789"))
		Expect(resp.ProcessedText).To(ContainSubstring("[SSN_1]"))

		var ssn *facade.DetectedEntity
		for i := range resp.Entities {
			if resp.Entities[i].EntityType == facade.EntitySSN {
				ssn = &resp.Entities[i]
			}
		}
		Expect(ssn).NotTo(BeNil())
		Expect(ssn.Value).To(Equal("123-45-6789"))
		Expect(ssn.Token).To(Equal("[SSN_1]"))
		Expect(sampleText[ssn.TextIndex.Start:ssn.TextIndex.End]).To(Equal(ssn.Value))
		Expect(resp.ProcessedText[ssn.ProcessedIndex.Start:ssn.ProcessedIndex.End]).To(Equal(ssn.Token))
		Expect(ssn.Scores).To(HaveKey("ssn"))

		body := e.rec.Last("/v1/detect/deidentify/string").JSON()
		Expect(body).To(Equal(map[string]any{"text": sampleText, "vault_id": e.srv.VaultID()}), "no zero-value fields")
	})

	It("restricts detection to the entity types given", func(ctx SpecContext) {
		resp, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: sampleText, Entities: []facade.EntityType{facade.EntitySSN}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Entities).To(HaveLen(1))
		Expect(resp.Entities[0].EntityType).To(Equal(facade.EntitySSN))
		Expect(resp.ProcessedText).To(ContainSubstring("john.smith@example.com"))
		Expect(e.rec.Last("/deidentify/string").JSON()["entity_types"]).To(Equal([]any{"ssn"}))
	})

	It("sends the default token style and all three per-entity lists", func(ctx SpecContext) {
		resp, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{
			Text: sampleText,
			TokenFormat: facade.TokenFormat{
				Default:             facade.TokenTypeEntityOnly,
				VaultToken:          []facade.EntityType{facade.EntitySSN},
				EntityUniqueCounter: []facade.EntityType{facade.EntityEmailAddress},
				EntityOnly:          []facade.EntityType{facade.EntityPhoneNumber},
			},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.rec.Last("/deidentify/string").JSON()["token_type"]).To(Equal(map[string]any{
			"default":            "entity_only",
			"vault_token":        []any{"ssn"},
			"entity_unq_counter": []any{"email_address"},
			"entity_only":        []any{"phone_number"},
		}))
		tokens := map[facade.EntityType]string{}
		for _, ent := range resp.Entities {
			tokens[ent.EntityType] = ent.Token
		}
		Expect(tokens[facade.EntityEmailAddress]).To(Equal("[EMAIL_ADDRESS_1]"))
		Expect(tokens[facade.EntityPhoneNumber]).To(Equal("[PHONE_NUMBER]"))
		Expect(tokens[facade.EntitySSN]).NotTo(HavePrefix("["), "a vault token")
		Expect(tokens[facade.EntitySSN]).NotTo(BeEmpty())
	})

	It("applies allow and restrict regex lists", func(ctx SpecContext) {
		resp, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: sampleText, AllowRegex: []string{`\d{3}-\d{2}-\d{4}`}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.ProcessedText).To(ContainSubstring("123-45-6789"), "allowed")
		Expect(resp.ProcessedText).NotTo(ContainSubstring("john.smith@example.com"))
		Expect(e.rec.Last("/deidentify/string").JSON()["allow_regex"]).To(Equal([]any{`\d{3}-\d{2}-\d{4}`}))

		resp, err = e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: sampleText, RestrictRegex: []string{`[a-z.]+@example\.com`}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.ProcessedText).To(ContainSubstring("[RESTRICTED]"), "restrict matches are always de-identified")
		Expect(resp.ProcessedText).NotTo(ContainSubstring("john.smith@example.com"))
		Expect(resp.ProcessedText).NotTo(ContainSubstring("123-45-6789"), "other entities are de-identified as usual")
		Expect(e.rec.Last("/deidentify/string").JSON()["restrict_regex"]).To(Equal([]any{`[a-z.]+@example\.com`}))
	})

	It("shifts dates within the range given", func(ctx SpecContext) {
		const text = "Patient born 1990-05-17 was seen today."
		resp, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{
			Text: text,
			Transformations: facade.Transformations{ShiftDates: &facade.DateShift{
				MinDays: 10, MaxDays: 30, Entities: []facade.EntityType{facade.EntityDOB, facade.EntityDate},
			}},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.rec.Last("/deidentify/string").JSON()["transformations"]).To(Equal(map[string]any{
			"shift_dates": map[string]any{"min_days": 10.0, "max_days": 30.0, "entity_types": []any{"dob", "date"}},
		}))
		got := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).FindString(resp.ProcessedText)
		Expect(got).NotTo(BeEmpty(), resp.ProcessedText)
		shifted, err := time.Parse(time.DateOnly, got)
		Expect(err).NotTo(HaveOccurred())
		days := shifted.Sub(time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)).Hours() / 24
		Expect(days).To(Or(BeNumerically("~", 20, 10), BeNumerically("~", -20, 10)))
	})

	DescribeTable("rejects bad input before any call, naming the field",
		func(ctx SpecContext, req facade.DeidentifyTextRequest, field string) {
			_, err := e.det.DeidentifyText(ctx, req)
			var ve *skyflow.ValidationError
			Expect(errors.As(err, &ve)).To(BeTrue(), "%v", err)
			Expect(ve.Field).To(Equal(field))
			Expect(e.rec.Requests("/v1/detect")).To(BeEmpty())
		},
		Entry("blank text", facade.DeidentifyTextRequest{Text: "  "}, "Text"),
		Entry("unknown entity", facade.DeidentifyTextRequest{Text: "x", Entities: []facade.EntityType{facade.EntitySSN, "shoe_size"}}, "Entities[1]"),
		Entry("bad allow regex", facade.DeidentifyTextRequest{Text: "x", AllowRegex: []string{`ok`, `(unclosed`}}, "AllowRegex[1]"),
		Entry("bad restrict regex", facade.DeidentifyTextRequest{Text: "x", RestrictRegex: []string{`[z-a]`}}, "RestrictRegex[0]"),
		Entry("empty regex", facade.DeidentifyTextRequest{Text: "x", AllowRegex: []string{""}}, "AllowRegex[0]"),
		Entry("unknown default token type", facade.DeidentifyTextRequest{Text: "x", TokenFormat: facade.TokenFormat{Default: "fancy"}}, "TokenFormat.Default"),
		Entry("entity in two token lists", facade.DeidentifyTextRequest{Text: "x", TokenFormat: facade.TokenFormat{
			VaultToken: []facade.EntityType{facade.EntitySSN}, EntityOnly: []facade.EntityType{facade.EntityName, facade.EntitySSN}}}, "TokenFormat.EntityOnly[1]"),
		Entry("shift min 0", facade.DeidentifyTextRequest{Text: "x", Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 0, MaxDays: 5}}}, "Transformations.ShiftDates.MinDays"),
		Entry("shift max below min", facade.DeidentifyTextRequest{Text: "x", Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 5, MaxDays: 4}}}, "Transformations.ShiftDates.MaxDays"),
		Entry("shift of a non-date entity", facade.DeidentifyTextRequest{Text: "x", Transformations: facade.Transformations{ShiftDates: &facade.DateShift{
			MinDays: 1, MaxDays: 2, Entities: []facade.EntityType{facade.EntityDate, facade.EntitySSN}}}}, "Transformations.ShiftDates.Entities[1]"),
	)

	It("never puts a regex or the text into an error", func(ctx SpecContext) {
		_, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: "secret-text", AllowRegex: []string{`(secret-pattern`}})
		Expect(err).To(MatchError(skyflow.ErrValidation))
		Expect(err.Error()).NotTo(ContainSubstring("secret"))
		Expect(err.Error()).To(ContainSubstring("missing closing )"))
	})

	It("exposes all 70 entity types, each accepted by the API", func(ctx SpecContext) {
		all := facade.AllEntityTypes()
		Expect(all).To(HaveLen(70))
		seen := map[facade.EntityType]bool{}
		for _, t := range all {
			Expect(t.Valid()).To(BeTrue())
			Expect(string(t)).To(Equal(strings.ToLower(string(t))))
			seen[t] = true
		}
		Expect(seen).To(HaveLen(70))
		Expect(facade.EntityType("shoe_size").Valid()).To(BeFalse())
		all[0] = "changed"
		Expect(facade.AllEntityTypes()[0]).To(Equal(facade.EntityAccountNumber), "a fresh slice each time")

		_, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: sampleText, Entities: facade.AllEntityTypes()})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.rec.Last("/deidentify/string").JSON()["entity_types"]).To(HaveLen(70))
	})

	It("uses the first vault when no id is given, and rejects an unknown vault", func(ctx SpecContext) {
		d, err := e.client.Detect("")
		Expect(err).NotTo(HaveOccurred())
		Expect(d.ID()).To(Equal(e.srv.VaultID()))
		_, err = e.client.Detect("nope")
		Expect(err).To(MatchError(skyflow.ErrValidation))
	})

	It("turns an API error into an *APIError with the request id", func(ctx SpecContext) {
		e.srv.InjectFault("DetectDeidentifyString", mockserver.Fault{Status: 400})
		_, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: sampleText})
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue(), "%v", err)
		Expect(apiErr.StatusCode).To(Equal(400))
		Expect(apiErr.RequestID).NotTo(BeEmpty())
		Expect(apiErr.Operation).To(Equal("DeidentifyText"))
	})
})

var _ = Describe("ReidentifyText", func() {
	var e *env
	BeforeEach(func() { e = startEnv() })

	It("turns vault tokens back into values: plain text, masked or redacted per entity type", func(ctx SpecContext) {
		de, err := e.det.DeidentifyText(ctx, facade.DeidentifyTextRequest{
			Text:        sampleText,
			Entities:    []facade.EntityType{facade.EntitySSN, facade.EntityEmailAddress},
			TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(de.ProcessedText).NotTo(ContainSubstring("123-45-6789"))

		re, err := e.det.ReidentifyText(ctx, facade.ReidentifyTextRequest{
			Text:              de.ProcessedText,
			PlainTextEntities: []facade.EntityType{facade.EntitySSN},
			RedactedEntities:  []facade.EntityType{facade.EntityEmailAddress},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(re.RequestID).NotTo(BeEmpty())
		Expect(re.ProcessedText).To(ContainSubstring("123-45-6789"))
		Expect(re.ProcessedText).NotTo(ContainSubstring("john.smith@example.com"))
		Expect(e.rec.Last("/reidentify/string").JSON()).To(Equal(map[string]any{
			"text": de.ProcessedText, "vault_id": e.srv.VaultID(),
			"format": map[string]any{"plaintext": []any{"ssn"}, "redacted": []any{"email_address"}},
		}))

		re, err = e.det.ReidentifyText(ctx, facade.ReidentifyTextRequest{Text: de.ProcessedText, MaskedEntities: []facade.EntityType{facade.EntitySSN}})
		Expect(err).NotTo(HaveOccurred())
		Expect(re.ProcessedText).NotTo(ContainSubstring("123-45-6789"))
		Expect(e.rec.Last("/reidentify/string").JSON()["format"]).To(Equal(map[string]any{"masked": []any{"ssn"}}))
	})

	It("sends no format when no list is given", func(ctx SpecContext) {
		_, err := e.det.ReidentifyText(ctx, facade.ReidentifyTextRequest{Text: "nothing to see"})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.rec.Last("/reidentify/string").JSON()).NotTo(HaveKey("format"))
	})

	It("rejects blank text, unknown entities and an entity in two lists", func(ctx SpecContext) {
		_, err := e.det.ReidentifyText(ctx, facade.ReidentifyTextRequest{})
		Expect(err).To(MatchError(skyflow.ErrValidation))
		_, err = e.det.ReidentifyText(ctx, facade.ReidentifyTextRequest{Text: "x", MaskedEntities: []facade.EntityType{"nope"}})
		Expect(err).To(MatchError(ContainSubstring("MaskedEntities[0]")))
		_, err = e.det.ReidentifyText(ctx, facade.ReidentifyTextRequest{Text: "x",
			RedactedEntities: []facade.EntityType{facade.EntitySSN}, PlainTextEntities: []facade.EntityType{facade.EntitySSN}})
		Expect(err).To(MatchError(ContainSubstring("PlainTextEntities[0]")))
		Expect(e.rec.Requests("/v1/detect")).To(BeEmpty())
	})
})
