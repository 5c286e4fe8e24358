//go:build unix

package auth

import "syscall"

// openFlags opens credentials files without blocking: opening a FIFO for
// reading otherwise waits for a writer. The file is then checked with fstat
// before anything is read.
const openFlags = syscall.O_NONBLOCK

// statBeforeOpen is false: the non-blocking open is safe for every kind of
// file.
const statBeforeOpen = false
