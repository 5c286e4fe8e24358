// Command detokenize inserts a record, then turns its tokens back into
// values with a redaction per token, and shows how ContinueOnError reports a
// token that cannot be detokenized.
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
		Records:      []map[string]any{{"card_number": "4111111111111111", "cardholder_name": "John Doe", "ssn": "123-45-6789"}},
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	rec := ins.Inserted[0]
	card, name, ssn := rec.Tokens["card_number"], rec.Tokens["cardholder_name"], rec.Tokens["ssn"]

	resp, err := vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens: []facade.DetokenizeToken{
			{Token: card, Redaction: facade.RedactionPlainText},
			{Token: name, Redaction: facade.RedactionMasked},
			{Token: ssn, Redaction: facade.RedactionRedacted},
			{Token: ssn}, // RedactionDefault: the column's configured redaction
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Records { // in request order; Index is the token's position
		fmt.Printf("token %d: %q (%s)\n", r.Index, r.Value, r.ValueType)
	}

	partial, err := vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens:          []facade.DetokenizeToken{{Token: card, Redaction: facade.RedactionMasked}, {Token: "no-such-token"}},
		ContinueOnError: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range partial.Records {
		fmt.Printf("token %d: %q\n", r.Index, r.Value)
	}
	for _, e := range partial.Errors { // *skyflow.RecordError
		fmt.Printf("token %d failed: %s (request id %s)\n", e.Index, e.Message, e.RequestID)
	}

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{rec.SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
