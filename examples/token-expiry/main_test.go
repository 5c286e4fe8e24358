package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t,
		"1. refused: ", "requests sent for that call: 0", "3. 3 calls, 1 token exchange(s)",
		"token exchanges so far: 2", "succeeded with 1 new token exchange(s)")
}
