package mockserver

import (
	"strings"
	"unicode"
)

// redactedValue is what REDACTED returns, as the real vault does.
const redactedValue = "*REDACTED*"

// effectiveRedaction resolves DEFAULT (or no redaction) to the column's
// configured default.
func effectiveRedaction(c *column, mode string) string {
	if mode == "" || mode == "DEFAULT" {
		if c.DefaultRedaction == "" {
			return "PLAIN_TEXT"
		}
		return c.DefaultRedaction
	}
	return mode
}

// redact applies a redaction to a stored value. PLAIN_TEXT keeps the value
// (and its JSON type); MASKED and REDACTED return strings.
func redact(c *column, v any, mode string) any {
	switch effectiveRedaction(c, mode) {
	case "REDACTED":
		return redactedValue
	case "MASKED":
		return mask(c.Mask, valueString(v))
	}
	return v
}

// redactString is redact for detokenize, whose values are always strings.
func redactString(c *column, v any, mode string) string {
	switch effectiveRedaction(c, mode) {
	case "REDACTED":
		return redactedValue
	case "MASKED":
		return mask(c.Mask, valueString(v))
	}
	return valueString(v)
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// mask applies a masking style (see ColumnConfig.Mask).
func mask(style, s string) string {
	switch style {
	case "none":
		return s
	case "last4":
		return maskKeepLast(s, 4)
	case "ssn":
		var digits []rune
		for _, r := range s {
			if unicode.IsDigit(r) {
				digits = append(digits, r)
			}
		}
		if len(digits) > 4 {
			digits = digits[len(digits)-4:]
		}
		return "XXX-XX-" + string(digits)
	case "email":
		local, domain, ok := strings.Cut(s, "@")
		if !ok {
			return maskKeepLast(s, 0)
		}
		var b strings.Builder
		for i, r := range local {
			if i == 0 {
				b.WriteRune(r)
			} else {
				b.WriteByte('X')
			}
		}
		return b.String() + "@" + domain
	}
	return maskKeepLast(s, 0)
}

// maskKeepLast replaces every letter and digit but the last keep ones by X;
// other characters (separators) are kept.
func maskKeepLast(s string, keep int) string {
	runes := []rune(s)
	kept := 0
	for i := len(runes) - 1; i >= 0; i-- {
		if !isAlnum(runes[i]) {
			continue
		}
		if kept < keep {
			kept++
			continue
		}
		runes[i] = 'X'
	}
	return string(runes)
}
