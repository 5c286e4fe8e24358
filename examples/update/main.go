// Command update changes columns of one record and shows the new tokens
// and values.
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
	env, err := exampleenv.Setup(ctx, "update", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	env.Step("insert a record")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:   env.Table,
		Records: []map[string]any{exampleenv.Person("John Doe", exampleenv.RunID(), 0)},
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	id := ins.Inserted[0].SkyflowID
	env.DeleteLater(env.Table, id)
	env.Printf("skyflow_id %s\n", id)

	env.Step("update cardholder_name and card_number, asking for tokens")
	upd, err := env.Vault.Update(ctx, facade.UpdateRequest{
		Table:     env.Table,
		SkyflowID: id,
		Fields: map[string]any{
			"cardholder_name": "John Q. Doe",
			"card_number":     "5555555555554444",
		},
		ReturnTokens: true,
	})
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	env.Printf("updated %s, tokens %s\n", upd.SkyflowID, exampleenv.FormatMap(upd.Tokens))

	env.Step("read the record back")
	got, err := env.Vault.Get(ctx, facade.GetRequest{
		Table: env.Table, IDs: []string{id}, Redaction: facade.RedactionPlainText,
		Columns: []string{"cardholder_name", "card_number"},
	})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	env.Printf("%s\n", exampleenv.FormatMap(got.Records[0].Fields))
	if got.Records[0].Fields["cardholder_name"] != "John Q. Doe" {
		return fmt.Errorf("the update did not take effect")
	}
	return nil
}
