package main

import (
	"strings"
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	out := exampletest.Run(t, "PLAIN_TEXT card_number 4111111111111111", "MASKED     card_number XXXXXXXXXXXX1111", "page: ")
	if n := strings.Count(out, "page: "); n != 2 {
		t.Errorf("%d pages, want 2", n)
	}
}
