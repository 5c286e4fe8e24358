package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil,
		"refused: ", "requests sent for that call: 0", "3 calls, 1 token exchange(s)",
		"token exchanges so far: 2", "succeeded after 1 new token exchange(s)")
}
