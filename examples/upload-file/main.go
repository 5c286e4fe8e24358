// Command upload-file uploads files into a file column: from an io.Reader
// into an existing record, from a local path into a new record, and from
// base64 text asking for the stored file's metadata.
//
// Environment: see examples/README.md. It writes to the table documents,
// whose column attachment holds files.
package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

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
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}

	ins, err := vault.Insert(ctx, facade.InsertRequest{Table: "documents", Records: []map[string]any{{"title": "receipt"}}})
	if err != nil {
		log.Fatal(err)
	}
	id := ins.Inserted[0].SkyflowID

	// From a reader, into the record just created. A *strings.Reader is an
	// io.Seeker, so the upload can be sent again if needed.
	up, err := vault.UploadFile(ctx, facade.UploadFileRequest{
		Table:     "documents",
		Column:    "attachment",
		SkyflowID: id,
		Reader:    strings.NewReader("Receipt\nTotal: 42.00 EUR\n"),
		FileName:  "receipt.txt",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("uploaded receipt.txt into record", up.SkyflowID)

	// From a path; without SkyflowID a new record is created.
	dir, err := os.MkdirTemp("", "upload-file-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "contract.txt")
	if err := os.WriteFile(path, []byte("Contract between A and B.\n"), 0o600); err != nil {
		log.Fatal(err)
	}
	created, err := vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment", Path: path})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("uploaded contract.txt into new record", created.SkyflowID)

	// From base64 text, replacing the first file.
	meta, err := vault.UploadFile(ctx, facade.UploadFileRequest{
		Table: "documents", Column: "attachment", SkyflowID: id,
		Base64: base64.StdEncoding.EncodeToString([]byte("a note\n")), FileName: "note.txt",
		ReturnFileMetadata: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("replaced the file of %s; metadata: %v\n", meta.SkyflowID, meta.FileMetadata)

	got, err := vault.Get(ctx, facade.GetRequest{Table: "documents", IDs: []string{id}, DownloadURL: true})
	if err != nil {
		log.Fatal(err)
	}
	_, hasFile := got.Records[0].Fields["attachment"]
	fmt.Println("the record has a download URL for its file:", hasFile)

	ids := []string{id, created.SkyflowID}
	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "documents", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}
