// Command query inserts two records and finds them again with SQL SELECT
// statements. Anything but a SELECT is refused before any call.
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

	ins, err := vault.Insert(ctx, facade.InsertRequest{
		Table:   "table1",
		Records: []map[string]any{{"cardholder_name": "John Doe"}, {"cardholder_name": "Jane Roe"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	ids := []string{ins.Inserted[0].SkyflowID, ins.Inserted[1].SkyflowID}

	// Values in a statement are SQL literals: never build one from
	// untrusted input. These ids come from our own insert.
	q := fmt.Sprintf("SELECT skyflow_id, cardholder_name FROM table1 WHERE skyflow_id = '%s' OR skyflow_id = '%s'", ids[0], ids[1])
	resp, err := vault.Query(ctx, facade.QueryRequest{Query: q})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Records {
		fmt.Printf("row: cardholder_name %v\n", r.Fields["cardholder_name"])
	}

	_, err = vault.Query(ctx, facade.QueryRequest{Query: "DELETE FROM table1"})
	fmt.Println("error:", err) // a *skyflow.ValidationError; nothing was sent

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}
