package mockserver

import (
	"os"
	"syscall"
)

// syncData makes the content of f durable (fdatasync: the log's metadata
// other than its size need not be).
func syncData(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
