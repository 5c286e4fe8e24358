package detectengine_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectengine"
)

var _ = Describe("DeidentifyText", func() {
	Describe("token styles", func() {
		const text = "SSN 123-45-6789, again 123-45-6789, spouse 234-56-7890, John Smith"

		It("defaults to entity_unq_counter with a counter per distinct value", func() {
			r := deid(text, detectengine.Options{})
			Expect(r.ProcessedText).To(Equal("SSN [SSN_1], again [SSN_1], spouse [SSN_2], [NAME_1]"))
			for _, e := range r.Entities {
				Expect(e.Style).To(Equal(detectengine.StyleEntityUniqueCounter))
			}
		})

		It("counts per entity type", func() {
			r := deid("a@b.io 123-45-6789 c@d.io", detectengine.Options{})
			Expect(r.ProcessedText).To(Equal("[EMAIL_ADDRESS_1] [SSN_1] [EMAIL_ADDRESS_2]"))
		})

		It("restarts counters on every call", func() {
			Expect(deid("234-56-7890", detectengine.Options{}).ProcessedText).To(Equal("[SSN_1]"))
			Expect(deid("123-45-6789", detectengine.Options{}).ProcessedText).To(Equal("[SSN_1]"))
		})

		It("writes entity_only tokens", func() {
			r := deid(text, detectengine.Options{TokenType: detectengine.TokenType{Default: detectengine.StyleEntityOnly}})
			Expect(r.ProcessedText).To(Equal("SSN [SSN], again [SSN], spouse [SSN], [NAME]"))
		})

		It("applies per-entity overrides over the default", func() {
			r := deid(text, detectengine.Options{TokenType: detectengine.TokenType{
				Default:    detectengine.StyleEntityOnly,
				EntityOnly: []string{"email_address"},
				// explicit counter list for names
				EntityUniqueCounter: []string{"name"},
			}})
			Expect(r.ProcessedText).To(Equal("SSN [SSN], again [SSN], spouse [SSN], [NAME_1]"))

			r = deid(text, detectengine.Options{TokenType: detectengine.TokenType{EntityOnly: []string{"ssn"}}})
			Expect(r.ProcessedText).To(Equal("SSN [SSN], again [SSN], spouse [SSN], [NAME_1]"))
		})

		It("honours all in a style list, with explicit types winning", func() {
			r := deid(text, detectengine.Options{TokenType: detectengine.TokenType{
				EntityOnly:          []string{"all"},
				EntityUniqueCounter: []string{"ssn"},
			}})
			Expect(r.ProcessedText).To(Equal("SSN [SSN_1], again [SSN_1], spouse [SSN_2], [NAME]"))
		})

		It("rejects an unknown default style and unknown types in style lists", func() {
			_, err := engine().DeidentifyText(text, detectengine.Options{TokenType: detectengine.TokenType{Default: "nope"}})
			var oe *detectengine.OptionError
			Expect(errors.As(err, &oe)).To(BeTrue())
			Expect(oe.Field).To(Equal("token_type.default"))

			_, err = engine().DeidentifyText(text, detectengine.Options{TokenType: detectengine.TokenType{VaultToken: []string{"ssn", "bogus"}}})
			Expect(errors.As(err, &oe)).To(BeTrue())
			Expect(oe.Field).To(Equal("token_type.vault_token"))
			Expect(oe.Index).To(Equal(1))
			Expect(err.Error()).NotTo(ContainSubstring("bogus"))
		})
	})

	Describe("vault tokens", func() {
		const text = "SSN 123-45-6789 and 123-45-6789, mail a@b.io"

		It("uses the callback's token, once per distinct value", func() {
			var calls []string
			vault := func(typ, value string) (string, error) {
				calls = append(calls, typ+"="+value)
				return fmt.Sprintf("tok-%d", len(calls)), nil
			}
			r := deid(text, detectengine.Options{
				TokenType:  detectengine.TokenType{VaultToken: []string{"ssn"}},
				VaultToken: vault,
			})
			Expect(r.ProcessedText).To(Equal("SSN tok-1 and tok-1, mail [EMAIL_ADDRESS_1]"))
			Expect(calls).To(Equal([]string{"ssn=123-45-6789"}))
			Expect(r.Entities[0].Style).To(Equal(detectengine.StyleVaultToken))
		})

		It("is used for every type when it is the default", func() {
			r := deid(text, detectengine.Options{
				TokenType:  detectengine.TokenType{Default: detectengine.StyleVaultToken},
				VaultToken: func(typ, value string) (string, error) { return "v_" + typ, nil },
			})
			Expect(r.ProcessedText).To(Equal("SSN v_ssn and v_ssn, mail v_email_address"))
		})

		It("propagates the callback's error", func() {
			boom := errors.New("vault is down")
			_, err := engine().DeidentifyText(text, detectengine.Options{
				TokenType:  detectengine.TokenType{Default: detectengine.StyleVaultToken},
				VaultToken: func(string, string) (string, error) { return "", boom },
			})
			Expect(err).To(MatchError(boom))
			Expect(err.Error()).NotTo(ContainSubstring("123-45-6789"))
		})

		It("needs a callback", func() {
			_, err := engine().DeidentifyText(text, detectengine.Options{TokenType: detectengine.TokenType{Default: detectengine.StyleVaultToken}})
			Expect(err).To(MatchError(detectengine.ErrNoVaultTokenFunc))
		})

		It("rejects an empty token", func() {
			_, err := engine().DeidentifyText(text, detectengine.Options{
				TokenType:  detectengine.TokenType{Default: detectengine.StyleVaultToken},
				VaultToken: func(string, string) (string, error) { return "", nil },
			})
			Expect(err).To(MatchError(detectengine.ErrBadVaultToken))
		})

		It("does not call the callback when nothing is found", func() {
			r := deid("nothing here", detectengine.Options{
				TokenType:  detectengine.TokenType{Default: detectengine.StyleVaultToken},
				VaultToken: func(string, string) (string, error) { panic("unexpected call") },
			})
			Expect(r.Entities).To(BeEmpty())
		})
	})

	Describe("shift_dates", func() {
		shiftOpts := func(seed uint64, types ...string) detectengine.Options {
			return detectengine.Options{Seed: seed, ShiftDates: &detectengine.ShiftDates{MinDays: 5, MaxDays: 40, EntityTypes: types}}
		}

		DescribeTable("shifts within the range and keeps the layout",
			func(layout, input string) {
				orig, err := time.Parse(layout, input)
				Expect(err).NotTo(HaveOccurred())
				for seed := range uint64(30) {
					r := deid("on "+input+" we met", shiftOpts(seed))
					Expect(r.Entities).To(HaveLen(1))
					e := r.Entities[0]
					Expect(e.Style).To(Equal(detectengine.StyleShiftedDate))
					Expect(e.Value).To(Equal(input))
					Expect(r.ProcessedText).To(Equal("on " + e.Token + " we met"))
					shifted, err := time.Parse(layout, e.Token)
					Expect(err).NotTo(HaveOccurred(), "layout kept: %q", e.Token)
					Expect(shifted.Format(layout)).To(Equal(e.Token), "layout kept exactly")
					days := shifted.Sub(orig).Hours() / 24
					Expect(days).To(And(BeNumerically(">=", 5), BeNumerically("<=", 40)))
				}
			},
			Entry("ISO", "2006-01-02", "2019-12-20"),
			Entry("US padded", "01/02/2006", "12/20/2019"),
			Entry("US unpadded", "1/2/2006", "2/3/2019"),
			Entry("US unpadded with a two-digit day", "1/2/2006", "2/13/2019"),
			Entry("ISO unpadded month and inferred day", "2006/1/2", "2019/9/30"),
			Entry("ISO padded day and inferred month", "2006/01/02", "2019/10/05"),
			Entry("long", "January 2, 2006", "February 27, 2020"),
			Entry("abbreviated", "Jan 2, 2006", "Dec 30, 2019"),
			Entry("day first", "2 January 2006", "28 February 2019"),
		)

		It("keeps ordinals and dots right", func() {
			r := deid("Jan. 1st, 2020", detectengine.Options{ShiftDates: &detectengine.ShiftDates{MinDays: 1, MaxDays: 1}})
			Expect(r.ProcessedText).To(Equal("Jan. 2nd, 2020"))
			r = deid("2020/1/31", detectengine.Options{ShiftDates: &detectengine.ShiftDates{MinDays: 1, MaxDays: 1}})
			Expect(r.ProcessedText).To(Equal("2020/2/1"))
		})

		It("shifts every date of a call by the same deterministic amount", func() {
			text := "2020-01-01 and 2020-03-01 and DOB 1990-06-15"
			a := deid(text, shiftOpts(7))
			Expect(deid(text, shiftOpts(7)).ProcessedText).To(Equal(a.ProcessedText))
			var deltas []float64
			for _, e := range a.Entities {
				from, _ := time.Parse("2006-01-02", e.Value)
				to, _ := time.Parse("2006-01-02", e.Token)
				deltas = append(deltas, to.Sub(from).Hours()/24)
			}
			Expect(deltas).To(HaveLen(3))
			Expect(deltas[1]).To(Equal(deltas[0]))
			Expect(deltas[2]).To(Equal(deltas[0]))
		})

		It("varies with the seed", func() {
			seen := map[string]bool{}
			for seed := range uint64(20) {
				seen[deid("2020-01-01", shiftOpts(seed)).ProcessedText] = true
			}
			Expect(len(seen)).To(BeNumerically(">", 1))
		})

		It("only shifts the listed types and tokenises the others", func() {
			r := deid("visit 2020-01-01, DOB: 1990-06-15", shiftOpts(1, "dob"))
			Expect(r.ProcessedText).To(HavePrefix("visit [DATE_1], DOB: 1990-"))
			Expect(r.Entities[1].Style).To(Equal(detectengine.StyleShiftedDate))
		})

		It("allows a fixed and a negative shift", func() {
			r := deid("2020-03-01", detectengine.Options{ShiftDates: &detectengine.ShiftDates{MinDays: -1, MaxDays: -1}})
			Expect(r.ProcessedText).To(Equal("2020-02-29"))
		})

		It("rejects an inverted range and non-date types", func() {
			_, err := engine().DeidentifyText("x", detectengine.Options{ShiftDates: &detectengine.ShiftDates{MinDays: 9, MaxDays: 2}})
			var oe *detectengine.OptionError
			Expect(errors.As(err, &oe)).To(BeTrue())
			Expect(oe.Field).To(Equal("transformations.shift_dates"))
			_, err = engine().DeidentifyText("x", detectengine.Options{ShiftDates: &detectengine.ShiftDates{MaxDays: 2, EntityTypes: []string{"ssn"}}})
			Expect(errors.As(err, &oe)).To(BeTrue())
			Expect(oe.Field).To(Equal("transformations.shift_dates.entity_types"))
		})
	})

	Describe("offsets and counts", func() {
		It("gives rune offsets in the input and the processed text", func() {
			text := "Zoë 日本語 — SSN 123-45-6789; courriel: é.x@exämple.com jane@example.com; tél +33 1 23 45 67 89 — Émile"
			r := deid(text, detectengine.Options{})
			Expect(r.Entities).NotTo(BeEmpty())
			for _, e := range r.Entities {
				Expect(runeSlice(text, e.Location.StartIndex, e.Location.EndIndex)).To(Equal(e.Value))
				Expect(runeSlice(r.ProcessedText, e.Location.StartIndexProcessed, e.Location.EndIndexProcessed)).To(Equal(e.Token))
			}
			ssn := r.Entities[0]
			Expect(ssn.Value).To(Equal("123-45-6789"))
			Expect(ssn.Location).To(Equal(detectengine.Location{StartIndex: 14, EndIndex: 25, StartIndexProcessed: 14, EndIndexProcessed: 21}))
		})

		It("counts words and runes of the input", func() {
			r := deid("  Zoë  met\tJohn Smith\n日本 ", detectengine.Options{})
			Expect(r.WordCount).To(Equal(5))
			Expect(r.CharacterCount).To(Equal(25))
		})

		It("handles empty text", func() {
			r := deid("", detectengine.Options{})
			Expect(r.ProcessedText).To(BeEmpty())
			Expect(r.Entities).NotTo(BeNil())
			Expect(r.Entities).To(BeEmpty())
		})

		It("fills the entity scores and marshals to the wire shape", func() {
			r := deid("SSN 123-45-6789", detectengine.Options{})
			Expect(r.Entities[0].Scores).To(HaveKeyWithValue("ssn", BeNumerically(">", 0.5)))
			b, err := json.Marshal(r)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(MatchJSON(`{"processed_text":"SSN [SSN_1]","word_count":2,"character_count":15,
				"entities":[{"token":"[SSN_1]","value":"123-45-6789","entity_type":"ssn","entity_scores":{"ssn":0.95},
				"location":{"start_index":4,"end_index":15,"start_index_processed":4,"end_index_processed":11}}]}`))
		})
	})

	It("is safe for concurrent use of one Engine", func() {
		e := detectengine.New()
		done := make(chan string, 32)
		for i := range 32 {
			go func() {
				defer GinkgoRecover()
				r, err := e.DeidentifyText(fmt.Sprintf("SSN 123-45-%04d John Smith", 1000+i), detectengine.Options{Seed: uint64(i)})
				Expect(err).NotTo(HaveOccurred())
				done <- r.ProcessedText
			}()
		}
		for range 32 {
			Expect(<-done).To(Equal("SSN [SSN_1] [NAME_1]"))
		}
	})

	It("is also available as a package function", func() {
		r, err := detectengine.DeidentifyText("mail a@b.io", detectengine.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.ProcessedText).To(Equal("mail [EMAIL_ADDRESS_1]"))
		ms, err := detectengine.Recognise("mail a@b.io", detectengine.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(ms).To(HaveLen(1))
		Expect(strings.ToUpper(ms[0].Type)).To(Equal("EMAIL_ADDRESS"))
	})
})
