// Command insert-byot inserts records with tokens the caller supplies
// ("bring your own token"): TokenModeEnable stores the given tokens for the
// columns named in Tokens and lets the vault generate the others;
// TokenModeEnableStrict requires a token for every column written.
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
	env, err := exampleenv.Setup(ctx, "insert-byot", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	runID := exampleenv.RunID()
	myToken := "byot-card-" + runID // a token from your own system

	env.Step("insert with TokenModeEnable: our token for card_number, vault tokens for the rest")
	resp, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:        env.Table,
		Records:      []map[string]any{exampleenv.Person("John Doe", runID, 0)},
		Tokens:       []map[string]string{{"card_number": myToken}},
		TokenMode:    facade.TokenModeEnable,
		ReturnTokens: true,
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	rec := resp.Inserted[0]
	env.DeleteLater(env.Table, rec.SkyflowID)
	env.Printf("skyflow_id %s\n", rec.SkyflowID)
	for _, col := range exampleenv.SortedKeys(rec.Tokens) {
		env.Printf("  %-16s token %s\n", col, rec.Tokens[col])
	}

	env.Step("insert with TokenModeEnableStrict: a token for every column")
	strictValues := map[string]any{"cardholder_name": "Jane Roe", "email": "jane.strict." + runID + "@example.com"}
	strictTokens := map[string]string{"cardholder_name": "byot-name-" + runID, "email": "byot-email-" + runID}
	strict, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:        env.Table,
		Records:      []map[string]any{strictValues},
		Tokens:       []map[string]string{strictTokens},
		TokenMode:    facade.TokenModeEnableStrict,
		ReturnTokens: true,
	})
	if err != nil {
		return fmt.Errorf("strict insert: %w", err)
	}
	env.DeleteLater(env.Table, strict.Inserted[0].SkyflowID)
	env.Printf("skyflow_id %s, tokens %s\n", strict.Inserted[0].SkyflowID, exampleenv.FormatMap(strict.Inserted[0].Tokens))

	env.Step("detokenize our own token")
	det, err := env.Vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens: []facade.DetokenizeToken{{Token: myToken, Redaction: facade.RedactionPlainText}},
	})
	if err != nil {
		return fmt.Errorf("detokenize: %w", err)
	}
	env.Printf("%s -> %s\n", myToken, det.Records[0].Value)
	if det.Records[0].Value != "4111111111111111" {
		return fmt.Errorf("our token does not resolve to the card number")
	}

	env.Step("a token for a column the record does not write is rejected before any call")
	_, err = env.Vault.Insert(ctx, facade.InsertRequest{
		Table:     env.Table,
		Records:   []map[string]any{{"cardholder_name": "Nobody"}},
		Tokens:    []map[string]string{{"ssn": "byot-ssn-" + runID}},
		TokenMode: facade.TokenModeEnable,
	})
	env.Printf("error: %v\n", err)
	if err == nil {
		return fmt.Errorf("expected a validation error")
	}
	return nil
}
