package facade

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/internal/errs"
	"github.com/skyflowgo/skyflow/internal/logging"
	"github.com/skyflowgo/skyflow/internal/transport"
)

// Client is the entry point of the SDK. It holds vault and connection
// configurations, credentials, one HTTP stack (connection pool, retries,
// timeouts) and one token cache, shared by every handle it returns. A Client
// is safe for concurrent use, including the runtime configuration methods;
// create one per process and reuse it.
type Client struct {
	mu       sync.RWMutex
	vaults   []string // insertion order; the first is the default
	vaultMap map[string]*vaultEntry
	conns    []string
	connMap  map[string]*connEntry
	flow     flowDBs // Flow DB vaults (flowdb.go)
	creds    *auth.Credentials

	tokens tokenCache

	httpClient     *http.Client
	doer           *transport.Doer
	attemptTimeout time.Duration
	headers        http.Header // extra headers, sent on every call
	// userAgent and skyMetadata are the values of those headers, each a
	// one-element slice every request shares: net/http and the Doer only
	// read header values, and a slice whose length is its capacity cannot
	// be appended to in place.
	userAgent   []string
	skyMetadata []string
	lookupEnv   func(string) (string, bool)
	// maxResponse caps every success answer but Detect file results,
	// maxFileResponse caps those.
	maxResponse     int64
	maxFileResponse int64
	// fileTimeout bounds each attempt of a file transfer (the Doer's
	// default, attemptTimeout, bounds every other call).
	fileTimeout time.Duration

	logs   *logging.State
	logger *slog.Logger
}

// Option configures New.
type Option func(*settings) error

type settings struct {
	vaults         []VaultConfig
	conns          []ConnectionConfig
	flowdbs        []FlowDBConfig
	creds          *auth.Credentials
	level          skyflow.LogLevel
	logger         *slog.Logger
	httpClient     *http.Client
	retry          *RetryPolicy
	attemptTimeout time.Duration
	headers        http.Header
	uaSuffix       string
	lookupEnv      func(string) (string, bool)
	maxResponse    int64
	maxFile        int64
	fileTimeout    time.Duration
}

// RetryPolicy configures how the client retries transient failures:
// connection errors and the statuses 408, 429, 502, 503 and 504, with
// exponential backoff and full jitter, honouring Retry-After, and always
// bounded by the call's context.
//
// Writes that could be applied twice (an insert without upsert, an upload
// that creates a record) are retried only when the server certainly did not
// process them: the connection was refused, or the server answered 429.
// Set RetryNonIdempotent to retry them in every transient case, accepting
// that a record may be written twice.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt; 0
	// disables retries.
	MaxRetries int
	// InitialBackoff is the backoff ceiling before the first retry (it
	// doubles each retry). 0 means 500 ms.
	InitialBackoff time.Duration
	// MaxBackoff caps one wait. 0 means 8 s. A Retry-After asking for a
	// longer wait is not waited for: the call fails at once with the
	// *skyflow.APIError, whose RetryAfter holds the server's delay.
	MaxBackoff time.Duration
	// RetryNonIdempotent retries non-idempotent writes in every transient
	// case (see the type's documentation).
	RetryNonIdempotent bool
}

// DefaultRetryPolicy is the policy used unless WithRetryPolicy is given: two
// retries, backoff from 500 ms capped at 8 s.
func DefaultRetryPolicy() RetryPolicy {
	p := transport.DefaultPolicy()
	return RetryPolicy{MaxRetries: p.MaxRetries, InitialBackoff: p.InitialBackoff, MaxBackoff: p.MaxBackoff}
}

// Response size limits: a success answer larger than its limit is not read
// further, and the call fails with a *skyflow.APIError matching
// skyflow.ErrUnexpectedResponse. Error answers are read up to 1 MiB.
const (
	// DefaultMaxResponseSize caps record, token, query, Detect text and
	// connection answers: far above the largest legitimate one (a page of
	// 25 records, 25 detokenized values), small enough that a runaway
	// answer cannot exhaust memory.
	DefaultMaxResponseSize = 64 << 20
	// DefaultMaxFileResponseSize caps Detect file results (a run's
	// processed file and outputs, base64 encoded inside JSON, about 4/3 of
	// the files' size).
	DefaultMaxFileResponseSize = 1 << 30
)

