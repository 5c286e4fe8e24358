package facade

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	gflow "github.com/skyflowgo/skyflow/gen/flowdb"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// FlowDBConfig describes one Flow DB vault: the vault type Skyflow's other
// SDKs call "flowvault" or "v3", served by its own API on its own host
// (see FlowDB). It is a configuration of its own, beside VaultConfig,
// because the two vault types share nothing but credentials: another host,
// other operations, other request and answer shapes. A FlowDB handle then
// offers exactly the Flow DB operations, and a Vault handle exactly the v2
// ones, so a call can never reach the wrong API.
type FlowDBConfig struct {
	// VaultID is the vault's id (required).
	VaultID string
	// ClusterID is the cluster part of the vault URL,
	// https://{ClusterID}.skyvault.skyflowapis.com for EnvProd (note
	// .skyvault., where v2 vaults use .vault.). Required unless BaseURL is
	// set.
	ClusterID string
	// Env is the environment; the zero value means EnvProd.
	Env Env
	// BaseURL overrides the URL built from ClusterID and Env (for private
	// links, proxies and emulators). It must be https; plain http is
	// accepted only for loopback hosts (localhost, 127.0.0.0/8, ::1), where
	// emulators run.
	BaseURL string
	// Credentials used for this vault. When nil the client's credentials
	// apply, then the SKYFLOW_CREDENTIALS environment variable: the same
	// resolution, token exchange and token cache as v2 vaults.
	Credentials *auth.Credentials
	// TokenSource, when set, supplies the bearer token for this vault and
	// takes precedence over Credentials.
	TokenSource auth.TokenSource
}

// validate checks a Flow DB configuration and returns its base URL.
func (c FlowDBConfig) validate() (string, error) {
	if strings.TrimSpace(c.VaultID) == "" {
		return "", errs.Invalid("VaultID", "is required")
	}
	if c.Credentials != nil {
		if err := c.Credentials.Validate(); err != nil {
			return "", err
		}
	}
	return resolveBaseURL(c.BaseURL, c.ClusterID, c.Env, "skyvault")
}

// mergeFlowDB applies the non-zero fields of upd onto cur, as mergeVault
// does (the two configurations have the same fields).
func mergeFlowDB(cur, upd FlowDBConfig) FlowDBConfig {
	return FlowDBConfig(mergeVault(VaultConfig(cur), VaultConfig(upd)))
}

// flowDBs holds the client's Flow DB configurations; it is guarded by the
// client's mu.
type flowDBs struct {
	ids []string // insertion order; the first is the default
	m   map[string]*flowEntry
}

// flowEntry is one configured Flow DB vault and its lazily built call
// state. Entries are replaced, never mutated, when the configuration
// changes.
type flowEntry struct {
	cfg     FlowDBConfig
	baseURL string

	lazy[flowState]
}

// flowState is what calls to a Flow DB vault need, built once per
// configuration.
type flowState struct {
	id  string
	api *gflow.Client
	ep  *endpoint
}

// WithFlowDB adds a Flow DB vault configuration. The first one added is the
// default one (FlowDB("")).
func WithFlowDB(cfg FlowDBConfig) Option {
	return func(s *settings) error {
		s.flowdbs = append(s.flowdbs, cfg)
		return nil
	}
}

// AddFlowDB adds a Flow DB vault configuration at runtime. The id must be
// new among the Flow DB vaults.
func (c *Client) AddFlowDB(cfg FlowDBConfig) error {
	base, err := cfg.validate()
	if err != nil {
		return err
	}
	cfg.Credentials = copyCredentials(cfg.Credentials)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.flow.m == nil {
		c.flow.m = map[string]*flowEntry{}
	}
	if _, ok := c.flow.m[cfg.VaultID]; ok {
		return errs.Invalid("VaultID", "a Flow DB vault with this id is already configured")
	}
	c.flow.m[cfg.VaultID] = &flowEntry{cfg: cfg, baseURL: base}
	c.flow.ids = append(c.flow.ids, cfg.VaultID)
	return nil
}

// UpdateFlowDB changes the Flow DB vault whose id is cfg.VaultID. Only the
// non-zero fields of cfg are applied. Handles already obtained see the
// change on their next call; the token cache is kept when the credentials
// stay the same.
func (c *Client) UpdateFlowDB(cfg FlowDBConfig) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.flow.m[cfg.VaultID]
	if !ok {
		return errs.Invalid("VaultID", "no Flow DB vault with this id is configured")
	}
	merged := mergeFlowDB(cur.cfg, cfg)
	base, err := merged.validate()
	if err != nil {
		return err
	}
	merged.Credentials = copyCredentials(merged.Credentials)
	c.flow.m[cfg.VaultID] = &flowEntry{cfg: merged, baseURL: base}
	c.pruneTokensLocked()
	return nil
}

