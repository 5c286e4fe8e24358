// Package emulator measures the skyflow-mock command as a local stand-in
// for Skyflow: start-up time, and requests per second with p50/p99 latency
// of a 1-record insert and a 25-token detokenize, in memory and with -data,
// plain and through -proxy (see BENCHMARKS.md). The emulator runs as its
// own process (the real command, built once); the load comes from this
// process over loopback with a keep-alive net/http client.
package emulator

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

const (
	// parallelGoroutines is how many goroutines the par16 variants run.
	parallelGoroutines = 16
	// binEnv names a prebuilt skyflow-mock to measure instead of building
	// one.
	binEnv = "SKYFLOW_BENCH_EMULATOR"
	// baselineEnv names another skyflow-mock (for example the previous
	// version) measured in memory in the same rounds, next to this one:
	// its results are named baseline/....
	baselineEnv = "SKYFLOW_BENCH_EMULATOR_BASELINE"
	// roundsEnv is how many rounds to run (default 1); values are then
	// medians over rounds.
	roundsEnv = "SKYFLOW_BENCH_ROUNDS"
)

// ready is the part of the start-up line the benchmarks use.
type ready struct {
	BaseURL  string `json:"base_url"`
	VaultURL string `json:"vault_url"`
	VaultID  string `json:"vault_id"`
	APIKey   string `json:"api_key"`
	ProxyURL string `json:"proxy_url"`
	CAFile   string `json:"ca_file"`
}

// emulator is one running skyflow-mock and a client for it.
type emulator struct {
	cmd    *exec.Cmd
	ready  ready
	base   string
	client *http.Client
}

// start runs bin with args and waits for its start-up line.
func start(bin string, args ...string) (*exec.Cmd, ready, time.Duration, error) {
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, ready{}, 0, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, ready{}, 0, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	took := time.Since(t0)
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, ready{}, 0, fmt.Errorf("no start-up line: %w", err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	var r ready
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, ready{}, 0, err
	}
	return cmd, r, took, nil
}

func (e *emulator) stop() {
	_ = e.cmd.Process.Signal(os.Interrupt)
	_ = e.cmd.Wait()
}

// newEmulator starts an emulator in a mode: memory or data, plain or proxy.
func newEmulator(bin, mode string) (*emulator, error) {
	var args []string
	dir, err := os.MkdirTemp("", "skyflow-bench-*")
	if err != nil {
		return nil, err
	}
	if mode == "baseline" {
		bin, mode = os.Getenv(baselineEnv), "memory"
	}
	data, proxy := mode == "data" || mode == "data-proxy", mode == "memory-proxy" || mode == "data-proxy"
	if data {
		args = append(args, "-data", filepath.Join(dir, "data"))
	}
	if proxy {
		args = append(args, "-proxy", "127.0.0.1:0", "-ca-dir", filepath.Join(dir, "ca"))
	}
	cmd, r, _, err := start(bin, args...)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute, DisableCompression: true}
	e := &emulator{cmd: cmd, ready: r, base: r.BaseURL, client: &http.Client{Transport: tr, Timeout: time.Minute}}
	if proxy {
		pu, err := url.Parse(r.ProxyURL)
		if err != nil {
			e.stop()
			return nil, err
		}
		pem, err := os.ReadFile(r.CAFile)
		if err != nil {
			e.stop()
			return nil, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		tr.Proxy = http.ProxyURL(pu)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		e.base = r.VaultURL
	}
	return e, nil
}

