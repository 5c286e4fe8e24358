package facade_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log"
	"slices"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// The Flow DB examples are compiled but not run: they need a vault. The
// runnable programs examples/flowdb-* start an emulator instead.

func ExampleWithFlowDB() {
	client, err := facade.New(
		// https://<CLUSTER_ID>.skyvault.skyflowapis.com
		facade.WithFlowDB(facade.FlowDBConfig{VaultID: "<VAULT_ID>", ClusterID: "<CLUSTER_ID>", Env: facade.EnvProd}),
		// The same credentials, token exchange and token cache as v2 vaults.
		facade.WithCredentials(auth.Credentials{Path: "credentials.json"}),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}

func ExampleWithFlowDB_invalidConfiguration() {
	// Checked by New, before any network call.
	_, err := facade.New(facade.WithFlowDB(facade.FlowDBConfig{VaultID: "v1", BaseURL: "http://vault.example.com"}))
	fmt.Println(err)
	fmt.Println(errors.Is(err, skyflow.ErrValidation))
	// Output:
	// skyflow: invalid BaseURL: must use https (plain http only on a loopback host: localhost, 127.0.0.0/8, ::1)
	// true
}

func ExampleClient_FlowDB() {
	var client *facade.Client              // from facade.New, see ExampleWithFlowDB
	db, err := client.FlowDB("<VAULT_ID>") // "" selects the first Flow DB vault added
	if err != nil {
		log.Fatal(err)
	}
	_ = db // cheap: obtain it once or per call
}

func ExampleFlowDB_Insert() {
	var db *facade.FlowDB // from client.FlowDB, see ExampleClient_FlowDB
	ctx := context.Background()
	resp, err := db.Insert(ctx, facade.FlowInsertRequest{
		Table: "customers",
		// Update the record with the same email instead of inserting one.
		Upsert: &facade.FlowUpsert{UniqueColumns: []string{"email"}, UpdateType: facade.FlowUpdate},
		Records: []facade.FlowRecord{
			{Data: map[string]any{"name": "John Doe", "email": "john@example.com"}},
			// A token of your own for card_number.
			{Data: map[string]any{"email": "jane@example.com", "card_number": "4111111111111111"},
				Tokens: map[string]string{"card_number": "<YOUR_TOKEN>"}},
		},
	})
	if err != nil {
		log.Fatal(err) // the call failed as a whole; facade.FlowOutcomeOf(err) says what became of the records
	}
	for _, r := range resp.Records {
		if r.Outcome != facade.FlowDone {
			var re *skyflow.RecordError
			if errors.As(r.Err, &re) {
				fmt.Println("record", r.Index, "failed with status", re.StatusCode)
			}
			continue
		}
		for _, t := range r.Tokens["email"] {
			fmt.Println(r.SkyflowID, t.TokenGroup, t.Token)
		}
	}
}

func ExampleFlowDB_Insert_severalTables() {
	var db *facade.FlowDB
	// Without a request-level Table, every record names its own.
	_, err := db.Insert(context.Background(), facade.FlowInsertRequest{Records: []facade.FlowRecord{
		{Table: "customers", Data: map[string]any{"email": "john@example.com"}},
		{Table: "orders", Data: map[string]any{"order_ref": "o-1", "amount": 12.5},
			Upsert: &facade.FlowUpsert{UniqueColumns: []string{"order_ref"}}},
	}})
	if err != nil {
		log.Fatal(err)
	}
}

func ExampleFlowDB_Get() {
	var db *facade.FlowDB
	resp, err := db.Get(context.Background(), facade.FlowGetRequest{
		Table:        "customers",
		IDs:          []string{"<SKYFLOW_ID>"},
		UniqueValues: []map[string]any{{"email": "john@example.com"}},
		Columns:      []string{"name", "card_number"},
		ColumnRedactions: []facade.FlowColumnRedaction{
			{Column: "card_number", Redaction: "mask1"}, // a redaction configured in the vault
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Records {
		if errors.Is(r.Err, skyflow.ErrNotFound) {
			fmt.Println("lookup", r.Index, "found nothing")
		}
	}
}

func ExampleFlowDB_Get_page() {
	var db *facade.FlowDB
	resp, err := db.Get(context.Background(), facade.FlowGetRequest{Table: "customers", Offset: 25, Limit: 25})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resp.Records), "records")
}

func ExampleFlowDB_Update() {
	var db *facade.FlowDB
	resp, err := db.Update(context.Background(), facade.FlowUpdateRequest{
		Table:      "customers",
		UpdateType: facade.FlowReplace, // the columns not sent are cleared
		Records:    []facade.FlowUpdateRecord{{SkyflowID: "<SKYFLOW_ID>", Data: map[string]any{"name": "John Roe"}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Records[0].Outcome)
}

func ExampleFlowDB_Delete() {
	var db *facade.FlowDB
	resp, err := db.Delete(context.Background(), facade.FlowDeleteRequest{
		Table:        "customers",
		IDs:          []string{"<SKYFLOW_ID>"},
		UniqueValues: []map[string]any{{"email": "john@example.com"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Records {
		fmt.Println(r.Index, r.Outcome)
	}
}

func ExampleFlowDB_Query() {
	var db *facade.FlowDB
	resp, err := db.Query(context.Background(), facade.FlowQueryRequest{Query: "SELECT name FROM customers"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Columns, len(resp.Records))
}

func ExampleFlowDB_Detokenize() {
	var db *facade.FlowDB
	resp, err := db.Detokenize(context.Background(), facade.FlowDetokenizeRequest{
		Tokens: []string{"<TOKEN_1>", "<TOKEN_2>"},
		TokenGroupRedactions: []facade.FlowTokenGroupRedaction{
			{TokenGroup: "deterministic_string", Redaction: "plain_text"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range resp.Tokens {
		if t.Outcome == facade.FlowDone {
			fmt.Println(t.Index, t.TokenGroup, t.Value)
		}
	}
}

func ExampleFlowDB_Tokenize() {
	var db *facade.FlowDB
	resp, err := db.Tokenize(context.Background(), facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{
		{Value: "4111111111111111", TokenGroups: []string{"deterministic_string", "nondeterministic_string"}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	v := resp.Values[0]
	fmt.Println(v.Tokens["deterministic_string"])
	for group, err := range v.GroupErrors { // a group can fail alone
		fmt.Println(group, err.StatusCode)
	}
}

func ExampleFlowDB_DeleteTokens() {
	var db *facade.FlowDB
	resp, err := db.DeleteTokens(context.Background(), facade.FlowDeleteTokensRequest{Tokens: []string{"<TOKEN>"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Tokens[0].Outcome)
}

func ExampleFlowDB_Metrics() {
	var db *facade.FlowDB
	resp, err := db.Metrics(context.Background(), facade.FlowMetricsRequest{})
	if err != nil {
		log.Fatal(err)
	}
	for table, m := range resp.Tables {
		fmt.Println(table, m)
	}
}

func ExampleFlowDB_BulkInsert() {
	var db *facade.FlowDB
	ctx := context.Background()
	// Any iterator: rows read from a file or a database stream through in
	// batches of 50, one request at a time (BatchSize, Concurrency).
	var rows iter.Seq[facade.FlowRecord]
	results, err := db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: rows})
	if err != nil {
		log.Fatal(err) // the request is invalid: nothing was sent
	}
	for r := range results {
		switch r.Outcome {
		case facade.FlowDone:
			fmt.Println(r.Index, r.SkyflowID)
		case facade.FlowFailed:
			fmt.Println(r.Index, "not written:", r.Err) // safe to send again once fixed
		case facade.FlowUnknown:
			fmt.Println(r.Index, "may be written:", r.Err) // look it up before sending it again
		}
	}
}

func ExampleFlowDB_BulkDetokenize() {
	var db *facade.FlowDB
	results, err := db.BulkDetokenize(context.Background(), facade.FlowBulkDetokenizeRequest{
		Tokens:      slices.Values([]string{"<TOKEN_1>", "<TOKEN_2>"}),
		BatchSize:   200,
		Concurrency: 4,
	})
	if err != nil {
		log.Fatal(err)
	}
	for r := range results {
		fmt.Println(r.Index, r.Outcome, r.Value)
	}
}

func ExampleFlowDB_BulkTokenize() {
	var db *facade.FlowDB
	values := func(yield func(facade.FlowTokenizeValue) bool) {
		for _, v := range []string{"a@example.com", "b@example.com"} {
			if !yield(facade.FlowTokenizeValue{Value: v, TokenGroups: []string{"deterministic_email"}}) {
				return
			}
		}
	}
	results, err := db.BulkTokenize(context.Background(), facade.FlowBulkTokenizeRequest{Values: values})
	if err != nil {
		log.Fatal(err)
	}
	for r := range results {
		fmt.Println(r.Index, r.Tokens["deterministic_email"])
	}
}

func ExampleFlowDB_BulkDeleteTokens() {
	var db *facade.FlowDB
	results, err := db.BulkDeleteTokens(context.Background(), facade.FlowBulkDeleteTokensRequest{
		Tokens: slices.Values([]string{"<TOKEN_1>", "<TOKEN_2>"}),
	})
	if err != nil {
		log.Fatal(err)
	}
	for r := range results {
		fmt.Println(r.Index, r.Outcome)
	}
}

func ExampleFlowOutcomeOf() {
	var db *facade.FlowDB
	_, err := db.Insert(context.Background(), facade.FlowInsertRequest{Table: "customers",
		Records: []facade.FlowRecord{{Data: map[string]any{"email": "john@example.com"}}}})
	switch facade.FlowOutcomeOf(err) {
	case facade.FlowFailed:
		fmt.Println("nothing was written:", err)
	case facade.FlowUnknown:
		fmt.Println("the answer was lost; the records may be written:", err)
	}
}
