// Command deidentify-file de-identifies files with Skyflow Detect: a text
// file by path, with the results written to a directory, and a file
// streamed from an io.Reader, which it then re-identifies with
// ReidentifyFile. DeidentifyFile starts a run and polls it until it ends or
// WaitTime passes (see get-detect-run for runs that take longer).
//
// Environment: see examples/README.md.
package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

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
	dir, err := os.MkdirTemp("", "deidentify-file-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A text file by path; the results are written to an existing directory.
	in := filepath.Join(dir, "note.txt")
	note := "Call John Doe about card 4111 1111 1111 1111.\nHis SSN is 123-45-6789.\n"
	if err := os.WriteFile(in, []byte(note), 0o600); err != nil {
		log.Fatal(err)
	}
	resp, err := detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Path:            in,
		Entities:        []facade.EntityType{facade.EntitySSN, facade.EntityCreditCard, facade.EntityName},
		TokenFormat:     facade.TokenFormat{Default: facade.TokenTypeEntityOnly},
		OutputDirectory: dir,
		WaitTime:        30 * time.Second,
	})
	if err != nil {
		log.Fatal(err) // a *skyflow.RunFailedError, a *skyflow.RunPollError, ...
	}
	if resp.Status == facade.RunStatusInProgress {
		fmt.Println("still running; resume with GetDetectRun:", resp.RunID)
		return
	}
	fmt.Printf("run %s: %s, %s file (.%s)\n%s", resp.RunID, resp.Status, resp.Type, resp.Extension, resp.File)
	for _, f := range resp.OutputFiles {
		fmt.Println("wrote", filepath.Base(f))
	}

	// A file streamed from a reader (FileName's extension picks the
	// endpoint), with vault tokens, which ReidentifyFile turns back into
	// values.
	resp, err = detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Reader:      strings.NewReader("Jane Roe's SSN is 321-54-9876.\n"),
		FileName:    "letter.txt",
		Entities:    []facade.EntityType{facade.EntitySSN},
		TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("run %s: %s\n%s", resp.RunID, resp.Status, resp.File)
	back, err := detect.ReidentifyFile(ctx, facade.ReidentifyFileRequest{
		Reader:            bytes.NewReader(resp.File),
		FileName:          "letter.txt",
		PlainTextEntities: []facade.EntityType{facade.EntitySSN},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("re-identified: %s", back.File)

	// An extension Detect does not handle is refused before any call.
	_, err = detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "archive.zip"})
	fmt.Println("error:", err)
}
