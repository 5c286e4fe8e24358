package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t,
		`field "Table"`, "errors.Is(err, skyflow.ErrNotFound): true", "operation Get, sent false",
		"errors.Is(err, context.Canceled): true", "attempts: 3, skyflow.IsRetryable(err): true")
}
