package exampleenv

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Abbrev shortens a credential for printing: the first characters and the
// length, never the whole value. Use it for bearer tokens and signed data
// tokens, which are secrets.
func Abbrev(secret string) string {
	const keep = 16
	if len(secret) <= keep {
		return fmt.Sprintf("<%d chars>", len(secret))
	}
	return fmt.Sprintf("%s… (%d chars)", secret[:keep], len(secret))
}

// Claims decodes the payload of a JWT without verifying it, to show what a
// token carries. It returns nil when token is not a JWT.
func Claims(token string) map[string]any {
	token = strings.TrimPrefix(token, "signed_token_")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var claims map[string]any
	if json.Unmarshal(raw, &claims) != nil {
		return nil
	}
	return claims
}

// SortedKeys returns the keys of m in order, for stable output.
func SortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// FormatMap renders a map on one line with sorted keys.
func FormatMap[V any](m map[string]V) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range SortedKeys(m) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %v", k, m[k])
	}
	b.WriteByte('}')
	return b.String()
}
