// Command client-config changes a client's configuration at runtime: it
// adds, updates, reads and removes vault and connection configurations,
// replaces the common credentials with an API key, and changes the log
// level, logging to stdout to show what a log record holds.
//
// Environment: see examples/README.md; SKYFLOW_API_KEY is optional.
package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	// By default a client logs nothing. With a logger, the logger's handler
	// decides what to keep, until a log level is set.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { // no times, so runs compare
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
		facade.WithLogger(logger),
	)
	if err != nil {
		log.Fatal(err)
	}
	creds, _ := client.Credentials()
	fmt.Println("credentials:", creds) // the kind and a fingerprint, never the secret

	// Vaults.
	fmt.Println("vaults:", client.VaultIDs())
	if err := client.AddVault(facade.VaultConfig{VaultID: "second-vault", ClusterID: "abc123", Env: facade.EnvSandbox}); err != nil {
		log.Fatal(err)
	}
	if err := client.UpdateVault(facade.VaultConfig{VaultID: "second-vault", Env: facade.EnvDev}); err != nil {
		log.Fatal(err)
	}
	cfg, err := client.GetVault("second-vault")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("after UpdateVault(Env: DEV): cluster %s, env %s (fields not given are kept)\n", cfg.ClusterID, cfg.Env)
	if err := client.RemoveVault("second-vault"); err != nil {
		log.Fatal(err)
	}
	_, err = client.Vault("second-vault")
	fmt.Println("after RemoveVault:", err)

	// Connections.
	conn := facade.ConnectionConfig{ConnectionID: "card-issuer", URL: "https://example.com/v1/cards/{card_id}"}
	if err := client.AddConnection(conn); err != nil {
		log.Fatal(err)
	}
	conn.URL = "https://example.com/v2/cards/{card_id}"
	if err := client.UpdateConnection(conn); err != nil {
		log.Fatal(err)
	}
	cc, err := client.GetConnection("card-issuer")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after UpdateConnection:", cc.URL)
	if err := client.RemoveConnection("card-issuer"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("connections:", client.ConnectionIDs())

	// Credentials: calls that start from now on use the API key.
	if key := os.Getenv("SKYFLOW_API_KEY"); key != "" {
		if err := client.SetCredentials(auth.Credentials{APIKey: key}); err != nil {
			log.Fatal(err)
		}
		creds, _ := client.Credentials()
		fmt.Println("credentials now:", creds)
	}

	// Log levels: the same failing call at each level.
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}
	missing := facade.GetRequest{Table: "table1", IDs: []string{"00000000-0000-4000-8000-000000000000"}}
	for _, level := range []skyflow.LogLevel{skyflow.LogLevelDebug, skyflow.LogLevelError, skyflow.LogLevelOff} {
		if err := client.SetLogLevel(level); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("-- level %s: a failing Get logs:\n", client.LogLevel())
		_, _ = vault.Get(ctx, missing)
	}
}
