package facade_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// fastRetries keeps retry waits short so specs never wait for real seconds;
// MaxBackoff also caps Retry-After.
var fastRetries = facade.RetryPolicy{MaxRetries: 2, InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// env is one emulator and a client configured for its demo vault.
type env struct {
	srv    *mockserver.Server
	client *facade.Client
	vault  *facade.Vault
	logs   *syncBuffer
}

// startEnv starts an emulator (response validation on, so the emulator
// cannot drift from the spec) and a client using its API key.
func startEnv(clientOpts []facade.Option, srvOpts ...mockserver.Option) *env {
	srv, err := mockserver.Start(append([]mockserver.Option{mockserver.WithResponseValidation()}, srvOpts...)...)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	return newEnv(srv, &auth.Credentials{APIKey: srv.APIKey()}, clientOpts...)
}

func newEnv(srv *mockserver.Server, creds *auth.Credentials, clientOpts ...facade.Option) *env {
	logs := &syncBuffer{}
	opts := []facade.Option{
		facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL(), Credentials: creds}),
		facade.WithRetryPolicy(fastRetries),
		facade.WithLogger(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		facade.WithLogLevel(skyflow.LogLevelDebug),
	}
	client, err := facade.New(append(opts, clientOpts...)...)
	Expect(err).NotTo(HaveOccurred())
	v, err := client.Vault(srv.VaultID())
	Expect(err).NotTo(HaveOccurred())
	return &env{srv: srv, client: client, vault: v, logs: logs}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func card(i int) map[string]any {
	return map[string]any{
		"card_number":     luhnCard(i),
		"cardholder_name": "Holder " + itoa(i),
		"email":           "holder" + itoa(i) + "@example.com",
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

// luhnCard builds a valid 16-digit card number unique for i.
func luhnCard(i int) string {
	digits := []byte("411111")
	s := itoa(i)
	for len(s) < 9 {
		s = "0" + s
	}
	digits = append(digits, s...)
	sum := 0
	for k := 0; k < 15; k++ {
		d := int(digits[14-k] - '0')
		if k%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(append(digits, byte('0'+(10-sum%10)%10)))
}

func ctx0() context.Context { return context.Background() }
