package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// The child process: the soak program started again with childEnv set
// serves the emulator and talks to its parent over its standard streams.
const (
	childEnv         = "SKYFLOW_SOAK_EMULATOR"
	childLifetimeEnv = "SKYFLOW_SOAK_TOKEN_LIFETIME"
)

// soakTable is the table the workload writes. Its marker column is not
// unique on purpose: a unique column would make the vault refuse a second
// write of the same record, hiding the double write the soak looks for.
const soakTable = "soak"

// soakConfig is the emulator's configuration: one vault with the soak
// table, one connection; the emulator adds an API key and a service
// account.
func soakConfig() mockserver.Config {
	return mockserver.Config{
		Vaults: []mockserver.VaultConfig{{
			ID:        mockserver.DemoVaultID,
			ClusterID: mockserver.DemoClusterID,
			Tables: []mockserver.TableConfig{{
				Name: soakTable,
				Columns: []mockserver.ColumnConfig{
					{Name: "marker"},
					{Name: "card_number", Tokenized: true, ColumnGroup: "soak_card"},
					{Name: "name"},
					{Name: "attachment", File: true},
				},
			}},
		}},
		Connections: []mockserver.ConnectionConfig{{ID: mockserver.DemoConnectionID, Route: "/cards/{card_id}"}},
	}
}

// hello is what the child tells its parent once the emulator listens. The
// credentials hold a private key: they cross the pipe only, never a log.
type hello struct {
	URL           string `json:"url"`
	VaultID       string `json:"vault_id"`
	ConnectionID  string `json:"connection_id"`
	ConnectionURL string `json:"connection_url"`
	Credentials   string `json:"credentials"`
}

// goodbye is the child's last word: how many responses did not match the
// spec (or panicked) in the emulator.
type goodbye struct {
	Problems int `json:"problems"`
}

// serveEmulator is the child's main: it starts the emulator, writes hello
// to out, serves until in ends (the parent closed it or died), then writes
// goodbye.
func serveEmulator(in io.Reader, out io.Writer) int {
	lifetime, err := time.ParseDuration(os.Getenv(childLifetimeEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak emulator: bad token lifetime")
		return 2
	}
	srv, err := mockserver.Start(
		mockserver.WithConfig(soakConfig()),
		mockserver.WithTokenLifetime(lifetime),
		mockserver.WithResponseValidation(),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak emulator:", err)
		return 2
	}
	defer srv.Close()
	enc := json.NewEncoder(out)
	if err := enc.Encode(hello{URL: srv.URL(), VaultID: srv.VaultID(), ConnectionID: srv.ConnectionID(),
		ConnectionURL: srv.ConnectionURL(), Credentials: srv.CredentialsJSON()}); err != nil {
		return 2
	}
	_, _ = io.Copy(io.Discard, in)
	_ = enc.Encode(goodbye{Problems: len(srv.Problems())})
	return 0
}

// emulator is the parent's handle on the child: its process and its admin
// API.
type emulator struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	hello hello
	admin *http.Client
	base  *http.Transport
}

// startEmulator starts the child and waits for its hello.
func startEmulator(lifetime time.Duration) (*emulator, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"=1", childLifetimeEnv+"="+lifetime.String())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	base := &http.Transport{MaxIdleConnsPerHost: 4}
	e := &emulator{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout), admin: &http.Client{Transport: base, Timeout: 30 * time.Second}, base: base}
	if err := json.NewDecoder(e.out).Decode(&e.hello); err != nil {
		e.kill()
		return nil, fmt.Errorf("the emulator did not start: %w", err)
	}
	return e, nil
}

// stop ends the child and returns its count of problems.
func (e *emulator) stop() (int, error) {
	_ = e.stdin.Close()
	var bye goodbye
	err := json.NewDecoder(e.out).Decode(&bye)
	if werr := e.cmd.Wait(); err == nil {
		err = werr
	}
	e.base.CloseIdleConnections()
	return bye.Problems, err
}

func (e *emulator) kill() {
	_ = e.cmd.Process.Kill()
	_ = e.cmd.Wait()
}

// closeIdle closes the admin client's idle connections.
func (e *emulator) closeIdle() { e.base.CloseIdleConnections() }

// adminFault is a fault in the emulator admin API's JSON form.
type adminFault struct {
	Operation        string `json:"operation"`
	Times            int    `json:"times"`
	Status           int    `json:"status,omitempty"`
	RetryAfter       string `json:"retry_after,omitempty"`
	Delay            string `json:"delay,omitempty"`
	CloseConnection  bool   `json:"close_connection,omitempty"`
	CloseAfterCommit bool   `json:"close_after_commit,omitempty"`
	Name             string `json:"name"`
}

func (e *emulator) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.hello.URL+"/__admin/"+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.admin.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return errors.New("admin " + method + " " + path + ": status " + strconv.Itoa(resp.StatusCode))
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// inject queues a fault.
func (e *emulator) inject(f adminFault) error { return e.call(http.MethodPost, "faults", f, nil) }

// clearFaults drops the pending faults.
func (e *emulator) clearFaults() error { return e.call(http.MethodDelete, "faults", nil, nil) }

// counters returns the requests per operation and the faults applied per
// fault name.
func (e *emulator) counters() (counts, faults map[string]int, err error) {
	var out struct {
		Counts map[string]int `json:"counts"`
		Faults map[string]int `json:"faults"`
	}
	err = e.call(http.MethodGet, "counters", nil, &out)
	return out.Counts, out.Faults, err
}

// idle waits until the emulator handles no API request: a request a
// client gave up on (a Delay fault longer than its attempt timeout) may
// still commit after the client's call ended. It gives up after limit.
func (e *emulator) idle(limit time.Duration) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	end := time.After(limit)
	for {
		var out struct {
			InFlight int `json:"in_flight"`
		}
		if err := e.call(http.MethodGet, "counters", nil, &out); err != nil {
			return err
		}
		if out.InFlight == 0 {
			return nil
		}
		select {
		case <-tick.C:
		case <-end:
			return fmt.Errorf("the emulator still handles %d requests after %v", out.InFlight, limit)
		}
	}
}

// records returns the rows of a table, as the emulator stores them.
func (e *emulator) records(table string) ([]map[string]any, error) {
	var out struct {
		Records []map[string]any `json:"records"`
	}
	err := e.call(http.MethodGet, "records?table="+url.QueryEscape(table), nil, &out)
	return out.Records, err
}
