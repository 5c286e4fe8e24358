package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, run, nil,
		`field "Table"`, "errors.Is(err, skyflow.ErrNotFound): true", "errors.Is(err, skyflow.ErrUnauthorized): true",
		"operation Get", "errors.Is(err, context.Canceled): true", "attempts: 3, skyflow.IsRetryable(err): true")
}
