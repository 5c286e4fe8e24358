package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// startRun runs the command with args until ctx ends and returns its
// ready line, and the channel that gets run's result.
func startRun(ctx context.Context, t *testing.T, args []string) (string, <-chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the start-up line: %v", err)
	}
	return line, done
}

func TestRunPrintsOneLineAndServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	creds := filepath.Join(t.TempDir(), "creds.json")
	line, done := startRun(ctx, t, []string{"-addr", "127.0.0.1:0", "-write-credentials", creds})
	var got struct {
		BaseURL         string `json:"base_url"`
		VaultID         string `json:"vault_id"`
		ClusterID       string `json:"cluster_id"`
		APIKey          string `json:"api_key"`
		ConnectionURL   string `json:"connection_url"`
		CredentialsPath string `json:"credentials_path"`
		Tables          []struct {
			Name    string `json:"name"`
			Columns []struct {
				Name             string `json:"name"`
				Unique           bool   `json:"unique"`
				File             bool   `json:"file"`
				ColumnGroup      string `json:"column_group"`
				DefaultRedaction string `json:"default_redaction"`
			} `json:"columns"`
		} `json:"tables"`
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("start-up line is not JSON: %v", err)
	}
	if !strings.HasPrefix(got.BaseURL, "http://127.0.0.1:") || got.VaultID == "" || got.ClusterID == "" || len(got.APIKey) != 42 {
		t.Fatalf("incomplete start-up line: %s", line)
	}
	if !strings.Contains(got.ConnectionURL, "{card_id}") {
		t.Errorf("connection_url %q has no placeholder", got.ConnectionURL)
	}
	if len(got.Tables) != 2 || got.Tables[0].Name != "table1" || got.Tables[1].Columns[1].Name != "attachment" || !got.Tables[1].Columns[1].File {
		t.Errorf("unexpected tables: %+v", got.Tables)
	}
	if !got.Tables[0].Columns[2].Unique || got.Tables[0].Columns[0].DefaultRedaction != "MASKED" {
		t.Errorf("column properties missing: %+v", got.Tables[0].Columns)
	}
	if got.CredentialsPath != creds {
		t.Errorf("credentials_path = %q, want %q", got.CredentialsPath, creds)
	}
	data, err := os.ReadFile(creds)
	if err != nil || !strings.Contains(string(data), got.BaseURL+"/v1/auth/sa/oauth/token") {
		t.Errorf("credentials file: %v %s", err, data)
	}

	req, _ := http.NewRequest("GET", got.BaseURL+"/v1/vaults/"+got.VaultID+"/table1", nil)
	req.Header.Set("Authorization", "Bearer "+got.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET records: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	if _, err := http.Get(got.BaseURL + "/__admin/health"); err == nil {
		t.Error("the server still answers after stopping")
	}
}

func TestRunRejectsABadConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(`{"vaults":[{"id":"v","tables":[{"name":"t","columns":[{"name":"c","colour":"red"}]}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-config", path}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("want an error naming the unknown key, got %v", err)
	}
}

func TestRunProxyAndDataReadyLine(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds.json")
	line, done := startRun(ctx, t, []string{"-addr", "127.0.0.1:0", "-proxy", "127.0.0.1:0", "-ca-dir", filepath.Join(dir, "ca"),
		"-data", filepath.Join(dir, "data"), "-write-credentials", creds})
	var got struct {
		VaultURL      string            `json:"vault_url"`
		ProxyURL      string            `json:"proxy_url"`
		CAFile        string            `json:"ca_file"`
		DataDir       string            `json:"data_dir"`
		TokenURI      string            `json:"token_uri"`
		ConnectionURL string            `json:"connection_url"`
		FlowDBURL     string            `json:"flowdb_url"`
		Env           map[string]string `json:"env"`
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("start-up line is not JSON: %v", err)
	}
	want := map[string]string{"HTTPS_PROXY": got.ProxyURL, "SSL_CERT_FILE": got.CAFile, "REQUESTS_CA_BUNDLE": got.CAFile, "NODE_EXTRA_CA_CERTS": got.CAFile}
	if !strings.HasPrefix(got.ProxyURL, "http://127.0.0.1:") || got.CAFile != filepath.Join(dir, "ca", "ca.pem") || !reflect.DeepEqual(got.Env, want) {
		t.Errorf("proxy fields: %s", line)
	}
	if got.VaultURL != "https://b1c2d3e4f5a6.vault.skyflowapis.com" || got.TokenURI != "https://manage.skyflowapis.com/v1/auth/sa/oauth/token" ||
		!strings.HasPrefix(got.ConnectionURL, "https://b1c2d3e4f5a6.gateway.skyflowapis.com/") || got.DataDir != filepath.Join(dir, "data") ||
		got.FlowDBURL != "https://b1c2d3e4f5a6.skyvault.skyflowapis.com" {
		t.Errorf("URLs or data_dir: %s", line)
	}
	data, err := os.ReadFile(creds)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.TrimSpace(string(data)), "\n"); n != 0 || !strings.Contains(string(data), `"tokenURI":"https://manage.skyflowapis.com/v1/auth/sa/oauth/token"`) {
		t.Errorf("credentials are not one line of JSON naming the real token URI (%d newlines)", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestRunReadyLineNamesTheCAFileAbsolutely(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	line, done := startRun(ctx, t, []string{"-addr", "127.0.0.1:0", "-proxy", "127.0.0.1:0", "-ca-dir", "ca"})
	var got struct {
		CAFile string            `json:"ca_file"`
		Env    map[string]string `json:"env"`
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("start-up line is not JSON: %v", err)
	}
	// A harness reads the line from another working directory: a relative
	// -ca-dir must still give a path it can open.
	want := filepath.Join(dir, "ca", "ca.pem")
	if got.CAFile != want || got.Env["SSL_CERT_FILE"] != want || got.Env["NODE_EXTRA_CA_CERTS"] != want || got.Env["REQUESTS_CA_BUNDLE"] != want {
		t.Errorf("ca_file %q and env %v, want %q", got.CAFile, got.Env, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}
