// Command get-by-ids reads records by skyflow id, once per redaction type,
// to show what PLAIN_TEXT, MASKED, REDACTED and DEFAULT return.
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
	env, err := exampleenv.Setup(ctx, "get-by-ids", args, stdout)
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
	env.DeleteLater(env.Table, ids...)
	env.Printf("skyflow ids %v\n", ids)

	env.Step("get both records in plain text")
	resp, err := env.Vault.Get(ctx, facade.GetRequest{Table: env.Table, IDs: ids, Redaction: facade.RedactionPlainText})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	for _, r := range resp.Records {
		env.Printf("%s %s\n", r.SkyflowID, exampleenv.FormatMap(r.Fields))
	}
	if len(resp.Records) != 2 {
		return fmt.Errorf("expected 2 records, got %d", len(resp.Records))
	}

	for _, red := range []facade.RedactionType{facade.RedactionMasked, facade.RedactionRedacted, facade.RedactionDefault} {
		env.Step("get the first record with redaction %s", red)
		one, err := env.Vault.Get(ctx, facade.GetRequest{
			Table: env.Table, IDs: ids[:1], Redaction: red,
			Columns: []string{"card_number", "cardholder_name", "ssn", "dob"},
		})
		if err != nil {
			return fmt.Errorf("get %s: %w", red, err)
		}
		env.Printf("%s\n", exampleenv.FormatMap(one.Records[0].Fields))
	}
	return nil
}
