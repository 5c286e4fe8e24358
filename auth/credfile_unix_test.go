//go:build unix

package auth_test

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
)

// mkfifo makes a named pipe that no one writes to: opening it for reading
// in blocking mode waits forever.
func mkfifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "credentials.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	return path
}

// returnsPromptly runs f and fails the test if it has not returned within
// a generous bound (it would block forever when the FIFO is opened).
func returnsPromptly(t *testing.T, name string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s blocks on a FIFO", name)
		return nil
	}
}

// TestCredentialsFileMustBeRegular checks that a Path naming a FIFO is
// refused at once by every function that reads credentials files.
func TestCredentialsFileMustBeRegular(t *testing.T) {
	fifo := mkfifo(t)
	calls := map[string]func() error{
		"Validate": func() error { return auth.Credentials{Path: fifo}.Validate() },
		"NewTokenSource": func() error {
			_, err := auth.NewTokenSource(auth.Credentials{Path: fifo})
			return err
		},
		"GenerateBearerToken": func() error {
			_, err := auth.GenerateBearerToken(context.Background(), auth.Credentials{Path: fifo})
			return err
		},
		"GenerateSignedDataTokens": func() error {
			_, err := auth.GenerateSignedDataTokens(auth.Credentials{Path: fifo}, auth.SignedDataTokensRequest{DataTokens: []string{"t"}})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := returnsPromptly(t, name, call)
			var ve *skyflow.ValidationError
			if !errors.As(err, &ve) || ve.Field != "Path" || !errors.Is(err, auth.ErrCredentialsFile) {
				t.Fatalf("got %v, want a *ValidationError on Path matching ErrCredentialsFile", err)
			}
			if ve.Reason != "credentials file is not a regular file" {
				t.Fatalf("reason %q", ve.Reason)
			}
		})
	}
	dir := t.TempDir()
	if err := (auth.Credentials{Path: dir}).Validate(); !errors.Is(err, auth.ErrCredentialsFile) {
		t.Fatalf("a directory: got %v", err)
	}
}
