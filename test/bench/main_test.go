package bench

import (
	"os"
	"testing"
)

// TestMain serves the canned handler when the binary is re-executed as the
// bench server (see serveChild), and stops that child after the run.
func TestMain(m *testing.M) {
	if os.Getenv(serverEnv) == "1" {
		serveChild()
		return
	}
	code := m.Run()
	stopRemote()
	os.Exit(code)
}
