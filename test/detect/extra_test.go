package detect_test

import (
	"bytes"
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

var _ = Describe("ReidentifyFile", func() {
	It("streams a de-identified file back and returns it with values restored as asked", func(ctx SpecContext) {
		e := startEnv()
		de, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
			Reader: strings.NewReader(sampleText), FileName: "notes.txt",
			TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(de.File)).NotTo(ContainSubstring("123-45-6789"))

		re, err := e.det.ReidentifyFile(ctx, facade.ReidentifyFileRequest{
			Reader: bytes.NewReader(de.File), FileName: "notes.txt",
			PlainTextEntities: []facade.EntityType{facade.EntitySSN},
			RedactedEntities:  []facade.EntityType{facade.EntityEmailAddress},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(re.Status).To(Equal(facade.RunStatusSuccess))
		Expect(re.Type).To(Equal("reidentified_file"))
		Expect(re.Extension).To(Equal("txt"))
		Expect(re.RequestID).NotTo(BeEmpty())
		Expect(string(re.File)).To(ContainSubstring("123-45-6789"))
		Expect(string(re.File)).NotTo(ContainSubstring("john.smith@example.com"))

		wire := e.rec.Last("/v1/detect/reidentify/file")
		Expect(wire.ContentLength).To(Equal(int64(len(wire.Body))))
		body := wire.JSON()
		Expect(body["format"]).To(Equal(map[string]any{"plaintext": []any{"ssn"}, "redacted": []any{"email_address"}}))
		Expect(body["file"].(map[string]any)["data_format"]).To(Equal("txt"))
	})

	It("rejects a format the endpoint does not take", func(ctx SpecContext) {
		e := startEnv()
		_, err := e.det.ReidentifyFile(ctx, facade.ReidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.pdf"})
		var ve *skyflow.ValidationError
		Expect(errors.As(err, &ve)).To(BeTrue(), "%v", err)
		Expect(ve.Field).To(Equal("FileName"))
		Expect(e.rec.Requests("/v1/detect")).To(BeEmpty())
	})
})

var _ = Describe("CheckGuardrails", func() {
	It("reports toxicity and denied topics", func(ctx SpecContext) {
		e := startEnv()
		r, err := e.det.CheckGuardrails(ctx, facade.CheckGuardrailsRequest{Text: "You are an idiot", CheckToxicity: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Toxic).To(BeTrue())
		Expect(r.Passed).To(BeFalse())
		Expect(r.Text).To(Equal("You are an idiot"))
		Expect(e.rec.Last("/v1/detect/guardrails").JSON()).To(HaveKeyWithValue("check_toxicity", true))

		r, err = e.det.CheckGuardrails(ctx, facade.CheckGuardrailsRequest{Text: "Let us talk about the election", DenyTopics: []string{"election"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.DeniedTopic).To(BeTrue())
		Expect(r.Passed).To(BeFalse())
		Expect(e.rec.Last("/v1/detect/guardrails").JSON()).To(And(HaveKeyWithValue("deny_topics", []any{"election"}), Not(HaveKey("check_toxicity"))))

		r, err = e.det.CheckGuardrails(ctx, facade.CheckGuardrailsRequest{Text: "Have a nice day", CheckToxicity: true, DenyTopics: []string{"election"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Passed).To(BeTrue())
		Expect(r.RequestID).NotTo(BeEmpty())

		_, err = e.det.CheckGuardrails(ctx, facade.CheckGuardrailsRequest{Text: " "})
		Expect(err).To(MatchError(skyflow.ErrValidation))
		_, err = e.det.CheckGuardrails(ctx, facade.CheckGuardrailsRequest{Text: "x", DenyTopics: []string{""}})
		Expect(err).To(MatchError(ContainSubstring("DenyTopics[0]")))
	})
})
