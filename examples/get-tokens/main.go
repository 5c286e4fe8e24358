// Command get-tokens reads records by skyflow id and returns their tokens
// instead of their values (ReturnTokens), for code that should pass tokens
// around and never see the data.
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
	env, err := exampleenv.Setup(ctx, "get-tokens", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	env.Step("insert a record, keeping its tokens")
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

	env.Step("get the record's tokens")
	resp, err := env.Vault.Get(ctx, facade.GetRequest{
		Table:        env.Table,
		IDs:          []string{rec.SkyflowID},
		ReturnTokens: true, // not allowed together with Redaction
	})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	got := resp.Records[0]
	tokens := got.Tokens
	if len(tokens) == 0 { // some responses carry the tokens in Fields
		tokens = map[string]string{}
		for k, v := range got.Fields {
			if s, ok := v.(string); ok {
				tokens[k] = s
			}
		}
	}
	for _, col := range exampleenv.SortedKeys(tokens) {
		env.Printf("%-16s %s\n", col, tokens[col])
	}
	if tokens["card_number"] != rec.Tokens["card_number"] {
		return fmt.Errorf("get returned a different card_number token than insert")
	}
	return nil
}
