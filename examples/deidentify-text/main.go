// Command deidentify-text replaces the sensitive entities of a text by
// tokens with Skyflow Detect: in the different token styles, with an allow
// pattern and with date shifting. It ends with a guardrails check.
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

const text = "Hi, I'm John Doe. My SSN is 123-45-6789, my card is 4111 1111 1111 1111 " +
	"and my email is john.doe@example.com. I was born on 1980-04-12."

func main() {
	ctx := context.Background()
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
	)
	if err != nil {
		log.Fatal(err)
	}
	detect, err := client.Detect("") // Detect for the first vault configured
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("input:", text)

	// Every entity type, the default token style.
	resp, err := detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: text})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("default:", resp.ProcessedText)
	for _, e := range resp.Entities {
		fmt.Printf("  %-14s -> %s (characters %d-%d)\n", e.EntityType, e.Token, e.TextIndex.Start, e.TextIndex.End)
	}

	// SSN and card only: vault tokens for the SSN, [TYPE] for the card.
	resp, err = detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:     text,
		Entities: []facade.EntityType{facade.EntitySSN, facade.EntityCreditCard},
		TokenFormat: facade.TokenFormat{
			Default:    facade.TokenTypeEntityOnly,
			VaultToken: []facade.EntityType{facade.EntitySSN},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("styles: ", resp.ProcessedText)

	// An allow pattern: matching text is never de-identified.
	resp, err = detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:        text,
		TokenFormat: facade.TokenFormat{Default: facade.TokenTypeEntityUniqueCounter},
		AllowRegex:  []string{`[a-z.]+@example\.com`},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("allow:  ", resp.ProcessedText)

	// Dates shifted by 5 to 10 days instead of tokenized.
	resp, err = detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:     text,
		Entities: []facade.EntityType{facade.EntityDate, facade.EntityDOB},
		Transformations: facade.Transformations{ShiftDates: &facade.DateShift{
			MinDays: 5, MaxDays: 10, Entities: []facade.EntityType{facade.EntityDate, facade.EntityDOB},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("shifted:", resp.ProcessedText)

	check, err := detect.CheckGuardrails(ctx, facade.CheckGuardrailsRequest{
		Text: "How do I reset my password?", CheckToxicity: true, DenyTopics: []string{"politics"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("guardrails: passed %t (toxic %t, denied topic %t)\n", check.Passed, check.Toxic, check.DeniedTopic)
}
