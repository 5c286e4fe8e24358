// Command scoped-token mints a bearer token limited to some of the service
// account's roles, and configures a client whose tokens are scoped the same
// way.
//
// Against a real vault pass the role ids with -roles (or SKYFLOW_ROLE_IDS);
// the emulator's demo service account has the roles demo-admin and
// demo-reader.
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
	env, err := exampleenv.Setup(ctx, "scoped-token", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	sa, err := env.ServiceAccount()
	if err != nil {
		return err
	}
	if len(env.Roles) == 0 {
		return fmt.Errorf("%w: pass the role ids to scope the token to with -roles", exampleenv.ErrUsage)
	}

	env.Step("mint a token scoped to the roles %v", env.Roles)
	creds := sa.Credentials()
	creds.Roles = env.Roles // sent as the scope "role:<id> ..."
	tok, err := auth.GenerateBearerToken(ctx, creds)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	env.Printf("got %v: %s\n", tok, exampleenv.Abbrev(tok.AccessToken))
	if claims := exampleenv.Claims(tok.AccessToken); claims != nil {
		for _, k := range []string{"roles", "scope"} {
			if v, ok := claims[k]; ok {
				env.Printf("  claim %s: %v\n", k, v)
			}
		}
	}

	env.Step("a client whose service-account tokens carry the same scope")
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
		return fmt.Errorf("insert with the scoped client: %w", err)
	}
	env.DeleteLater(env.Table, ins.Inserted[0].SkyflowID)
	env.Printf("inserted %s with a token scoped to %v\n", ins.Inserted[0].SkyflowID, env.Roles)

	env.Step("a role the service account does not have is refused by the token endpoint")
	creds.Roles = []string{"no-such-role"}
	_, err = auth.GenerateBearerToken(ctx, creds)
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("expected an API error, got %v", err)
	}
	env.Printf("status %d: %s\n", apiErr.StatusCode, apiErr.Message)
	return nil
}