// WithMaxResponseSize sets the largest success answer read, in bytes, for
// every call but Detect file results (default DefaultMaxResponseSize).
func WithMaxResponseSize(n int64) Option {
	return func(s *settings) error {
		if n < 1 {
			return errs.Invalid("MaxResponseSize", "must be at least 1")
		}
		s.maxResponse = n
		return nil
	}
}

// WithMaxFileResponseSize sets the largest Detect file result read, in
// bytes (DeidentifyFile, GetDetectRun, ReidentifyFile; default
// DefaultMaxFileResponseSize).
func WithMaxFileResponseSize(n int64) Option {
	return func(s *settings) error {
		if n < 1 {
			return errs.Invalid("MaxFileResponseSize", "must be at least 1")
		}
		s.maxFile = n
		return nil
	}
}

// WithVault adds a vault configuration. The first vault added is the
// default one (Vault("")).
func WithVault(cfg VaultConfig) Option {
	return func(s *settings) error { s.vaults = append(s.vaults, cfg); return nil }
}

// WithConnection adds a connection configuration.
func WithConnection(cfg ConnectionConfig) Option {
	return func(s *settings) error { s.conns = append(s.conns, cfg); return nil }
}

// WithCredentials sets the client's common credentials, used by vaults and
// connections that have none of their own.
func WithCredentials(creds auth.Credentials) Option {
	return func(s *settings) error {
		if err := creds.Validate(); err != nil {
			return err
		}
		s.creds = copyCredentials(&creds)
		return nil
	}
}

// WithLogLevel sets the client's log level. Without WithLogger, records at
// that level and above go to stderr as text; with it, the level filters
// what reaches the logger. By default the client logs nothing.
func WithLogLevel(level skyflow.LogLevel) Option {
	return func(s *settings) error {
		if err := logging.Check(level); err != nil {
			return err
		}
		s.level = level
		return nil
	}
}

// WithLogger sends the client's log records to l, whose handler decides
// which levels it keeps (WithLogLevel, when also given, filters first). By
// default the client logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error { s.logger = l; return nil }
}

// WithHTTPClient sets the *http.Client used for every call (proxies, mTLS,
// instrumented transports). The SDK uses a copy of it whose redirect policy
// never leaves the origin of a request (hc itself is not changed); retries
// and the per-attempt timeout wrap it. By default the SDK uses its own
// client with a pooled transport.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errs.Invalid("HTTPClient", "must not be nil")
		}
		s.httpClient = hc
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(s *settings) error {
		if p.MaxRetries < 0 || p.InitialBackoff < 0 || p.MaxBackoff < 0 {
			return errs.Invalid("RetryPolicy", "values must not be negative")
		}
		s.retry = &p
		return nil
	}
}

// Timeouts. Every call is also bounded by its context; these bound each
// attempt (a retry gets a fresh one), reading the answer included, so a
// server that never answers, or answers one byte at a time, cannot hold a
// call forever.
const (
	// DefaultRequestTimeout bounds each attempt of a call (80 s, the
	// overall budget stripe-go gives a call: vault answers come in well
	// under a second, and a stalled connection is found long before a user
	// gives up).
	DefaultRequestTimeout = 80 * time.Second
	// DefaultFileRequestTimeout bounds each attempt of a call that moves a
	// file (UploadFile, DeidentifyFile and ReidentifyFile sending their
	// file, GetDetectRun and the polls of DeidentifyFile reading the
	// result): 15 minutes, room for a few hundred MB on a slow link.
	DefaultFileRequestTimeout = 15 * time.Minute
	// DefaultResponseHeaderTimeout bounds the wait for an answer's headers
	// once a request is sent, on the SDK's own transport (with
	// WithHTTPClient, the per-attempt timeouts bound it).
	DefaultResponseHeaderTimeout = 60 * time.Second
)

