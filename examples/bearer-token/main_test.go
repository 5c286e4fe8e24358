package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil, "GenerateBearerToken:", "from a credentials JSON string", "with the bearer token")
}
