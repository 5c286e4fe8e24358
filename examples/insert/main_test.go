package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "record 0: skyflow_id", "record 1: skyflow_id", "card_number token")
}
