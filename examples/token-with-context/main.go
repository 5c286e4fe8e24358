// Command token-with-context mints bearer tokens carrying a ctx claim, for
// context-aware authorization: a string when policies need one value, a map
// when they need several (each key becomes request.context.<key> in Skyflow
// policies). A bad map key fails before any call. A client configured with
// the same credentials mints its tokens with the claim.
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	sa := os.Getenv("SKYFLOW_CREDENTIALS")

	tok, err := auth.GenerateBearerToken(ctx, auth.Credentials{CredentialsJSON: sa, Context: "user_12345"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ctx as a string:", claims(tok.AccessToken)["ctx"])

	tok, err = auth.GenerateBearerToken(ctx, auth.Credentials{
		CredentialsJSON: sa,
		Context:         map[string]any{"role": "admin", "department": "finance", "user_id": "user_12345"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ctx as a map:", claims(tok.AccessToken)["ctx"])

	// Map keys must match ^[a-zA-Z0-9_]+$.
	_, err = auth.GenerateBearerToken(ctx, auth.Credentials{CredentialsJSON: sa, Context: map[string]any{"user-id": "x"}})
	var ve *skyflow.ValidationError
	if errors.As(err, &ve) {
		fmt.Printf("refused before any call: field %s: %s\n", ve.Field, ve.Reason)
	}

	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: sa, Context: map[string]any{"user_id": "user_12345"}}),
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
	fmt.Printf("inserted %s as user_12345\n", ins.Inserted[0].SkyflowID)

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{ins.Inserted[0].SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}

// claims decodes the payload of a JWT without verifying it, to show what a
// token carries.
func claims(token string) map[string]any {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var c map[string]any
	_ = json.Unmarshal(payload, &c)
	return c
}
