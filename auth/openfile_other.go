//go:build !unix

package auth

// openFlags adds nothing to a read-only open where non-blocking opens are
// not available.
const openFlags = 0

// statBeforeOpen makes readCredentialsFile refuse anything but a regular
// file before opening it, since the open itself could block.
const statBeforeOpen = true
