// Command signed-data-tokens signs vault tokens with the service account's
// private key (locally, no network call), with a time to live and a ctx
// claim, and detokenizes a signed token.
//
// Detokenizing a signed token needs a bearer token of the same service
// account and policies that allow it; against a vault without such policies
// the last step prints the vault's refusal.
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
	sa := auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(sa),
	)
	if err != nil {
		log.Fatal(err)
	}
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}

	ins, err := vault.Insert(ctx, facade.InsertRequest{
		Table:        "table1",
		Records:      []map[string]any{{"card_number": "4111111111111111", "cardholder_name": "John Doe"}},
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	rec := ins.Inserted[0]

	signer := sa
	signer.Context = "user_12345" // the signed tokens' ctx claim
	signed, err := auth.GenerateSignedDataTokens(signer, auth.SignedDataTokensRequest{
		DataTokens: []string{rec.Tokens["card_number"], rec.Tokens["cardholder_name"]},
		TimeToLive: 90 * time.Second, // 0: auth.DefaultSignedTokenTTL (60 s)
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range signed {
		fmt.Printf("signed %s: %v\n", s.DataToken, s) // prints the expiry, never the signed token
	}

	det, err := vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens: []facade.DetokenizeToken{{Token: signed[0].SignedToken, Redaction: facade.RedactionPlainText}},
	})
	if err != nil {
		fmt.Println("the vault refused the signed token (check its policies):", err)
	} else {
		fmt.Println("signed card_number token ->", det.Records[0].Value)
	}

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{rec.SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
