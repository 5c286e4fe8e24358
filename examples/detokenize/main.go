// Command detokenize inserts a record, then turns its tokens back into
// values, choosing a redaction per token, and shows how ContinueOnError
// reports a token that cannot be detokenized.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "detokenize", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	env.Step("insert a record to get tokens")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:        env.Table,
		Records:      []map[string]any{exampleenv.Person("John Doe", exampleenv.RunID(), 0)},
		ReturnTokens: true,
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	rec := ins.Inserted[0]
	env.DeleteLater(env.Table, rec.SkyflowID)
	cardToken, nameToken, ssnToken := rec.Tokens["card_number"], rec.Tokens["cardholder_name"], rec.Tokens["ssn"]

	env.Step("detokenize with a redaction per token")
	resp, err := env.Vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens: []facade.DetokenizeToken{
			{Token: cardToken, Redaction: facade.RedactionPlainText},
			{Token: nameToken, Redaction: facade.RedactionMasked},
			{Token: ssnToken, Redaction: facade.RedactionRedacted},
			{Token: ssnToken}, // RedactionDefault: the column's configured redaction
		},
	})
	if err != nil {
		return fmt.Errorf("detokenize: %w", err)
	}
	redactions := []string{"PLAIN_TEXT", "MASKED", "REDACTED", "DEFAULT"}
	for _, r := range resp.Records {
		env.Printf("%-10s %s -> %q (%s)\n", redactions[r.Index], r.Token, r.Value, r.ValueType)
	}
	if resp.Records[0].Value != "4111111111111111" {
		return fmt.Errorf("unexpected plain-text value")
	}

	env.Step("detokenize with ContinueOnError and one unknown token")
	partial, err := env.Vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens: []facade.DetokenizeToken{
			{Token: cardToken, Redaction: facade.RedactionMasked},
			{Token: "no-such-token-" + exampleenv.RunID()},
		},
		ContinueOnError: true,
	})
	if err != nil {
		return fmt.Errorf("detokenize: %w", err)
	}
	for _, r := range partial.Records {
		env.Printf("token %d: %q\n", r.Index, r.Value)
	}
	for _, e := range partial.Errors {
		env.Printf("token %d failed: %s (request id %s)\n", e.Index, e.Message, e.RequestID)
	}
	if len(partial.Records) != 1 || len(partial.Errors) != 1 {
		return fmt.Errorf("expected one value and one error, got %d and %d", len(partial.Records), len(partial.Errors))
	}
	return nil
}