// WithRequestTimeout bounds each HTTP attempt of every call but file
// transfers (default DefaultRequestTimeout). 0 removes the bound: only the
// call's context limits it. Calls whose context is never done
// (context.Background and its values) share a timer per 1/64 of the
// timeout, so their attempts may run up to 1/64 longer (80 s: 81.25 s).
func WithRequestTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return errs.Invalid("RequestTimeout", "must not be negative")
		}
		s.attemptTimeout = d
		return nil
	}
}

// WithFileRequestTimeout bounds each HTTP attempt of a file transfer
// (default DefaultFileRequestTimeout). 0 removes the bound.
func WithFileRequestTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return errs.Invalid("FileRequestTimeout", "must not be negative")
		}
		s.fileTimeout = d
		return nil
	}
}

// WithHeader adds a header sent on every vault, Detect and connection call
// (for example x-skyflow-account-id or a tracing header). It cannot set the
// headers the SDK or net/http own: the credential headers, Content-Type,
// Content-Length, Host, Transfer-Encoding, sky-metadata and User-Agent (see
// WithUserAgentSuffix). Values may not hold control characters.
func WithHeader(key, value string) Option {
	return func(s *settings) error {
		ck := http.CanonicalHeaderKey(key)
		if key == "" || !validHeaderName(key) {
			return errs.Invalid("Header", "name must be a valid HTTP header name")
		}
		switch {
		case ck == "User-Agent":
			return errs.Invalid("Header", "User-Agent is set by the SDK; use WithUserAgentSuffix")
		case sdkHeader(ck) || ck == "Content-Type" || ck == "Sky-Metadata" || slices.Contains(auth.CredentialHeaders(), ck):
			return errs.Invalid("Header", "%s is set by the SDK", ck)
		case !validHeaderValue(value):
			return errs.Invalid("Header", "the value of %s has a control character", ck)
		}
		if s.headers == nil {
			s.headers = http.Header{}
		}
		s.headers.Add(ck, value)
		return nil
	}
}

// WithUserAgentSuffix appends text (for example "myapp/1.2") to the
// User-Agent header. It may not hold control characters.
func WithUserAgentSuffix(suffix string) Option {
	return func(s *settings) error {
		if !validHeaderValue(suffix) {
			return errs.Invalid("UserAgentSuffix", "has a control character")
		}
		s.uaSuffix = suffix
		return nil
	}
}

// withEnvLookup replaces os.LookupEnv for reading SKYFLOW_CREDENTIALS
// (tests reach it through export_test.go).
func withEnvLookup(lookup func(string) (string, bool)) Option {
	return func(s *settings) error { s.lookupEnv = lookup; return nil }
}

