// Command error-handling provokes each kind of error the SDK returns and
// inspects it with errors.As and errors.Is: a *skyflow.ValidationError
// (input refused before any call), a *skyflow.APIError (an error answer,
// matching sentinels such as skyflow.ErrNotFound), a
// *skyflow.TransportError (no answer at all), a cancelled context, and,
// against the emulator, a transient status retried by the SDK.
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	vaultConfig := facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}
	attempts := &counter{next: http.DefaultTransport}
	client, err := facade.New(
		facade.WithVault(vaultConfig),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
		facade.WithHTTPClient(&http.Client{Transport: attempts}), // counts the requests sent
		facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 2, InitialBackoff: 10 * time.Millisecond}),
	)
	if err != nil {
		log.Fatal(err)
	}
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}
	missing := facade.GetRequest{Table: "table1", IDs: []string{"00000000-0000-4000-8000-000000000000"}}

	// Input refused before any network call.
	_, err = vault.Insert(ctx, facade.InsertRequest{Records: []map[string]any{{"cardholder_name": "John Doe"}}})
	var ve *skyflow.ValidationError
	if errors.As(err, &ve) {
		fmt.Printf("validation: %v\n  field %q, reason %q, errors.Is(err, skyflow.ErrValidation): %t\n",
			err, ve.Field, ve.Reason, errors.Is(err, skyflow.ErrValidation))
	}

	// An error answer of the API.
	_, err = vault.Get(ctx, missing)
	var apiErr *skyflow.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("API error: %v\n  status %d, request id %s, message %q\n", err, apiErr.StatusCode, apiErr.RequestID, apiErr.Message)
		fmt.Println("  errors.Is(err, skyflow.ErrNotFound):", errors.Is(err, skyflow.ErrNotFound))
	}

	// No answer at all: nothing listens at the URL.
	down, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: vaultConfig.VaultID, BaseURL: "http://127.0.0.1:1"}),
		facade.WithCredentials(auth.Credentials{APIKey: "sky-ab123-00000000000000000000000000000000"}),
		facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 1, InitialBackoff: 10 * time.Millisecond}),
	)
	if err != nil {
		log.Fatal(err)
	}
	downVault, err := down.Vault("")
	if err != nil {
		log.Fatal(err)
	}
	_, err = downVault.Get(ctx, missing)
	var te *skyflow.TransportError
	if errors.As(err, &te) {
		fmt.Printf("transport: %v\n  operation %s, sent %t\n", err, te.Operation, te.Sent)
	}

	// A cancelled context wins, whatever the last attempt did.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = vault.Get(cctx, missing)
	fmt.Printf("cancelled: %v\n  errors.Is(err, context.Canceled): %t\n", err, errors.Is(err, context.Canceled))

	admin := os.Getenv("SKYFLOW_EMULATOR_ADMIN_URL")
	if admin == "" {
		return
	}
	// The emulator answers the next 3 gets with 503: the SDK retries twice,
	// then returns the last answer.
	fault, err := http.Post(admin+"/faults", "application/json",
		strings.NewReader(`{"operation":"RecordServiceBulkGetRecord","times":3,"status":503}`))
	if err != nil {
		log.Fatal(err)
	}
	fault.Body.Close()
	before := attempts.n.Load()
	_, err = vault.Get(ctx, missing)
	fmt.Printf("retried: %v\n  attempts: %d, skyflow.IsRetryable(err): %t\n", err, attempts.n.Load()-before, skyflow.IsRetryable(err))
}

// counter is an http.RoundTripper that counts requests.
type counter struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(req)
}
