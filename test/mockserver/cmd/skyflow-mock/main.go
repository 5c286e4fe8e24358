// Command skyflow-mock runs the Skyflow emulator of package mockserver as a
// process, for tests written in any language.
//
// Usage:
//
//	skyflow-mock [-addr 127.0.0.1:8788] [-config FILE] [-write-credentials FILE]
//	             [-tls] [-proxy 127.0.0.1:8789] [-ca-dir DIR] [-data DIR]
//	             [-base-path /prefix] [-run-polls N] [-token-lifetime 1h]
//	             [-download-url-lifetime 15m] [-log]
//
// On start it prints one JSON line to stdout with base_url, vault_url,
// vault_id, cluster_id, api_key, connection_id, connection_url,
// flowdb_vault_id, flowdb_url (the Flow DB vault), token_uri,
// admin_url, tables (columns with their properties), with -proxy or -tls
// proxy_url, ca_file and env (HTTPS_PROXY, SSL_CERT_FILE,
// REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS), with -data data_dir and, with
// -write-credentials, credentials_path. It stops cleanly on SIGINT or
// SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// column is the JSON description of a column in the start-up line.
type column struct {
	Name             string `json:"name"`
	Type             string `json:"type"`
	Unique           bool   `json:"unique"`
	Tokenized        bool   `json:"tokenized"`
	File             bool   `json:"file"`
	ColumnGroup      string `json:"column_group,omitempty"`
	DefaultRedaction string `json:"default_redaction"`
	Mask             string `json:"mask"`
}

type table struct {
	Name    string   `json:"name"`
	Columns []column `json:"columns"`
}

type startup struct {
	BaseURL         string  `json:"base_url"`
	VaultURL        string  `json:"vault_url"`
	ProxyURL        string  `json:"proxy_url,omitempty"`
	DataDir         string  `json:"data_dir,omitempty"`
	CAFile          string  `json:"ca_file,omitempty"`
	Env             env     `json:"env,omitempty"`
	VaultID         string  `json:"vault_id"`
	ClusterID       string  `json:"cluster_id"`
	APIKey          string  `json:"api_key"`
	ConnectionID    string  `json:"connection_id,omitempty"`
	ConnectionURL   string  `json:"connection_url,omitempty"`
	FlowDBVaultID   string  `json:"flowdb_vault_id,omitempty"`
	FlowDBURL       string  `json:"flowdb_url,omitempty"`
	TokenURI        string  `json:"token_uri"`
	AdminURL        string  `json:"admin_url"`
	Tables          []table `json:"tables"`
	CredentialsPath string  `json:"credentials_path,omitempty"`
}

