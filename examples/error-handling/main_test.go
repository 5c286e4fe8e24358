package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil,
		`field "Table"`, "errors.Is(err, facade.ErrNotFound): true", "errors.Is(err, facade.ErrUnauthorized): true",
		"operation Get", "errors.Is(err, context.Canceled): true", "attempts: 3, facade.IsRetryable(err): true")
}
