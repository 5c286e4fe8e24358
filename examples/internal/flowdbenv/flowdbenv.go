// Package flowdbenv is the set-up shared by the Flow DB example programs
// (examples/flowdb-*). It says where the Flow DB vault is and how to
// authenticate, from flags or the environment; the examples then build
// their client themselves with facade.New and facade.WithFlowDB.
//
//	-vault-id     SKYFLOW_FLOWDB_VAULT_ID    Flow DB vault to use
//	-cluster-id   SKYFLOW_CLUSTER_ID         cluster of https://{cluster}.skyvault.skyflowapis.com
//	-env          SKYFLOW_ENV                PROD (default), SANDBOX, STAGE or DEV
//	-base-url     SKYFLOW_FLOWDB_BASE_URL    vault URL, instead of -cluster-id and -env
//	-credentials  SKYFLOW_CREDENTIALS_PATH   service-account credentials file
//	-api-key      SKYFLOW_API_KEY            API key
//	-emulator                                ignore the above and use the emulator
//
// With neither -credentials nor -api-key the SDK reads service-account
// credentials JSON from SKYFLOW_CREDENTIALS. When no vault id is given (or
// with -emulator), the Skyflow emulator of package mockserver starts
// in-process and serves its demo Flow DB vault, whose schema the examples
// expect against a real vault too: a table customers (name, email unique,
// card_number, ssn, age), a table orders (order_ref unique, customer_email,
// amount), and the token groups deterministic_string (with the redaction
// mask1), nondeterministic_string and deterministic_email.
package flowdbenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// Environment variables read by Setup (flags take precedence).
const (
	EnvVaultID = "SKYFLOW_FLOWDB_VAULT_ID"
	EnvBaseURL = "SKYFLOW_FLOWDB_BASE_URL"
)

// Env is where an example's Flow DB vault is.
type Env struct {
	// Config is the vault's configuration, for facade.WithFlowDB. Its
	// Credentials are nil when the SDK is to read SKYFLOW_CREDENTIALS.
	Config facade.FlowDBConfig
	// Emulator is the in-process emulator, nil against a real vault.
	Emulator *mockserver.Server

	out io.Writer
	tmp string
}

// Setup parses args, starts the emulator when no vault is given, and
// returns the vault's configuration. The caller must Close the Env.
func Setup(_ context.Context, name string, args []string, out io.Writer) (*Env, error) {
	env := func(k, def string) string {
		if v, ok := os.LookupEnv(k); ok && v != "" {
			return v
		}
		return def
	}
	var (
		cfg                 facade.FlowDBConfig
		envName, creds, key string
		emulator            bool
	)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.VaultID, "vault-id", env(EnvVaultID, ""), "Flow DB vault id (none: use the in-process emulator)")
	fs.StringVar(&cfg.ClusterID, "cluster-id", env(exampleenv.EnvClusterID, ""), "cluster id of the vault URL")
	fs.StringVar(&envName, "env", env(exampleenv.EnvEnv, "PROD"), "environment: PROD, SANDBOX, STAGE or DEV")
	fs.StringVar(&cfg.BaseURL, "base-url", env(EnvBaseURL, ""), "vault URL, instead of -cluster-id and -env")
	fs.StringVar(&creds, "credentials", env(exampleenv.EnvCredentialsPath, ""), "service-account credentials file (default: SKYFLOW_CREDENTIALS JSON)")
	fs.StringVar(&key, "api-key", env(exampleenv.EnvAPIKey, ""), "API key, instead of service-account credentials")
	fs.BoolVar(&emulator, "emulator", false, "use the in-process emulator even if a vault is configured")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", exampleenv.ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%w: unexpected arguments %q", exampleenv.ErrUsage, fs.Args())
	}
	cfg.Env = facade.Env(strings.ToUpper(envName))
	e := &Env{out: out}
	if emulator || cfg.VaultID == "" {
		srv, err := mockserver.Start()
		if err != nil {
			return nil, fmt.Errorf("start the emulator: %w", err)
		}
		e.Emulator = srv
		if e.tmp, err = os.MkdirTemp("", "skyflow-example-"); err != nil {
			srv.Close()
			return nil, err
		}
		creds, key = filepath.Join(e.tmp, "credentials.json"), ""
		if err := srv.WriteCredentials(creds); err != nil {
			e.Close()
			return nil, err
		}
		cfg = facade.FlowDBConfig{VaultID: srv.FlowDBVaultID(), BaseURL: srv.FlowDBURL()}
		e.Printf("(no Flow DB vault configured: using the in-process emulator at %s, vault %s)\n", cfg.BaseURL, cfg.VaultID)
	}
	switch {
	case creds != "" && key != "":
		e.Close()
		return nil, fmt.Errorf("%w: give -credentials or -api-key, not both", exampleenv.ErrUsage)
	case creds != "":
		cfg.Credentials = &auth.Credentials{Path: creds}
	case key != "":
		cfg.Credentials = &auth.Credentials{APIKey: key}
	}
	e.Config = cfg
	return e, nil
}

// Printf prints to the example's output.
func (e *Env) Printf(format string, args ...any) { fmt.Fprintf(e.out, format, args...) }

// Step prints a heading for the next step of the example.
func (e *Env) Step(format string, args ...any) {
	fmt.Fprintf(e.out, "\n== "+format+"\n", args...)
}

// Close stops the emulator, if one was started, and removes the
// temporary files.
func (e *Env) Close() {
	if e.Emulator != nil {
		e.Emulator.Close()
	}
	if e.tmp != "" {
		_ = os.RemoveAll(e.tmp)
	}
}
