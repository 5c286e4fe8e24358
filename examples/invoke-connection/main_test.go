package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "status 200", `"include_details": [`, "form body: status 200", "(error from client: true)")
}
