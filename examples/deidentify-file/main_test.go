package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "His SSN is [SSN]", "wrote processed-note.txt", "re-identified: Jane Roe's SSN is 321-54-9876.", "invalid FileName")
}
