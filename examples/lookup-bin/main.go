// Command lookup-bin asks for the metadata of a card (issuer, scheme,
// type, country): by its BIN, the leading digits, and by a card stored in
// the vault, which never leaves it.
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

	byBIN, err := vault.LookupBIN(ctx, facade.BINLookupRequest{BIN: "411111"})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range byBIN.Cards {
		fmt.Printf("BIN %s: %s %s card, issued by %s (%s)\n", c.BIN, c.Scheme, c.Type, c.IssuerName, c.CountryCode)
	}

	ins, err := vault.Insert(ctx, facade.InsertRequest{
		Table: "table1", Records: []map[string]any{{"card_number": "5555555555554444"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	id := ins.Inserted[0].SkyflowID
	stored, err := vault.LookupBIN(ctx, facade.BINLookupRequest{
		SkyflowID: id,
		Card:      &facade.StoredCard{Table: "table1", NumberColumn: "card_number"},
		Fields:    []string{"card_scheme", "card_last_four_digits"}, // all when empty
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range stored.Cards {
		fmt.Printf("stored card: %s ending in %s\n", c.Scheme, c.LastFourDigits)
	}

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{id}}); err != nil {
		log.Fatal(err)
	}
}
