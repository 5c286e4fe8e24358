// Command get-tokens inserts a record and reads back its tokens instead of
// its values (ReturnTokens, by skyflow id).
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
		Table:        "table1",
		Records:      []map[string]any{{"card_number": "4111111111111111", "cardholder_name": "John Doe"}},
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	rec := ins.Inserted[0]

	resp, err := vault.Get(ctx, facade.GetRequest{
		Table:        "table1",
		IDs:          []string{rec.SkyflowID},
		ReturnTokens: true, // only with IDs, and not with Redaction
	})
	if err != nil {
		log.Fatal(err)
	}
	got := resp.Records[0]
	fmt.Println("card_number token:", got.Fields["card_number"])
	fmt.Println("same as insert returned:", got.Fields["card_number"] == rec.Tokens["card_number"])

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{rec.SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
