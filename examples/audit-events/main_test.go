package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "first page: 1 event(s)", "POST /v1/vaults/", "GET /v1/vaults/")
}
