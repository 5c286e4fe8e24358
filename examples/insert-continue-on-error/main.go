// Command insert-continue-on-error inserts three records with
// ContinueOnError: the vault writes the records it can and reports the
// others one by one, each with its index, status and message. Record 1 names
// a column the table does not have.
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

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

	resp, err := vault.Insert(ctx, facade.InsertRequest{
		Table: "table1",
		Records: []map[string]any{
			{"cardholder_name": "John Doe"},
			{"cardholder_name": "Bad Record", "no_such_column": "x"},
			{"cardholder_name": "Jane Roe"},
		},
		ContinueOnError: true,
	})
	if err != nil {
		log.Fatal(err) // the request failed as a whole
	}
	var ids []string
	for _, rec := range resp.Inserted {
		fmt.Printf("inserted record %d: skyflow_id %s\n", rec.Index, rec.SkyflowID)
		ids = append(ids, rec.SkyflowID)
	}
	for _, e := range resp.Errors { // *skyflow.RecordError
		fmt.Printf("failed record %d: status %d: %s (request id %s)\n", e.Index, e.StatusCode, e.Message, e.RequestID)
	}

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}
