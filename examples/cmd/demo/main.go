// Command demo builds every example program of this module, runs each one
// against an emulator of its own, and prints a pass/fail table. It exits
// with status 1 when an example fails. `make demo` runs it from the
// repository root; from examples/ run
//
//	go run ./cmd/demo [-q] [-run regexp] [-p n] [-timeout d]
//
// For each example the runner starts the Skyflow emulator in its own process
// (package mockserver, on a free loopback port) and runs the program with
// the variables that point it there (SKYFLOW_VAULT_ID, SKYFLOW_VAULT_URL,
// SKYFLOW_CREDENTIALS, ...: see examples/README.md). Every other SKYFLOW_*
// variable is removed from the program's environment, so a developer's real
// vault settings never leak into the demo.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/skyflowgo/skyflow/examples/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// example is one example program.
type example struct {
	name string // directory name, also the binary name
	pkg  string // import path
}

// result is the outcome of one example.
type result struct {
	example
	output   []byte
	err      error
	duration time.Duration
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	quiet := fs.Bool("q", false, "print only the summary table (and the output of failed examples)")
	pattern := fs.String("run", "", "run only the examples whose name matches this regular expression")
	parallel := fs.Int("p", runtime.GOMAXPROCS(0), "how many examples run at once")
	timeout := fs.Duration("timeout", 3*time.Minute, "time limit of each example")
	dir := fs.String("C", ".", "directory of the examples module")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var filter *regexp.Regexp
	if *pattern != "" {
		re, err := regexp.Compile(*pattern)
		if err != nil {
			return fmt.Errorf("-run: %w", err)
		}
		filter = re
	}
	if *parallel < 1 {
		*parallel = 1
	}
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}

	examples, err := discover(ctx, goCmd, *dir, filter)
	if err != nil {
		return err
	}
	if len(examples) == 0 {
		return errors.New("no example matches")
	}

	bin, err := os.MkdirTemp("", "skyflow-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	fmt.Fprintf(stdout, "building %d examples...\n", len(examples))
	broken := map[string]error{}
	if err := build(ctx, goCmd, *dir, bin, examples); err != nil {
		if ctx.Err() != nil {
			return err
		}
		// Build one by one, so that a broken example fails alone.
		for _, e := range examples {
			if err := build(ctx, goCmd, *dir, bin, []example{e}); err != nil {
				broken[e.name] = err
			}
		}
	}

	results := runAll(ctx, bin, examples, *parallel, *timeout, broken, func(r result) {
		if *quiet && r.err == nil {
			return
		}
		fmt.Fprintf(stdout, "\n======== %s ========\n", r.name)
		_, _ = stdout.Write(r.output)
		if r.err != nil {
			fmt.Fprintf(stdout, "-------- %s FAILED: %v\n", r.name, r.err)
		}
	})

	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EXAMPLE\tRESULT\tDURATION")
	failed := 0
	var total time.Duration
	for _, r := range results {
		status := "PASS"
		if r.err != nil {
			status = "FAIL"
			failed++
		}
		total += r.duration
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.name, status, r.duration.Round(time.Millisecond))
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "\n%d passed, %d failed (%s of example run time)\n", len(results)-failed, failed, total.Round(time.Millisecond))
	if failed > 0 {
		return fmt.Errorf("%d example(s) failed", failed)
	}
	return nil
}

// discover lists the main packages of the module except the demo runner.
func discover(ctx context.Context, goCmd, dir string, filter *regexp.Regexp) ([]example, error) {
	cmd := exec.CommandContext(ctx, goCmd, "list", "-f", "{{if eq .Name \"main\"}}{{.ImportPath}}{{end}}", "./...")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var list []example
	for _, pkg := range strings.Fields(string(out)) {
		if strings.Contains(pkg, "/cmd/") || strings.Contains(pkg, "/internal/") {
			continue
		}
		name := pkg[strings.LastIndex(pkg, "/")+1:]
		if filter != nil && !filter.MatchString(name) {
			continue
		}
		list = append(list, example{name: name, pkg: pkg})
	}
	return list, nil
}

// build compiles every example into bin with one go build.
func build(ctx context.Context, goCmd, dir, bin string, examples []example) error {
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, e := range examples {
		args = append(args, e.pkg)
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out.String())
	}
	return nil
}

// runAll runs the examples with bounded parallelism and returns their
// results in input order; report sees each result in input order as soon as
// it and all before it are done. Examples in broken failed to build and are
// not run.
func runAll(ctx context.Context, bin string, examples []example, parallel int, timeout time.Duration, broken map[string]error, report func(result)) []result {
	results := make([]result, len(examples))
	done := make([]chan struct{}, len(examples))
	for i := range done {
		done[i] = make(chan struct{})
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, e := range examples {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := broken[e.name]; err != nil {
				results[i] = result{example: e, err: err}
			} else {
				results[i] = runOne(ctx, bin, e, timeout)
			}
			close(done[i])
		}()
	}
	for i := range examples {
		<-done[i]
		report(results[i])
	}
	wg.Wait()
	return results
}

// runOne runs one example binary against an emulator of its own.
func runOne(ctx context.Context, bin string, e example, timeout time.Duration) result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	exe := filepath.Join(bin, e.name)
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	emu, err := emulator.Start(e.name)
	if err != nil {
		return result{example: e, err: err}
	}
	defer emu.Close()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = emu.Environ(os.Environ())
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	r := result{example: e, output: out.Bytes(), err: err, duration: time.Since(start)}
	if err != nil && ctx.Err() == context.DeadlineExceeded {
		r.err = fmt.Errorf("timed out after %s", timeout)
	}
	return r
}
