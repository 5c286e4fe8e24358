package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "row: cardholder_name John Doe", "row: cardholder_name Jane Roe", "must be a SELECT statement")
}
