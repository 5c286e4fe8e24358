// Package specs holds the Ginkgo specs of the emulator's internal packages.
// It is a module of its own so that the emulator's go.mod names no test
// framework; its import path lies under test/mockserver, which lets it
// import the emulator's internal packages. Nothing imports it.
package specs
