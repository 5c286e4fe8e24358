package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "email: a token in group nondeterministic_string", "(deterministic_string): XXXXXXXXXXXX1111",
		"(deterministic_email): jXXX", "failed with status 404", "value 1: failed", "failed groups [no_such_group]",
		"same token twice: true", "delete: done", "deleted token: failed (not found: true)")
}
