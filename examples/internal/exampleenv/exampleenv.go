// Package exampleenv is the set-up shared by the example programs.
//
// Every example reads the same settings from flags or the environment:
//
//	-vault-id        SKYFLOW_VAULT_ID          vault to use
//	-cluster-id      SKYFLOW_CLUSTER_ID        cluster part of the vault URL
//	-env             SKYFLOW_ENV               PROD (default), SANDBOX, STAGE or DEV
//	-base-url        SKYFLOW_BASE_URL          vault URL override (instead of -cluster-id)
//	-credentials     SKYFLOW_CREDENTIALS_PATH  service-account credentials file
//	-api-key         SKYFLOW_API_KEY           API key
//	-connection-id   SKYFLOW_CONNECTION_ID     connection to invoke
//	-connection-url  SKYFLOW_CONNECTION_URL    its URL
//	-roles           SKYFLOW_ROLE_IDS          comma-separated role ids (scoped tokens)
//	-table           SKYFLOW_TABLE             records table (default table1)
//	-log-level       SKYFLOW_LOG_LEVEL         SDK log level (default ERROR)
//	-emulator                                  ignore the above and use the emulator
//
// With neither -credentials nor -api-key, the SDK reads service-account
// credentials JSON from SKYFLOW_CREDENTIALS.
//
// When no vault id is given (or with -emulator), Setup starts the Skyflow
// emulator of package mockserver in-process, serving its demo vault, and
// configures the client for it with service-account credentials written to
// a temporary file. The example then runs with no account, no credentials
// and no network.
//
// The examples expect the schema of the emulator's demo vault (see
// test/mockserver/README.md): a table with the columns card_number,
// cardholder_name, email (unique), ssn and dob, and a table "documents"
// with a text column "title" and a file column "attachment".
package exampleenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// Environment variables read by Setup (flags take precedence).
const (
	EnvVaultID         = "SKYFLOW_VAULT_ID"
	EnvClusterID       = "SKYFLOW_CLUSTER_ID"
	EnvEnv             = "SKYFLOW_ENV"
	EnvBaseURL         = "SKYFLOW_BASE_URL"
	EnvCredentialsPath = "SKYFLOW_CREDENTIALS_PATH"
	EnvAPIKey          = "SKYFLOW_API_KEY"
	EnvConnectionID    = "SKYFLOW_CONNECTION_ID"
	EnvConnectionURL   = "SKYFLOW_CONNECTION_URL"
	EnvRoles           = "SKYFLOW_ROLE_IDS"
	EnvTable           = "SKYFLOW_TABLE"
	EnvLogLevel        = "SKYFLOW_LOG_LEVEL"
)

// Tables and columns of the demo schema used by the examples.
const (
	DefaultTable = "table1"
	FileTable    = "documents"
	FileColumn   = "attachment"
	TitleColumn  = "title"
)

// Settings are the connection settings of an example.
type Settings struct {
	VaultID         string
	ClusterID       string
	Env             string
	BaseURL         string
	CredentialsPath string
	APIKey          string
	ConnectionID    string
	ConnectionURL   string
	Roles           []string
	Table           string
	LogLevel        string
	ForceEmulator   bool
}

// Env is what an example works with: a configured client and a handle on
// the vault, and the emulator when one was started.
type Env struct {
	Settings
	// Client is configured with the vault (and the connection, when known).
	Client *facade.Client
	// Vault is the handle on the vault.
	Vault *facade.Vault
	// Credentials are the credentials the client uses; nil means the SDK
	// reads SKYFLOW_CREDENTIALS.
	Credentials *auth.Credentials
	// Emulator is the in-process emulator, nil against a real vault.
	Emulator *mockserver.Server

	out    io.Writer
	tmp    string
	mu     sync.Mutex
	onExit []func()
}

// Option adjusts Setup.
type Option func(*setup)

type setup struct {
	flags      []func(*flag.FlagSet)
	emuOpts    []mockserver.Option
	clientOpts []facade.Option
}

// WithFlags registers example-specific flags before parsing.
func WithFlags(fn func(fs *flag.FlagSet)) Option {
	return func(s *setup) { s.flags = append(s.flags, fn) }
}

// WithEmulatorOptions passes options to mockserver.Start when the emulator
// is used.
func WithEmulatorOptions(opts ...mockserver.Option) Option {
	return func(s *setup) { s.emuOpts = append(s.emuOpts, opts...) }
}

// WithClientOptions passes extra options to facade.New.
func WithClientOptions(opts ...facade.Option) Option {
	return func(s *setup) { s.clientOpts = append(s.clientOpts, opts...) }
}

// ErrUsage is returned (wrapped) when the flags are wrong; Main exits with
// status 2 for it.
var ErrUsage = errors.New("usage")

