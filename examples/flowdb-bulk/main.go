// Command flowdb-bulk sends large inputs to a Flow DB vault: a bulk insert
// read from an iterator (records are generated as the batches go, never
// held all at once), then bulk tokenize, bulk detokenize and bulk delete
// tokens. Every input element is reported with its index and one outcome:
// done, failed (with the vault's reason) or unknown (the answer was lost).
//
// Environment: see examples/README.md (SKYFLOW_FLOWDB_VAULT_ID,
// SKYFLOW_FLOWDB_URL, SKYFLOW_CREDENTIALS).
package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log"
	"os"
	"strconv"
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
	db, err := client.FlowDB("")
	if err != nil {
		log.Fatal(err)
	}
	run := fmt.Sprint(time.Now().UnixNano()) // keeps the unique emails unique across runs

	// Bulk insert 250 records from an iterator, with the defaults: batches
	// of facade.DefaultFlowBatchSize, facade.DefaultFlowConcurrency request
	// at a time. Every record is reported once, in input order.
	results, err := db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: customers(run, 250)})
	if err != nil {
		log.Fatal(err) // the request itself is invalid: nothing was sent
	}
	counts := map[facade.FlowOutcome]int{}
	var ids []string
	for r := range results {
		counts[r.Outcome]++
		switch r.Outcome {
		case facade.FlowDone:
			ids = append(ids, r.SkyflowID)
		case facade.FlowFailed:
			var re *skyflow.RecordError
			if errors.As(r.Err, &re) {
				fmt.Printf("record %d: refused by the vault, status %d\n", r.Index, re.StatusCode)
			} else {
				fmt.Printf("record %d: not sent: invalid: %t\n", r.Index, errors.Is(r.Err, skyflow.ErrValidation))
			}
		case facade.FlowUnknown:
			fmt.Printf("record %d: outcome unknown (%v): look it up before sending it again\n", r.Index, r.Err)
		}
	}
	fmt.Printf("done %d, failed %d, unknown %d\n", counts[facade.FlowDone], counts[facade.FlowFailed], counts[facade.FlowUnknown])

	// Bulk tokenize 120 values, 40 a request, 3 requests at a time.
	values := func(yield func(facade.FlowTokenizeValue) bool) {
		for i := range 120 {
			if !yield(facade.FlowTokenizeValue{Value: "secret-" + strconv.Itoa(i) + "-" + run, TokenGroups: []string{"nondeterministic_string"}}) {
				return
			}
		}
	}
	tokenized, err := db.BulkTokenize(ctx, facade.FlowBulkTokenizeRequest{Values: values, BatchSize: 40, Concurrency: 3})
	if err != nil {
		log.Fatal(err)
	}
	var tokens []string
	for r := range tokenized {
		if r.Outcome != facade.FlowDone {
			log.Fatalf("value %d: %v", r.Index, r.Err)
		}
		tokens = append(tokens, r.Tokens["nondeterministic_string"])
	}
	fmt.Printf("%d tokens\n", len(tokens))

	// Bulk detokenize two of them, masked, and one unknown token.
	detokenized, err := db.BulkDetokenize(ctx, facade.FlowBulkDetokenizeRequest{
		Tokens: func(yield func(string) bool) {
			_ = yield(tokens[0]) && yield(tokens[119]) && yield("no-such-token-"+run)
		},
		TokenGroupRedactions: []facade.FlowTokenGroupRedaction{{TokenGroup: "nondeterministic_string", Redaction: "masked"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for r := range detokenized {
		if r.Outcome == facade.FlowDone {
			fmt.Printf("token %d: %v\n", r.Index, r.Value)
		} else {
			fmt.Printf("token %d: %s (not found: %t)\n", r.Index, r.Outcome, errors.Is(r.Err, skyflow.ErrNotFound))
		}
	}

	// Bulk delete the tokens.
	deleted, err := db.BulkDeleteTokens(ctx, facade.FlowBulkDeleteTokensRequest{Tokens: func(yield func(string) bool) {
		for _, t := range tokens {
			if !yield(t) {
				return
			}
		}
	}})
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for r := range deleted {
		if r.Outcome != facade.FlowDone {
			log.Fatalf("token %d: %v", r.Index, r.Err)
		}
		n++
	}
	fmt.Printf("%d tokens deleted\n", n)

	// Leave the vault as it was: delete the records, 100 a request.
	for lo := 0; lo < len(ids); lo += 100 {
		if _, err := db.Delete(ctx, facade.FlowDeleteRequest{Table: "customers", IDs: ids[lo:min(lo+100, len(ids))]}); err != nil {
			log.Fatal(err)
		}
	}
}

// customers yields n customer records, generated as they are read: one of
// them a duplicate (its email is already used by the first) and one
// invalid (no columns).
func customers(run string, n int) iter.Seq[facade.FlowRecord] {
	return func(yield func(facade.FlowRecord) bool) {
		for i := range n {
			data := map[string]any{
				"name":        "Customer " + strconv.Itoa(i),
				"email":       "c" + strconv.Itoa(i) + "." + run + "@example.com",
				"card_number": fmt.Sprintf("4111%012d", i),
			}
			switch i {
			case 70:
				data["email"] = "c0." + run + "@example.com"
			case 130:
				data = map[string]any{}
			}
			if !yield(facade.FlowRecord{Data: data}) {
				return
			}
		}
	}
}
