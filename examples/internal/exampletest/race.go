//go:build race

package exampletest

// raceEnabled builds the examples with the race detector when their tests
// run with it.
const raceEnabled = true
