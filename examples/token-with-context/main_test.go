package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil, "ctx claim: user_12345", `field Context["user-id"]`, "as user_12345")
}
