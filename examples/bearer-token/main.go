// Command bearer-token mints service-account bearer tokens, from a
// credentials file and from a credentials JSON string, and makes a call
// with one of them.
//
// Applications rarely need this: a client configured with service-account
// credentials mints, caches and refreshes tokens itself. Use these functions
// to hand a token to another process or tool.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "bearer-token", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	sa, err := env.ServiceAccount()
	if err != nil {
		return err
	}

	var tok *auth.Token
	credsJSON := sa.JSON
	if sa.Path != "" {
		env.Step("GenerateBearerToken: from a credentials file")
		tok, err = auth.GenerateBearerToken(ctx, auth.Credentials{Path: sa.Path})
		if err != nil {
			return fmt.Errorf("generate from file: %w", err)
		}
		// Token's String method shows the type and expiry, never the token.
		env.Printf("got %v: %s\n", tok, exampleenv.Abbrev(tok.AccessToken))
		data, err := os.ReadFile(sa.Path)
		if err != nil {
			return err
		}
		credsJSON = string(data)
	}

	env.Step("GenerateBearerToken: from a credentials JSON string")
	tok, err = auth.GenerateBearerToken(ctx, auth.Credentials{CredentialsJSON: credsJSON})
	if err != nil {
		return fmt.Errorf("generate from JSON: %w", err)
	}
	env.Printf("got %v: %s\n", tok, exampleenv.Abbrev(tok.AccessToken))

	env.Step("use the token as static credentials")
	client, err := facade.New(
		facade.WithVault(env.VaultConfig()),
		facade.WithCredentials(auth.Credentials{Token: tok.AccessToken}),
	)
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
		return fmt.Errorf("insert with the token: %w", err)
	}
	env.DeleteLater(env.Table, ins.Inserted[0].SkyflowID)
	env.Printf("inserted %s with the bearer token\n", ins.Inserted[0].SkyflowID)
	return nil
}
