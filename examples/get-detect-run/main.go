// Command get-detect-run starts a file de-identification with a short
// WaitTime, so that DeidentifyFile returns while the run is still in
// progress, then follows the run with GetDetectRun until it ends. This is
// how to handle files that take longer than DeidentifyFile may wait (at
// most 64 s), or to check a run from another process by its id.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	// The emulator reports a new run IN_PROGRESS for its first 3 polls.
	env, err := exampleenv.Setup(ctx, "get-detect-run", args, stdout,
		exampleenv.WithEmulatorOptions(mockserver.WithRunPolls(3)))
	if err != nil {
		return err
	}
	defer env.Close()
	detect, err := env.Client.Detect("")
	if err != nil {
		return err
	}

	env.Step("start a run, waiting at most 1 second")
	resp, err := detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Reader:   strings.NewReader("Card 4111 1111 1111 1111 belongs to John Doe.\n"),
		FileName: "card.txt",
		WaitTime: time.Second,
	})
	if err != nil {
		return fmt.Errorf("deidentify file: %w", err)
	}
	env.Printf("DeidentifyFile returned: run %s, status %s\n", resp.RunID, resp.Status)
	runID := resp.RunID

	env.Step("poll the run with GetDetectRun")
	for resp.Status == facade.RunStatusInProgress {
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
		resp, err = detect.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: runID})
		if err != nil {
			return fmt.Errorf("get run: %w", err)
		}
		env.Printf("status %s\n", resp.Status)
	}
	env.Printf("processed file (.%s): %s", resp.Extension, resp.File)

	if !env.Emulated() {
		return nil
	}
	env.Step("a run that fails is an error: *skyflow.RunFailedError")
	env.Emulator.PlanRuns(mockserver.RunPlan{Final: "FAILED", Message: "the file could not be parsed"})
	_, err = detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Reader: strings.NewReader("not really a report\n"), FileName: "report.txt", WaitTime: 5 * time.Second,
	})
	var failed *skyflow.RunFailedError
	if !errors.As(err, &failed) || !errors.Is(err, skyflow.ErrRunFailed) {
		return fmt.Errorf("expected a failed run, got %v", err)
	}
	env.Printf("run %s: status %s, reason %q\n", failed.RunID, failed.Status, failed.Message)
	return nil
}
