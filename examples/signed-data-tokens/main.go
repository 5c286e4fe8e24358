// Command signed-data-tokens signs vault tokens with the service account's
// private key (locally, no network call), with a time to live and a ctx
// claim as a string or a map, and detokenizes a signed token.
//
// Detokenizing a signed token needs a bearer token of the same service
// account and policies that allow it; against a real vault without such
// policies the last step reports the server's answer instead of failing.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "signed-data-tokens", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	sa, err := env.ServiceAccount()
	if err != nil {
		return err
	}
	sign := func(ctxClaim any, req auth.SignedDataTokensRequest) ([]auth.SignedDataToken, error) {
		creds := sa.Credentials()
		creds.Context = ctxClaim // the ctx claim is part of the credentials
		return auth.GenerateSignedDataTokens(creds, req)
	}

	env.Step("insert a record to get data tokens")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:        env.Table,
		Records:      []map[string]any{exampleenv.Person("John Doe", exampleenv.RunID(), 0)},
		ReturnTokens: true,
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	rec := ins.Inserted[0]
	env.DeleteLater(env.Table, rec.SkyflowID)
	dataTokens := []string{rec.Tokens["card_number"], rec.Tokens["cardholder_name"]}

	env.Step("sign 2 tokens for 90 seconds with a string ctx")
	signed, err := sign("user_12345", auth.SignedDataTokensRequest{
		DataTokens: dataTokens,
		TimeToLive: 90 * time.Second,
	})
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	for _, s := range signed {
		claims := exampleenv.Claims(s.SignedToken)
		env.Printf("%s -> %s (tok %v, ctx %v)\n", s.DataToken, exampleenv.Abbrev(s.SignedToken), claims["tok"], claims["ctx"])
	}

	env.Step("sign with a map ctx")
	mapped, err := sign(map[string]any{"role": "analyst", "department": "research"}, auth.SignedDataTokensRequest{
		DataTokens: dataTokens[:1],
	}) // TimeToLive 0 means auth.DefaultSignedTokenTTL (60 s)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	claims := exampleenv.Claims(mapped[0].SignedToken)
	env.Printf("%s -> %s (ctx %v)\n", mapped[0].DataToken, exampleenv.Abbrev(mapped[0].SignedToken), claims["ctx"])

	env.Step("detokenize a signed token")
	det, err := env.Vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens: []facade.DetokenizeToken{{Token: signed[0].SignedToken, Redaction: facade.RedactionPlainText}},
	})
	if err != nil {
		if env.Emulated() {
			return fmt.Errorf("detokenize: %w", err)
		}
		env.Printf("the vault refused it (check its context-aware policies): %v\n", err)
		return nil
	}
	env.Printf("signed card_number token -> %s\n", det.Records[0].Value)
	return nil
}
