package detectengine_test

import (
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectengine"
)

var _ = Describe("ReidentifyText", func() {
	const original = "John Smith, SSN 123-45-6789, mail john@example.com, again 123-45-6789."
	var res detectengine.Result

	BeforeEach(func() {
		res = deid(original, detectengine.Options{})
		Expect(res.ProcessedText).To(Equal("[NAME_1], SSN [SSN_1], mail [EMAIL_ADDRESS_1], again [SSN_1]."))
	})

	reid := func(f detectengine.Format) string {
		return detectengine.ReidentifyText(res.ProcessedText, res.Resolve, f)
	}

	It("returns plaintext by default", func() {
		Expect(reid(detectengine.Format{})).To(Equal(original))
	})

	It("keeps the token of redacted types", func() {
		Expect(reid(detectengine.Format{Redacted: []string{"ssn"}})).To(Equal(
			"John Smith, SSN [SSN_1], mail john@example.com, again [SSN_1]."))
	})

	It("masks all but the last four characters of masked types", func() {
		Expect(reid(detectengine.Format{Masked: []string{"ssn", "email_address"}})).To(Equal(
			"John Smith, SSN *******6789, mail ************.com, again *******6789."))
	})

	It("returns plaintext types as they were", func() {
		Expect(reid(detectengine.Format{Plaintext: []string{"name"}, Redacted: []string{"ssn", "email_address"}})).To(Equal(
			"John Smith, SSN [SSN_1], mail [EMAIL_ADDRESS_1], again [SSN_1]."))
	})

	It("honours all, with explicit types winning", func() {
		Expect(reid(detectengine.Format{Masked: []string{"all"}, Plaintext: []string{"name"}})).To(Equal(
			"John Smith, SSN *******6789, mail ************.com, again *******6789."))
	})

	It("lets redacted win over masked and plaintext for one type", func() {
		Expect(reid(detectengine.Format{Redacted: []string{"name"}, Masked: []string{"name"}, Plaintext: []string{"name"}})).To(
			HavePrefix("[NAME_1], SSN 123-45-6789"))
	})

	It("resolves the same way through the map-backed Resolver", func() {
		Expect(detectengine.ReidentifyText(res.ProcessedText, res.Resolver(), detectengine.Format{Masked: []string{"ssn"}})).To(Equal(
			reid(detectengine.Format{Masked: []string{"ssn"}})))
		_, _, ok := res.Resolver()("[SSN_2]")
		Expect(ok).To(BeFalse())
	})

	It("leaves unknown tokens and text alone", func() {
		text := "[SSN_9] [SSN] [lower_1] [] plain words"
		Expect(detectengine.ReidentifyText(text, res.Resolve, detectengine.Format{})).To(Equal(text))
	})

	It("returns the text unchanged without a resolver", func() {
		Expect(detectengine.ReidentifyText(res.ProcessedText, nil, detectengine.Format{})).To(Equal(res.ProcessedText))
	})

	It("finds vault tokens as words, with surrounding punctuation", func() {
		vault := map[string][2]string{}
		r := deid("SSN 123-45-6789; John Smith", detectengine.Options{
			TokenType: detectengine.TokenType{Default: detectengine.StyleVaultToken},
			VaultToken: func(typ, value string) (string, error) {
				tok := fmt.Sprintf("tok-%d", len(vault)+1)
				vault[tok] = [2]string{typ, value}
				return tok, nil
			},
		})
		Expect(r.ProcessedText).To(Equal("SSN tok-1; tok-2"))
		resolve := func(tok string) (string, string, bool) {
			v, ok := vault[tok]
			return v[0], v[1], ok
		}
		Expect(detectengine.ReidentifyText(r.ProcessedText+" (tok-2)", resolve, detectengine.Format{Masked: []string{"name"}})).To(
			Equal("SSN 123-45-6789; ******mith (******mith)"))
	})

	It("resolves adjacent bracket tokens", func() {
		Expect(detectengine.ReidentifyText("([NAME_1][SSN_1])", res.Resolve, detectengine.Format{})).To(Equal("(John Smith123-45-6789)"))
	})

	It("does not resolve entity_only tokens or shifted dates", func() {
		r := deid("SSN 123-45-6789 on 2020-01-01", detectengine.Options{
			TokenType:  detectengine.TokenType{Default: detectengine.StyleEntityOnly},
			ShiftDates: &detectengine.ShiftDates{MinDays: 1, MaxDays: 1},
		})
		Expect(r.ProcessedText).To(Equal("SSN [SSN] on 2020-01-02"))
		Expect(detectengine.ReidentifyText(r.ProcessedText, r.Resolve, detectengine.Format{})).To(Equal(r.ProcessedText))
	})

	DescribeTable("Mask",
		func(in, out string) { Expect(detectengine.Mask(in)).To(Equal(out)) },
		Entry("long value", "4111111111111111", "************1111"),
		Entry("five runes", "abcde", "*bcde"),
		Entry("four runes are all masked", "abcd", "****"),
		Entry("empty", "", ""),
		Entry("non-ASCII", "Zoë Müller", "******ller"),
	)
})

