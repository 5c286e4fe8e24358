package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil, "status IN_PROGRESS", "status SUCCESS", `reason "the file could not be parsed"`)
}