// Setup parses args, starts the emulator when no vault is given, and builds
// the client. The caller must Close the Env.
func Setup(ctx context.Context, name string, args []string, out io.Writer, opts ...Option) (*Env, error) {
	var st setup
	for _, o := range opts {
		o(&st)
	}
	s, err := parse(name, args, out, st.flags)
	if err != nil {
		return nil, err
	}
	e := &Env{Settings: s, out: out}
	if e.tmp, err = os.MkdirTemp("", "skyflow-example-"); err != nil {
		return nil, err
	}
	if err := e.connect(ctx, st); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func parse(name string, args []string, out io.Writer, extra []func(*flag.FlagSet)) (Settings, error) {
	s := Settings{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	env := func(k, def string) string {
		if v, ok := os.LookupEnv(k); ok && v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&s.VaultID, "vault-id", env(EnvVaultID, ""), "vault id (none: use the in-process emulator)")
	fs.StringVar(&s.ClusterID, "cluster-id", env(EnvClusterID, ""), "cluster id of the vault URL")
	fs.StringVar(&s.Env, "env", env(EnvEnv, "PROD"), "environment: PROD, SANDBOX, STAGE or DEV")
	fs.StringVar(&s.BaseURL, "base-url", env(EnvBaseURL, ""), "vault URL, instead of -cluster-id and -env")
	fs.StringVar(&s.CredentialsPath, "credentials", env(EnvCredentialsPath, ""), "service-account credentials file (default: SKYFLOW_CREDENTIALS JSON)")
	fs.StringVar(&s.APIKey, "api-key", env(EnvAPIKey, ""), "API key, instead of service-account credentials")
	fs.StringVar(&s.ConnectionID, "connection-id", env(EnvConnectionID, ""), "connection id")
	fs.StringVar(&s.ConnectionURL, "connection-url", env(EnvConnectionURL, ""), "connection URL")
	roles := fs.String("roles", env(EnvRoles, ""), "comma-separated role ids for scoped tokens")
	fs.StringVar(&s.Table, "table", env(EnvTable, DefaultTable), "records table")
	fs.StringVar(&s.LogLevel, "log-level", env(EnvLogLevel, string(facade.LogLevelError)), "SDK log level: DEBUG, INFO, WARN, ERROR or OFF")
	fs.BoolVar(&s.ForceEmulator, "emulator", false, "use the in-process emulator even if a vault is configured")
	for _, fn := range extra {
		fn(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return s, err
		}
		return s, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return s, fmt.Errorf("%w: unexpected arguments %q", ErrUsage, fs.Args())
	}
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			s.Roles = append(s.Roles, r)
		}
	}
	if s.ForceEmulator {
		s.VaultID = ""
	}
	return s, nil
}

// connect starts the emulator if needed and builds the client.
func (e *Env) connect(ctx context.Context, st setup) error {
	vc := facade.VaultConfig{VaultID: e.VaultID, ClusterID: e.ClusterID, Env: facade.Env(strings.ToUpper(e.Env)), BaseURL: e.BaseURL}
	if e.VaultID == "" {
		srv, err := mockserver.Start(st.emuOpts...)
		if err != nil {
			return fmt.Errorf("start the emulator: %w", err)
		}
		e.Emulator = srv
		e.Defer(srv.Close)
		path := filepath.Join(e.tmp, "credentials.json")
		if err := srv.WriteCredentials(path); err != nil {
			return err
		}
		e.VaultID, e.ClusterID, e.BaseURL, e.Env = srv.VaultID(), "", srv.URL(), ""
		e.CredentialsPath, e.APIKey = path, ""
		e.ConnectionID, e.ConnectionURL = srv.ConnectionID(), srv.ConnectionURL()
		// The demo vault's schema and roles; settings meant for a real vault
		// do not apply here.
		e.Roles, e.Table = []string{"demo-reader"}, DefaultTable
		vc = facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL()}
		e.Printf("(no vault configured: using the in-process emulator at %s, vault %s)\n", srv.URL(), srv.VaultID())
	}
	switch {
	case e.CredentialsPath != "" && e.APIKey != "":
		return fmt.Errorf("%w: give -credentials or -api-key, not both", ErrUsage)
	case e.CredentialsPath != "":
		e.Credentials = &auth.Credentials{Path: e.CredentialsPath}
	case e.APIKey != "":
		e.Credentials = &auth.Credentials{APIKey: e.APIKey}
	}
	vc.Credentials = e.Credentials
	opts := []facade.Option{
		facade.WithVault(vc),
		facade.WithLogger(e.Logger()),
		facade.WithLogLevel(facade.LogLevel(strings.ToUpper(e.LogLevel))),
	}
	if e.ConnectionID != "" && e.ConnectionURL != "" {
		opts = append(opts, facade.WithConnection(facade.ConnectionConfig{
			ConnectionID: e.ConnectionID, URL: e.ConnectionURL, Credentials: e.Credentials,
		}))
	}
	client, err := facade.New(append(opts, st.clientOpts...)...)
	if err != nil {
		return err
	}
	vault, err := client.Vault(e.VaultID)
	if err != nil {
		return err
	}
	e.Client, e.Vault = client, vault
	return nil
}