// post sends a JSON body and decodes the 200 answer into out (when not nil).
func (e *emulator) post(ctx context.Context, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+e.ready.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", path, resp.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// workload returns the call of a workload against e.
func workload(ctx context.Context, e *emulator, name string) (func(context.Context) error, error) {
	insertPath := "/v1/vaults/" + e.ready.VaultID + "/table1"
	insert := []byte(`{"records":[{"fields":{"cardholder_name":"Bench Holder","ssn":"123-45-6789"}}],"tokenization":true}`)
	switch name {
	case "insert-1":
		return func(ctx context.Context) error { return e.post(ctx, insertPath, insert, nil) }, nil
	case "detokenize-25":
		params := make([]map[string]string, 0, 25)
		for range 25 {
			var out struct {
				Records []struct {
					Tokens map[string]string `json:"tokens"`
				} `json:"records"`
			}
			if err := e.post(ctx, insertPath, insert, &out); err != nil {
				return nil, err
			}
			params = append(params, map[string]string{"token": out.Records[0].Tokens["ssn"], "redaction": "PLAIN_TEXT"})
		}
		body, err := json.Marshal(map[string]any{"detokenizationParameters": params})
		if err != nil {
			return nil, err
		}
		path := "/v1/vaults/" + e.ready.VaultID + "/detokenize"
		return func(ctx context.Context) error { return e.post(ctx, path, body, nil) }, nil
	}
	return nil, fmt.Errorf("unknown workload %s", name)
}

// measure runs call b.N times (sequentially, or over parallelGoroutines
// goroutines) and reports requests/s and the p50 and p99 latencies.
func measure(b *testing.B, parallel bool, call func(context.Context) error) {
	ctx := context.Background()
	for range 20 { // warm up connections
		if err := call(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var (
		mu  sync.Mutex
		lat = make([]time.Duration, 0, b.N)
	)
	if parallel {
		p := runtime.GOMAXPROCS(0)
		b.SetParallelism((parallelGoroutines + p - 1) / p)
	}
	b.ResetTimer()
	t0 := time.Now()
	if parallel {
		b.RunParallel(func(pb *testing.PB) {
			var mine []time.Duration
			for pb.Next() {
				s := time.Now()
				if err := call(ctx); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(s))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	} else {
		for range b.N {
			s := time.Now()
			if err := call(ctx); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(s))
		}
	}
	wall := time.Since(t0)
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(float64(len(lat))/wall.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// binary returns the skyflow-mock to measure: $SKYFLOW_BENCH_EMULATOR, or
// the command of this repository built into a temporary directory.
func binary(b *testing.B) string {
	b.Helper()
	if bin := os.Getenv(binEnv); bin != "" {
		return bin
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "skyflow-mock")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/skyflowgo/skyflow/test/mockserver/cmd/skyflow-mock").CombinedOutput()
	if err != nil {
		b.Fatalf("build skyflow-mock: %v\n%s", err, out)
	}
	return bin
}

func rounds() int {
	n, err := strconv.Atoi(os.Getenv(roundsEnv))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// BenchmarkEmulator measures start-up and the per-request workloads in
// every mode. Every round runs each workload in every mode back to back,
// so that modes are compared moments apart. Names end in /emu for
// benchtable.
func BenchmarkEmulator(b *testing.B) {
	bin := binary(b)
	modes := []string{"memory", "data", "memory-proxy", "data-proxy"}
	if os.Getenv(baselineEnv) != "" {
		modes = append(modes, "baseline")
	}
	emus := map[string]*emulator{}
	b.Cleanup(func() {
		for _, e := range emus {
			e.stop()
		}
	})
	workloads := []string{"insert-1", "detokenize-25"}
	calls := map[string]func(context.Context) error{}
	for _, mode := range modes {
		e, err := newEmulator(bin, mode)
		if err != nil {
			b.Fatalf("start %s: %v", mode, err)
		}
		emus[mode] = e
		for _, w := range workloads {
			call, err := workload(context.Background(), e, w)
			if err != nil {
				b.Fatalf("%s %s: %v", mode, w, err)
			}
			calls[mode+"/"+w] = call
		}
	}
	startups := map[string][]string{"memory": {bin}, "data": {bin, "-data"}}
	if base := os.Getenv(baselineEnv); base != "" {
		startups["baseline"] = []string{base}
	}
	for range rounds() {
		for _, mode := range []string{"memory", "data", "baseline"} {
			argv, ok := startups[mode]
			if !ok {
				continue
			}
			b.Run("startup/"+mode+"/emu", func(b *testing.B) {
				args := []string{}
				if len(argv) > 1 {
					// Restarts on an existing directory: the first start
					// also generates the keys it keeps.
					args = append(args, "-data", b.TempDir())
					cmd, _, _, err := start(argv[0], args...)
					if err != nil {
						b.Fatal(err)
					}
					_ = cmd.Process.Signal(os.Interrupt)
					_ = cmd.Wait()
				}
				var total time.Duration
				for range b.N {
					cmd, _, took, err := start(argv[0], args...)
					if err != nil {
						b.Fatal(err)
					}
					total += took
					_ = cmd.Process.Signal(os.Interrupt)
					_ = cmd.Wait()
				}
				b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "ms")
			})
		}
		for _, w := range workloads {
			for _, par := range []bool{false, true} {
				conc := "seq"
				if par {
					conc = "par16"
				}
				for _, mode := range modes {
					call := calls[mode+"/"+w]
					b.Run(mode+"/"+w+"/"+conc+"/emu", func(b *testing.B) { measure(b, par, call) })
				}
			}
		}
	}
}
