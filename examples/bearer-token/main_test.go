package main

import (
	"testing"

	"github.com/skyflowgo/skyflow/examples/internal/exampletest"
)

func TestRun(t *testing.T) {
	exampletest.Run(t, "minted: ", "expires in 1h0m0s; expired: false", "cached token the second time: true", "inserted with the bearer token:")
}
