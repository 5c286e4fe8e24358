package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t,
		"after UpdateVault(Env: DEV): cluster abc123, env DEV", "after UpdateConnection: https://example.com/v2/",
		"connections: []", "credentials now: ", `level=ERROR msg="call failed"`, "-- level OFF")
}
