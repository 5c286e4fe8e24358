package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "status IN_PROGRESS", "GetDetectRun: SUCCESS", `reason "the file could not be parsed"`)
}
