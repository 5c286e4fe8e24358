// Command get-by-column-values looks records up by the values of a unique
// column (email) instead of by skyflow id.
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
	env, err := exampleenv.Setup(ctx, "get-by-column-values", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	runID := exampleenv.RunID()
	john, jane := exampleenv.Person("John Doe", runID, 0), exampleenv.Person("Jane Roe", runID, 1)
	env.Step("insert 2 records")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{Table: env.Table, Records: []map[string]any{john, jane}})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	env.DeleteLater(env.Table, ins.Inserted[0].SkyflowID, ins.Inserted[1].SkyflowID)

	emails := []string{john["email"].(string), jane["email"].(string)}
	env.Step("get by email %v", emails)
	resp, err := env.Vault.Get(ctx, facade.GetRequest{
		Table:        env.Table,
		Column:       "email",
		ColumnValues: emails,
		Redaction:    facade.RedactionPlainText,
		Columns:      []string{"cardholder_name", "email"},
	})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	for _, r := range resp.Records {
		env.Printf("%s %s\n", r.SkyflowID, exampleenv.FormatMap(r.Fields))
	}
	if len(resp.Records) != 2 {
		return fmt.Errorf("expected 2 records, got %d", len(resp.Records))
	}
	return nil
}
