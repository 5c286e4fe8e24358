// Command insert-continue-on-error inserts a batch in which one record is
// bad. With ContinueOnError the good records are inserted and the bad one
// is reported in the response, with its own status and request id, instead
// of failing the whole call.
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
	env, err := exampleenv.Setup(ctx, "insert-continue-on-error", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	runID := exampleenv.RunID()
	bad := exampleenv.Person("Bad Record", runID, 1)
	bad["no_such_column"] = "this column is not in the schema"

	env.Step("insert 3 records with ContinueOnError; record 1 names an unknown column")
	resp, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table: env.Table,
		Records: []map[string]any{
			exampleenv.Person("John Doe", runID, 0),
			bad,
			exampleenv.Person("Jane Roe", runID, 2),
		},
		ReturnTokens:    true,
		ContinueOnError: true,
	})
	if err != nil {
		// Only returned when the request failed as a whole.
		return fmt.Errorf("insert: %w", err)
	}
	var ids []string
	for _, rec := range resp.Inserted {
		ids = append(ids, rec.SkyflowID)
		env.Printf("inserted record %d: skyflow_id %s\n", rec.Index, rec.SkyflowID)
	}
	env.DeleteLater(env.Table, ids...)
	for _, e := range resp.Errors {
		env.Printf("failed   record %d: status %d: %s (request id %s)\n", e.Index, e.StatusCode, e.Message, e.RequestID)
	}
	if len(resp.Inserted) != 2 || len(resp.Errors) != 1 || resp.Errors[0].Index != 1 {
		return fmt.Errorf("expected records 0 and 2 inserted and record 1 failed, got %d inserted and %d failed",
			len(resp.Inserted), len(resp.Errors))
	}
	return nil
}
