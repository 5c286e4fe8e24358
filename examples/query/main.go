// Command query runs SQL SELECT statements against the vault.
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
	env, err := exampleenv.Setup(ctx, "query", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	runID := exampleenv.RunID()
	john := exampleenv.Person("John Doe", runID, 0)
	env.Step("insert 2 records")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:   env.Table,
		Records: []map[string]any{john, exampleenv.Person("Jane Roe", runID, 1)},
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	env.DeleteLater(env.Table, ins.Inserted[0].SkyflowID, ins.Inserted[1].SkyflowID)

	// Values in a query are SQL literals: never build a query from untrusted
	// input. The ids and email here come from our own insert.
	queries := []string{
		fmt.Sprintf("SELECT * FROM %s WHERE skyflow_id = '%s'", env.Table, ins.Inserted[0].SkyflowID),
		fmt.Sprintf("SELECT cardholder_name, email FROM %s WHERE email = '%s' OR skyflow_id = '%s'",
			env.Table, john["email"], ins.Inserted[1].SkyflowID),
	}
	want := []int{1, 2}
	for i, q := range queries {
		env.Step("%s", q)
		resp, err := env.Vault.Query(ctx, facade.QueryRequest{Query: q})
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		for _, r := range resp.Records {
			env.Printf("%s\n", exampleenv.FormatMap(r.Fields))
		}
		if len(resp.Records) != want[i] {
			return fmt.Errorf("expected %d row(s), got %d", want[i], len(resp.Records))
		}
	}

	env.Step("only SELECT is accepted; anything else fails before any call")
	_, err = env.Vault.Query(ctx, facade.QueryRequest{Query: "DELETE FROM " + env.Table})
	env.Printf("error: %v\n", err)
	if err == nil {
		return fmt.Errorf("expected a validation error")
	}
	return nil
}
