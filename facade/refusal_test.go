package facade_test

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// TestUnauthorizedStorm sends 100 concurrent calls to a vault that refuses
// every service-account token. Each call fails with ErrUnauthorized, and
// the token exchanges stay within the refusal backoff: one for the first
// token, then one per refusal honoured (at once, then 1 s, 2 s, 4 s ...
// after the previous one), however many calls are refused.
func TestUnauthorizedStorm(t *testing.T) {
	p := newPlanted(t)
	p.reject.Store(true)
	c, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: p.srv.URL,
			Credentials: &auth.Credentials{CredentialsJSON: p.credentialsJSON()}}),
		facade.WithRetryPolicy(facade.RetryPolicy{}),
		facade.WithLogLevel(skyflow.LogLevelOff),
	)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- query(c, "v")
		}()
	}
	wg.Wait()
	close(errs)
	elapsed := time.Since(start)
	for err := range errs {
		if !errors.Is(err, skyflow.ErrUnauthorized) {
			t.Fatalf("got %v, want ErrUnauthorized", err)
		}
	}
	// Refusals honoured within elapsed: at 0, 1 s, 3 s, 7 s, ...
	honoured := 1 + int64(math.Floor(math.Log2(elapsed.Seconds()+1)))
	if got := p.exchanges.Load(); got > 1+honoured {
		t.Fatalf("%d token exchanges in %v for 100 refused calls, want at most %d", got, elapsed, 1+honoured)
	}
}
