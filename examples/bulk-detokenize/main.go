// Command bulk-detokenize inserts 60 records with BulkInsert, then turns
// their card tokens (and one unknown token) back into values with
// BulkDetokenize: the tokens stream in, 25 per request, and every input
// token gets one result, its value or why there is none.
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"slices"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
	)
	if err != nil {
		log.Fatal(err)
	}
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}

	cards := func(yield func(map[string]any) bool) {
		for i := range 60 {
			if !yield(map[string]any{"card_number": fmt.Sprintf("4111%012d", i)}) {
				return
			}
		}
	}
	inserted, err := vault.BulkInsert(ctx, facade.BulkInsertRequest{Table: "table1", Records: facade.BulkFields(cards), ReturnTokens: true})
	if err != nil {
		log.Fatal(err)
	}
	var ids []string
	var tokens []facade.DetokenizeToken
	for r := range inserted {
		if r.Outcome != facade.Written {
			log.Fatalf("record %d: %v: %v", r.Index, r.Outcome, r.Err)
		}
		ids = append(ids, r.SkyflowID)
		tokens = append(tokens, facade.DetokenizeToken{Token: r.Tokens["card_number"], Redaction: facade.RedactionMasked})
	}
	tokens = append(tokens, facade.DetokenizeToken{Token: "no-such-token"})

	results, err := vault.BulkDetokenize(ctx, facade.BulkDetokenizeRequest{Tokens: slices.Values(tokens)})
	if err != nil {
		log.Fatal(err)
	}
	values := 0
	for r := range results { // in input order
		switch {
		case r.Err != nil:
			fmt.Printf("token %d: %v\n", r.Index, r.Err)
		case r.Index < 2:
			fmt.Printf("token %d: %s\n", r.Index, r.Value)
			values++
		default:
			values++
		}
	}
	fmt.Printf("%d values for %d tokens\n", values, len(tokens))

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}