// Logger returns a logger that writes the SDK's log records to the
// example's output as text, without the time and duration (so that runs
// can be compared).
func (e *Env) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.out, &slog.HandlerOptions{
		Level: slog.LevelDebug, // the client filters by its own level
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// Emulated reports whether the example runs against the in-process
// emulator.
func (e *Env) Emulated() bool { return e.Emulator != nil }

// Out is where the example prints.
func (e *Env) Out() io.Writer { return e.out }

// Printf prints to the example's output.
func (e *Env) Printf(format string, args ...any) { fmt.Fprintf(e.out, format, args...) }

// Step prints a heading for the next step of the example.
func (e *Env) Step(format string, args ...any) {
	fmt.Fprintf(e.out, "\n== "+format+"\n", args...)
}

// TempDir is a directory removed by Close.
func (e *Env) TempDir() string { return e.tmp }

// VaultConfig returns the vault configuration without credentials, for
// examples that build clients of their own.
func (e *Env) VaultConfig() facade.VaultConfig {
	if e.Emulated() {
		return facade.VaultConfig{VaultID: e.VaultID, BaseURL: e.BaseURL}
	}
	return facade.VaultConfig{VaultID: e.VaultID, ClusterID: e.ClusterID, Env: facade.Env(strings.ToUpper(e.Env)), BaseURL: e.BaseURL}
}

// ServiceAccount is where the service-account credentials come from: a
// file, or the JSON of SKYFLOW_CREDENTIALS.
type ServiceAccount struct {
	Path string
	JSON string
}

// BearerToken mints a bearer token from the service account (see
// auth.GenerateBearerToken).
func (sa ServiceAccount) BearerToken(ctx context.Context) (*auth.Token, error) {
	return auth.GenerateBearerToken(ctx, sa.Credentials())
}

// Credentials returns the service account as SDK credentials.
func (sa ServiceAccount) Credentials() auth.Credentials {
	return auth.Credentials{Path: sa.Path, CredentialsJSON: sa.JSON}
}

// ServiceAccount returns the service-account credentials the auth examples
// use: -credentials, else SKYFLOW_CREDENTIALS.
func (e *Env) ServiceAccount() (ServiceAccount, error) {
	if e.CredentialsPath != "" {
		return ServiceAccount{Path: e.CredentialsPath}, nil
	}
	if v := strings.TrimSpace(os.Getenv(auth.EnvCredentials)); v != "" {
		return ServiceAccount{JSON: v}, nil
	}
	return ServiceAccount{}, fmt.Errorf("%w: this example needs service-account credentials: pass -credentials or set %s", ErrUsage, auth.EnvCredentials)
}

// Defer registers f to run at Close, in reverse order of registration.
func (e *Env) Defer(f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onExit = append(e.onExit, f)
}

// DeleteLater deletes the records at Close, so that examples leave a real
// vault as they found it.
func (e *Env) DeleteLater(table string, ids ...string) {
	if len(ids) == 0 {
		return
	}
	ids = append([]string(nil), ids...)
	e.Defer(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := e.Vault.Delete(ctx, facade.DeleteRequest{Table: table, IDs: ids}); err != nil {
			e.Printf("clean-up: could not delete %d record(s) from %s: %v\n", len(ids), table, err)
			return
		}
		e.Printf("clean-up: deleted %d record(s) from %s\n", len(ids), table)
	})
}

// Close runs the deferred functions (record clean-up, emulator shutdown)
// and removes the temporary directory.
func (e *Env) Close() {
	e.mu.Lock()
	fns := e.onExit
	e.onExit = nil
	e.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
	if e.tmp != "" {
		_ = os.RemoveAll(e.tmp)
	}
}

// RunFunc is the body of an example: it parses args, does its work, prints
// to stdout and returns an error on failure.
type RunFunc func(ctx context.Context, args []string, stdout io.Writer) error

// Main runs an example as a program: Ctrl-C cancels its context, a failure
// is printed on stderr with exit status 1 (2 for bad flags).
func Main(run RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	err := run(ctx, os.Args[1:], os.Stdout)
	cancel()
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case errors.Is(err, ErrUsage):
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
