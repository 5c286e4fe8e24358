//go:build unix

package facade_test

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// TestNewRefusesFIFOCredentials checks that New returns at once, with a
// validation error, when a credentials Path names a FIFO no one writes to.
func TestNewRefusesFIFOCredentials(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "credentials.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	opts := map[string]facade.Option{
		"WithCredentials": facade.WithCredentials(auth.Credentials{Path: fifo}),
		"VaultConfig.Credentials": facade.WithVault(facade.VaultConfig{VaultID: "v", ClusterID: "c",
			Credentials: &auth.Credentials{Path: fifo}}),
	}
	for name, opt := range opts {
		t.Run(name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := facade.New(opt)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, auth.ErrCredentialsFile) {
					t.Fatalf("got %v, want ErrCredentialsFile", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("New blocks on a FIFO")
			}
		})
	}
}
