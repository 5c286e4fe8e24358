package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "first pass: 50 written, 25 not written, 25 unknown", "unknown: 0 found in the vault, 25 absent",
		"resent 50: 0 not written, 0 unknown", "written: 100 of 100")
}
