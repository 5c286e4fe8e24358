package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "token 0: XXXXXXXXXXXX0000", "token 60: ", "60 values for 61 tokens")
}
