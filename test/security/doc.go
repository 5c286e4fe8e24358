// Package security holds the secrets sweep: one flow through every SDK
// operation against the emulator, with planted credentials and personal
// data, whose log lines, error strings and printed values are all scanned
// for them.
package security
