// Command flowdb-records works with the records of a Flow DB vault: an
// insert into two tables with a token of your own, an upsert, gets by
// skyflow id, by unique value and page by page with column redactions, an
// update that replaces a record, a query, the vault's metrics and a delete.
// Every record of a call comes back with its own outcome.
//
// Environment: see examples/README.md (SKYFLOW_FLOWDB_VAULT_ID,
// SKYFLOW_FLOWDB_URL, SKYFLOW_CREDENTIALS).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	client, err := facade.New(
		facade.WithFlowDB(facade.FlowDBConfig{
			VaultID: os.Getenv("SKYFLOW_FLOWDB_VAULT_ID"),
			BaseURL: os.Getenv("SKYFLOW_FLOWDB_URL"), // https://<cluster id>.skyvault.skyflowapis.com
		}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
	)
	if err != nil {
		log.Fatal(err)
	}
	db, err := client.FlowDB("") // "": the first Flow DB vault configured
	if err != nil {
		log.Fatal(err)
	}
	// Unique values per run, so the example can run again on a real vault
	// (email and order_ref are unique columns).
	run := fmt.Sprint(time.Now().UnixNano())
	email := func(name string) string { return name + "." + run + "@example.com" }

	// Insert into two tables in one call, with a token of our own for a
	// card number. The vault writes every record it can: each one comes
	// back done or failed.
	ownToken := "own-" + run
	ins, err := db.Insert(ctx, facade.FlowInsertRequest{Records: []facade.FlowRecord{
		{Table: "customers", Data: map[string]any{"name": "John Doe", "email": email("john"), "card_number": "4111111111111111", "ssn": "123-45-6789", "age": 41},
			Tokens: map[string]string{"card_number": ownToken}},
		{Table: "customers", Data: map[string]any{"name": "Jane Roe", "email": email("jane"), "card_number": "5555555555554444"}},
		{Table: "customers", Data: map[string]any{"name": "Jim Duplicate", "email": email("john")}}, // fails alone: email is unique
		{Table: "orders", Data: map[string]any{"order_ref": "order-" + run, "customer_email": email("john"), "amount": 42.5}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	var ids []string // the customers' skyflow ids
	for _, r := range ins.Records {
		if r.Outcome != facade.FlowDone {
			var re *skyflow.RecordError
			if !errors.As(r.Err, &re) {
				log.Fatalf("record %d: %v", r.Index, r.Err)
			}
			fmt.Printf("record %d (%s): failed with status %d: %s\n", r.Index, r.Table, re.StatusCode, re.Message)
			continue
		}
		fmt.Printf("record %d (%s): skyflow id %s, tokenized columns %v\n", r.Index, r.Table, r.SkyflowID, slices.Sorted(maps.Keys(r.Tokens)))
		if r.Table == "customers" {
			ids = append(ids, r.SkyflowID)
		}
	}
	if len(ids) != 2 || ins.Records[2].Outcome != facade.FlowFailed {
		log.Fatal("expected two customers and one failed record")
	}
	for _, t := range ins.Records[0].Tokens["card_number"] {
		fmt.Printf("card number token in group %s: ours? %t\n", t.TokenGroup, t.Token == ownToken)
	}

	// Upsert by email: update John's age, keep his other columns.
	up, err := db.Insert(ctx, facade.FlowInsertRequest{
		Table:   "customers",
		Upsert:  &facade.FlowUpsert{UniqueColumns: []string{"email"}, UpdateType: facade.FlowUpdate},
		Records: []facade.FlowRecord{{Data: map[string]any{"email": email("john"), "age": 42}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("upserted the same record: %t\n", up.Records[0].SkyflowID == ids[0])

	// Get by skyflow id and by unique value, with column redactions; an
	// unknown id fails alone.
	got, err := db.Get(ctx, facade.FlowGetRequest{
		Table:        "customers",
		IDs:          []string{ids[0], "no-such-id"},
		UniqueValues: []map[string]any{{"email": email("jane")}},
		Columns:      []string{"name", "card_number", "ssn", "age"},
		ColumnRedactions: []facade.FlowColumnRedaction{
			{Column: "card_number", Redaction: "mask1"},
			{Column: "ssn", Redaction: "redacted"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range got.Records {
		if r.Outcome == facade.FlowDone {
			fmt.Printf("lookup %d: %v\n", r.Index, r.Data)
		} else {
			fmt.Printf("lookup %d: not found (%t)\n", r.Index, errors.Is(r.Err, skyflow.ErrNotFound))
		}
	}

	// Get across two tables in one call, then a page of a table.
	multi, err := db.Get(ctx, facade.FlowGetRequest{Tables: []facade.FlowGetTable{
		{Table: "customers", IDs: ids[1:], Columns: []string{"name"}},
		{Table: "orders", UniqueValues: []map[string]any{{"order_ref": "order-" + run}}, Columns: []string{"amount"}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range multi.Records {
		fmt.Printf("%s: %v\n", r.Table, r.Data)
	}
	page, err := db.Get(ctx, facade.FlowGetRequest{Table: "customers", Limit: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("a page of %d record(s)\n", len(page.Records))

	// Update: replace Jane's record (the columns not sent are cleared).
	upd, err := db.Update(ctx, facade.FlowUpdateRequest{
		Table:      "customers",
		UpdateType: facade.FlowReplace,
		Records:    []facade.FlowUpdateRecord{{SkyflowID: ids[1], Data: map[string]any{"name": "Jane Roe", "email": email("jane")}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("update: %s\n", upd.Records[0].Outcome)

	q, err := db.Query(ctx, facade.FlowQueryRequest{Query: "SELECT name, age FROM customers WHERE email = '" + email("john") + "'"})
	if err != nil {
		log.Fatal(err)
	}
	for _, rec := range q.Records {
		fmt.Printf("query: %v\n", rec)
	}

	m, err := db.Metrics(ctx, facade.FlowMetricsRequest{})
	if err != nil {
		log.Fatal(err)
	}
	for _, table := range slices.Sorted(maps.Keys(m.Tables)) {
		fmt.Printf("metrics of %s: %v\n", table, m.Tables[table])
	}

	// Delete by skyflow id and by unique value: leave the vault as it was.
	del, err := db.Delete(ctx, facade.FlowDeleteRequest{Table: "customers", IDs: ids[:1], UniqueValues: []map[string]any{{"email": email("jane")}}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range del.Records {
		fmt.Printf("delete %d: %s\n", r.Index, r.Outcome)
	}
	if _, err := db.Delete(ctx, facade.FlowDeleteRequest{Table: "orders", UniqueValues: []map[string]any{{"order_ref": "order-" + run}}}); err != nil {
		log.Fatal(err)
	}
}
