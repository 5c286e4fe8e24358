// Command soak runs the SDK under load and faults against the emulator and
// checks that it stays truthful: 64 goroutines share one facade.Client and
// run a mixed workload (inserts with and without continue-on-error, bulk
// inserts, detokenize, get, update, delete, file uploads, Detect text,
// connection calls) while the emulator answers 429, 500 and 503, drops
// connections before and after it commits, answers slowly or not at all,
// and issues short-lived service-account tokens. At the end the emulator's
// table is reconciled with the outcomes the client reported, and a table of
// invariants, resolutions, faults and resources is printed. The exit status
// is 1 when an invariant is broken.
//
// Run it with make soak (see RELIABILITY.md for the method and a recorded
// run). The emulator runs in a child process (this same program), so the
// goroutines and heap measured are the client's alone.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// config holds the soak's settings.
type config struct {
	duration      time.Duration
	workers       int
	tokenLifetime time.Duration
	faultEvery    int
	liveCap       int
	seed          uint64
	// failures, when not nil, receives a line per failed call.
	failures io.Writer
}

func main() {
	if os.Getenv(childEnv) != "" {
		os.Exit(serveEmulator(os.Stdin, os.Stdout))
	}
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	ok, err := run(context.Background(), cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// parseFlags reads the command line; SOAK_DURATION sets the default
// duration.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	def := 2 * time.Minute
	if s := os.Getenv("SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return config{}, fmt.Errorf("SOAK_DURATION must be a positive duration such as 2m")
		}
		def = d
	}
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.DurationVar(&cfg.duration, "duration", def, "how long the workload runs (SOAK_DURATION)")
	fs.IntVar(&cfg.workers, "workers", 64, "goroutines sharing the client")
	fs.DurationVar(&cfg.tokenLifetime, "token-lifetime", 5*time.Second, "lifetime of the emulator's service-account tokens")
	fs.IntVar(&cfg.faultEvery, "fault-every", 8, "one fault per this many requests of each faulted operation")
	fs.IntVar(&cfg.liveCap, "live", 24, "records a worker keeps before deleting its oldest")
	fs.Uint64Var(&cfg.seed, "seed", uint64(time.Now().UnixNano()), "seed of the workload's and the fault plan's choices")
	failures := fs.Bool("failures", false, "print each failed call (operation, error class, attempts) to stderr")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if *failures {
		cfg.failures = stderr
	}
	switch {
	case fs.NArg() > 0:
		return config{}, fmt.Errorf("unexpected arguments %v", fs.Args())
	case cfg.duration <= 0 || cfg.workers < 1 || cfg.faultEvery < 1 || cfg.liveCap < 1:
		return config{}, fmt.Errorf("-duration, -workers, -fault-every and -live must be positive")
	case cfg.tokenLifetime < 2*time.Second:
		return config{}, fmt.Errorf("-token-lifetime must be at least 2s (the emulator's tokens count whole seconds)")
	}
	return cfg, nil
}
