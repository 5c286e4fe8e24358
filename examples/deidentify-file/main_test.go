package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil, "His SSN is [SSN]", "wrote processed-note.txt", "invalid FileName")
}
