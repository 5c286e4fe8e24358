// Command token-expiry shows what the SDK does when bearer tokens expire.
//
//  1. A static bearer token (Credentials.Token) that has already expired is
//     refused when the client is configured.
//  2. A static token that expires while the client is in use is refused
//     before any request is sent: the call fails with auth.ErrTokenExpired,
//     since the SDK cannot renew a token it did not mint. (A controllable
//     clock stands in for an hour of waiting.)
//  3. With service-account credentials the client mints one token, reuses
//     it for every call and mints the next one before the old one expires.
//     The emulator issues 4-second tokens here, so the example waits for one
//     to run out.
//  4. If the server still answers 401 (a revoked token, clock skew), the
//     client drops the token, mints a new one and sends the call once more.
//     The emulator injects that 401; against a real vault this step is
//     skipped.
package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

func main() { exampleenv.Main(run) }

const emulatorTokenLifetime = 4 * time.Second

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := exampleenv.Setup(ctx, "token-expiry", args, stdout,
		exampleenv.WithEmulatorOptions(mockserver.WithTokenLifetime(emulatorTokenLifetime)))
	if err != nil {
		return err
	}
	defer env.Close()
	sa, err := env.ServiceAccount()
	if err != nil {
		return err
	}
	counter := &requestCounter{next: http.DefaultTransport}
	httpClient := &http.Client{Transport: counter}
	person := func(n int) []map[string]any {
		return []map[string]any{exampleenv.Person("John Doe", exampleenv.RunID(), n)}
	}

	env.Step("1. configure a client with an expired static token")
	expired := unsignedJWT(time.Now().Add(-time.Minute))
	_, err = facade.New(facade.WithVault(env.VaultConfig()), facade.WithCredentials(auth.Credentials{Token: expired}))
	if !errors.Is(err, auth.ErrTokenExpired) {
		return fmt.Errorf("expected auth.ErrTokenExpired, got %v", err)
	}
	env.Printf("refused: %v\n", err)

	env.Step("2. a static token that expires while the client is in use")
	tok, err := sa.BearerToken(ctx)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	static, err := auth.StaticTokenSource(tok.AccessToken, auth.WithClock(func() time.Time { return time.Unix(0, now.Load()) }))
	if err != nil {
		return err
	}
	vc := env.VaultConfig()
	vc.TokenSource = static
	client, err := facade.New(facade.WithVault(vc), facade.WithHTTPClient(httpClient), facade.WithLogger(env.Logger()))
	if err != nil {
		return err
	}
	vault, _ := client.Vault("")
	ins, err := vault.Insert(ctx, facade.InsertRequest{Table: env.Table, Records: person(0)})
	if err != nil {
		return fmt.Errorf("insert with a fresh static token: %w", err)
	}
	env.DeleteLater(env.Table, ins.Inserted[0].SkyflowID)
	env.Printf("insert with the token (%v) succeeded\n", tok)
	expiry := tok.Expiry
	if expiry.IsZero() {
		expiry = time.Now().Add(2 * time.Hour)
	}
	now.Store(expiry.Add(time.Second).UnixNano()) // the clock jumps past exp
	sent := counter.total.Load()
	_, err = vault.Insert(ctx, facade.InsertRequest{Table: env.Table, Records: person(1)})
	if !errors.Is(err, auth.ErrTokenExpired) {
		return fmt.Errorf("expected auth.ErrTokenExpired, got %v", err)
	}
	env.Printf("after its expiry: %v\n", err)
	env.Printf("requests sent for that call: %d\n", counter.total.Load()-sent)

	env.Step("3. service-account credentials: tokens are cached and renewed")
	client, err = facade.New(facade.WithVault(env.VaultConfig()), facade.WithCredentials(sa.Credentials()), facade.WithHTTPClient(httpClient))
	if err != nil {
		return err
	}
	vault, _ = client.Vault("")
	counter.exchanges.Store(0)
	var ids []string
	for i := range 3 {
		ins, err := vault.Insert(ctx, facade.InsertRequest{Table: env.Table, Records: person(10 + i)})
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		ids = append(ids, ins.Inserted[0].SkyflowID)
	}
	env.DeleteLater(env.Table, ids...)
	env.Printf("3 calls, %d token exchange(s)\n", counter.exchanges.Load())
	if counter.exchanges.Load() != 1 {
		return fmt.Errorf("expected one token exchange for 3 calls")
	}
	if env.Emulated() {
		env.Printf("waiting %v for the emulator's token to expire...\n", emulatorTokenLifetime)
		select {
		case <-time.After(emulatorTokenLifetime + 300*time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
		ins, err := vault.Insert(ctx, facade.InsertRequest{Table: env.Table, Records: person(20)})
		if err != nil {
			return fmt.Errorf("insert after expiry: %w", err)
		}
		env.DeleteLater(env.Table, ins.Inserted[0].SkyflowID)
		env.Printf("the next call succeeded; token exchanges so far: %d\n", counter.exchanges.Load())
		if counter.exchanges.Load() != 2 {
			return fmt.Errorf("expected a second token exchange")
		}
	}

	env.Step("4. a 401 from the server: new token, call sent once more")
	if !env.Emulated() {
		env.Printf("skipped: needs the emulator to inject the 401\n")
		return nil
	}
	before := counter.exchanges.Load()
	env.Emulator.InjectFault("RecordServiceInsertRecord", mockserver.Fault{Status: http.StatusUnauthorized, Message: "bearer token has expired"})
	ins, err = vault.Insert(ctx, facade.InsertRequest{Table: env.Table, Records: person(30)})
	if err != nil {
		return fmt.Errorf("insert after a 401: %w", err)
	}
	env.DeleteLater(env.Table, ins.Inserted[0].SkyflowID)
	env.Printf("the insert succeeded after %d new token exchange(s)\n", counter.exchanges.Load()-before)
	return nil
}

// requestCounter counts requests, and token exchanges among them.
type requestCounter struct {
	next      http.RoundTripper
	total     atomic.Int64
	exchanges atomic.Int64
}

func (c *requestCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.total.Add(1)
	if strings.HasSuffix(req.URL.Path, "/v1/auth/sa/oauth/token") {
		c.exchanges.Add(1)
	}
	return c.next.RoundTrip(req)
}

// unsignedJWT builds a JWT with only an exp claim. The SDK reads exp without
// verifying the signature, which is all this example needs.
func unsignedJWT(exp time.Time) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	payload := enc.EncodeToString(fmt.Appendf(nil, `{"exp":%d}`, exp.Unix()))
	return header + "." + payload + ".c2ln"
}
