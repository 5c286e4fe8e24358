// Command deidentify-text replaces the sensitive entities of a text by
// tokens with Skyflow Detect, in the different token styles, with an allow
// pattern and with date shifting.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

const text = "Hi, I'm John Doe. My SSN is 123-45-6789, my card is 4111 1111 1111 1111 " +
	"and my email is john.doe@example.com. I was born on 1980-04-12."

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "deidentify-text", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	detect, err := env.Client.Detect("") // Detect for the first (here: only) vault
	if err != nil {
		return err
	}
	env.Printf("input: %s\n", text)

	env.Step("every entity type, the default token style")
	resp, err := detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: text})
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	env.Printf("%s\n", resp.ProcessedText)
	for _, e := range resp.Entities {
		env.Printf("  %-14s %-28q -> %s (characters %d-%d)\n", e.EntityType, e.Value, e.Token, e.TextIndex.Start, e.TextIndex.End)
	}
	env.Printf("%d words, %d characters (request id %s)\n", resp.WordCount, resp.CharacterCount, resp.RequestID)
	if len(resp.Entities) == 0 {
		return fmt.Errorf("no entity detected")
	}

	env.Step("SSN and card only: vault tokens for SSN, [TYPE] for the card")
	resp, err = detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:     text,
		Entities: []facade.EntityType{facade.EntitySSN, facade.EntityCreditCard},
		TokenFormat: facade.TokenFormat{
			Default:    facade.TokenTypeEntityOnly,
			VaultToken: []facade.EntityType{facade.EntitySSN},
		},
	})
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	env.Printf("%s\n", resp.ProcessedText)

	env.Step("an allow pattern: matching text is never de-identified")
	resp, err = detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:        text,
		TokenFormat: facade.TokenFormat{Default: facade.TokenTypeEntityUniqueCounter},
		AllowRegex:  []string{`[a-z.]+@example\.com`},
	})
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	env.Printf("%s\n", resp.ProcessedText)

	env.Step("shift dates by 5 to 10 days instead of tokenizing them")
	resp, err = detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:     text,
		Entities: []facade.EntityType{facade.EntityDate, facade.EntityDOB},
		Transformations: facade.Transformations{ShiftDates: &facade.DateShift{
			MinDays: 5, MaxDays: 10, Entities: []facade.EntityType{facade.EntityDate, facade.EntityDOB},
		}},
	})
	if err != nil {
		return fmt.Errorf("deidentify: %w", err)
	}
	env.Printf("%s\n", resp.ProcessedText)
	return nil
}
