package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil, "ctx user_12345", "ctx map[department:research role:analyst]", "signed card_number token -> 4111111111111111")
}
