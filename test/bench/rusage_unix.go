//go:build unix

package bench

import "syscall"

// cpuNanos returns the CPU time (user + system) the whole process has used
// so far, every thread included (the runtime's GC and network poller too).
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
