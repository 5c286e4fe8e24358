package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "ENABLE: card_number token byot-card-", "ENABLE_STRICT: cardholder_name token byot-name-",
		"-> 4111111111111111", "skyflow: invalid Tokens[0]")
}
