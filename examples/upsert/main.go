// Command upsert inserts a record, then inserts again with the same email
// and Upsert set to that unique column: the vault updates the existing
// record instead of adding a second one.
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
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
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}

	email := fmt.Sprintf("john.doe.%d@example.com", time.Now().UnixNano()) // email is unique
	first, err := vault.Insert(ctx, facade.InsertRequest{
		Table:   "table1",
		Records: []map[string]any{{"email": email, "cardholder_name": "John Doe"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	id := first.Inserted[0].SkyflowID
	fmt.Println("inserted skyflow_id", id)

	second, err := vault.Insert(ctx, facade.InsertRequest{
		Table:   "table1",
		Records: []map[string]any{{"email": email, "cardholder_name": "John Q. Doe"}},
		Upsert:  "email", // a unique column
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("upsert returned skyflow_id %s (same record: %t)\n", second.Inserted[0].SkyflowID, second.Inserted[0].SkyflowID == id)

	got, err := vault.Get(ctx, facade.GetRequest{
		Table: "table1", IDs: []string{id}, Redaction: facade.RedactionPlainText, Columns: []string{"cardholder_name"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("cardholder_name is now %q\n", got.Records[0].Fields["cardholder_name"])

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{id}}); err != nil {
		log.Fatal(err)
	}
}
