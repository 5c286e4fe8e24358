// Command flowdb-tokens works with the tokens of a Flow DB vault: it
// detokenizes a record's tokens with a redaction per token group,
// tokenizes values into token groups (a deterministic group gives a value
// the same token every time), and deletes tokens. Every token of a call
// comes back with its own outcome.
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
	db, err := client.FlowDB("")
	if err != nil {
		log.Fatal(err)
	}
	run := fmt.Sprint(time.Now().UnixNano()) // keeps the unique email unique across runs

	// Insert a customer: each tokenized column gets one token per token
	// group.
	ins, err := db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: []facade.FlowRecord{
		{Data: map[string]any{"name": "John Doe", "email": "john." + run + "@example.com", "card_number": "4111111111111111"}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	rec := ins.Records[0]
	if rec.Err != nil {
		log.Fatal(rec.Err)
	}
	var tokens []string
	for _, col := range []string{"card_number", "email"} {
		for _, t := range rec.Tokens[col] {
			fmt.Printf("%s: a token in group %s\n", col, t.TokenGroup)
			tokens = append(tokens, t.Token)
		}
	}

	// Detokenize with a redaction per token group (the others get their
	// group's default), and one unknown token, which fails alone.
	det, err := db.Detokenize(ctx, facade.FlowDetokenizeRequest{
		Tokens: append(tokens, "no-such-token-"+run),
		TokenGroupRedactions: []facade.FlowTokenGroupRedaction{
			{TokenGroup: "deterministic_string", Redaction: "mask1"},
			{TokenGroup: "deterministic_email", Redaction: "masked"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range det.Tokens {
		var re *skyflow.RecordError
		switch {
		case t.Outcome == facade.FlowDone:
			fmt.Printf("token %d (%s): %v\n", t.Index, t.TokenGroup, t.Value)
		case errors.As(t.Err, &re):
			fmt.Printf("token %d: failed with status %d\n", t.Index, re.StatusCode)
		default:
			log.Fatalf("token %d: %v", t.Index, t.Err)
		}
	}

	// Tokenize into token groups; an unknown group fails alone.
	value := "5555-" + run
	tok, err := db.Tokenize(ctx, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{
		{Value: value, TokenGroups: []string{"deterministic_string", "nondeterministic_string"}},
		{Value: value, TokenGroups: []string{"deterministic_string", "no_such_group"}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	first, second := tok.Values[0], tok.Values[1]
	fmt.Printf("value 0: %s, tokens in %v\n", first.Outcome, slices.Sorted(maps.Keys(first.Tokens)))
	fmt.Printf("value 1: %s, tokens in %v, failed groups %v\n", second.Outcome,
		slices.Sorted(maps.Keys(second.Tokens)), slices.Sorted(maps.Keys(second.GroupErrors)))
	fmt.Printf("the deterministic group gave the same token twice: %t\n",
		first.Tokens["deterministic_string"] == second.Tokens["deterministic_string"])

	// Delete a token: it no longer detokenizes (the record keeps its value).
	gone := first.Tokens["nondeterministic_string"]
	del, err := db.DeleteTokens(ctx, facade.FlowDeleteTokensRequest{Tokens: []string{gone}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("delete: %s\n", del.Tokens[0].Outcome)
	again, err := db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{gone}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("detokenize the deleted token: %s (not found: %t)\n", again.Tokens[0].Outcome, errors.Is(again.Tokens[0].Err, skyflow.ErrNotFound))

	// Leave the vault as it was.
	if _, err := db.Delete(ctx, facade.FlowDeleteRequest{Table: "customers", IDs: []string{rec.SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
