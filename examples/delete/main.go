// Command delete inserts two records, deletes them, and shows that reading
// them again fails with skyflow.ErrNotFound.
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

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
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}

	ins, err := vault.Insert(ctx, facade.InsertRequest{
		Table:   "table1",
		Records: []map[string]any{{"cardholder_name": "John Doe"}, {"cardholder_name": "Jane Roe"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	ids := []string{ins.Inserted[0].SkyflowID, ins.Inserted[1].SkyflowID}

	del, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids})
	if err != nil {
		log.Fatal(err)
	}
	// Unconfirmed: an answer was lost and a retry found the records gone.
	fmt.Printf("deleted %d records (unconfirmed: %t, request id %s)\n", len(del.DeletedIDs), del.Unconfirmed, del.RequestID)

	_, err = vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: ids})
	switch {
	case errors.Is(err, skyflow.ErrNotFound):
		fmt.Println("get again: not found, as expected")
	case err != nil:
		log.Fatal(err)
	default:
		log.Fatal("the deleted records are still there")
	}
}
