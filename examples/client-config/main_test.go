package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil,
		"after AddVault: [", "second-vault]", "after UpdateVault(Env: DEV): cluster abc123, env DEV",
		"after RemoveConnection: []", "level=ERROR msg=\"call failed\"", "-- level OFF")
}
