// Command flowdb-records works with the records of a Flow DB vault: an
// insert into two tables with a token of your own, an upsert, gets by
// skyflow id, by unique value and page by page with column redactions, an
// update that replaces a record, a query, the vault's metrics and a delete.
// Every record of a call comes back with its own outcome.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/examples/internal/flowdbenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := flowdbenv.Setup(ctx, "flowdb-records", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	client, err := facade.New(facade.WithFlowDB(env.Config), facade.WithLogLevel(facade.LogLevelError))
	if err != nil {
		return err
	}
	db, err := client.FlowDB("")
	if err != nil {
		return err
	}
	run := exampleenv.RunID()
	email := func(name string) string { return name + "." + run + "@example.com" }

	env.Step("insert into two tables in one call, with a token of our own for a card number")
	ownToken := "own-" + run
	ins, err := db.Insert(ctx, facade.FlowInsertRequest{Records: []facade.FlowRecord{
		{Table: "customers", Data: map[string]any{"name": "John Doe", "email": email("john"), "card_number": "4111111111111111", "ssn": "123-45-6789", "age": 41},
			Tokens: map[string]string{"card_number": ownToken}},
		{Table: "customers", Data: map[string]any{"name": "Jane Roe", "email": email("jane"), "card_number": "5555555555554444"}},
		{Table: "customers", Data: map[string]any{"name": "Jim Duplicate", "email": email("john")}}, // fails alone: email is unique
		{Table: "orders", Data: map[string]any{"order_ref": "order-" + run, "customer_email": email("john"), "amount": 42.5}},
	}})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	var ids []string
	for _, r := range ins.Records {
		if r.Outcome != facade.FlowDone {
			var re *skyflow.RecordError
			if !errors.As(r.Err, &re) {
				return fmt.Errorf("record %d: %w", r.Index, r.Err)
			}
			env.Printf("record %d (%s): failed with status %d: %s\n", r.Index, r.Table, re.StatusCode, re.Message)
			continue
		}
		env.Printf("record %d (%s): skyflow id %s, tokenized columns %v\n", r.Index, r.Table, r.SkyflowID, exampleenv.SortedKeys(r.Tokens))
		if r.Table == "customers" {
			ids = append(ids, r.SkyflowID)
		}
	}
	if len(ids) != 2 || ins.Records[2].Outcome != facade.FlowFailed {
		return errors.New("expected two customers and one failed record")
	}
	for _, t := range ins.Records[0].Tokens["card_number"] {
		env.Printf("card number token in group %s: ours? %t\n", t.TokenGroup, t.Token == ownToken)
	}

	env.Step("upsert by email: update John's age, keep the other columns")
	up, err := db.Insert(ctx, facade.FlowInsertRequest{Table: "customers",
		Upsert:  &facade.FlowUpsert{UniqueColumns: []string{"email"}, UpdateType: facade.FlowUpdate},
		Records: []facade.FlowRecord{{Data: map[string]any{"email": email("john"), "age": 42}}}})
	if err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	env.Printf("upserted the same record: %t\n", up.Records[0].SkyflowID == ids[0])

	env.Step("get by skyflow id and by unique value, with column redactions")
	got, err := db.Get(ctx, facade.FlowGetRequest{Table: "customers",
		IDs:              []string{ids[0], "no-such-id"},
		UniqueValues:     []map[string]any{{"email": email("jane")}},
		Columns:          []string{"name", "card_number", "ssn", "age"},
		ColumnRedactions: []facade.FlowColumnRedaction{{Column: "card_number", Redaction: "mask1"}, {Column: "ssn", Redaction: "redacted"}}})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	for _, r := range got.Records {
		if r.Outcome == facade.FlowDone {
			env.Printf("lookup %d: %s\n", r.Index, exampleenv.FormatMap(r.Data))
		} else {
			env.Printf("lookup %d: not found (%v)\n", r.Index, errors.Is(r.Err, skyflow.ErrNotFound))
		}
	}

	env.Step("get across two tables, and a page of a table")
	multi, err := db.Get(ctx, facade.FlowGetRequest{Tables: []facade.FlowGetTable{
		{Table: "customers", IDs: ids[1:], Columns: []string{"name"}},
		{Table: "orders", UniqueValues: []map[string]any{{"order_ref": "order-" + run}}, Columns: []string{"amount"}},
	}})
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	for _, r := range multi.Records {
		env.Printf("%s: %s\n", r.Table, exampleenv.FormatMap(r.Data))
	}
	page, err := db.Get(ctx, facade.FlowGetRequest{Table: "customers", Limit: 1})
	if err != nil {
		return fmt.Errorf("get a page: %w", err)
	}
	env.Printf("a page of %d record(s)\n", len(page.Records))

	env.Step("update: replace Jane's record (the columns not sent are cleared)")
	upd, err := db.Update(ctx, facade.FlowUpdateRequest{Table: "customers", UpdateType: facade.FlowReplace,
		Records: []facade.FlowUpdateRecord{{SkyflowID: ids[1], Data: map[string]any{"name": "Jane Roe", "email": email("jane")}}}})
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	env.Printf("update: %s\n", upd.Records[0].Outcome)

	env.Step("query")
	q, err := db.Query(ctx, facade.FlowQueryRequest{Query: "SELECT name, age FROM customers WHERE email = '" + email("john") + "'"})
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	for _, rec := range q.Records {
		env.Printf("%s\n", exampleenv.FormatMap(rec))
	}

	env.Step("metrics")
	m, err := db.Metrics(ctx, facade.FlowMetricsRequest{})
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	for _, table := range exampleenv.SortedKeys(m.Tables) {
		env.Printf("%s: %v\n", table, m.Tables[table])
	}

	env.Step("delete by skyflow id and by unique value")
	del, err := db.Delete(ctx, facade.FlowDeleteRequest{Table: "customers", IDs: ids[:1], UniqueValues: []map[string]any{{"email": email("jane")}}})
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if _, err := db.Delete(ctx, facade.FlowDeleteRequest{Table: "orders", UniqueValues: []map[string]any{{"order_ref": "order-" + run}}}); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	for _, r := range del.Records {
		env.Printf("delete %d: %s\n", r.Index, r.Outcome)
	}
	return nil
}
