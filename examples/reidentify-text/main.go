// Command reidentify-text de-identifies a text with vault tokens, then turns
// the tokens back into values: the name in plain text, the card masked and
// the SSN redacted, then everything in plain text.
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

const text = "Patient John Doe, SSN 123-45-6789, paid with card 4111 1111 1111 1111."

func main() {
	ctx := context.Background()
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
	)
	if err != nil {
		log.Fatal(err)
	}
	detect, err := client.Detect("")
	if err != nil {
		log.Fatal(err)
	}
	entities := []facade.EntityType{facade.EntityName, facade.EntitySSN, facade.EntityCreditCard}

	// Vault tokens are the style ReidentifyText can reverse.
	deid, err := detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:        text,
		Entities:    entities,
		TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("input:         ", text)
	fmt.Println("de-identified: ", deid.ProcessedText)

	reid, err := detect.ReidentifyText(ctx, facade.ReidentifyTextRequest{
		Text:              deid.ProcessedText,
		PlainTextEntities: []facade.EntityType{facade.EntityName},
		MaskedEntities:    []facade.EntityType{facade.EntityCreditCard},
		RedactedEntities:  []facade.EntityType{facade.EntitySSN},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("re-identified: ", reid.ProcessedText)

	all, err := detect.ReidentifyText(ctx, facade.ReidentifyTextRequest{Text: deid.ProcessedText, PlainTextEntities: entities})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("in plain text: ", all.ProcessedText)
}
