package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil, "status 200", `"include_details": [`, "application/x-www-form-urlencoded", "(error from client: true)")
}
