package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "uploaded receipt.txt into record", "into new record", "download URL for its file: true")
}
