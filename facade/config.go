package facade

import (
	"log/slog"
	"net/url"
	"strings"

	"github.com/skyflowgo/skyflow/auth"
	gconn "github.com/skyflowgo/skyflow/gen/connection"
	"github.com/skyflowgo/skyflow/internal/errs"
	"github.com/skyflowgo/skyflow/internal/transport"
)

// VaultConfig describes one vault the client talks to.
type VaultConfig struct {
	// VaultID is the vault's id (required).
	VaultID string
	// ClusterID is the cluster part of the vault URL,
	// https://{ClusterID}.vault.skyflowapis.com for EnvProd. Required
	// unless BaseURL is set.
	ClusterID string
	// Env is the environment; the zero value means EnvProd.
	Env Env
	// BaseURL overrides the URL built from ClusterID and Env for every
	// vault and Detect call (for private links, proxies and emulators). It
	// must be https; plain http is accepted only for loopback hosts
	// (localhost, 127.0.0.0/8, ::1), where emulators run.
	BaseURL string
	// Credentials used for this vault. When nil the client's credentials
	// apply, then the SKYFLOW_CREDENTIALS environment variable.
	Credentials *auth.Credentials
	// TokenSource, when set, supplies the bearer token for this vault and
	// takes precedence over Credentials (for example tokens from a secret
	// manager).
	TokenSource auth.TokenSource
}

// ConnectionConfig describes one connection the client can invoke.
type ConnectionConfig struct {
	// ConnectionID is the connection's id (required).
	ConnectionID string
	// URL is the connection URL (required). Placeholders such as
	// {card_id} are replaced by path parameters on each call. It must be
	// https (plain http only for loopback hosts).
	URL string
	// Credentials used for this connection. When nil the client's
	// credentials apply, then the SKYFLOW_CREDENTIALS environment variable.
	Credentials *auth.Credentials
	// TokenSource, when set, supplies the token for this connection and
	// takes precedence over Credentials.
	TokenSource auth.TokenSource
}

// validate checks a vault config and returns its resolved base URL.
func (c VaultConfig) validate() (string, error) {
	if err := checkPathParam("VaultID", c.VaultID); err != nil {
		return "", err
	}
	if c.Credentials != nil {
		if err := c.Credentials.Validate(); err != nil {
			return "", err
		}
	}
	return resolveBaseURL(c.BaseURL, c.ClusterID, c.Env, "vault")
}

// resolveBaseURL returns the base URL of a vault: baseURL when set (checked
// like every URL that receives credentials), else
// https://{clusterID}.{service}.{the environment's domain}.
func resolveBaseURL(baseURL, clusterID string, env Env, service string) (string, error) {
	if baseURL != "" {
		if err := checkURL("BaseURL", baseURL, false); err != nil {
			return "", err
		}
		return strings.TrimRight(baseURL, "/"), nil
	}
	if strings.TrimSpace(clusterID) == "" {
		return "", errs.Invalid("ClusterID", "is required when BaseURL is not set")
	}
	if !hostLabel(clusterID) {
		return "", errs.Invalid("ClusterID", "must be a bare cluster id, not a URL (letters, digits, '-', '_' and '.')")
	}
	suffix := env.hostSuffix(service)
	if suffix == "" {
		return "", errs.Invalid("Env", "must be PROD, SANDBOX, STAGE or DEV")
	}
	return "https://" + clusterID + suffix, nil
}

func (c ConnectionConfig) validate() error {
	if strings.TrimSpace(c.ConnectionID) == "" {
		return errs.Invalid("ConnectionID", "is required")
	}
	if c.URL == "" {
		return errs.Invalid("URL", "is required")
	}
	if err := checkURL("URL", c.URL, true); err != nil {
		return err
	}
	if c.Credentials != nil {
		if err := c.Credentials.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// checkURL checks a URL that will receive credentials: absolute, https
// (plain http only on a loopback host, for local emulators), without user
// information or a fragment, and without a query unless query is allowed.
// The error names the field, never the URL (it can hold secrets).
func checkURL(field, raw string, query bool) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Hostname() == "":
		return errs.Invalid(field, "must be an absolute https URL")
	case !transport.Secure(u.Scheme, u.Hostname()):
		return errs.Invalid(field, "must use https (plain http only on a loopback host: localhost, 127.0.0.0/8, ::1)")
	case u.User != nil:
		return errs.Invalid(field, "must not hold user information")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return errs.Invalid(field, "must not hold a fragment")
	case !query && (u.RawQuery != "" || u.ForceQuery):
		return errs.Invalid(field, "must not hold a query")
	}
	return nil
}

// mergeVault applies the non-zero fields of upd onto cur.
func mergeVault(cur, upd VaultConfig) VaultConfig {
	if upd.ClusterID != "" {
		cur.ClusterID = upd.ClusterID
	}
	if upd.Env != "" {
		cur.Env = upd.Env
	}
	if upd.BaseURL != "" {
		cur.BaseURL = upd.BaseURL
	}
	if upd.Credentials != nil {
		cur.Credentials = upd.Credentials
	}
	if upd.TokenSource != nil {
		cur.TokenSource = upd.TokenSource
	}
	return cur
}

func mergeConnection(cur, upd ConnectionConfig) ConnectionConfig {
	if upd.URL != "" {
		cur.URL = upd.URL
	}
	if upd.Credentials != nil {
		cur.Credentials = upd.Credentials
	}
	if upd.TokenSource != nil {
		cur.TokenSource = upd.TokenSource
	}
	return cur
}

// copyCredentials returns a deep copy so the caller cannot change what the
// client holds (and vice versa).
func copyCredentials(c *auth.Credentials) *auth.Credentials {
	if c == nil {
		return nil
	}
	cp := *c
	cp.Roles = append([]string(nil), c.Roles...)
	if m, ok := c.Context.(map[string]any); ok {
		mc := make(map[string]any, len(m))
		for k, v := range m {
			mc[k] = v
		}
		cp.Context = mc
	}
	return &cp
}

// connEntry is one configured connection and its lazily built call state.
// Entries are replaced, never mutated, when the configuration changes.
type connEntry struct {
	cfg ConnectionConfig

	lazy[connState]
}

// connState returns the call state of a connection, building it on first
// use.
func (c *Client) connState(id string) (*connState, error) {
	c.mu.RLock()
	e, ok := c.connMap[id]
	c.mu.RUnlock()
	if !ok {
		return nil, errs.Invalid("ConnectionID", "no connection with this id is configured")
	}
	return e.get(func() (*connState, error) {
		ts, err := c.tokenSourceFor(e.cfg.TokenSource, e.cfg.Credentials)
		if err != nil {
			return nil, err
		}
		c.pruneIfReplaced(func() bool { return c.connMap[id] == e })
		origin, err := url.Parse(e.cfg.URL)
		if err != nil {
			return nil, errs.Invalid("URL", "is not a valid URL")
		}
		s := &connState{
			url: e.cfg.URL,
			api: gconn.NewClient(origin.Scheme+"://"+origin.Host, c.doer),
			// A connection's route may act on a request whatever its token: a
			// 401 does not prove nothing was done.
			ep: c.endpointFor(slog.String("connection_id", e.cfg.ConnectionID), ts, auth.ConnectionEditor(ts), false),
		}
		return s, nil
	})
}

// validHeaderValue reports whether s can be sent as a header value: no
// control characters but horizontal tab (RFC 9110 field-value).
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// validHeaderName reports whether s is an RFC 7230 token.
func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0:
		default:
			return false
		}
	}
	return s != ""
}
