// Command delete deletes records by skyflow id and shows that they are
// gone.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "delete", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	runID := exampleenv.RunID()
	env.Step("insert 2 records")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:   env.Table,
		Records: []map[string]any{exampleenv.Person("John Doe", runID, 0), exampleenv.Person("Jane Roe", runID, 1)},
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	ids := []string{ins.Inserted[0].SkyflowID, ins.Inserted[1].SkyflowID}
	env.Printf("skyflow ids %v\n", ids)

	env.Step("delete them")
	del, err := env.Vault.Delete(ctx, facade.DeleteRequest{Table: env.Table, IDs: ids})
	if err != nil {
		env.DeleteLater(env.Table, ids...)
		return fmt.Errorf("delete: %w", err)
	}
	env.Printf("deleted %v (request id %s)\n", del.DeletedIDs, del.RequestID)

	env.Step("get them again")
	got, err := env.Vault.Get(ctx, facade.GetRequest{Table: env.Table, IDs: ids})
	switch {
	case errors.Is(err, skyflow.ErrNotFound):
		env.Printf("not found, as expected: %v\n", err)
	case err != nil:
		return fmt.Errorf("get: %w", err)
	case len(got.Records) == 0:
		env.Printf("no records, as expected\n")
	default:
		return fmt.Errorf("%d deleted record(s) are still there", len(got.Records))
	}
	return nil
}