// RemoveFlowDB removes a Flow DB vault configuration.
func (c *Client) RemoveFlowDB(vaultID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.flow.m[vaultID]; !ok {
		return errs.Invalid("VaultID", "no Flow DB vault with this id is configured")
	}
	delete(c.flow.m, vaultID)
	c.flow.ids = slices.DeleteFunc(c.flow.ids, func(id string) bool { return id == vaultID })
	c.pruneTokensLocked()
	return nil
}

// GetFlowDB returns a copy of a Flow DB vault configuration.
func (c *Client) GetFlowDB(vaultID string) (FlowDBConfig, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.flow.m[vaultID]
	if !ok {
		return FlowDBConfig{}, errs.Invalid("VaultID", "no Flow DB vault with this id is configured")
	}
	cfg := e.cfg
	cfg.Credentials = copyCredentials(cfg.Credentials)
	return cfg, nil
}

// FlowDBIDs lists the configured Flow DB vaults in the order they were
// added.
func (c *Client) FlowDBIDs() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.flow.ids)
}

// useFlowDBsLocked reports the credentials of every Flow DB configuration
// to use (see pruneTokensLocked). c.mu must be held.
func (c *Client) useFlowDBsLocked(use func(auth.TokenSource, *auth.Credentials)) {
	for _, e := range c.flow.m {
		use(e.cfg.TokenSource, e.cfg.Credentials)
	}
}

// resetFlowDBsLocked drops the call state of the Flow DB configurations
// that use the client's common credentials, after those changed. c.mu must
// be held.
func (c *Client) resetFlowDBsLocked() {
	for id, e := range c.flow.m {
		if e.cfg.Credentials == nil && e.cfg.TokenSource == nil {
			c.flow.m[id] = &flowEntry{cfg: e.cfg, baseURL: e.baseURL}
		}
	}
}

// FlowDB is a cheap handle on one configured Flow DB vault, Skyflow's
// newest vault type. It shares the client's HTTP connections, retry policy,
// logger and token cache with every other handle; obtain it once or on
// every call, as convenient. It is safe for concurrent use.
//
// # Operations
//
// Records: Insert (POST /v2/records/insert: several tables in one call,
// upsert, your own tokens), Get (POST /v2/records/get), Update (POST
// /v2/records/update), Delete (POST /v2/records/delete), Query (POST
// /v2/query). Tokens: Detokenize (POST /v2/tokens/detokenize), Tokenize
// (POST /v2/tokens/tokenize), DeleteTokens (POST /v2/tokens/delete).
// Vault: Metrics (POST /v2/vaults/metrics). Bulk: BulkInsert,
// BulkDetokenize, BulkTokenize and BulkDeleteTokens read their input from
// an iterator and send it in batches.
//
// # Outcomes
//
// Every call about several records or tokens answers each of them: the
// response lists every element of the request with its input Index and
// exactly one FlowOutcome: FlowDone (with its data or tokens) or FlowFailed
// (Err is a *skyflow.RecordError carrying the element's error and
// httpCode, which errors.As finds). A call that fails as a whole returns an
// error instead; FlowOutcomeOf(err) says whether its elements certainly
// failed or are unknown (the answer was lost). Bulk calls report every
// input element, FlowUnknown included, and never stop at the first
// failure. Elements are matched to the request by what the answer carries
// (a token, a skyflow id, a table and value), never by position alone: an
// answer with another number of elements, or one that does not fit its
// request, is a *skyflow.APIError matching skyflow.ErrUnexpectedResponse.
//
// # What is inferred
//
// No public reference of the Flow DB API exists. The SDK follows the wire
// as Skyflow's published SDKs use it (api/openapi/flowdb.yaml marks, with
// x-inferred, every point concluded rather than read). Inferred and
// relied upon here:
//   - each answer holds one element per request element, in request order
//     (for insert, tokenize and unique-value lookups, which carry nothing
//     else to match by, the order is checked against the table and values
//     the element carries);
//   - an element that failed carries error and httpCode inside a 200
//     answer; a lookup or delete by skyflow id echoes the id even when it
//     failed;
//   - a call that fails as a whole answers a non-2xx status with the v2
//     vault's error body;
//   - insert and get answers give each column's tokens as a list of
//     {token, tokenGroupName};
//   - your own tokens (FlowRecord.Tokens) travel as one token string per
//     column, as the only published sample sends them;
//   - Get's page size, the query language, the redaction names and the
//     metrics per table are the vault's; the SDK passes them through.
//
// Retries follow the client's RetryPolicy. Reads (Get, Query, Detokenize,
// Metrics), Update and an Insert whose every record upserts may be sent
// again after a lost answer; other writes (Insert, Delete, Tokenize,
// DeleteTokens) only when the vault certainly did not process them, so
// that each element's reported outcome is the vault's answer to the first
// request that reached it.
type FlowDB struct {
	c  *Client
	id string
}

