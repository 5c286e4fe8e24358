package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil, "ctx claim: user_12345", `field Ctx["user-id"]`, "as user_12345")
}
