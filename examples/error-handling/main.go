// Command error-handling provokes each kind of error the SDK returns and
// inspects it with errors.As and errors.Is (the "level=ERROR" lines are
// what the SDK logs for each failed call):
//
//   - *skyflow.ValidationError: input rejected before any network call;
//   - *skyflow.APIError: an error answer of a Skyflow API, with status,
//     message and request id, matching sentinels such as skyflow.ErrNotFound;
//   - *skyflow.TransportError: no answer at all (connection refused,
//     cancelled context), wrapping the cause;
//   - skyflow.IsRetryable: whether sending the same call later may succeed.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "error-handling", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()

	env.Step("validation error: an insert without a table")
	_, err = env.Vault.Insert(ctx, facade.InsertRequest{Records: []map[string]any{{"cardholder_name": "John Doe"}}})
	var ve *skyflow.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, skyflow.ErrValidation) {
		return fmt.Errorf("expected a validation error, got %v", err)
	}
	env.Printf("%v\n  field %q, reason %q\n", err, ve.Field, ve.Reason)

	env.Step("API error: get a record that does not exist")
	_, err = env.Vault.Get(ctx, facade.GetRequest{Table: env.Table, IDs: []string{"00000000-0000-4000-8000-000000000000"}})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("expected an API error, got %v", err)
	}
	printAPIError(env, apiErr)
	env.Printf("  errors.Is(err, skyflow.ErrNotFound): %t\n", errors.Is(err, skyflow.ErrNotFound))

	env.Step("API error: a well-formed API key the vault does not know")
	bogus, err := facade.New(facade.WithVault(env.VaultConfig()), facade.WithLogger(env.Logger()),
		facade.WithCredentials(auth.Credentials{APIKey: "sky-ab123-00000000000000000000000000000000"}))
	if err != nil {
		return err
	}
	bogusVault, _ := bogus.Vault("")
	_, err = bogusVault.Get(ctx, facade.GetRequest{Table: env.Table, IDs: []string{"00000000-0000-4000-8000-000000000000"}})
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("expected an API error, got %v", err)
	}
	printAPIError(env, apiErr)
	env.Printf("  errors.Is(err, skyflow.ErrUnauthorized): %t\n", errors.Is(err, skyflow.ErrUnauthorized))
	if !errors.Is(err, skyflow.ErrUnauthorized) {
		return fmt.Errorf("expected a 401")
	}

	env.Step("transport error: nothing listens at the vault URL")
	down, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: env.VaultID, BaseURL: "http://127.0.0.1:1"}),
		facade.WithLogger(env.Logger()),
		facade.WithCredentials(auth.Credentials{APIKey: "sky-ab123-00000000000000000000000000000000"}),
		facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 1, InitialBackoff: 10 * time.Millisecond}),
	)
	if err != nil {
		return err
	}
	downVault, _ := down.Vault("")
	_, err = downVault.Get(ctx, facade.GetRequest{Table: env.Table, IDs: []string{"00000000-0000-4000-8000-000000000000"}})
	var te *skyflow.TransportError
	if !errors.As(err, &te) {
		return fmt.Errorf("expected a transport error, got %v", err)
	}
	env.Printf("%v\n  operation %s (the URL is left out of the text: queries can hold values)\n", err, te.Operation)

	env.Step("a cancelled context")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = env.Vault.Get(cctx, facade.GetRequest{Table: env.Table, IDs: []string{"00000000-0000-4000-8000-000000000000"}})
	env.Printf("%v\n  errors.Is(err, context.Canceled): %t\n", err, errors.Is(err, context.Canceled))
	if !errors.Is(err, context.Canceled) {
		return fmt.Errorf("expected context.Canceled")
	}

	env.Step("retryable errors")
	if !env.Emulated() {
		env.Printf("skipped: needs the emulator to inject 503 answers\n")
		return nil
	}
	// The emulator answers 503 to every Get; the client retries it
	// (MaxRetries times) and then returns the last answer.
	env.Emulator.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Times: -1, Status: http.StatusServiceUnavailable})
	defer env.Emulator.ClearFaults()
	fast, err := facade.New(facade.WithVault(env.VaultConfig()), facade.WithCredentials(*env.Credentials), facade.WithLogger(env.Logger()),
		facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 2, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}))
	if err != nil {
		return err
	}
	fastVault, _ := fast.Vault("")
	env.Emulator.ResetCounts()
	_, err = fastVault.Get(ctx, facade.GetRequest{Table: env.Table, IDs: []string{"00000000-0000-4000-8000-000000000000"}})
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("expected an API error, got %v", err)
	}
	printAPIError(env, apiErr)
	env.Printf("  attempts: %d, skyflow.IsRetryable(err): %t\n", env.Emulator.Count("RecordServiceBulkGetRecord"), skyflow.IsRetryable(err))
	return nil
}

func printAPIError(env *exampleenv.Env, e *skyflow.APIError) {
	env.Printf("%v\n", e)
	env.Printf("  status %d %q, gRPC code %d, request id %q\n", e.StatusCode, e.HTTPStatus, e.GRPCCode, e.RequestID)
	env.Printf("  message %q\n", e.Message)
}