// FlowDB returns a handle on the Flow DB vault with the given id, or on the
// first one added when vaultID is "".
func (c *Client) FlowDB(vaultID string) (*FlowDB, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if vaultID == "" {
		if len(c.flow.ids) == 0 {
			return nil, errs.Invalid("VaultID", "no Flow DB vault is configured")
		}
		return &FlowDB{c: c, id: c.flow.ids[0]}, nil
	}
	if _, ok := c.flow.m[vaultID]; !ok {
		return nil, errs.Invalid("VaultID", "no Flow DB vault with this id is configured")
	}
	return &FlowDB{c: c, id: vaultID}, nil
}

// ID returns the vault id of the handle.
func (f *FlowDB) ID() string { return f.id }

// state returns the call state of the handle's vault, building it on first
// use.
func (f *FlowDB) state() (*flowState, error) {
	c := f.c
	c.mu.RLock()
	e, ok := c.flow.m[f.id]
	c.mu.RUnlock()
	if !ok {
		return nil, errs.Invalid("VaultID", "no Flow DB vault with this id is configured")
	}
	return e.get(func() (*flowState, error) {
		ts, err := c.tokenSourceFor(e.cfg.TokenSource, e.cfg.Credentials)
		if err != nil {
			return nil, err
		}
		c.pruneIfReplaced(func() bool { return c.flow.m[f.id] == e })
		s := &flowState{
			id:  e.cfg.VaultID,
			api: gflow.NewClient(e.baseURL, c.doer),
			// The Flow DB API authenticates like the v2 vault API, before
			// anything else: a 401 proves the call had no effect.
			ep: c.endpointFor(slog.String("vault_id", e.cfg.VaultID), ts, auth.BearerEditor(ts), true),
		}
		return s, nil
	})
}

// run sends one Flow DB request: JSON, replayable, the default size
// limit, and what it does (e).
func (f *FlowDB) run(ctx context.Context, s *flowState, name string, e effect, send sendFunc) (*reply, error) {
	op := &operation{endpoint: s.ep, name: name, replayable: true, effect: e, limit: f.c.maxResponse}
	return f.c.run(ctx, op, send)
}

// FlowOutcome is what became of one record or token of a Flow DB call.
type FlowOutcome int

// The outcomes. Every element of a call gets exactly one.
const (
	// FlowDone: the vault did what was asked with the element and said
	// so; the result holds its data or tokens.
	FlowDone FlowOutcome = iota + 1
	// FlowFailed: the element certainly did not take effect. Err is the
	// *skyflow.RecordError the vault answered for it (its error and
	// httpCode), or the error of its whole request when the vault refused
	// that (a 4xx *skyflow.APIError), when it was invalid
	// (*skyflow.ValidationError) or never sent (matches skyflow.ErrNotSent,
	// or is a *skyflow.AuthError).
	FlowFailed
	// FlowUnknown: the request carrying the element was sent and its
	// answer was lost or unusable (the connection broke, the context
	// ended, a gateway answered 5xx, or the answer did not match the
	// request), or the vault answered the element of a write with a 5xx,
	// or refused it on a retry after an attempt that may have been
	// applied (Err is then a *skyflow.RecordError with MaybeApplied): the
	// element may have taken effect. Look it up before sending it again.
	FlowUnknown
)

// String names the outcome.
func (o FlowOutcome) String() string {
	switch o {
	case FlowDone:
		return "done"
	case FlowFailed:
		return "failed"
	case FlowUnknown:
		return "unknown"
	}
	return "invalid outcome"
}

// FlowOutcomeOf says what became of the elements of a Flow DB call that
// returned err: FlowFailed when nothing took effect (the request was
// invalid, never sent, or refused with a 4xx), FlowUnknown when the request
// was sent and its answer was lost or unusable (a *skyflow.TransportError
// with Sent, a 5xx, or an answer matching skyflow.ErrUnexpectedResponse),
// and FlowDone for a nil error.
func FlowOutcomeOf(err error) FlowOutcome {
	if err == nil {
		return FlowDone
	}
	return flowOutcome(failedOutcome(err))
}

// flowOutcome maps a write outcome to a Flow DB one.
func flowOutcome(o Outcome) FlowOutcome {
	if o == Unknown {
		return FlowUnknown
	}
	return FlowFailed
}

// elementFailed reports whether an answer element reports a failure: it
// has an error message or an error status.
func elementFailed(msg string, code int32) bool {
	return msg != "" || code >= 400
}

// failure is the outcome and error of a failed element of r.
func (r *reply) failure(op string, index int, msg string, code int32) (FlowOutcome, error) {
	e := r.elementError(op, index, msg, code)
	return elementOutcome(e), e
}

// elementOutcome is the Flow DB outcome of a failed element.
func elementOutcome(err *skyflow.RecordError) FlowOutcome {
	if err.MaybeApplied {
		return FlowUnknown
	}
	return FlowFailed
}
