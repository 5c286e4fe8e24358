// Command get-detect-run starts a file de-identification with a short
// WaitTime, so that DeidentifyFile returns while the run is still in
// progress, then follows the run with GetDetectRun until it ends: how to
// handle files that take longer than a call should wait, or to check a run
// from another process by its id. Against the emulator it also shows a run
// that fails, a *skyflow.RunFailedError.
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
	)
	if err != nil {
		log.Fatal(err)
	}
	detect, err := client.Detect("")
	if err != nil {
		log.Fatal(err)
	}

	resp, err := detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Reader:   strings.NewReader("Card 4111 1111 1111 1111 belongs to John Doe.\n"),
		FileName: "card.txt",
		WaitTime: time.Second, // then return the run as it is, IN_PROGRESS
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("DeidentifyFile returned: run %s, status %s\n", resp.RunID, resp.Status)
	runID := resp.RunID

	for resp.Status == facade.RunStatusInProgress {
		time.Sleep(time.Second)
		resp, err = detect.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: runID})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("GetDetectRun:", resp.Status)
	}
	fmt.Printf("processed file (.%s): %s", resp.Extension, resp.File)

	admin := os.Getenv("SKYFLOW_EMULATOR_ADMIN_URL")
	if admin == "" {
		return
	}
	// Ask the emulator for a run that fails.
	plan, err := http.Post(admin+"/runs", "application/json",
		strings.NewReader(`{"final":"FAILED","message":"the file could not be parsed"}`))
	if err != nil {
		log.Fatal(err)
	}
	plan.Body.Close()
	_, err = detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Reader: strings.NewReader("not really a report\n"), FileName: "report.txt",
	})
	var failed *skyflow.RunFailedError
	if !errors.As(err, &failed) { // errors.Is(err, skyflow.ErrRunFailed) holds too
		log.Fatalf("expected a failed run, got %v", err)
	}
	fmt.Printf("run %s: status %s, reason %q\n", failed.RunID, failed.Status, failed.Message)
}
