package redacttest

import (
	"strings"
	"testing"
)

// The slog forms carry no timestamp: its digits could contain a planted
// value (a card's last four digits, say) and fail a spec at random.
func TestPrintedSlogFormsHaveNoTime(t *testing.T) {
	out := Printed("x")
	for _, form := range []string{"slog text", "slog json"} {
		if strings.Contains(out[form], "time") {
			t.Errorf("%s holds a time: %s", form, out[form])
		}
		if !strings.Contains(out[form], "x") {
			t.Errorf("%s lost the value: %s", form, out[form])
		}
	}
}
