package detectengine

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kinds of date layouts, indexes into rules.dates.
const (
	layoutISO = iota
	layoutNumeric
	layoutText
	layoutDayText
)

// dateValue is a parsed date and enough of its layout to write another date
// the same way.
type dateValue struct {
	t      time.Time
	layout int

	// numeric layouts
	order          string // "YMD", "MDY" or "DMY"
	sep            string
	mWidth, dWidth int

	// textual layouts
	monthAbbr  bool
	monthCase  int // 0 title, 1 upper, 2 lower
	monthDot   bool
	ordinal    string // "" or the suffix as written
	comma      bool
	dayPadding bool
}

// monthFromName returns the month of a full or abbreviated English name.
func monthFromName(name string) (time.Month, bool) {
	n := strings.ToLower(name)
	if n == "sept" {
		n = "sep"
	}
	for m := time.January; m <= time.December; m++ {
		full := strings.ToLower(m.String())
		if n == full || n == full[:3] {
			return m, true
		}
	}
	return 0, false
}

// mkDate validates a calendar date (year 1000-9999).
func mkDate(y, m, d int) (time.Time, bool) {
	if y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d && int(t.Month()) == m
}

// dateFromSubmatch parses the submatch m of pattern kind in text.
func dateFromSubmatch(kind int, text string, m []int) (dateValue, bool) {
	g := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return text[m[2*i]:m[2*i+1]]
	}
	num := func(i int) int { n, _ := strconv.Atoi(g(i)); return n }
	v := dateValue{layout: kind}
	var y, mo, d int
	switch kind {
	case layoutISO:
		if g(2) != g(4) {
			return v, false
		}
		y, mo, d = num(1), num(3), num(5)
		v.order, v.sep = "YMD", g(2)
		v.mWidth, v.dWidth = padWidths(g(3), g(5))
	case layoutNumeric:
		if g(2) != g(4) {
			return v, false
		}
		a, b := num(1), num(3)
		v.sep, y = g(2), num(5)
		wa, wb := padWidths(g(1), g(3))
		switch {
		case v.sep == "." || (a > 12 && b <= 12):
			v.order, d, mo, v.dWidth, v.mWidth = "DMY", a, b, wa, wb
		default:
			v.order, mo, d, v.mWidth, v.dWidth = "MDY", a, b, wa, wb
		}
	case layoutText, layoutDayText:
		var name, dayS string
		if kind == layoutText {
			name, v.monthDot, dayS, v.ordinal, v.comma, y = g(1), g(2) != "", g(3), g(4), g(5) != "", num(6)
		} else {
			dayS, v.ordinal, name, v.monthDot, v.comma, y = g(1), g(2), g(3), g(4) != "", g(5) != "", num(6)
		}
		month, ok := monthFromName(name)
		if !ok {
			return v, false
		}
		mo = int(month)
		d, _ = strconv.Atoi(dayS)
		v.dayPadding = len(dayS) == 2 && dayS[0] == '0'
		v.monthAbbr = !strings.EqualFold(name, month.String())
		switch {
		case name == strings.ToUpper(name) && len(name) > 1:
			v.monthCase = 1
		case name == strings.ToLower(name):
			v.monthCase = 2
		}
	default:
		return v, false
	}
	t, ok := mkDate(y, mo, d)
	v.t = t
	return v, ok
}

// parseDate parses a whole string as a date in one of the supported layouts.
func (r *rules) parseDate(s string) (dateValue, bool) {
	for kind, re := range r.exactDates {
		if m := re.FindStringSubmatchIndex(s); m != nil {
			if v, ok := dateFromSubmatch(kind, s, m); ok {
				return v, true
			}
		}
	}
	return dateValue{}, false
}

// padWidths infers whether the month and day fields of a numeric date are
// zero-padded (width 2) or not (width 1). A single digit is unpadded and a
// leading zero is padded; a two-digit value of 10 or more says nothing, so it
// follows the other field, and two such values count as padded.
func padWidths(a, b string) (int, int) {
	kind := func(s string) int { // 1 padded, 0 unpadded, -1 unknown
		switch {
		case len(s) == 1:
			return 0
		case s[0] == '0':
			return 1
		}
		return -1
	}
	ka, kb := kind(a), kind(b)
	if ka < 0 {
		ka = kb
	}
	if kb < 0 {
		kb = ka
	}
	w := func(k int) int {
		if k == 0 {
			return 1
		}
		return 2
	}
	return w(ka), w(kb)
}

// pad writes n with at least width digits.
func pad(n, width int) string {
	if width >= 2 {
		return fmt.Sprintf("%02d", n)
	}
	return strconv.Itoa(n)
}

// ordinalSuffix returns st, nd, rd or th for a day of the month.
func ordinalSuffix(d int) string {
	switch {
	case d >= 11 && d <= 13:
		return "th"
	case d%10 == 1:
		return "st"
	case d%10 == 2:
		return "nd"
	case d%10 == 3:
		return "rd"
	}
	return "th"
}

// format writes t in v's layout.
func (v dateValue) format(t time.Time) string {
	y, mo, d := t.Date()
	year := fmt.Sprintf("%04d", y)
	switch v.layout {
	case layoutISO, layoutNumeric:
		ms, ds := pad(int(mo), v.mWidth), pad(d, v.dWidth)
		switch v.order {
		case "YMD":
			return year + v.sep + ms + v.sep + ds
		case "DMY":
			return ds + v.sep + ms + v.sep + year
		default:
			return ms + v.sep + ds + v.sep + year
		}
	}
	name := mo.String()
	if v.monthAbbr {
		name = name[:3]
	}
	switch v.monthCase {
	case 1:
		name = strings.ToUpper(name)
	case 2:
		name = strings.ToLower(name)
	}
	if v.monthDot {
		name += "."
	}
	day := strconv.Itoa(d)
	if v.dayPadding && d < 10 {
		day = "0" + day
	}
	if v.ordinal != "" {
		suffix := ordinalSuffix(d)
		if v.ordinal == strings.ToUpper(v.ordinal) {
			suffix = strings.ToUpper(suffix)
		}
		day += suffix
	}
	comma := ""
	if v.comma {
		comma = ","
	}
	if v.layout == layoutText {
		return name + " " + day + comma + " " + year
	}
	return day + " " + name + comma + " " + year
}

// shift returns the date moved by days, in the same layout.
func (v dateValue) shift(days int) string {
	return v.format(v.t.AddDate(0, 0, days))
}
