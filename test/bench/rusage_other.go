//go:build !unix

package bench

// cpuNanos is not available on this platform: cpu-ns/op reads 0.
func cpuNanos() int64 { return 0 }
