// Command get-by-column-values inserts two records and reads them back by
// the values of a unique column (email), without knowing their ids.
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

	run := time.Now().UnixNano() // email is unique: new values on every run
	emails := []string{fmt.Sprintf("john.%d@example.com", run), fmt.Sprintf("jane.%d@example.com", run)}
	ins, err := vault.Insert(ctx, facade.InsertRequest{
		Table: "table1",
		Records: []map[string]any{
			{"email": emails[0], "cardholder_name": "John Doe"},
			{"email": emails[1], "cardholder_name": "Jane Roe"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	resp, err := vault.Get(ctx, facade.GetRequest{
		Table:        "table1",
		Column:       "email", // a unique column
		ColumnValues: emails,
		Redaction:    facade.RedactionPlainText,
		Columns:      []string{"cardholder_name", "email"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Records {
		fmt.Printf("%s: cardholder_name %v, email %v\n", r.SkyflowID, r.Fields["cardholder_name"], r.Fields["email"])
	}

	ids := []string{ins.Inserted[0].SkyflowID, ins.Inserted[1].SkyflowID}
	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}
