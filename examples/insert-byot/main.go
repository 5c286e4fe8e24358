// Command insert-byot inserts records with tokens of your own ("bring your
// own token"): with TokenModeEnable for some columns (the vault generates
// the others), with TokenModeEnableStrict for every column written. It then
// detokenizes its own token, and shows a token for a column the record does
// not write rejected before any call.
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
	run := time.Now().UnixNano() // tokens must be unique in the vault
	myToken := fmt.Sprintf("byot-card-%d", run)

	// TokenModeEnable: our token for card_number, vault tokens for the rest.
	resp, err := vault.Insert(ctx, facade.InsertRequest{
		Table:        "table1",
		Records:      []map[string]any{{"card_number": "4111111111111111", "cardholder_name": "John Doe"}},
		Tokens:       []map[string]string{{"card_number": myToken}}, // Tokens[i] belongs to Records[i]
		TokenMode:    facade.TokenModeEnable,
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	rec := resp.Inserted[0]
	fmt.Printf("ENABLE: card_number token %s, cardholder_name token %s\n", rec.Tokens["card_number"], rec.Tokens["cardholder_name"])

	// TokenModeEnableStrict: a token for every column written.
	strict, err := vault.Insert(ctx, facade.InsertRequest{
		Table:        "table1",
		Records:      []map[string]any{{"cardholder_name": "Jane Roe"}},
		Tokens:       []map[string]string{{"cardholder_name": fmt.Sprintf("byot-name-%d", run)}},
		TokenMode:    facade.TokenModeEnableStrict,
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("ENABLE_STRICT: cardholder_name token %s\n", strict.Inserted[0].Tokens["cardholder_name"])

	det, err := vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens: []facade.DetokenizeToken{{Token: myToken, Redaction: facade.RedactionPlainText}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s -> %s\n", myToken, det.Records[0].Value)

	// A token for a column the record does not write: a *skyflow.ValidationError.
	_, err = vault.Insert(ctx, facade.InsertRequest{
		Table:     "table1",
		Records:   []map[string]any{{"cardholder_name": "Nobody"}},
		Tokens:    []map[string]string{{"ssn": "byot-ssn"}},
		TokenMode: facade.TokenModeEnable,
	})
	fmt.Println("error:", err)

	ids := []string{rec.SkyflowID, strict.Inserted[0].SkyflowID}
	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}
