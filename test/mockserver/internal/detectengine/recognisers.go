package detectengine

import (
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// rules are the compiled regular expressions of the recognisers.
type rules struct {
	ssnDashed, ssnPlain, ssnSpaced, ssnCue *regexp.Regexp

	digitRun *regexp.Regexp

	email *regexp.Regexp

	phoneUS, phoneIntl, phonePlain, phoneCue *regexp.Regexp

	dates       []*regexp.Regexp // numeric ISO, numeric M/D/Y, textual, textual day-first
	exactDates  []*regexp.Regexp // the same, anchored
	dobCue      *regexp.Regexp
	ipv4, ipv6  *regexp.Regexp
	url         *regexp.Regexp
	word, title *regexp.Regexp

	nine, bankDigits, zip       *regexp.Regexp
	routingCue, bankCue, zipCue *regexp.Regexp
	stateBefore                 *regexp.Regexp
}

// Date patterns. Their capture groups are read by dateFromSubmatch.
const (
	datePatISO     = `(\d{4})([-/])(\d{1,2})([-/])(\d{1,2})`
	datePatNumeric = `(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4})`
	monthAlt       = `(?i:(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec))`
	datePatText    = `\b` + monthAlt + `(\.?) (\d{1,2})(?i:(st|nd|rd|th))?(,?) (\d{4})\b`
	datePatDayText = `\b(\d{1,2})(?i:(st|nd|rd|th))? ` + monthAlt + `(\.?)(,?) (\d{4})\b`
)

// compileRules compiles every recogniser pattern.
func compileRules() rules {
	m := regexp.MustCompile
	datePats := []string{datePatISO, datePatNumeric, datePatText, datePatDayText}
	r := rules{
		ssnDashed: m(`(\d{3})-(\d{2})-(\d{4})`),
		ssnPlain:  m(`(\d{3})(\d{2})(\d{4})`),
		ssnSpaced: m(`(\d{3}) (\d{2}) (\d{4})`),
		ssnCue:    m(`(?i)\b(?:ssn|ss#|social\s+security|soc\.?\s*sec\.?)`),

		digitRun: m(`\d+(?:[ \-]\d+)*`),

		email: m(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+`),

		phoneUS:    m(`(?:\+1[ .\-]?|\b1[ .\-])?(?:\((\d{3})\)[ .\-]?|(\d{3})[ .\-])\d{3}[ .\-]\d{4}`),
		phoneIntl:  m(`\+[1-9]\d{0,3}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,5})){1,6}`),
		phonePlain: m(`[2-9]\d{9}`),
		phoneCue:   m(`(?i)\b(?:phone|tel|telephone|mobile|cell|call|fax|contact|ph)\b`),

		dobCue: m(`(?i)\b(?:dob|d\.o\.b|date\s+of\s+birth|birth\s*date|birthday|born)\b`),

		ipv4: m(`\d{1,3}(?:\.\d{1,3}){3}`),
		ipv6: m(`[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*`),
		url:  m(`(?i)\b(?:https?://|www\.)[^\s<>"'\x60]+`),

		word:  m(`\p{L}[\p{L}\p{M}'’\-]*`),
		title: m(`\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.? $`),

		nine:        m(`\d{9}`),
		bankDigits:  m(`\d{8,17}`),
		zip:         m(`\d{5}(?:-\d{4})?`),
		routingCue:  m(`(?i)\b(?:routing|aba|rtn|transit)\b`),
		bankCue:     m(`(?i)\b(?:account|acct|a/c|bank)\b`),
		zipCue:      m(`(?i)\b(?:zip|zipcode|postal\s+code|postcode)\b`),
		stateBefore: m(`\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY),?\s$`),
	}
	for _, p := range datePats {
		r.dates = append(r.dates, m(p))
		r.exactDates = append(r.exactDates, m(`^(?:`+p+`)$`))
	}
	return r
}

// isWordRune reports letters, digits, combining marks and underscore.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

// isNumberJoiner reports the punctuation that glues digits into one number
// (2.5, 12-34, 1/2).
func isNumberJoiner(r rune) bool { return r == '-' || r == '.' || r == '/' }

// cleanBefore reports whether the span starting at byte s is not glued to a
// preceding word or number.
func cleanBefore(text string, s int) bool {
	if s == 0 {
		return true
	}
	r, w := utf8.DecodeLastRuneInString(text[:s])
	if isWordRune(r) {
		return false
	}
	if isNumberJoiner(r) && s-w > 0 {
		r2, _ := utf8.DecodeLastRuneInString(text[:s-w])
		if unicode.IsDigit(r2) {
			return false
		}
	}
	return true
}

// cleanAfter reports whether the span ending at byte e is not glued to a
// following word or number.
func cleanAfter(text string, e int) bool {
	if e >= len(text) {
		return true
	}
	r, w := utf8.DecodeRuneInString(text[e:])
	if isWordRune(r) {
		return false
	}
	if isNumberJoiner(r) && e+w < len(text) {
		r2, _ := utf8.DecodeRuneInString(text[e+w:])
		if unicode.IsDigit(r2) {
			return false
		}
	}
	return true
}

// cleanEdges is cleanBefore and cleanAfter.
func cleanEdges(text string, s, e int) bool {
	return cleanBefore(text, s) && cleanAfter(text, e)
}

// cueBefore reports whether cue matches in the window of at most window
// bytes that ends at byte s and starts no earlier than floor.
func cueBefore(text string, s, floor, window int, cue *regexp.Regexp) bool {
	ws := max(s-window, floor, 0)
	for ws < s && !utf8.RuneStart(text[ws]) {
		ws++
	}
	return cue.MatchString(text[ws:s])
}

// add appends a candidate.
func add(out []candidate, typ string, s, e int, score float64) []candidate {
	return append(out, candidate{typ: typ, start: s, end: e, score: score})
}

// validSSN applies the SSA rules: no area 000, 666 or 900-999, no group 00,
// no serial 0000.
func validSSN(area, group, serial string) bool {
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// findSSN finds NNN-NN-NNNN anywhere, and NNNNNNNNN or NNN NN NNNN after an
// SSN cue.
func (e *Engine) findSSN(text string, out []candidate) []candidate {
	for _, m := range e.re.ssnDashed.FindAllStringSubmatchIndex(text, -1) {
		if !cleanEdges(text, m[0], m[1]) || !validSSN(text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]) {
			continue
		}
		score := 0.85
		if cueBefore(text, m[0], 0, 40, e.re.ssnCue) {
			score = 0.95
		}
		out = add(out, TypeSSN, m[0], m[1], score)
	}
	for _, re := range []*regexp.Regexp{e.re.ssnPlain, e.re.ssnSpaced} {
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			if !cleanEdges(text, m[0], m[1]) || !validSSN(text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]) {
				continue
			}
			if cueBefore(text, m[0], 0, 40, e.re.ssnCue) {
				out = add(out, TypeSSN, m[0], m[1], 0.8)
			}
		}
	}
	return out
}

