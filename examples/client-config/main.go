// Command client-config changes a client's configuration at runtime: it
// adds, updates, reads and removes vault and connection configurations,
// replaces the common credentials, and changes the log level, logging to
// the example's output to show what a log record holds.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "client-config", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	// The example's logger prints the SDK's log records with the rest of
	// its output. By default a client logs to stderr at LogLevelError.
	logger := env.Logger()
	client, err := facade.New(
		facade.WithVault(env.VaultConfig()),
		facade.WithLogger(logger),
		facade.WithLogLevel(facade.LogLevelError),
	)
	if err != nil {
		return err
	}
	if env.Credentials != nil {
		env.Step("set the common credentials (used by every vault without its own)")
		if err := client.SetCredentials(*env.Credentials); err != nil {
			return err
		}
		creds, _ := client.Credentials()
		env.Printf("credentials: %v\n", creds) // prints the kind and a fingerprint, never the secret
	}

	env.Step("vaults")
	env.Printf("configured: %v\n", client.VaultIDs())
	second := facade.VaultConfig{VaultID: "second-vault", ClusterID: "abc123", Env: facade.EnvSandbox}
	if err := client.AddVault(second); err != nil {
		return err
	}
	env.Printf("after AddVault: %v\n", client.VaultIDs())
	if err := client.AddVault(second); err != nil {
		env.Printf("adding it again: %v\n", err)
	}
	if err := client.UpdateVault(facade.VaultConfig{VaultID: "second-vault", Env: facade.EnvDev}); err != nil {
		return err
	}
	cfg, err := client.GetVault("second-vault")
	if err != nil {
		return err
	}
	env.Printf("after UpdateVault(Env: DEV): cluster %s, env %s (fields not given are kept)\n", cfg.ClusterID, cfg.Env)
	def, _ := client.Vault("")
	env.Printf("Vault(\"\") is the first vault added: %s\n", def.ID())
	if err := client.RemoveVault("second-vault"); err != nil {
		return err
	}
	env.Printf("after RemoveVault: %v\n", client.VaultIDs())
	if _, err := client.Vault("second-vault"); err != nil {
		env.Printf("Vault(\"second-vault\"): %v\n", err)
	}

	env.Step("connections")
	conn := facade.ConnectionConfig{ConnectionID: "card-issuer", URL: "https://example.com/v1/gateway/outboundRoutes/route-1/cards/{card_id}"}
	if err := client.AddConnection(conn); err != nil {
		return err
	}
	env.Printf("after AddConnection: %v\n", client.ConnectionIDs())
	if err := client.UpdateConnection(facade.ConnectionConfig{ConnectionID: "card-issuer", URL: "https://example.com/v2/cards/{card_id}"}); err != nil {
		return err
	}
	cc, err := client.GetConnection("card-issuer")
	if err != nil {
		return err
	}
	env.Printf("after UpdateConnection: %s\n", cc.URL)
	if err := client.RemoveConnection("card-issuer"); err != nil {
		return err
	}
	env.Printf("after RemoveConnection: %v\n", client.ConnectionIDs())

	env.Step("log levels")
	vault, err := client.Vault("")
	if err != nil {
		return err
	}
	missing := facade.GetRequest{Table: "no_such_table_" + exampleenv.RunID(), IDs: []string{"00000000-0000-4000-8000-000000000000"}}
	for _, level := range []facade.LogLevel{facade.LogLevelDebug, facade.LogLevelError, facade.LogLevelOff} {
		if err := client.SetLogLevel(level); err != nil {
			return err
		}
		env.Printf("-- level %s: a failing Get logs:\n", client.LogLevel())
		_, err := vault.Get(ctx, missing)
		var apiErr *skyflow.APIError
		if !errors.As(err, &apiErr) {
			return fmt.Errorf("expected an API error, got %v", err)
		}
	}
	if client.LogLevel() != facade.LogLevelOff {
		return fmt.Errorf("log level not applied")
	}
	return nil
}
