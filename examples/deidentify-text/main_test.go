package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "[SSN_1]", "[CREDIT_CARD]", "john.doe@example.com. I was born", "guardrails: passed true")
}
