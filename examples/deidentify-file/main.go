// Command deidentify-file de-identifies files with Skyflow Detect: a text
// file by path, written to an output directory, and a CSV streamed from an
// io.Reader. DeidentifyFile starts a run and polls it until it ends or
// WaitTime passes (see get-detect-run for runs that take longer).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "deidentify-file", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	detect, err := env.Client.Detect("")
	if err != nil {
		return err
	}

	env.Step("a text file by path, results written to a directory")
	in := filepath.Join(env.TempDir(), "note.txt")
	note := "Call John Doe at 555-0100 about card 4111 1111 1111 1111.\nHis SSN is 123-45-6789.\n"
	if err := os.WriteFile(in, []byte(note), 0o600); err != nil {
		return err
	}
	outDir := filepath.Join(env.TempDir(), "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		return err
	}
	resp, err := detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Path:            in,
		Entities:        []facade.EntityType{facade.EntitySSN, facade.EntityCreditCard, facade.EntityName},
		TokenFormat:     facade.TokenFormat{Default: facade.TokenTypeEntityOnly},
		OutputDirectory: outDir, // must exist
		WaitTime:        30 * time.Second,
	})
	if err != nil {
		return fmt.Errorf("deidentify file: %w", err)
	}
	if resp.Status != facade.RunStatusSuccess {
		env.Printf("run %s is still %s; resume it with GetDetectRun\n", resp.RunID, resp.Status)
		return nil
	}
	env.Printf("run %s: %s, %s file (.%s), %d words, %d characters\n",
		resp.RunID, resp.Status, resp.Type, resp.Extension, resp.WordCount, resp.CharacterCount)
	env.Printf("processed text:\n%s", indent(string(resp.File)))
	for _, e := range resp.Entities {
		env.Printf("other output: %s (.%s), %d bytes\n", e.Type, e.Extension, len(e.File))
	}
	for _, f := range resp.OutputFiles {
		env.Printf("wrote %s\n", filepath.Base(f))
	}

	env.Step("a CSV streamed from an io.Reader (FileName picks the endpoint)")
	csv := "name,ssn\nJohn Doe,123-45-6789\nJane Roe,321-54-9876\n"
	resp, err = detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Reader:   strings.NewReader(csv),
		FileName: "people.csv",
		Entities: []facade.EntityType{facade.EntitySSN},
	})
	if err != nil {
		return fmt.Errorf("deidentify csv: %w", err)
	}
	env.Printf("run %s: %s\n%s", resp.RunID, resp.Status, indent(string(resp.File)))

	env.Step("an extension Detect does not handle is rejected before any call")
	_, err = detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "archive.zip"})
	env.Printf("error: %v\n", err)
	if err == nil {
		return fmt.Errorf("expected a validation error")
	}
	return nil
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if line != "" {
			b.WriteString("  " + line)
		}
	}
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteString("\n")
	}
	return b.String()
}
