// Package emulator starts the Skyflow emulator (package mockserver) for the
// demo runner and the examples' tests, and describes it with the
// environment variables the example programs read. It builds no SDK client:
// every example builds its own, in its main, from those variables.
package emulator

import (
	"fmt"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// The environment variables the examples read (see examples/README.md).
const (
	EnvVaultID       = "SKYFLOW_VAULT_ID"
	EnvVaultURL      = "SKYFLOW_VAULT_URL"
	EnvCredentials   = "SKYFLOW_CREDENTIALS" // the SDK's own variable: service-account JSON
	EnvAPIKey        = "SKYFLOW_API_KEY"
	EnvConnectionID  = "SKYFLOW_CONNECTION_ID"
	EnvConnectionURL = "SKYFLOW_CONNECTION_URL"
	EnvRoleID        = "SKYFLOW_ROLE_ID"
	EnvAccountID     = "SKYFLOW_ACCOUNT_ID"
	// The emulator's Flow DB vault, for the flowdb-* examples: its id and
	// its URL (FlowDBConfig.BaseURL).
	EnvFlowDBVaultID = "SKYFLOW_FLOWDB_VAULT_ID"
	EnvFlowDBURL     = "SKYFLOW_FLOWDB_URL"
	// EnvAdminURL is set only against the emulator: the examples that show
	// retries or failed runs ask it for faults through its admin API.
	EnvAdminURL = "SKYFLOW_EMULATOR_ADMIN_URL"
)

// options holds what some examples need of the emulator beyond its
// defaults.
var options = map[string][]mockserver.Option{
	// Tokens that expire in seconds, so the example sees one renewed.
	"token-expiry": {mockserver.WithTokenLifetime(4 * time.Second)},
	// Runs that stay in progress for a few polls, so the example follows
	// one with GetDetectRun.
	"get-detect-run": {mockserver.WithRunPolls(3)},
}

// Emulator is a running emulator serving the demo vault (and the demo Flow
// DB vault).
type Emulator struct {
	srv *mockserver.Server
}

// Start starts an emulator on a free loopback port, set up for the named
// example.
func Start(example string) (*Emulator, error) {
	srv, err := mockserver.Start(options[example]...)
	if err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	return &Emulator{srv: srv}, nil
}

// Env returns the variables that point an example at the emulator, as
// KEY=value pairs.
func (e *Emulator) Env() []string {
	vars := [][2]string{
		{EnvVaultID, e.srv.VaultID()},
		{EnvVaultURL, e.srv.URL()},
		{EnvCredentials, e.srv.CredentialsJSON()},
		{EnvAPIKey, e.srv.APIKey()},
		{EnvConnectionID, e.srv.ConnectionID()},
		{EnvConnectionURL, e.srv.ConnectionURL()},
		{EnvRoleID, "demo-reader"},
		{EnvAccountID, mockserver.DemoAccountID},
		{EnvFlowDBVaultID, e.srv.FlowDBVaultID()},
		{EnvFlowDBURL, e.srv.FlowDBURL()},
		{EnvAdminURL, e.srv.URL() + "/__admin"},
	}
	out := make([]string, len(vars))
	for i, kv := range vars {
		out[i] = kv[0] + "=" + kv[1]
	}
	return out
}

// Environ returns base without its SKYFLOW_* variables (so a developer's
// own settings never point an example at a real vault) plus Env.
func (e *Emulator) Environ(base []string) []string {
	out := make([]string, 0, len(base)+11)
	for _, kv := range base {
		if !strings.HasPrefix(kv, "SKYFLOW_") {
			out = append(out, kv)
		}
	}
	return append(out, e.Env()...)
}

// Close stops the emulator.
func (e *Emulator) Close() { e.srv.Close() }
