package facade

import (
	"strings"
	"testing"
)

func TestBlankIsTrimSpaceEmpty(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n", "\u00a0", "\u2003x", "a", " a", "a ", "\x7f", "\x00", "é", "\u3000", "tok-1"} {
		if got, want := blank(s), strings.TrimSpace(s) == ""; got != want {
			t.Errorf("blank(%q) = %v, want %v", s, got, want)
		}
	}
}
