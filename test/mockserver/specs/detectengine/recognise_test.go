package detectengine_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectengine"
)

var _ = Describe("Recognise", func() {
	DescribeTable("finds entities",
		func(text, typ, want string) {
			Expect(found(text, typ)).To(ConsistOf(typ + ":" + want))
		},
		Entry("dashed SSN", "SSN 123-45-6789.", "ssn", "123-45-6789"),
		Entry("dashed SSN without a cue", "ref 123-45-6789", "ssn", "123-45-6789"),
		Entry("nine-digit SSN after a cue", "Social Security: 123456789", "ssn", "123456789"),
		Entry("spaced SSN after a cue", "ssn# 123 45 6789", "ssn", "123 45 6789"),
		Entry("Visa with spaces", "card 4111 1111 1111 1111 exp", "credit_card", "4111 1111 1111 1111"),
		Entry("Visa with dashes", "card 4111-1111-1111-1111", "credit_card", "4111-1111-1111-1111"),
		Entry("Visa bare", "4111111111111111", "credit_card", "4111111111111111"),
		Entry("Amex 15 digits", "amex 378282246310005", "credit_card", "378282246310005"),
		Entry("Amex grouping", "amex 3782 822463 10005", "credit_card", "3782 822463 10005"),
		Entry("13 digits grouped 4-4-4-1", "visa 4222 2222 2222 2", "credit_card", "4222 2222 2222 2"),
		Entry("card after a phone number", "415 555 1234 4111 1111 1111 1111", "credit_card", "4111 1111 1111 1111"),
		Entry("19 digits", "pan 6011000990139424009 ok", "credit_card", "6011000990139424009"),
		Entry("email", "mail jane.doe+tag@mail.example.co.uk now", "email_address", "jane.doe+tag@mail.example.co.uk"),
		Entry("US phone with parentheses", "call (415) 555-1234", "phone_number", "(415) 555-1234"),
		Entry("US phone with dashes", "415-555-1234", "phone_number", "415-555-1234"),
		Entry("US phone with country code", "+1 415.555.1234", "phone_number", "+1 415.555.1234"),
		Entry("E.164", "+14155551234", "phone_number", "+14155551234"),
		Entry("international with spaces", "London +44 20 7946 0958.", "phone_number", "+44 20 7946 0958"),
		Entry("ten digits after a phone cue", "Phone: 4155551234", "phone_number", "4155551234"),
		Entry("ISO date", "on 2006-01-02.", "date", "2006-01-02"),
		Entry("ISO date of a date-time", "at 2006-01-02T15:04:05Z", "date", "2006-01-02"),
		Entry("US date", "on 01/02/2006", "date", "01/02/2006"),
		Entry("US date without padding", "on 1/2/2006", "date", "1/2/2006"),
		Entry("day-first date", "on 31/12/2006", "date", "31/12/2006"),
		Entry("long date", "on January 2, 2006 we", "date", "January 2, 2006"),
		Entry("long date with ordinal", "on Jan. 2nd, 2006", "date", "Jan. 2nd, 2006"),
		Entry("day-first long date", "on 2 January 2006", "date", "2 January 2006"),
		Entry("DOB cue", "DOB: 1990-05-17", "dob", "1990-05-17"),
		Entry("born cue", "she was born on March 3, 1985", "dob", "March 3, 1985"),
		Entry("date of birth cue", "Date of birth 07/04/1976", "dob", "07/04/1976"),
		Entry("IPv4", "host 192.168.1.1:8080", "ip_address", "192.168.1.1"),
		Entry("IPv4 edge octets", "0.0.0.0 is any", "ip_address", "0.0.0.0"),
		Entry("IPv6", "addr 2001:db8::ff00:42:8329.", "ip_address", "2001:db8::ff00:42:8329"),
		Entry("IPv6 loopback", "bind ::1 now", "ip_address", "::1"),
		Entry("https URL", "see https://example.com/a?b=1.", "url", "https://example.com/a?b=1"),
		Entry("www URL", "visit www.example.org, now", "url", "www.example.org"),
		Entry("URL in parentheses", "(see http://x.io/a)", "url", "http://x.io/a"),
		Entry("URL keeping its own parentheses", "at https://en.wiki.org/A_(b)", "url", "https://en.wiki.org/A_(b)"),
		Entry("full name", "Dear John Smith,", "name", "John Smith"),
		Entry("name with initial", "signed John Q. Smith", "name", "John Q. Smith"),
		Entry("possessive name", "Mary Johnson's file", "name", "Mary Johnson"),
		Entry("given name alone", "thanks Emily!", "name", "Emily"),
		Entry("family name after a title", "ask Dr. Patel", "name", "Patel"),
		Entry("double-barrelled name", "Anna Smith-Jones", "name", "Anna Smith-Jones"),
		Entry("non-ASCII neighbour", "Zoë met Sarah Miller", "name", "Sarah Miller"),
		Entry("routing number", "routing 021000021", "routing_number", "021000021"),
		Entry("bank account", "account no. 12345678901", "bank_account", "12345678901"),
		Entry("ZIP after a cue", "zip code 94105", "location_zip", "94105"),
		Entry("ZIP+4 after a state", "Austin, TX 78701-1234", "location_zip", "78701-1234"),
	)

	DescribeTable("ignores look-alikes",
		func(text, typ string) {
			Expect(found(text, typ)).To(BeEmpty())
		},
		Entry("SSN area 000", "000-12-3456", "ssn"),
		Entry("SSN area 666", "666-12-3456", "ssn"),
		Entry("SSN area 9xx", "912-12-3456", "ssn"),
		Entry("SSN group 00", "123-00-3456", "ssn"),
		Entry("SSN serial 0000", "123-45-0000", "ssn"),
		Entry("SSN inside a longer number", "1123-45-67890", "ssn"),
		Entry("nine digits without a cue", "order 123456789", "ssn"),
		Entry("non-Luhn 16 digits", "4111111111111112", "credit_card"),
		Entry("non-Luhn grouped", "4111 1111 1111 1112", "credit_card"),
		Entry("all zeros", "0000 0000 0000 0000", "credit_card"),
		Entry("mixed separators", "4111 1111-1111 1111", "credit_card"),
		Entry("odd grouping", "41 11111111111111", "credit_card"),
		Entry("numbers side by side", "123-45-6789 123-45-6789 5", "credit_card"),
		Entry("12 digits", "411111111116", "credit_card"),
		Entry("address without a TLD", "root@localhost", "email_address"),
		Entry("one-letter TLD", "a@b.c", "email_address"),
		Entry("area code starting with 1", "123-456-7890", "phone_number"),
		Entry("ten digits without a cue", "id 4155551234", "phone_number"),
		Entry("too short international", "+12345", "phone_number"),
		Entry("February 30", "2006-02-30", "date"),
		Entry("month 13", "13/13/2006", "date"),
		Entry("date glued to digits", "12006-01-02", "date"),
		Entry("octet above 255", "999.1.1.1", "ip_address"),
		Entry("256 octet", "256.1.1.1", "ip_address"),
		Entry("five dotted numbers", "1.2.3.4.5", "ip_address"),
		Entry("version string", "v1.2.3.4", "ip_address"),
		Entry("clock time", "at 12:30:45", "ip_address"),
		Entry("bare domain", "example.com", "url"),
		Entry("colour words", "Brown Green", "name"),
		Entry("lower-case name", "john smith", "name"),
		Entry("upper-case name", "JOHN SMITH", "name"),
		Entry("family name alone", "the Smith report", "name"),
		Entry("routing number failing the checksum", "routing 021000022", "routing_number"),
		Entry("five digits without a cue", "room 94105", "location_zip"),
	)

	It("does not stitch neighbouring SSNs into a card", func() {
		Expect(found("123-45-6789 123-45-6789 123-45-6789")).To(Equal([]string{
			"ssn:123-45-6789", "ssn:123-45-6789", "ssn:123-45-6789"}))
	})

	It("labels a cued date as date when dob is not requested", func() {
		Expect(found("DOB: 1990-05-17", "date")).To(ConsistOf("date:1990-05-17"))
	})

	It("finds no plain date when only dob is requested", func() {
		Expect(found("visit 2024-03-01; DOB: 1990-05-17", "dob")).To(ConsistOf("dob:1990-05-17"))
	})

	It("does not let a birth cue reach past an earlier date", func() {
		Expect(found("born 1990-05-17, seen 2024-03-01")).To(ConsistOf("dob:1990-05-17", "date:2024-03-01"))
	})

	It("splits names into given and family parts when those are requested", func() {
		Expect(found("Mary Ann Johnson and Dr. Patel and Emily", "name_given", "name_family")).To(ConsistOf(
			"name_given:Mary Ann", "name_family:Johnson", "name_family:Patel", "name_given:Emily"))
	})

	It("prefers the whole name when name and its parts are requested", func() {
		Expect(found("John Smith", "name", "name_given", "name_family")).To(ConsistOf("name:John Smith"))
	})

	It("gives rune offsets, an exclusive end and a score in (0,1]", func() {
		text := "Zoë — 日本 SSN 123-45-6789"
		ms := find(text)
		Expect(ms).To(HaveLen(1))
		Expect(runeSlice(text, ms[0].Start, ms[0].End)).To(Equal("123-45-6789"))
		Expect(ms[0].Score).To(And(BeNumerically(">", 0), BeNumerically("<=", 1)))
	})

	It("returns matches in text order", func() {
		ms := find("a@b.io 123-45-6789 John Smith 10.0.0.1")
		Expect(ms).To(HaveLen(4))
		for i := 1; i < len(ms); i++ {
			Expect(ms[i].Start).To(BeNumerically(">=", ms[i-1].End))
		}
	})

	Describe("requested types", func() {
		const text = "John Smith 123-45-6789 a@b.io"

		It("finds every supported type for an empty list or all", func() {
			Expect(found(text)).To(HaveLen(3))
			Expect(found(text, "all")).To(HaveLen(3))
			Expect(found(text, "age", "all")).To(HaveLen(3))
		})

		It("filters to the requested types", func() {
			Expect(found(text, "ssn")).To(ConsistOf("ssn:123-45-6789"))
		})

		It("accepts every Detect entity type", func() {
			Expect(detectengine.EntityTypes()).To(HaveLen(70))
			for _, t := range detectengine.EntityTypes() {
				_, err := engine().Recognise(text, detectengine.Options{EntityTypes: []string{t}})
				Expect(err).NotTo(HaveOccurred(), t)
				Expect(detectengine.IsEntityType(t)).To(BeTrue())
			}
		})

		It("finds nothing for an unsupported type", func() {
			Expect(found(text, "age", "zodiac_sign")).To(BeEmpty())
		})

		It("lists only enum values as supported", func() {
			for _, t := range detectengine.SupportedEntityTypes() {
				Expect(detectengine.IsEntityType(t)).To(BeTrue(), t)
			}
		})

		It("rejects an unknown type with its index", func() {
			_, err := engine().Recognise(text, detectengine.Options{EntityTypes: []string{"ssn", "SSN"}})
			var oe *detectengine.OptionError
			Expect(errors.As(err, &oe)).To(BeTrue())
			Expect(oe.Field).To(Equal("entity_types"))
			Expect(oe.Index).To(Equal(1))
		})
	})

	Describe("overlaps", func() {
		It("keeps the longest candidate", func() {
			Expect(found("www.example.com/u/jane@example.com")).To(ConsistOf("url:www.example.com/u/jane@example.com"))
			Expect(found("John.Smith@example.com")).To(ConsistOf("email_address:John.Smith@example.com"))
		})

		It("breaks a length tie by score", func() {
			// 021000021 is both a valid SSN and a valid routing number.
			Expect(found("SSN or routing: 021000021", "ssn", "routing_number")).To(ConsistOf("routing_number:021000021"))
		})

		It("does not let an unrequested type hide a requested one", func() {
			Expect(found("www.example.com/u/jane@example.com", "email_address")).To(ConsistOf("email_address:jane@example.com"))
		})

		It("is deterministic", func() {
			text := "John Smith 4111 1111 1111 1111 415-555-1234 2006-01-02 a@b.io"
			first := found(text)
			for range 20 {
				Expect(found(text)).To(Equal(first))
			}
		})
	})

	Describe("allow and restrict regexes", func() {
		const text = "SSN: 123-45-6789, other 234-56-7890, mail a@b.io"

		recognise := func(allow, restrict []string) []string {
			ms, err := engine().Recognise(text, detectengine.Options{AllowRegex: allow, RestrictRegex: restrict})
			Expect(err).NotTo(HaveOccurred())
			var out []string
			for _, m := range ms {
				out = append(out, m.Text)
			}
			return out
		}

		It("never de-identifies allow matches", func() {
			Expect(recognise([]string{`123-45-\d{4}`}, nil)).To(ConsistOf("234-56-7890", "a@b.io"))
		})

		It("keeps an entity that only partly overlaps an allow match", func() {
			Expect(recognise([]string{`6789, other`}, nil)).To(ConsistOf("234-56-7890", "a@b.io"))
		})

		It("always de-identifies restrict matches, replacing the entities they overlap", func() {
			Expect(recognise(nil, []string{`SSN: \S+`, `mail`})).To(ConsistOf("SSN: 123-45-6789,", "234-56-7890", "mail", "a@b.io"))
			ms, err := engine().Recognise(text, detectengine.Options{RestrictRegex: []string{`other`}})
			Expect(err).NotTo(HaveOccurred())
			Expect(ms).To(HaveLen(4))
			Expect(ms[1].Type).To(Equal(detectengine.TypeRestricted))
			Expect(ms[1].Text).To(Equal("other"))
		})

		It("merges overlapping restrict matches", func() {
			Expect(recognise(nil, []string{`SSN: 123`, `123-45`})).To(ConsistOf("SSN: 123-45", "234-56-7890", "a@b.io"))
		})

		It("lets allow win over restrict", func() {
			Expect(recognise([]string{`123`}, []string{`\d{3}-\d{2}-\d{4}`})).To(ConsistOf("234-56-7890", "a@b.io"))
		})

		It("replaces restrict matches with [RESTRICTED] and never registers them", func() {
			r, err := engine().DeidentifyText("code X-99 for John", detectengine.Options{RestrictRegex: []string{`X-\d+`}})
			Expect(err).NotTo(HaveOccurred())
			Expect(r.ProcessedText).To(HavePrefix("code [RESTRICTED] for "))
			Expect(r.Entities[0].EntityType).To(Equal(detectengine.TypeRestricted))
			Expect(r.Entities[0].Style).To(Equal(detectengine.StyleRestricted))
		})

		It("ignores empty matches", func() {
			Expect(recognise([]string{`x*`}, nil)).To(HaveLen(3))
		})

		It("reports an invalid pattern by list and index, without its text", func() {
			_, err := engine().Recognise(text, detectengine.Options{AllowRegex: []string{`ok`, `(secret-unclosed`}})
			var re *detectengine.RegexError
			Expect(errors.As(err, &re)).To(BeTrue())
			Expect(re.Field).To(Equal("allow_regex"))
			Expect(re.Index).To(Equal(1))
			Expect(re.Code).NotTo(BeEmpty())
			Expect(err.Error()).To(ContainSubstring("allow_regex[1]"))
			Expect(err.Error()).NotTo(ContainSubstring("secret"))

			_, err = engine().DeidentifyText(text, detectengine.Options{RestrictRegex: []string{`a{2,1}`}})
			Expect(errors.As(err, &re)).To(BeTrue())
			Expect(re.Field).To(Equal("restrict_regex"))
			Expect(re.Index).To(Equal(0))
		})
	})
})