// New builds a Client. Every configuration is validated here; nothing is
// sent over the network until the first call.
func New(opts ...Option) (*Client, error) {
	s := settings{
		maxResponse: DefaultMaxResponseSize, maxFile: DefaultMaxFileResponseSize,
		attemptTimeout: DefaultRequestTimeout, fileTimeout: DefaultFileRequestTimeout}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	c := &Client{
		vaultMap:       map[string]*vaultEntry{},
		connMap:        map[string]*connEntry{},
		creds:          s.creds,
		attemptTimeout: s.attemptTimeout,
		headers:        s.headers,
		lookupEnv:      s.lookupEnv,
		maxResponse:    s.maxResponse,

		maxFileResponse: s.maxFile,
		fileTimeout:     s.fileTimeout,
	}
	if c.lookupEnv == nil {
		c.lookupEnv = os.LookupEnv
	}
	c.logs = logging.New(s.logger, s.level)
	c.logger = c.logs.Logger()

	// The SDK's HTTP policy (no redirect to another origin) applies to a
	// copy of the caller's client; the caller's client is never changed.
	hc := s.httpClient
	if hc == nil {
		hc = &http.Client{Transport: newTransport()}
	}
	c.httpClient = transport.WithPolicy(hc)
	policy := DefaultRetryPolicy()
	if s.retry != nil {
		policy = *s.retry
	}
	c.doer = transport.New(c.httpClient, transport.Policy{
		MaxRetries:         policy.MaxRetries,
		InitialBackoff:     policy.InitialBackoff,
		MaxBackoff:         policy.MaxBackoff,
		RetryNonIdempotent: policy.RetryNonIdempotent,
	}, s.attemptTimeout, c.log)

	ua := "skyflow-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if s.uaSuffix != "" {
		ua += " " + s.uaSuffix
	}
	c.userAgent = []string{ua}
	meta, _ := json.Marshal(map[string]string{
		"sdk_name_version":        "skyflow-go@" + Version,
		"sdk_client_device_model": runtime.GOOS,
		"sdk_client_os_details":   runtime.GOOS + " " + runtime.GOARCH,
		"sdk_runtime_details":     runtime.Version(),
	})
	c.skyMetadata = []string{string(meta)}

	for _, v := range s.vaults {
		if err := c.AddVault(v); err != nil {
			return nil, err
		}
	}
	for _, cc := range s.conns {
		if err := c.AddConnection(cc); err != nil {
			return nil, err
		}
	}
	for _, fc := range s.flowdbs {
		if err := c.AddFlowDB(fc); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// newTransport is the default transport: http.DefaultTransport's settings
// (proxy from the environment, 30 s dial and 10 s TLS handshake timeouts)
// with a connection pool sized for concurrent bulk calls to one host, and
// a bound on the wait for an answer's headers once the request is sent.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.MaxIdleConns = 256
	t.ResponseHeaderTimeout = DefaultResponseHeaderTimeout
	return t
}

// AddVault adds a vault configuration at runtime. The id must be new.
func (c *Client) AddVault(cfg VaultConfig) error {
	base, err := cfg.validate()
	if err != nil {
		return err
	}
	cfg.Credentials = copyCredentials(cfg.Credentials)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.vaultMap[cfg.VaultID]; ok {
		return errs.Invalid("VaultID", "a vault with this id is already configured")
	}
	c.vaultMap[cfg.VaultID] = &vaultEntry{cfg: cfg, baseURL: base}
	c.vaults = append(c.vaults, cfg.VaultID)
	return nil
}

// UpdateVault changes the vault whose id is cfg.VaultID. Only the non-zero
// fields of cfg are applied; the others keep their values. Handles already
// obtained with Vault see the change on their next call; the token cache is
// kept when the credentials stay the same.
func (c *Client) UpdateVault(cfg VaultConfig) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.vaultMap[cfg.VaultID]
	if !ok {
		return errs.Invalid("VaultID", "no vault with this id is configured")
	}
	merged := mergeVault(cur.cfg, cfg)
	base, err := merged.validate()
	if err != nil {
		return err
	}
	merged.Credentials = copyCredentials(merged.Credentials)
	c.vaultMap[cfg.VaultID] = &vaultEntry{cfg: merged, baseURL: base}
	c.pruneTokensLocked()
	return nil
}

// RemoveVault removes a vault configuration.
func (c *Client) RemoveVault(vaultID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.vaultMap[vaultID]; !ok {
		return errs.Invalid("VaultID", "no vault with this id is configured")
	}
	delete(c.vaultMap, vaultID)
	c.vaults = slices.DeleteFunc(c.vaults, func(id string) bool { return id == vaultID })
	c.pruneTokensLocked()
	return nil
}

// GetVault returns a copy of a vault configuration.
func (c *Client) GetVault(vaultID string) (VaultConfig, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.vaultMap[vaultID]
	if !ok {
		return VaultConfig{}, errs.Invalid("VaultID", "no vault with this id is configured")
	}
	cfg := e.cfg
	cfg.Credentials = copyCredentials(cfg.Credentials)
	return cfg, nil
}

// VaultIDs lists the configured vaults in the order they were added.
func (c *Client) VaultIDs() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.vaults)
}

