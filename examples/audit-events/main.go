// Command audit-events makes a few calls, then lists the vault's audit
// events: one page with ListAuditEvents, and every matching event with the
// AuditEvents iterator, which follows the pages itself. Events say who did
// what and when; they never hold record values.
//
// Environment: see examples/README.md; SKYFLOW_ACCOUNT_ID is the account
// whose events to list.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

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

	since := time.Now().Add(-time.Minute)
	ins, err := vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{{"cardholder_name": "John Doe"}}})
	if err != nil {
		log.Fatal(err)
	}
	id := ins.Inserted[0].SkyflowID
	if _, err := vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: []string{id}}); err != nil {
		log.Fatal(err)
	}

	req := facade.AuditEventsRequest{AccountID: os.Getenv("SKYFLOW_ACCOUNT_ID"), Since: since, PageSize: 1}
	page, err := vault.ListAuditEvents(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("first page: %d event(s), more to come: %t\n", len(page.Events), page.Next != nil)

	n := 0
	for e, err := range vault.AuditEvents(ctx, req) {
		if err != nil {
			log.Fatal(err)
		}
		n++
		fmt.Printf("%s %s %s by %s (%s): %d\n", e.Time.Format(time.TimeOnly), e.HTTPMethod, e.HTTPPath, e.ActorType, e.AuthMode, e.ResponseCode)
	}
	fmt.Println("events:", n)

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{id}}); err != nil {
		log.Fatal(err)
	}
}
