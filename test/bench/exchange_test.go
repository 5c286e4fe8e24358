package bench

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

const (
	exchangeCalls      = 1000
	exchangeGoroutines = 64
)

// exchangeRun makes exchangeCalls inserts over exchangeGoroutines
// goroutines through a fresh client with service-account credentials,
// obtaining a new client.Vault(id) handle for every call, and returns how
// many token exchanges the emulator saw.
func exchangeRun(ctx context.Context, srv *mockserver.Server, round int) (int, error) {
	srv.ResetCounts()
	c, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL()}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: srv.CredentialsJSON()}),
	)
	if err != nil {
		return 0, err
	}
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	for range exchangeGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= exchangeCalls {
					return
				}
				err := func() error {
					v, err := c.Vault(srv.VaultID())
					if err != nil {
						return err
					}
					k := round*exchangeCalls + i
					_, err = v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{{
						"card_number":     luhn(k),
						"cardholder_name": "Holder " + strconv.Itoa(k),
						"email":           "holder" + strconv.Itoa(k) + "@example.com",
					}}})
					return err
				}()
				if err != nil {
					errOnce.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return 0, first
	}
	if got := srv.Count("RecordServiceInsertRecord"); got != exchangeCalls {
		return 0, fmt.Errorf("the emulator saw %d inserts, want %d", got, exchangeCalls)
	}
	return srv.Count("GetAuthToken"), nil
}

// luhn returns a valid 16-digit card number unique for i.
func luhn(i int) string {
	digits := []byte(fmt.Sprintf("411111%09d", i))
	sum := 0
	for k := range 15 {
		d := int(digits[14-k] - '0')
		if k%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(append(digits, byte('0'+(10-sum%10)%10)))
}

func startEmulator(tb testing.TB) *mockserver.Server {
	tb.Helper()
	srv, err := mockserver.Start()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Close)
	return srv
}

// TestOneTokenExchange: 1,000 calls over 64 goroutines, each through its
// own client.Vault(id) handle, with service-account credentials, cost
// exactly one token exchange.
func TestOneTokenExchange(t *testing.T) {
	srv := startEmulator(t)
	n, err := exchangeRun(context.Background(), srv, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d token exchanges for %d calls over %d goroutines, want 1", n, exchangeCalls, exchangeGoroutines)
	}
}

// BenchmarkTokenExchange reports the exchanges per fresh client for the
// same run as TestOneTokenExchange (exchanges/op; the target is 1).
func BenchmarkTokenExchange(b *testing.B) {
	srv := startEmulator(b)
	round := 0
	b.Run("1000-calls-64-goroutines/sdk", func(b *testing.B) {
		total := 0
		for range b.N {
			round++ // fresh card numbers and emails: they are unique columns
			n, err := exchangeRun(context.Background(), srv, round)
			if err != nil {
				b.Fatal(err)
			}
			total += n
		}
		b.ReportMetric(float64(total)/float64(b.N), "exchanges/op")
	})
}