// env is the environment a client in any language needs to reach the
// emulator through its proxy and trust its CA.
type env struct {
	HTTPSProxy       string `json:"HTTPS_PROXY,omitempty"`
	SSLCertFile      string `json:"SSL_CERT_FILE,omitempty"`
	RequestsCABundle string `json:"REQUESTS_CA_BUNDLE,omitempty"`
	NodeExtraCACerts string `json:"NODE_EXTRA_CA_CERTS,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "skyflow-mock:", err)
		os.Exit(1)
	}
}

// run starts the emulator, prints the start-up line and serves until ctx
// ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("skyflow-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8788", "listen address (loopback by default)")
	configPath := fs.String("config", "", "JSON configuration file (default: the demo vault)")
	credsPath := fs.String("write-credentials", "", "write service-account credentials JSON to this file")
	basePath := fs.String("base-path", "", "mount every route under this path prefix")
	runPolls := fs.Int("run-polls", 1, "IN_PROGRESS polls of a de-identify file run before SUCCESS")
	lifetime := fs.Duration("token-lifetime", time.Hour, "lifetime of bearer tokens issued by the token endpoint")
	logRequests := fs.Bool("log", false, "log one line per request to stderr (no secrets or values)")
	useTLS := fs.Bool("tls", false, "serve HTTPS on -addr with a certificate of the emulator's CA")
	caDir := fs.String("ca-dir", defaultCADir(), "directory of the emulator's CA (created on first use, then reused)")
	proxyAddr := fs.String("proxy", "", "also listen on this address as an HTTP proxy for Skyflow's host names (e.g. 127.0.0.1:8789)")
	downloadLifetime := fs.Duration("download-url-lifetime", 15*time.Minute, "lifetime of download URLs")
	maxBody := fs.Int64("max-body", mockserver.DefaultMaxRequestBody, "largest request body in bytes; a larger one gets 413")
	dataDir := fs.String("data", "", "keep vaults, records, tokens, files, runs, the audit log and keys in this directory (default: in memory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	opts := []mockserver.Option{
		mockserver.WithAddr(*addr),
		mockserver.WithBasePath(*basePath),
		mockserver.WithRunPolls(*runPolls),
		mockserver.WithTokenLifetime(*lifetime),
		mockserver.WithDownloadURLLifetime(*downloadLifetime),
		mockserver.WithMaxRequestBody(*maxBody),
	}
	if *useTLS {
		opts = append(opts, mockserver.WithTLS())
	}
	if *dataDir != "" {
		opts = append(opts, mockserver.WithDataDir(*dataDir))
	}
	if *proxyAddr != "" {
		opts = append(opts, mockserver.WithProxy(*proxyAddr))
	}
	if *useTLS || *proxyAddr != "" {
		if *caDir == "" {
			return fmt.Errorf("-ca-dir is required with -tls and -proxy (no user cache directory to default to)")
		}
		opts = append(opts, mockserver.WithCADir(*caDir))
	}
	if *configPath != "" {
		opts = append(opts, mockserver.WithConfigFile(*configPath))
	}
	if *logRequests {
		opts = append(opts, mockserver.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	srv, err := mockserver.Start(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()

	line := startup{
		BaseURL:       srv.URL(),
		VaultURL:      srv.VaultURL(),
		ProxyURL:      srv.ProxyURL(),
		CAFile:        absPath(srv.CAFile()),
		DataDir:       absPath(*dataDir),
		VaultID:       srv.VaultID(),
		ClusterID:     srv.ClusterID(),
		APIKey:        srv.APIKey(),
		ConnectionID:  srv.ConnectionID(),
		ConnectionURL: srv.ConnectionURL(),
		FlowDBVaultID: srv.FlowDBVaultID(),
		FlowDBURL:     srv.FlowDBURL(),
		TokenURI:      srv.TokenURI(),
		AdminURL:      srv.URL() + "/__admin",
		Tables:        []table{},
	}
	if line.CAFile != "" {
		line.Env = env{HTTPSProxy: line.ProxyURL, SSLCertFile: line.CAFile, RequestsCABundle: line.CAFile, NodeExtraCACerts: line.CAFile}
	}
	for _, t := range srv.Tables() {
		tt := table{Name: t.Name, Columns: []column{}}
		for _, c := range t.Columns {
			col := column{Name: c.Name, Type: c.Type, Unique: c.Unique, Tokenized: c.Tokenized, File: c.File,
				ColumnGroup: c.ColumnGroup, DefaultRedaction: c.DefaultRedaction, Mask: c.Mask}
			if col.Type == "" {
				col.Type = "STRING"
			}
			if col.DefaultRedaction == "" {
				col.DefaultRedaction = "PLAIN_TEXT"
			}
			if col.Mask == "" {
				col.Mask = "full"
			}
			tt.Columns = append(tt.Columns, col)
		}
		line.Tables = append(line.Tables, tt)
	}
	if *credsPath != "" {
		if err := srv.WriteCredentials(*credsPath); err != nil {
			return err
		}
		line.CredentialsPath = absPath(*credsPath)
	}
	b, err := json.Marshal(line)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(stdout, string(b)); err != nil {
		return err
	}

	<-ctx.Done()
	return nil
}

// defaultCADir is where the CA lives unless -ca-dir says otherwise: in the
// user's cache directory, so it is created once and trusted once.
func defaultCADir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "skyflow-mock", "ca")
}

// absPath returns path made absolute ("" stays "").
func absPath(path string) string {
	if path == "" {
		return ""
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
