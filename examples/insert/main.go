// Command insert inserts records into a vault table and prints the skyflow
// ids and the tokens the vault returns.
//
// Run it with no flags to use the in-process emulator, or see
// examples/internal/exampleenv for the flags that select a real vault.
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
	env, err := exampleenv.Setup(ctx, "insert", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	runID := exampleenv.RunID()
	env.Step("insert 2 records into %s, asking for tokens", env.Table)
	resp, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table: env.Table,
		Records: []map[string]any{
			exampleenv.Person("John Doe", runID, 0),
			exampleenv.Person("Jane Roe", runID, 1),
		},
		ReturnTokens: true,
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	ids := make([]string, 0, len(resp.Inserted))
	for _, rec := range resp.Inserted {
		ids = append(ids, rec.SkyflowID)
		env.Printf("record %d: skyflow_id %s\n", rec.Index, rec.SkyflowID)
		for _, col := range exampleenv.SortedKeys(rec.Tokens) {
			env.Printf("  %-16s token %s\n", col, rec.Tokens[col])
		}
	}
	env.DeleteLater(env.Table, ids...)
	env.Printf("request id: %s\n", resp.RequestID)
	if len(resp.Inserted) != 2 {
		return fmt.Errorf("expected 2 inserted records, got %d", len(resp.Inserted))
	}
	return nil
}
