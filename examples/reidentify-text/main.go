// Command reidentify-text de-identifies a text with vault tokens, then
// re-identifies it, choosing per entity type whether values come back in
// plain text, masked or redacted.
package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

const text = "Patient John Doe, SSN 123-45-6789, paid with card 4111 1111 1111 1111."

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "reidentify-text", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	detect, err := env.Client.Detect(env.VaultID)
	if err != nil {
		return err
	}

	env.Step("de-identify with vault tokens, which ReidentifyText can turn back into values")
	deid, err := detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:        text,
		Entities:    []facade.EntityType{facade.EntityName, facade.EntitySSN, facade.EntityCreditCard},
		TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken},
	})
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	env.Printf("input:         %s\n", text)
	env.Printf("de-identified: %s\n", deid.ProcessedText)

	env.Step("re-identify: name in plain text, card masked, SSN redacted")
	reid, err := detect.ReidentifyText(ctx, facade.ReidentifyTextRequest{
		Text:              deid.ProcessedText,
		PlainTextEntities: []facade.EntityType{facade.EntityName},
		MaskedEntities:    []facade.EntityType{facade.EntityCreditCard},
		RedactedEntities:  []facade.EntityType{facade.EntitySSN},
	})
	if err != nil {
		return fmt.Errorf("reidentify: %w", err)
	}
	env.Printf("re-identified: %s\n", reid.ProcessedText)

	env.Step("re-identify everything in plain text")
	all, err := detect.ReidentifyText(ctx, facade.ReidentifyTextRequest{
		Text:              deid.ProcessedText,
		PlainTextEntities: []facade.EntityType{facade.EntityName, facade.EntitySSN, facade.EntityCreditCard},
	})
	if err != nil {
		return fmt.Errorf("reidentify: %w", err)
	}
	env.Printf("re-identified: %s\n", all.ProcessedText)
	if !strings.Contains(all.ProcessedText, "123-45-6789") {
		return fmt.Errorf("the SSN was not restored")
	}
	return nil
}