// AddConnection adds a connection configuration at runtime. The id must be
// new.
func (c *Client) AddConnection(cfg ConnectionConfig) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	cfg.Credentials = copyCredentials(cfg.Credentials)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.connMap[cfg.ConnectionID]; ok {
		return errs.Invalid("ConnectionID", "a connection with this id is already configured")
	}
	c.connMap[cfg.ConnectionID] = &connEntry{cfg: cfg}
	c.conns = append(c.conns, cfg.ConnectionID)
	return nil
}

// UpdateConnection changes the connection whose id is cfg.ConnectionID;
// only the non-zero fields of cfg are applied.
func (c *Client) UpdateConnection(cfg ConnectionConfig) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.connMap[cfg.ConnectionID]
	if !ok {
		return errs.Invalid("ConnectionID", "no connection with this id is configured")
	}
	merged := mergeConnection(cur.cfg, cfg)
	if err := merged.validate(); err != nil {
		return err
	}
	merged.Credentials = copyCredentials(merged.Credentials)
	c.connMap[cfg.ConnectionID] = &connEntry{cfg: merged}
	c.pruneTokensLocked()
	return nil
}

// RemoveConnection removes a connection configuration.
func (c *Client) RemoveConnection(connectionID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.connMap[connectionID]; !ok {
		return errs.Invalid("ConnectionID", "no connection with this id is configured")
	}
	delete(c.connMap, connectionID)
	c.conns = slices.DeleteFunc(c.conns, func(id string) bool { return id == connectionID })
	c.pruneTokensLocked()
	return nil
}

// GetConnection returns a copy of a connection configuration.
func (c *Client) GetConnection(connectionID string) (ConnectionConfig, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.connMap[connectionID]
	if !ok {
		return ConnectionConfig{}, errs.Invalid("ConnectionID", "no connection with this id is configured")
	}
	cfg := e.cfg
	cfg.Credentials = copyCredentials(cfg.Credentials)
	return cfg, nil
}

// ConnectionIDs lists the configured connections in the order they were
// added.
func (c *Client) ConnectionIDs() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.conns)
}

// SetCredentials sets (or replaces) the client's common credentials. Vaults
// and connections without their own credentials use the new ones from their
// next call.
func (c *Client) SetCredentials(creds auth.Credentials) error {
	if err := creds.Validate(); err != nil {
		return err
	}
	cp := copyCredentials(&creds)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.creds = cp
	for id, e := range c.vaultMap {
		if e.cfg.Credentials == nil && e.cfg.TokenSource == nil {
			c.vaultMap[id] = &vaultEntry{cfg: e.cfg, baseURL: e.baseURL}
		}
	}
	for id, e := range c.connMap {
		if e.cfg.Credentials == nil && e.cfg.TokenSource == nil {
			c.connMap[id] = &connEntry{cfg: e.cfg}
		}
	}
	c.resetFlowDBsLocked()
	c.pruneTokensLocked()
	return nil
}

// Credentials returns a copy of the client's common credentials and whether
// any are set.
func (c *Client) Credentials() (auth.Credentials, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.creds == nil {
		return auth.Credentials{}, false
	}
	return *copyCredentials(c.creds), true
}

// tokenSourceFor resolves the token source for a vault or connection:
// its own token source, then its own credentials, then the client's, then
// SKYFLOW_CREDENTIALS. Sources are shared between configurations with equal
// credentials, so the client mints one service-account token per
// credentials, however many vaults use them.
func (c *Client) tokenSourceFor(own auth.TokenSource, ownCreds *auth.Credentials) (auth.TokenSource, error) {
	if own != nil {
		return own, nil
	}
	creds := ownCreds
	if creds == nil {
		c.mu.RLock()
		creds = c.creds
		c.mu.RUnlock()
	}
	fromEnv := false
	if creds == nil {
		env, err := auth.CredentialsFromEnv(c.lookupEnv)
		if err != nil {
			return nil, err
		}
		creds, fromEnv = &env, true
	}
	return c.tokens.get(*creds, fromEnv, c)
}