// luhn reports whether a digit string passes the Luhn check.
func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// findCards finds 13-19 digit numbers that do not start with 0 and pass the
// Luhn check, written without separators or grouped the way cards are
// printed: one separator kind (space or dash) and groups of four with a
// shorter last group (4-4-4-4, 4-4-4-1, 4-4-4-4-3, ...), or 4-6-5 / 4-6-4
// (American Express, Diners Club). Inside a run of digit groups the longest
// valid span starting at the earliest group wins.
func (e *Engine) findCards(text string, out []candidate) []candidate {
	type group struct{ s, e int }
	for _, run := range e.re.digitRun.FindAllStringIndex(text, -1) {
		var groups []group
		start := run[0]
		for i := run[0]; i <= run[1]; i++ {
			if i == run[1] || text[i] == ' ' || text[i] == '-' {
				groups = append(groups, group{start, i})
				start = i + 1
			}
		}
		for i := 0; i < len(groups); {
			found := false
			for j := min(len(groups)-1, i+18); j >= i; j-- {
				span := groups[i : j+1]
				sizes := make([]int, len(span))
				n := 0
				sameSep := true
				for k, g := range span {
					sizes[k] = g.e - g.s
					n += sizes[k]
					if k > 0 && text[g.s-1] != text[span[0].e] {
						sameSep = false
					}
				}
				if n > 19 {
					continue
				}
				if n < 13 {
					break
				}
				s, en := span[0].s, span[len(span)-1].e
				d := strings.NewReplacer(" ", "", "-", "").Replace(text[s:en])
				if sameSep && cardGrouping(sizes) && d[0] != '0' && luhn(d) && cleanEdges(text, s, en) {
					out = add(out, TypeCreditCard, s, en, 0.9)
					i, found = j+1, true
					break
				}
			}
			if !found {
				i++
			}
		}
	}
	return out
}

