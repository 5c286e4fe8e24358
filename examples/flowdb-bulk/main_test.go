package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "record 70: refused by the vault, status 409", "record 130: not sent: invalid: true",
		"done 248, failed 2, unknown 0", "120 tokens", "token 0: XXXXXX-X-XXXXXXXX", "token 2: failed (not found: true)",
		"120 tokens deleted")
}
