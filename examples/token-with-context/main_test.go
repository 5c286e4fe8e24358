package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "ctx as a string: user_12345", "ctx as a map: map[department:finance", `field Context["user-id"]`, "as user_12345")
}
