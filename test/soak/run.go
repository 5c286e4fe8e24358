package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// resources are the client process's goroutines and live heap at one
// moment, after GC.
type resources struct {
	goroutines int
	heap       uint64
}

// settle closes idle connections, waits (a bounded time) until the number
// of goroutines stops falling, then collects garbage and measures.
func settle(closeIdle func(), floor int) resources {
	closeIdle()
	last, stable := runtime.NumGoroutine(), 0
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && stable < 10; {
		time.Sleep(20 * time.Millisecond)
		n := runtime.NumGoroutine()
		switch {
		case n <= floor:
			stable = 10
		case n == last:
			stable++
		default:
			stable = 0
		}
		last = n
	}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return resources{goroutines: runtime.NumGoroutine(), heap: ms.HeapAlloc}
}

// report is everything the table shows.
type report struct {
	cfg           config
	took          time.Duration
	st            *stats
	rc            *reconciliation
	counts        map[string]int // requests per emulator operation
	applied       map[string]int // faults applied, by kind
	injected      map[string]int
	logs          map[string]int
	retries       map[string]int // SDK retries by the signature retried
	exchanges     int64
	before, after resources
	peakHeap      uint64
	problems      int
}

// run starts the emulator, runs the workload and its faults, reconciles
// and prints the report. ok is false when an invariant is broken.
func run(ctx context.Context, cfg config, out io.Writer) (ok bool, err error) {
	emu, err := startEmulator(cfg.tokenLifetime)
	if err != nil {
		return false, err
	}
	stopped := false
	defer func() {
		if !stopped {
			emu.kill()
		}
	}()

	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost, base.MaxIdleConns = 64, 256
	base.ResponseHeaderTimeout = facade.DefaultResponseHeaderTimeout
	obs := &observer{base: base, cap: facade.DefaultRetryPolicy().MaxBackoff}
	logs := newLogCounter()
	h := emu.hello
	client, err := facade.New(
		facade.WithCredentials(auth.Credentials{CredentialsJSON: h.Credentials}),
		facade.WithVault(facade.VaultConfig{VaultID: h.VaultID, BaseURL: h.URL}),
		facade.WithConnection(facade.ConnectionConfig{ConnectionID: h.ConnectionID, URL: h.ConnectionURL}),
		facade.WithHTTPClient(&http.Client{Transport: obs}),
		facade.WithRequestTimeout(attemptTimeout),
		facade.WithLogger(slog.New(logs)),
		facade.WithLogLevel(skyflow.LogLevelWarn),
	)
	if err != nil {
		return false, err
	}
	var c clients
	if c.vault, err = client.Vault(h.VaultID); err != nil {
		return false, err
	}
	if c.detect, err = client.Detect(h.VaultID); err != nil {
		return false, err
	}
	if c.conn, err = client.Connection(h.ConnectionID); err != nil {
		return false, err
	}
	closeIdle := func() { base.CloseIdleConnections(); emu.closeIdle() }

	// Warm up without faults: one call of each operation (the first
	// token, lazily built state), by a worker of its own.
	workers := make([]*worker, cfg.workers+1)
	warm := newWorker(cfg.workers, cfg.seed, c, cfg.liveCap, cfg.failures)
	workers[cfg.workers] = warm
	for _, o := range ops {
		warm.do(ctx, o)
	}
	if len(warm.st.unexplained) > 0 || len(warm.st.wrong) > 0 {
		return false, fmt.Errorf("the warm-up failed without faults: %v %v", warm.st.unexplained, warm.st.wrong)
	}
	before := settle(closeIdle, 0)

	// The run: workers, fault plan, heap sampler.
	start := time.Now()
	deadline := start.Add(cfg.duration)
	runCtx, stopRun := context.WithDeadline(ctx, deadline)
	defer stopRun()
	var (
		wg       sync.WaitGroup
		injected map[string]int
		drvErr   error
		peak     uint64
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		injected, drvErr = driveFaults(runCtx, emu, cfg.faultEvery, rand.New(rand.NewPCG(cfg.seed, 1<<32)))
	}()
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
	}()
	var work sync.WaitGroup
	for i := range cfg.workers {
		workers[i] = newWorker(i, cfg.seed, c, cfg.liveCap, cfg.failures)
		work.Add(1)
		go func() {
			defer work.Done()
			workers[i].run(ctx, deadline)
		}()
	}
	work.Wait()
	took := time.Since(start)
	stopRun()
	wg.Wait()
	if drvErr != nil {
		return false, fmt.Errorf("fault plan: %w", drvErr)
	}
	if err := emu.clearFaults(); err != nil {
		return false, err
	}
	// Requests the workers gave up on may still be held by a Delay fault,
	// and commit once it ends: the table is read after they are done.
	if err := emu.idle(30 * time.Second); err != nil {
		return false, err
	}

	// Reconcile, then count.
	rc, err := reconcile(ctx, c.vault, emu, workers)
	if err != nil {
		return false, err
	}
	counts, applied, err := emu.counters()
	if err != nil {
		return false, err
	}
	r := &report{cfg: cfg, took: took, st: newStats(), rc: rc, counts: counts, applied: applied,
		injected: injected, exchanges: obs.exchanges.Load(), before: before, peakHeap: peak}
	for _, w := range workers {
		r.st.merge(w.st)
	}
	r.logs, r.retries = logs.snapshot()

	// The workload's records are garbage now: measure the client again.
	r.after = settle(closeIdle, before.goroutines)
	runtime.KeepAlive(client)
	stopped = true
	if r.problems, err = emu.stop(); err != nil {
		return false, fmt.Errorf("stopping the emulator: %w", err)
	}
	return r.print(out), nil
}
