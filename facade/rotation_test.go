package facade_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// rotationKey is the i-th API key of a rotation.
func rotationKey(i int) string { return fmt.Sprintf("sky-rot%02d-%032x", i%100, i) }

// keyServer answers every vault call with an empty result and remembers the
// last key it was sent.
type keyServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	last string
}

func newKeyServer(t *testing.T) *keyServer {
	t.Helper()
	ks := &keyServer{}
	ks.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		ks.mu.Lock()
		ks.last = strings.TrimPrefix(r.Header.Get(auth.AuthorizationHeader), "Bearer ")
		ks.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"records":[]}`)
	}))
	t.Cleanup(ks.srv.Close)
	return ks
}

func (ks *keyServer) lastKey() string {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.last
}

func query(c *facade.Client, vaultID string) error {
	v, err := c.Vault(vaultID)
	if err != nil {
		return err
	}
	_, err = v.Query(context.Background(), facade.QueryRequest{Query: "SELECT * FROM t"})
	return err
}

// TestRotationKeepsOnlyLiveCredentials rotates the client's credentials and
// a vault's own credentials 10,000 times, calling both vaults between some
// rotations so their token sources get cached. After every rotation the
// cache holds at most the two live credentials, calls use the newest key,
// and the client prints none of the keys.
func TestRotationKeepsOnlyLiveCredentials(t *testing.T) {
	const rotations = 10_000
	ks := newKeyServer(t)
	c, err := facade.New(
		facade.WithCredentials(auth.Credentials{APIKey: rotationKey(0)}),
		facade.WithVault(facade.VaultConfig{VaultID: "common", BaseURL: ks.srv.URL}),
		facade.WithVault(facade.VaultConfig{VaultID: "own", BaseURL: ks.srv.URL,
			Credentials: &auth.Credentials{APIKey: rotationKey(1)}}),
	)
	if err != nil {
		t.Fatal(err)
	}
	live := map[string]string{"common": rotationKey(0), "own": rotationKey(1)}
	for i := 2; i < rotations+2; i++ {
		key := rotationKey(i)
		if i%2 == 0 {
			err = c.SetCredentials(auth.Credentials{APIKey: key})
			live["common"] = key
		} else {
			err = c.UpdateVault(facade.VaultConfig{VaultID: "own", Credentials: &auth.Credentials{APIKey: key}})
			live["own"] = key
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%100 < 2 {
			for _, id := range []string{"common", "own"} {
				if err := query(c, id); err != nil {
					t.Fatal(err)
				}
				if got := ks.lastKey(); got != live[id] {
					t.Fatalf("rotation %d: vault %s sent an old key", i, id)
				}
			}
		}
		if n := c.TokenCacheSize(); n > 2 {
			t.Fatalf("after rotation %d the cache holds %d token sources, want at most the 2 live ones", i, n)
		}
	}
	printed := fmt.Sprintf("%+v %v %#v", c, c, c)
	for i := range rotations + 2 {
		if strings.Contains(printed, rotationKey(i)) {
			t.Fatalf("the client prints key %d: %s", i, printed)
		}
	}
}

// TestEnvironmentCredentialsRetire checks that the token source made from
// SKYFLOW_CREDENTIALS, and its cached bearer token, is dropped once
// explicit credentials replace the environment.
func TestEnvironmentCredentialsRetire(t *testing.T) {
	p := newPlanted(t)
	env := p.credentialsJSON()
	c, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: p.srv.URL}),
		facade.WithEnvLookup(func(string) (string, bool) { return env, true }),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := query(c, "v"); err != nil {
		t.Fatal(err)
	}
	if n := c.TokenCacheSize(); n != 1 {
		t.Fatalf("the environment's source is not cached: %d", n)
	}
	if err := c.SetCredentials(auth.Credentials{APIKey: rotationKey(1)}); err != nil {
		t.Fatal(err)
	}
	if err := query(c, "v"); err != nil {
		t.Fatal(err)
	}
	if n := c.TokenCacheSize(); n != 1 {
		t.Fatalf("the cache holds %d token sources, want only the API key's", n)
	}
}

// TestRotationDuringCall replaces the credentials while a call is resolving
// the ones it read before (the environment lookup is held until the
// replacement is done): once the call returns, the source it made for the
// retired credentials is not left in the cache.
func TestRotationDuringCall(t *testing.T) {
	p := newPlanted(t)
	env := p.credentialsJSON()
	inLookup, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	c, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: "v", BaseURL: p.srv.URL}),
		facade.WithEnvLookup(func(string) (string, bool) {
			once.Do(func() {
				close(inLookup)
				<-release
			})
			return env, true
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- query(c, "v") }()
	<-inLookup
	if err := c.SetCredentials(auth.Credentials{APIKey: rotationKey(1)}); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := query(c, "v"); err != nil {
		t.Fatal(err)
	}
	if n := c.TokenCacheSize(); n != 1 {
		t.Fatalf("the cache holds %d token sources, want only the live API key's", n)
	}
}
