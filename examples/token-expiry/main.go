// Command token-expiry shows what the SDK does when bearer tokens expire.
//
//  1. A static bearer token (Credentials.Token) that has already expired is
//     refused when the client is configured.
//  2. A static token that expires while the client is in use is refused
//     before any request is sent: the call fails with auth.ErrTokenExpired,
//     since the SDK cannot renew a token it did not mint. (A clock that
//     jumps stands in for an hour of waiting.)
//  3. With service-account credentials the client mints one token, reuses
//     it for every call and mints the next one before the old one expires.
//     The demo's emulator issues 4-second tokens, so the example waits for
//     one to run out.
//  4. If the server still answers 401 (a revoked token, clock skew), the
//     client drops the token, mints a new one and sends the call once more.
//     The emulator injects that 401.
//
// Steps 3 (the wait) and 4 run only against the emulator. Environment: see
// examples/README.md.
package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

func main() {
	ctx := context.Background()
	vaultConfig := facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}
	sa := auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}
	admin := os.Getenv("SKYFLOW_EMULATOR_ADMIN_URL")
	counter := &requestCounter{next: http.DefaultTransport}
	httpClient := &http.Client{Transport: counter}
	record := []map[string]any{{"cardholder_name": "John Doe"}}
	var ids []string

	// 1. An expired static token.
	_, err := facade.New(facade.WithVault(vaultConfig), facade.WithCredentials(auth.Credentials{Token: unsignedJWT(time.Now().Add(-time.Minute))}))
	fmt.Println("1. refused:", err) // matches auth.ErrTokenExpired

	// 2. A static token that expires in use.
	tok, err := auth.GenerateBearerToken(ctx, sa)
	if err != nil {
		log.Fatal(err)
	}
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	static, err := auth.StaticTokenSource(tok.AccessToken, auth.WithClock(func() time.Time { return time.Unix(0, now.Load()) }))
	if err != nil {
		log.Fatal(err)
	}
	withStatic := vaultConfig
	withStatic.TokenSource = static
	client, err := facade.New(facade.WithVault(withStatic), facade.WithHTTPClient(httpClient))
	if err != nil {
		log.Fatal(err)
	}
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}
	ins, err := vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: record})
	if err != nil {
		log.Fatal(err)
	}
	ids = append(ids, ins.Inserted[0].SkyflowID)
	now.Store(tok.Expiry.Add(time.Second).UnixNano()) // the clock jumps past exp
	sent := counter.total.Load()
	_, err = vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: record})
	fmt.Println("2. after its expiry:", err)
	fmt.Println("   requests sent for that call:", counter.total.Load()-sent)

	// 3. Service-account credentials: one token for many calls, renewed.
	client, err = facade.New(facade.WithVault(vaultConfig), facade.WithCredentials(sa), facade.WithHTTPClient(httpClient))
	if err != nil {
		log.Fatal(err)
	}
	vault, err = client.Vault("")
	if err != nil {
		log.Fatal(err)
	}
	counter.exchanges.Store(0)
	insert := func() {
		ins, err := vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: record})
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, ins.Inserted[0].SkyflowID)
	}
	for range 3 {
		insert()
	}
	fmt.Printf("3. 3 calls, %d token exchange(s)\n", counter.exchanges.Load())
	if admin != "" {
		time.Sleep(4*time.Second + 300*time.Millisecond) // the emulator's token lifetime
		insert()
		fmt.Printf("   after the token expired, the next call succeeded; token exchanges so far: %d\n", counter.exchanges.Load())

		// 4. A 401 from the server.
		before := counter.exchanges.Load()
		fault, err := http.Post(admin+"/faults", "application/json",
			strings.NewReader(`{"operation":"RecordServiceInsertRecord","status":401,"message":"bearer token has expired"}`))
		if err != nil {
			log.Fatal(err)
		}
		fault.Body.Close()
		insert()
		fmt.Printf("4. after a 401 the insert succeeded with %d new token exchange(s)\n", counter.exchanges.Load()-before)
	}

	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: ids}); err != nil {
		log.Fatal(err)
	}
}

// requestCounter counts requests, and token exchanges among them.
type requestCounter struct {
	next      http.RoundTripper
	total     atomic.Int64
	exchanges atomic.Int64
}

func (c *requestCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.total.Add(1)
	if strings.HasSuffix(req.URL.Path, "/oauth/token") {
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
