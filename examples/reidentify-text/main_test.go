package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil, "re-identified: Patient John Doe, SSN 123-45-6789")
}