// cardGrouping reports whether digit group sizes look like a printed card
// number.
func cardGrouping(sizes []int) bool {
	if len(sizes) == 1 {
		return true
	}
	if len(sizes) == 3 && sizes[0] == 4 && sizes[1] == 6 && (sizes[2] == 5 || sizes[2] == 4) {
		return true
	}
	for _, n := range sizes[:len(sizes)-1] {
		if n != 4 {
			return false
		}
	}
	last := sizes[len(sizes)-1]
	return last >= 1 && last <= 4
}

// findEmails finds addresses whose top-level domain has at least two
// letters.
func (e *Engine) findEmails(text string, out []candidate) []candidate {
	for _, m := range e.re.email.FindAllStringIndex(text, -1) {
		s, en := m[0], m[1]
		for s < en && text[s] == '.' {
			s++
		}
		addr := text[s:en]
		at := strings.IndexByte(addr, '@')
		if at <= 0 {
			continue
		}
		tld := addr[strings.LastIndexByte(addr, '.')+1:]
		if len(tld) < 2 || strings.IndexFunc(tld, func(r rune) bool { return r < 'A' || (r > 'Z' && r < 'a') || r > 'z' }) >= 0 {
			continue
		}
		out = add(out, TypeEmailAddress, s, en, 0.95)
	}
	return out
}

// findPhones finds North-American numbers with separators ((415) 555-1234,
// 415-555-1234, +1 415.555.1234), E.164-style international numbers
// (+14155551234, +44 20 7946 0958: 8 to 15 digits) and ten bare digits after
// a phone cue.
func (e *Engine) findPhones(text string, out []candidate) []candidate {
	for _, m := range e.re.phoneUS.FindAllStringSubmatchIndex(text, -1) {
		area := ""
		if m[2] >= 0 {
			area = text[m[2]:m[3]]
		} else if m[4] >= 0 {
			area = text[m[4]:m[5]]
		}
		if area == "" || area[0] < '2' || !cleanEdges(text, m[0], m[1]) {
			continue
		}
		out = add(out, TypePhoneNumber, m[0], m[1], 0.85)
	}
	for _, m := range e.re.phoneIntl.FindAllStringIndex(text, -1) {
		s, en := m[0], m[1]
		// A trailing ")" without its "(" belongs to the surrounding text.
		if strings.Count(text[s:en], "(") != strings.Count(text[s:en], ")") {
			continue
		}
		n := 0
		for i := s; i < en; i++ {
			if text[i] >= '0' && text[i] <= '9' {
				n++
			}
		}
		if n < 8 || n > 15 || !cleanEdges(text, s, en) {
			continue
		}
		out = add(out, TypePhoneNumber, s, en, 0.85)
	}
	for _, m := range e.re.phonePlain.FindAllStringIndex(text, -1) {
		if cleanEdges(text, m[0], m[1]) && cueBefore(text, m[0], 0, 30, e.re.phoneCue) {
			out = add(out, TypePhoneNumber, m[0], m[1], 0.7)
		}
	}
	return out
}

// findDates finds calendar-valid dates in the supported layouts and labels
// them dob when a birth cue precedes them (and dob is wanted), else date.
func (e *Engine) findDates(text string, want typeSet, out []candidate) []candidate {
	type span struct{ s, e int }
	var spans []span
	for i, re := range e.re.dates {
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			if _, ok := dateFromSubmatch(i, text, m); !ok {
				continue
			}
			if !cleanBefore(text, m[0]) {
				continue
			}
			// ISO date-times (2006-01-02T15:04) still hold a date.
			isoTime := m[1]+1 < len(text) && text[m[1]] == 'T' && text[m[1]+1] >= '0' && text[m[1]+1] <= '9'
			if !isoTime && !cleanAfter(text, m[1]) {
				continue
			}
			spans = append(spans, span{m[0], m[1]})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].s < spans[j].s })
	prevEnd := 0
	for _, sp := range spans {
		dob := cueBefore(text, sp.s, prevEnd, 40, e.re.dobCue)
		prevEnd = max(prevEnd, sp.e)
		switch {
		case dob && want.has(TypeDOB):
			out = add(out, TypeDOB, sp.s, sp.e, 0.9)
		case want.has(TypeDate):
			out = add(out, TypeDate, sp.s, sp.e, 0.9)
		}
	}
	return out
}

