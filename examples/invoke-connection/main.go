// Command invoke-connection calls a Skyflow connection (an outbound route
// of the gateway): it fills the {card_id} placeholder of the connection URL,
// adds query parameters and headers, and sends a JSON body carrying vault
// tokens, which the connection detokenizes on the way to the third party.
// It then sends a form-encoded body, and shows an error answered by the
// route.
//
// Environment: see examples/README.md; SKYFLOW_CONNECTION_ID and
// SKYFLOW_CONNECTION_URL name the connection. The emulator's connection
// echoes what the third party would receive.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithConnection(facade.ConnectionConfig{
			ConnectionID: os.Getenv("SKYFLOW_CONNECTION_ID"),
			URL:          os.Getenv("SKYFLOW_CONNECTION_URL"), // https://...gateway.skyflowapis.com/.../cards/{card_id}
		}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
	)
	if err != nil {
		log.Fatal(err)
	}
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}
	conn, err := client.Connection("") // "": the first connection configured
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
	card := rec.Tokens["card_number"]

	resp, err := conn.Invoke(ctx, facade.InvokeRequest{
		Method:      http.MethodPost,
		PathParams:  map[string]string{"card_id": card},
		QueryParams: map[string]any{"include_details": true, "limit": 10},
		Headers:     map[string]string{"Content-Type": "application/json", "X-Example": "invoke-connection"},
		Body:        map[string]any{"card_number": card, "cardholder_name": rec.Tokens["cardholder_name"]},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("status %d, request id %s\n", resp.StatusCode, resp.RequestID)
	pretty, _ := json.MarshalIndent(resp.Data, "", "  ") // Data: decoded JSON; Raw: the bytes
	fmt.Printf("response data:\n%s\n", pretty)

	resp, err = conn.Invoke(ctx, facade.InvokeRequest{
		PathParams: map[string]string{"card_id": card}, // Method "" means POST
		Headers:    map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		Body:       map[string]any{"card": map[string]any{"number": card, "cvv": "123"}}, // card[number]=...&card[cvv]=123
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("form body: status %d, %d bytes back\n", resp.StatusCode, len(resp.Raw))

	// The emulator's route answers with the status X-Mock-Status asks for.
	_, err = conn.Invoke(ctx, facade.InvokeRequest{
		Method:     http.MethodGet,
		PathParams: map[string]string{"card_id": card},
		Headers:    map[string]string{"X-Mock-Status": "402", "X-Mock-Error-From-Client": "true"},
	})
	var apiErr *skyflow.APIError
	if errors.As(err, &apiErr) {
		for _, d := range apiErr.Details {
			if fromClient, ok := d[facade.ErrorFromClientDetail]; ok {
				fmt.Printf("status %d: %s (error from client: %v)\n", apiErr.StatusCode, apiErr.Message, fromClient)
			}
		}
	} else if err != nil {
		log.Fatal(err)
	}

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{rec.SkyflowID}}); err != nil {
		log.Fatal(err)
	}
}
