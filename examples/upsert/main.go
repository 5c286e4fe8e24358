// Command upsert inserts a record, then inserts it again with a changed
// name using Upsert on the unique column "email": the vault updates the
// existing record instead of creating a second one.
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
	env, err := exampleenv.Setup(ctx, "upsert", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	person := exampleenv.Person("John Doe", exampleenv.RunID(), 0)

	env.Step("insert a record")
	first, err := env.Vault.Insert(ctx, facade.InsertRequest{Table: env.Table, Records: []map[string]any{person}})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	id := first.Inserted[0].SkyflowID
	env.DeleteLater(env.Table, id)
	env.Printf("inserted skyflow_id %s\n", id)

	env.Step("insert again with the same email and a new name, upserting on email")
	changed := map[string]any{"email": person["email"], "cardholder_name": "John Q. Doe"}
	second, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:   env.Table,
		Records: []map[string]any{changed},
		Upsert:  "email", // must be a unique column
	})
	if err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	env.Printf("upsert returned skyflow_id %s (same record: %t)\n", second.Inserted[0].SkyflowID, second.Inserted[0].SkyflowID == id)

	got, err := env.Vault.Get(ctx, facade.GetRequest{
		Table: env.Table, IDs: []string{id}, Redaction: facade.RedactionPlainText,
		Columns: []string{"cardholder_name", "email"},
	})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	name := got.Records[0].Fields["cardholder_name"]
	env.Printf("cardholder_name is now %q\n", name)
	if second.Inserted[0].SkyflowID != id || name != "John Q. Doe" {
		return fmt.Errorf("upsert did not update the existing record")
	}
	return nil
}
