// Command scoped-token mints a bearer token limited to one of the service
// account's roles, configures a client whose tokens carry the same scope,
// and shows a role the account lacks refused by the token endpoint.
//
// Environment: see examples/README.md; SKYFLOW_ROLE_ID is the role to scope
// the token to.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	creds := auth.Credentials{
		CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS"),
		Roles:           []string{os.Getenv("SKYFLOW_ROLE_ID")}, // sent as the scope "role:<id>"
	}

	tok, err := auth.GenerateBearerToken(ctx, creds)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("minted:", tok)

	// The same credentials configure a client: every token it mints is
	// scoped to the role.
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(creds),
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
	fmt.Printf("inserted %s with a token scoped to %v\n", ins.Inserted[0].SkyflowID, creds.Roles)

	creds.Roles = []string{"no-such-role"}
	_, err = auth.GenerateBearerToken(ctx, creds)
	var apiErr *skyflow.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("no-such-role: status %d: %s\n", apiErr.StatusCode, apiErr.Message)
	}

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{ins.Inserted[0].SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
