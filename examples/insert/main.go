// Command insert inserts two records into a vault table with one request and
// prints the skyflow ids and the tokens the vault returns.
//
// It reads the vault and its credentials from the environment (see
// examples/README.md); `go run ./cmd/demo -run insert` runs it against the
// emulator.
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
		facade.WithVault(facade.VaultConfig{
			VaultID: os.Getenv("SKYFLOW_VAULT_ID"),
			BaseURL: os.Getenv("SKYFLOW_VAULT_URL"), // https://<cluster id>.vault.skyflowapis.com
		}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
	)
	if err != nil {
		log.Fatal(err)
	}
	vault, err := client.Vault("") // "": the first vault configured
	if err != nil {
		log.Fatal(err)
	}

	// One request, whatever the number of records: either every record is
	// inserted or none is.
	resp, err := vault.Insert(ctx, facade.InsertRequest{
		Table: "table1",
		Records: []map[string]any{
			{"card_number": "4111111111111111", "cardholder_name": "John Doe"},
			{"card_number": "5555555555554444", "cardholder_name": "Jane Roe"},
		},
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	var ids []string
	for _, rec := range resp.Inserted {
		fmt.Printf("record %d: skyflow_id %s\n", rec.Index, rec.SkyflowID)
		fmt.Printf("  card_number token %s, cardholder_name token %s\n", rec.Tokens["card_number"], rec.Tokens["cardholder_name"])
		ids = append(ids, rec.SkyflowID)
	}
	fmt.Println("request id:", resp.RequestID)

	// Leave the vault as it was.
	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}
