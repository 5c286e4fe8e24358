// Command bearer-token mints a service-account bearer token, reads its
// expiry, builds a caching token source, and makes a call with the token as
// static credentials.
//
// Applications rarely need this: a client configured with service-account
// credentials mints, caches and refreshes tokens itself. Use these functions
// to hand a token to another process or tool.
//
// Environment: see examples/README.md.
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
	sa := auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")} // or Path: "credentials.json"

	// One token exchange per call.
	tok, err := auth.GenerateBearerToken(ctx, sa)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("minted:", tok)            // the type and expiry; the token itself is tok.AccessToken
	exp, _ := auth.Expiry(tok.AccessToken) // the exp claim, read without verifying the signature
	fmt.Printf("expires in %s; expired: %t\n", time.Until(exp).Round(time.Minute), auth.IsExpired(tok.AccessToken))

	// A source that caches the token and refreshes it before it expires.
	ts, err := auth.NewTokenSource(sa)
	if err != nil {
		log.Fatal(err)
	}
	first, err := ts.Token(ctx)
	if err != nil {
		log.Fatal(err)
	}
	second, err := ts.Token(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("the source returned the cached token the second time:", first == second)

	// The token as static credentials: used as is until it expires.
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(auth.Credentials{Token: tok.AccessToken}),
	)
	if err != nil {
		log.Fatal(err)
	}
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}
	ins, err := vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{{"cardholder_name": "John Doe"}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("inserted with the bearer token:", ins.Inserted[0].SkyflowID)

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{ins.Inserted[0].SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
