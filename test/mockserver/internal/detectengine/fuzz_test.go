package detectengine_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectengine"
)

// FuzzDeidentifyText checks that de-identification never panics, that every
// offset is within bounds, ordered and consistent with the texts, and that
// re-identifying with the call's own tokens gives the input back.
func FuzzDeidentifyText(f *testing.F) {
	for _, seed := range []string{
		"",
		"John Smith, SSN 123-45-6789, card 4111 1111 1111 1111, mail john@example.com",
		"Zoë 日本語 — DOB: 1990-05-17, tel (415) 555-1234, +44 20 7946 0958",
		"ip 192.168.0.1 / 999.1.1.1 / fe80::1 https://example.com/a(b). www.x.io",
		"January 2nd, 2006 and 2 Jan 2006 and 01/02/2006 and 2006-01-02T10:00",
		"routing 021000021 account 12345678 zip 94105 CA 94105-1234",
		"\xff\xfe invalid \xe2\x82 utf8 123-45-6789\xe2",
		"[SSN_1] [NAME] tokens already here",
		"John Q. Smith-Jones's Dr. Patel Mr. Garcia",
	} {
		f.Add(seed, uint64(1))
	}
	e := detectengine.New()
	f.Fuzz(func(t *testing.T, text string, seed uint64) {
		opts := detectengine.Options{Seed: seed}
		if seed%2 == 1 {
			opts.ShiftDates = &detectengine.ShiftDates{MinDays: -400, MaxDays: 400}
		}
		if seed%3 == 1 {
			opts.TokenType.Default = detectengine.StyleEntityOnly
		}
		r, err := e.DeidentifyText(text, opts)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		inLen, outLen := utf8.RuneCountInString(text), utf8.RuneCountInString(r.ProcessedText)
		if r.CharacterCount != inLen {
			t.Fatalf("character count %d, want %d", r.CharacterCount, inLen)
		}
		valid := utf8.ValidString(text)
		in, out := []rune(text), []rune(r.ProcessedText)
		prevIn, prevOut := 0, 0
		for _, ent := range r.Entities {
			l := ent.Location
			if l.StartIndex < prevIn || l.StartIndex >= l.EndIndex || l.EndIndex > inLen {
				t.Fatalf("input offsets %+v out of bounds (len %d, previous end %d)", l, inLen, prevIn)
			}
			if l.StartIndexProcessed < prevOut || l.StartIndexProcessed >= l.EndIndexProcessed || l.EndIndexProcessed > outLen {
				t.Fatalf("processed offsets %+v out of bounds (len %d, previous end %d)", l, outLen, prevOut)
			}
			if l.StartIndex-prevIn != l.StartIndexProcessed-prevOut {
				t.Fatalf("text between entities changed length: %+v", l)
			}
			prevIn, prevOut = l.EndIndex, l.EndIndexProcessed
			if valid {
				if got := string(in[l.StartIndex:l.EndIndex]); got != ent.Value {
					t.Fatalf("input slice %q, value %q", got, ent.Value)
				}
				if got := string(out[l.StartIndexProcessed:l.EndIndexProcessed]); got != ent.Token {
					t.Fatalf("processed slice %q, token %q", got, ent.Token)
				}
			}
			if s := ent.Scores[ent.EntityType]; s <= 0 || s > 1 {
				t.Fatalf("score %v out of (0,1]", s)
			}
		}
		if inLen-prevIn != outLen-prevOut {
			t.Fatalf("tail changed length")
		}
		if opts.ShiftDates == nil && opts.TokenType.Default == "" && !strings.Contains(text, "[") {
			if back := detectengine.ReidentifyText(r.ProcessedText, r.Resolver(), detectengine.Format{}); back != text {
				t.Fatalf("round trip gave %q, want %q", back, text)
			}
		}
	})
}
