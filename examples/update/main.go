// Command update inserts a record, updates two of its columns asking for
// the new tokens, and reads the record back.
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
		Records: []map[string]any{{"card_number": "4111111111111111", "cardholder_name": "John Doe", "ssn": "123-45-6789"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	id := ins.Inserted[0].SkyflowID

	upd, err := vault.Update(ctx, facade.UpdateRequest{
		Table:     "table1",
		SkyflowID: id,
		Fields: map[string]any{
			"cardholder_name": "John Q. Doe",
			"card_number":     "5555555555554444",
			"ssn":             nil, // nil clears a column
		},
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("updated %s; new card_number token %s\n", upd.SkyflowID, upd.Tokens["card_number"])

	got, err := vault.Get(ctx, facade.GetRequest{
		Table: "table1", IDs: []string{id}, Redaction: facade.RedactionPlainText,
		Columns: []string{"cardholder_name", "card_number", "ssn"},
	})
	if err != nil {
		log.Fatal(err)
	}
	f := got.Records[0].Fields
	fmt.Printf("now: cardholder_name %v, card_number %v, ssn %v\n", f["cardholder_name"], f["card_number"], f["ssn"])

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{id}}); err != nil {
		log.Fatal(err)
	}
}