// tokenCache shares token sources by credentials fingerprint. Sources of
// credentials no configuration uses any more are dropped (prune), so
// rotated keys and their tokens do not linger in memory.
type tokenCache struct {
	mu     sync.Mutex
	m      map[string]auth.TokenSource
	envKey string // the key of the source made from SKYFLOW_CREDENTIALS
}

func (t *tokenCache) get(creds auth.Credentials, fromEnv bool, c *Client) (auth.TokenSource, error) {
	key := creds.Fingerprint()
	t.mu.Lock()
	defer t.mu.Unlock()
	if ts, ok := t.m[key]; ok {
		return ts, nil
	}
	ts, err := auth.NewTokenSource(creds,
		auth.WithHTTPClient(c.doer),
		auth.WithLogger(c.logger))
	if err != nil {
		return nil, err
	}
	if t.m == nil {
		t.m = map[string]auth.TokenSource{}
	}
	if fromEnv {
		if t.envKey != "" {
			delete(t.m, t.envKey)
		}
		t.envKey = key
	}
	t.m[key] = ts
	return ts, nil
}

// prune drops the sources whose credentials are not in live. The source
// made from the environment is kept while envLive says a configuration
// still falls back to the environment.
func (t *tokenCache) prune(live map[string]bool, envLive bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.m {
		if !live[k] && (k != t.envKey || !envLive) {
			delete(t.m, k)
		}
	}
	if !envLive {
		t.envKey = ""
	}
}

// size is the number of cached token sources.
func (t *tokenCache) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// pruneTokensLocked drops the token sources no configuration uses: those of
// retired credentials, and the one made from SKYFLOW_CREDENTIALS once no
// configuration falls back to the environment. c.mu must be held.
func (c *Client) pruneTokensLocked() {
	live := map[string]bool{}
	envLive := false
	use := func(own auth.TokenSource, creds *auth.Credentials) {
		switch {
		case own != nil:
		case creds != nil:
			live[creds.Fingerprint()] = true
		case c.creds == nil:
			envLive = true
		}
	}
	if c.creds != nil {
		live[c.creds.Fingerprint()] = true
	}
	for _, e := range c.vaultMap {
		use(e.cfg.TokenSource, e.cfg.Credentials)
	}
	for _, e := range c.connMap {
		use(e.cfg.TokenSource, e.cfg.Credentials)
	}
	c.useFlowDBsLocked(use)
	c.tokens.prune(live, envLive)
}

// pruneIfReplaced runs after a call resolved the token source of a
// configuration entry. When current reports that the entry was replaced
// meanwhile (its credentials rotated, or the client's), the source the
// call just cached may belong to retired credentials, added after the
// replacement pruned the cache: prune again.
func (c *Client) pruneIfReplaced(current func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !current() {
		c.pruneTokensLocked()
	}
}

// fileAttemptTimeout is the per-attempt timeout of file transfers, in the
// form transport.Call takes (negative: none).
func (c *Client) fileAttemptTimeout() time.Duration {
	if c.fileTimeout == 0 {
		return -1
	}
	return c.fileTimeout
}

// setCommonHeaders adds the headers every vault, Detect and connection
// request carries.
func (c *Client) setCommonHeaders(req *http.Request) {
	h := req.Header
	for k, vs := range c.headers {
		h[k] = append([]string(nil), vs...)
	}
	h["User-Agent"] = c.userAgent
	h["Sky-Metadata"] = c.skyMetadata
}

// endpointFor builds the endpoint of a vault or connection: the common
// headers, then the credential header from auth's editor.
func (c *Client) endpointFor(target slog.Attr, ts auth.TokenSource, authEdit auth.RequestEditor, authFirst bool) *endpoint {
	return &endpoint{
		target:    target,
		tokens:    ts,
		authFirst: authFirst,
		edit: func(ctx context.Context, req *http.Request) error {
			c.setCommonHeaders(req)
			// The token (and any exchange it takes) is not part of the
			// call: it must not run under the call's description.
			return authEdit(transport.Unbound(ctx), req)
		},
	}
}
