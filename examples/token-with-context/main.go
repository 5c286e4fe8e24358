// Command token-with-context mints bearer tokens carrying a ctx claim, for
// context-aware authorization: a string when policies need one value, a map
// when they need several (each key becomes request.context.<key> in
// Skyflow policies).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "token-with-context", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	sa, err := env.ServiceAccount()
	if err != nil {
		return err
	}
	generate := func(ctxClaim any) (*auth.Token, error) {
		creds := sa.Credentials()
		creds.Context = ctxClaim // the ctx claim is part of the credentials
		return auth.GenerateBearerToken(ctx, creds)
	}
	show := func(tok *auth.Token) {
		env.Printf("got %v: %s\n", tok, exampleenv.Abbrev(tok.AccessToken))
		if ctxClaim, ok := exampleenv.Claims(tok.AccessToken)["ctx"]; ok {
			env.Printf("  the token's ctx claim: %v\n", ctxClaim)
		}
	}

	env.Step("ctx as a string")
	tok, err := generate("user_12345")
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	show(tok)

	env.Step("ctx as a map")
	tok, err = generate(map[string]any{
		"role":       "admin",
		"department": "finance",
		"user_id":    "user_12345",
	})
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	show(tok)

	env.Step("map keys must match ^[a-zA-Z0-9_]+$; others fail before any call")
	_, err = generate(map[string]any{"user-id": "user_12345"})
	var ve *skyflow.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("expected a validation error, got %v", err)
	}
	env.Printf("field %s: %s\n", ve.Field, ve.Reason)

	env.Step("a client whose tokens carry a ctx claim")
	creds := auth.Credentials{Path: sa.Path, CredentialsJSON: sa.JSON, Context: map[string]any{"user_id": "user_12345"}}
	client, err := facade.New(facade.WithVault(env.VaultConfig()), facade.WithCredentials(creds))
	if err != nil {
		return err
	}
	vault, err := client.Vault("")
	if err != nil {
		return err
	}
	ins, err := vault.Insert(ctx, facade.InsertRequest{
		Table:   env.Table,
		Records: []map[string]any{exampleenv.Person("John Doe", exampleenv.RunID(), 0)},
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	env.DeleteLater(env.Table, ins.Inserted[0].SkyflowID)
	env.Printf("inserted %s as user_12345\n", ins.Inserted[0].SkyflowID)
	return nil
}
