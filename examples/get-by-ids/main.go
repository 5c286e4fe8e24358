// Command get-by-ids inserts two records, reads them back by skyflow id in
// plain text and with each redaction type, then walks them page by page
// with the Records iterator.
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

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

	ins, err := vault.Insert(ctx, facade.InsertRequest{
		Table: "table1",
		Records: []map[string]any{
			{"card_number": "4111111111111111", "cardholder_name": "John Doe", "ssn": "123-45-6789"},
			{"card_number": "5555555555554444", "cardholder_name": "Jane Roe", "ssn": "987-65-4321"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	ids := []string{ins.Inserted[0].SkyflowID, ins.Inserted[1].SkyflowID}

	for _, redaction := range []facade.RedactionType{
		facade.RedactionPlainText, facade.RedactionMasked, facade.RedactionRedacted, facade.RedactionDefault,
	} {
		resp, err := vault.Get(ctx, facade.GetRequest{
			Table:     "table1",
			IDs:       ids[:1],
			Redaction: redaction,
			Columns:   []string{"card_number", "cardholder_name", "ssn"}, // all columns when empty
		})
		if err != nil {
			log.Fatal(err)
		}
		f := resp.Records[0].Fields
		fmt.Printf("%-10s card_number %v, cardholder_name %v, ssn %v\n", redaction, f["card_number"], f["cardholder_name"], f["ssn"])
	}

	// Records fetches page after page (here one record per page) and
	// stops at the first error, which it yields.
	for rec, err := range vault.Records(ctx, facade.GetRequest{Table: "table1", IDs: ids, Limit: 1}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("page:", rec.SkyflowID)
	}

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}
