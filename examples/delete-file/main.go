// Command delete-file uploads a file into a record, checks the file's
// anti-virus scan status, then deletes the file while the record stays.
//
// Environment: see examples/README.md. It writes to the table documents,
// whose column attachment holds files.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
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

	up, err := vault.UploadFile(ctx, facade.UploadFileRequest{
		Table: "documents", Column: "attachment",
		Reader: strings.NewReader("Receipt\nTotal: 42.00 EUR\n"), FileName: "receipt.txt",
	})
	if err != nil {
		log.Fatal(err)
	}
	file := facade.FileRef{Table: "documents", SkyflowID: up.SkyflowID, Column: "attachment"}

	scan, err := vault.FileScanStatus(ctx, file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("scan status:", scan.Status)

	del, err := vault.DeleteFile(ctx, file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("file of record %s deleted: %t\n", del.SkyflowID, del.Deleted)

	got, err := vault.Get(ctx, facade.GetRequest{Table: "documents", IDs: []string{up.SkyflowID}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("the record is still there:", got.Records[0].SkyflowID == up.SkyflowID)

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "documents", IDs: []string{up.SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