// findIPs finds IPv4 addresses (four octets 0-255, no leading zeros, not
// part of a longer dotted number) and IPv6 addresses.
func (e *Engine) findIPs(text string, out []candidate) []candidate {
	for _, m := range e.re.ipv4.FindAllStringIndex(text, -1) {
		if !cleanEdges(text, m[0], m[1]) {
			continue
		}
		if a, err := netip.ParseAddr(text[m[0]:m[1]]); err == nil && a.Is4() {
			out = add(out, TypeIPAddress, m[0], m[1], 0.9)
		}
	}
	for _, m := range e.re.ipv6.FindAllStringIndex(text, -1) {
		s, en := m[0], m[1]
		for en > s && text[en-1] == '.' {
			en--
		}
		if en-s >= 2 && text[en-1] == ':' && text[en-2] != ':' {
			en--
		}
		cand := text[s:en]
		if strings.Count(cand, ":") < 2 || !cleanEdges(text, s, en) {
			continue
		}
		if a, err := netip.ParseAddr(cand); err == nil && a.Is6() {
			out = add(out, TypeIPAddress, s, en, 0.9)
		}
	}
	return out
}

// findURLs finds http(s):// and www. addresses, without trailing
// punctuation (a closing bracket stays when the URL opened it).
func (e *Engine) findURLs(text string, out []candidate) []candidate {
	for _, m := range e.re.url.FindAllStringIndex(text, -1) {
		s, en := m[0], m[1]
		for en > s {
			c := text[en-1]
			if strings.IndexByte(".,;:!?'\"", c) >= 0 {
				en--
				continue
			}
			if open := strings.IndexByte(")]}", c); open >= 0 &&
				strings.Count(text[s:en], "([{"[open:open+1]) < strings.Count(text[s:en], string(c)) {
				en--
				continue
			}
			break
		}
		u := strings.ToLower(text[s:en])
		prefix := "www."
		if strings.HasPrefix(u, "http") {
			prefix = u[:strings.Index(u, "//")+2]
		}
		if len(u) <= len(prefix) {
			continue
		}
		out = add(out, TypeURL, s, en, 0.9)
	}
	return out
}

// findContextNumbers finds the numerics that are only unambiguous with a
// cue: ABA routing numbers (9 digits, checksum, after "routing"/"ABA"),
// bank accounts (8-17 digits after "account"/"acct") and ZIP codes (5 or
// 5+4 digits after "zip"/"postal code" or a US state code).
func (e *Engine) findContextNumbers(text string, want typeSet, out []candidate) []candidate {
	if want.has(TypeRoutingNumber) {
		for _, m := range e.re.nine.FindAllStringIndex(text, -1) {
			if cleanEdges(text, m[0], m[1]) && abaChecksum(text[m[0]:m[1]]) && cueBefore(text, m[0], 0, 30, e.re.routingCue) {
				out = add(out, TypeRoutingNumber, m[0], m[1], 0.85)
			}
		}
	}
	if want.has(TypeBankAccount) {
		for _, m := range e.re.bankDigits.FindAllStringIndex(text, -1) {
			if cleanEdges(text, m[0], m[1]) && cueBefore(text, m[0], 0, 30, e.re.bankCue) {
				out = add(out, TypeBankAccount, m[0], m[1], 0.7)
			}
		}
	}
	if want.has(TypeLocationZip) {
		for _, m := range e.re.zip.FindAllStringIndex(text, -1) {
			if !cleanEdges(text, m[0], m[1]) {
				continue
			}
			if cueBefore(text, m[0], 0, 20, e.re.zipCue) || cueBefore(text, m[0], 0, 5, e.re.stateBefore) {
				out = add(out, TypeLocationZip, m[0], m[1], 0.8)
			}
		}
	}
	return out
}

// abaChecksum reports whether nine digits pass the ABA routing checksum.
func abaChecksum(d string) bool {
	n := func(i int) int { return int(d[i] - '0') }
	sum := 3*(n(0)+n(3)+n(6)) + 7*(n(1)+n(4)+n(7)) + n(2) + n(5) + n(8)
	return sum%10 == 0
}
