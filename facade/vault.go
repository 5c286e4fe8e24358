package facade

import (
	"log/slog"

	"github.com/skyflowgo/skyflow/auth"
	gdetect "github.com/skyflowgo/skyflow/gen/detect"
	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// Vault is a cheap handle on one configured vault. It shares the client's
// HTTP connections and token cache; obtain it once or on every call, as
// convenient. It is safe for concurrent use.
type Vault struct {
	c  *Client
	id string
}

// Vault returns a handle on the vault with the given id, or on the first
// vault added when vaultID is "".
func (c *Client) Vault(vaultID string) (*Vault, error) {
	id, err := c.resolveVaultID(vaultID)
	if err != nil {
		return nil, err
	}
	return &Vault{c: c, id: id}, nil
}

func (c *Client) resolveVaultID(vaultID string) (string, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if vaultID == "" {
		if len(c.vaults) == 0 {
			return "", errs.Invalid("VaultID", "no vault is configured")
		}
		return c.vaults[0], nil
	}
	if _, ok := c.vaultMap[vaultID]; !ok {
		return "", errs.Invalid("VaultID", "no vault with this id is configured")
	}
	return vaultID, nil
}

// ID returns the vault id of the handle.
func (v *Vault) ID() string { return v.id }

// vaultEntry is one configured vault and its lazily built call state.
// Entries are replaced, never mutated, when the configuration changes.
type vaultEntry struct {
	cfg     VaultConfig
	baseURL string

	lazy[vaultState]
}

// vaultState is what calls to a vault need, built once per configuration:
// the generated clients of the vault and Detect APIs on the vault's base URL,
// and the endpoint (token source and editor) every call shares.
type vaultState struct {
	id     string
	api    *gvault.Client
	detect *gdetect.Client
	ep     *endpoint
}

// state returns the call state of the handle's vault, building it on first
// use.
func (v *Vault) state() (*vaultState, error) {
	return v.c.vaultState(v.id)
}

func (c *Client) vaultState(id string) (*vaultState, error) {
	c.mu.RLock()
	e, ok := c.vaultMap[id]
	c.mu.RUnlock()
	if !ok {
		return nil, errs.Invalid("VaultID", "no vault with this id is configured")
	}
	return e.get(func() (*vaultState, error) {
		ts, err := c.tokenSourceFor(e.cfg.TokenSource, e.cfg.Credentials)
		if err != nil {
			return nil, err
		}
		c.pruneIfReplaced(func() bool { return c.vaultMap[id] == e })
		s := &vaultState{
			id:     e.cfg.VaultID,
			api:    gvault.NewClient(e.baseURL, c.doer),
			detect: gdetect.NewClient(e.baseURL, c.doer),
			ep:     c.endpointFor(slog.String("vault_id", e.cfg.VaultID), ts, auth.BearerEditor(ts), true),
		}
		return s, nil
	})
}

// op describes a call to the vault API: JSON, replayable, the default size
// limit, and what it does (e).
func (s *vaultState) op(c *Client, name string, e effect) *operation {
	return &operation{endpoint: s.ep, name: name, replayable: true, effect: e, limit: c.maxResponse}
}
