// Command upload-file uploads files into a file column: from an io.Reader
// into an existing record, from a local path into a new record, and from
// base64 text.
package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var table, column string
	env, err := exampleenv.Setup(ctx, "upload-file", args, stdout, exampleenv.WithFlags(func(fs *flag.FlagSet) {
		fs.StringVar(&table, "file-table", exampleenv.FileTable, "table with a file column")
		fs.StringVar(&column, "file-column", exampleenv.FileColumn, "file column")
	}))
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Emulated() {
		table, column = exampleenv.FileTable, exampleenv.FileColumn
	}

	env.Step("create a record, then upload a file into it from an io.Reader")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:   table,
		Records: []map[string]any{{exampleenv.TitleColumn: "receipt " + exampleenv.RunID()}},
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	id := ins.Inserted[0].SkyflowID
	env.DeleteLater(table, id)
	// A *strings.Reader is an io.Seeker, so the upload can be retried.
	up, err := env.Vault.UploadFile(ctx, facade.UploadFileRequest{
		Table:     table,
		Column:    column,
		SkyflowID: id,
		Reader:    strings.NewReader("Receipt\nTotal: 42.00 EUR\n"),
		FileName:  "receipt.txt",
	})
	if err != nil {
		return fmt.Errorf("upload from reader: %w", err)
	}
	env.Printf("uploaded receipt.txt into record %s (request id %s)\n", up.SkyflowID, up.RequestID)

	env.Step("upload a local file; with no SkyflowID a new record is created")
	path := filepath.Join(env.TempDir(), "contract.txt")
	if err := os.WriteFile(path, []byte("Contract between A and B.\n"), 0o600); err != nil {
		return err
	}
	created, err := env.Vault.UploadFile(ctx, facade.UploadFileRequest{Table: table, Column: column, Path: path})
	if err != nil {
		return fmt.Errorf("upload from path: %w", err)
	}
	env.DeleteLater(table, created.SkyflowID)
	env.Printf("uploaded contract.txt into new record %s\n", created.SkyflowID)

	env.Step("upload base64 content, asking for the file's metadata")
	b64 := base64.StdEncoding.EncodeToString([]byte("note from base64\n"))
	meta, err := env.Vault.UploadFile(ctx, facade.UploadFileRequest{
		Table: table, Column: column, SkyflowID: id,
		Base64: b64, FileName: "note.txt", ReturnFileMetadata: true,
	})
	if err != nil {
		return fmt.Errorf("upload from base64: %w", err)
	}
	env.Printf("replaced the file of %s; metadata: %v\n", meta.SkyflowID, meta.FileMetadata)

	env.Step("read the record back with a download URL for the file column")
	got, err := env.Vault.Get(ctx, facade.GetRequest{Table: table, IDs: []string{id}, DownloadURL: true})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	_, hasFile := got.Records[0].Fields[column]
	env.Printf("record %s has a value in %s: %t\n", id, column, hasFile)
	if up.SkyflowID != id || !hasFile {
		return fmt.Errorf("the file is not stored in the record")
	}
	return nil
}
