// Command tokenize inserts a record, then asks the vault for the tokens of
// its stored values through their column groups. Tokenize never creates
// tokens: a value must already be stored.
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
		Records:      []map[string]any{{"card_number": "4111111111111111"}},
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	rec := ins.Inserted[0]

	resp, err := vault.Tokenize(ctx, facade.TokenizeRequest{Values: []facade.TokenizeValue{
		{Value: "4111111111111111", ColumnGroup: "card_number_group"}, // card_number's group in the demo vault
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("card_number -> %s (the token insert returned: %t)\n", resp.Tokens[0], resp.Tokens[0] == rec.Tokens["card_number"])

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{rec.SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
