package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "failed with status 409", "ours? true", "upserted the same record: true",
		"card_number:XXXXXXXXXXXX1111", "ssn:*REDACTED*", "not found (true)", "orders: map[amount:42.5]", "update: done",
		"age:42", "delete 1: done")
}