var _ = Describe("Registry", func() {
	It("resolves what was recorded, per vault", func() {
		var reg detectengine.Registry
		r := deid("John Smith 123-45-6789", detectengine.Options{})
		reg.Record("v1", r.Entities)
		Expect(reg.Len("v1")).To(Equal(2))
		typ, val, ok := reg.Resolve("v1", "[SSN_1]")
		Expect(ok).To(BeTrue())
		Expect(typ).To(Equal("ssn"))
		Expect(val).To(Equal("123-45-6789"))
		_, _, ok = reg.Resolve("v2", "[SSN_1]")
		Expect(ok).To(BeFalse())
		Expect(detectengine.ReidentifyText("[NAME_1]: [SSN_1]", reg.Resolver("v1"), detectengine.Format{})).To(Equal("John Smith: 123-45-6789"))
		reg.Forget("v1")
		Expect(reg.Len("v1")).To(BeZero())
	})

	It("records vault tokens but not entity_only tokens or shifted dates", func() {
		var reg detectengine.Registry
		r := deid("a@b.io 123-45-6789 2020-01-01", detectengine.Options{
			TokenType:  detectengine.TokenType{Default: detectengine.StyleEntityOnly, VaultToken: []string{"email_address"}},
			VaultToken: func(string, string) (string, error) { return "vt-1", nil },
			ShiftDates: &detectengine.ShiftDates{MinDays: 1, MaxDays: 2},
		})
		reg.Record("v", r.Entities)
		Expect(reg.Len("v")).To(Equal(1))
		_, val, ok := reg.Resolve("v", "vt-1")
		Expect(ok).To(BeTrue())
		Expect(val).To(Equal("a@b.io"))
	})

	It("lets the latest call win for a reused counter token", func() {
		var reg detectengine.Registry
		reg.Record("v", deid("123-45-6789", detectengine.Options{}).Entities)
		reg.Record("v", deid("234-56-7890", detectengine.Options{}).Entities)
		_, val, _ := reg.Resolve("v", "[SSN_1]")
		Expect(val).To(Equal("234-56-7890"))
	})

	It("is safe for concurrent use", func() {
		var reg detectengine.Registry
		e := detectengine.New()
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				vault := fmt.Sprintf("v%d", i%4)
				r, err := e.DeidentifyText(fmt.Sprintf("mail user%d@example.com", i), detectengine.Options{})
				Expect(err).NotTo(HaveOccurred())
				reg.Record(vault, r.Entities)
				_, _, ok := reg.Resolve(vault, "[EMAIL_ADDRESS_1]")
				Expect(ok).To(BeTrue())
				_ = detectengine.ReidentifyText(r.ProcessedText, reg.Resolver(vault), detectengine.Format{Masked: []string{"all"}})
				_ = reg.Len(vault)
				if i%10 == 0 {
					reg.Forget("other")
				}
			}()
		}
		wg.Wait()
		for v := range 4 {
			Expect(reg.Len(fmt.Sprintf("v%d", v))).To(Equal(1))
		}
	})
})
