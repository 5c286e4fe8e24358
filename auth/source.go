package auth

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/internal/logging"
)

// TokenSource supplies the bearer token for a request. Implementations must
// be safe for concurrent use. Token is called once per request with the
// request's context, so it must be cheap when a token is cached, and it
// should return promptly with ctx.Err() when ctx is done.
//
// The SDK ships sources for API keys (APIKeySource), static tokens
// (StaticTokenSource) and service accounts (a *ServiceAccountSource, from
// NewTokenSource); NewTokenSource picks one from Credentials. Any other type with this method
// can be plugged in, for example one that reads tokens from a secret
// manager.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Invalidator is implemented by token sources that cache tokens. After the
// server rejects a token with 401, the caller passes that token to
// Invalidate; the source drops it only if it is still the cached one, so a
// late 401 for an old token never discards a token fetched since.
type Invalidator interface {
	Invalidate(token string)
}

// Option configures how a call of the package works (the HTTP client, the
// clock, the logger, ...): NewTokenSource, StaticTokenSource,
// GenerateBearerToken and GenerateSignedDataTokens take them. What is
// signed and for whom (roles, ctx claim, token URI) is part of Credentials.
type Option func(*options)

type options struct {
	doer      HTTPDoer
	now       func() time.Time
	window    time.Duration
	logger    *slog.Logger
	level     skyflow.LogLevel
	lookupEnv func(string) (string, bool)
}

// buildOptions applies opts; an invalid option value is a
// *skyflow.ValidationError.
func buildOptions(opts []Option) (*options, error) {
	o := &options{}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	if err := logging.Check(o.level); err != nil {
		return nil, err
	}
	if o.now == nil {
		o.now = time.Now
	}
	// The SDK's logging rule (as the facade's): silent by default; a
	// logger alone is used as is.
	switch {
	case o.level != "":
		o.logger = logging.New(o.logger, o.level).Logger()
	case o.logger == nil:
		o.logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// WithHTTPClient sets what sends token exchanges (an *http.Client or any
// HTTPDoer). The default is a package-owned *http.Client with a 30 s
// timeout.
func WithHTTPClient(doer HTTPDoer) Option { return func(o *options) { o.doer = doer } }

// WithClock replaces time.Now, for tests and for callers with their own
// clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithRefreshWindow sets how long before expiry a service-account token is
// refreshed. It is capped at half the token's lifetime. Zero keeps the
// default: min(5 minutes, a fifth of the lifetime).
func WithRefreshWindow(d time.Duration) Option { return func(o *options) { o.window = d } }

// WithLogger sets the logger for token events (refreshes and refresh
// failures, with client id and expiry), whose handler decides the level
// (WithLogLevel, when also given, filters first). Secrets are never
// logged. By default nothing is logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithLogLevel sets the level of token events: without WithLogger, records
// at that level and above go to stderr as text; with it, the level filters
// what reaches the logger; skyflow.LogLevelOff silences them. A level that
// is none of skyflow's is a *skyflow.ValidationError from the call that
// takes the option.
func WithLogLevel(level skyflow.LogLevel) Option { return func(o *options) { o.level = level } }

// WithEnvLookup replaces os.LookupEnv when NewTokenSource falls back to the
// SKYFLOW_CREDENTIALS environment variable.
func WithEnvLookup(lookup func(key string) (string, bool)) Option {
	return func(o *options) { o.lookupEnv = lookup }
}

// NewTokenSource validates creds and returns the matching token source: the
// API key or the static token as is, or a caching, self-refreshing source
// for service-account credentials (parsed here, once). When creds set none
// of APIKey, Token, Path and CredentialsJSON, the service-account credentials
// JSON of SKYFLOW_CREDENTIALS is used instead, with creds' Roles, Context and
// TokenURI. Errors are *skyflow.ValidationError values (see Credentials.Validate).
func NewTokenSource(creds Credentials, opts ...Option) (TokenSource, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	r, err := resolveWithEnv(creds, o)
	if err != nil {
		return nil, err
	}
	switch r.kind {
	case kindAPIKey:
		return &apiKeySource{key: r.secret}, nil
	case kindToken:
		s, err := newStaticSource(r.secret, o.now)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return newServiceAccountSource(r.sa, r.roles, r.ctx, o), nil
}

// resolveWithEnv validates creds, or, when they set none of APIKey, Token,
// Path and CredentialsJSON, the service-account credentials JSON of
// SKYFLOW_CREDENTIALS with creds' Roles, Context and TokenURI.
func resolveWithEnv(creds Credentials, o *options) (*resolved, error) {
	fromEnv := false
	if !creds.hasKind() {
		env, err := CredentialsFromEnv(o.lookupEnv)
		if err != nil {
			return nil, invalid("", ErrNoCredentials,
				"no credentials: set one of APIKey, Token, Path or CredentialsJSON, or the "+EnvCredentials+" environment variable")
		}
		env.Roles, env.Context, env.TokenURI = creds.Roles, creds.Context, creds.TokenURI
		creds, fromEnv = env, true
	}
	r, err := creds.resolve(o.now())
	if err != nil {
		var ve *skyflow.ValidationError
		if fromEnv && errors.As(err, &ve) {
			ve.Reason += " (credentials from " + EnvCredentials + ")"
		}
		return nil, err
	}
	return r, nil
}

// APIKeySource returns a TokenSource that always returns the API key. The
// key must have the form sky-XXXXX-<32 hex digits>. The source prints (fmt,
// slog, encoding/json) as its kind and fingerprint, never as the key.
func APIKeySource(key string) (TokenSource, error) {
	if err := checkAPIKey(key); err != nil {
		return nil, err
	}
	return &apiKeySource{key: key}, nil
}

// apiKeySource is the TokenSource of an API key. It prints as its kind and
// fingerprint (see redact.go), never as the key.
type apiKeySource struct {
	key string
}

// Token returns the API key.
func (s *apiKeySource) Token(context.Context) (string, error) { return s.key, nil }

// StaticTokenSource returns a TokenSource for a bearer token obtained
// elsewhere. The token must be a JWT with an exp claim. It is refused at
// construction if already expired, and every Token call after its expiry
// fails with a *skyflow.ValidationError matching ErrTokenExpired: a static token
// cannot be refreshed, so the error says to supply a fresh one. Only
// WithClock among the options has an effect. The source prints (fmt, slog,
// encoding/json) as its kind, fingerprint and expiry, never as the token.
func StaticTokenSource(token string, opts ...Option) (TokenSource, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	s, err := newStaticSource(token, o.now)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// newStaticSource checks token and reads its exp claim, once.
func newStaticSource(token string, now func() time.Time) (*staticSource, error) {
	exp, err := staticTokenExpiry(token, now())
	if err != nil {
		return nil, err
	}
	return &staticSource{token: token, exp: exp, now: now}, nil
}

// staticSource is the TokenSource of a static bearer token.
type staticSource struct {
	token string
	exp   time.Time // the token's exp claim, read at construction
	now   func() time.Time
}

// Token returns the token, or ErrTokenExpired once its exp has passed.
func (s *staticSource) Token(context.Context) (string, error) {
	if !s.now().Before(s.exp) {
		return "", expiredToken(s.exp)
	}
	return s.token, nil
}

// Timing of ServiceAccountSource.
const (
	// DefaultRefreshWindow is the longest default refresh window: a token
	// is refreshed when less than min(DefaultRefreshWindow, a fifth of its
	// lifetime) remains.
	DefaultRefreshWindow = 5 * time.Minute
	// exchangeTimeout bounds one exchange run on behalf of several callers.
	exchangeTimeout = time.Minute
	// fallbackLifetime is assumed for an access token whose exp is missing
	// or already past on arrival (a skewed clock).
	fallbackLifetime = 5 * time.Minute
	// maxExpiryMargin caps the margin before expiry in which a cached
	// token is no longer handed out while a refresh can replace it: half
	// the refresh window, at most this.
	maxExpiryMargin = 30 * time.Second
)

// ServiceAccountSource is a TokenSource that exchanges service-account
// assertions for bearer tokens, caches the token and refreshes it before it
// expires. It is safe for concurrent use:
//
//   - While the cached token is outside its refresh window, Token returns it
//     without any I/O.
//   - Inside the window, the first caller starts a refresh in the
//     background and every caller keeps getting the cached token until the
//     new one arrives, except in the window's last half (at most its last
//     30 s): a token that close to expiry could expire before a request
//     carrying it is checked, so callers wait for the new one instead, and
//     get the cached token only if the refresh fails before it expires.
//   - Without a valid token, callers wait for the refresh. However many
//     goroutines ask, at most one exchange is in flight. A waiter whose ctx
//     ends returns ctx.Err() at once; the exchange carries on for the
//     others (bounded by a one-minute timeout of its own).
//   - A failed exchange is not cached: its waiters get the error, and the
//     next call starts a new exchange.
//   - A token the server refuses (Invalidate, or TokenRefused after a 401)
//     is dropped at most once, so a storm of 401s costs at most one
//     exchange per distinct refused token; and refusals back off: the
//     first one drops the token at once, and after each drop the next one
//     is honoured only 1 s later, then 2 s, 4 s, ... up to 30 s later
//     (RefusalBackoff, MaxRefusalBackoff). A refusal inside that wait
//     keeps the token (the call fails with its 401 instead of being sent
//     again). A call that succeeds with the cached token (TokenAccepted)
//     resets the schedule.
type ServiceAccountSource struct {
	ex     *exchanger
	now    func() time.Time
	window time.Duration
	logger *slog.Logger

	// cur is the cached token: read without the lock on the hot path
	// (every call of every goroutine reads it), written under mu.
	cur      atomic.Pointer[cachedToken]
	mu       sync.Mutex
	inflight *refreshCall
	refusals refusals
}

type cachedToken struct {
	value     string
	expiry    time.Time
	refreshAt time.Time
	// usableUntil ends the span in which the token is handed out without
	// waiting for a refresh in flight (see maxExpiryMargin).
	usableUntil time.Time
}

type refreshCall struct {
	done chan struct{}
	tok  *cachedToken
	err  error
}

func newServiceAccountSource(sa *serviceAccount, roles []string, ctxClaim any, o *options) *ServiceAccountSource {
	return &ServiceAccountSource{ex: newExchanger("ServiceAccountToken", sa, roles, ctxClaim, o.doer, o.now), now: o.now, window: o.window, logger: o.logger}
}

// Token returns a valid bearer token, exchanging a new one when needed.
func (s *ServiceAccountSource) Token(ctx context.Context) (string, error) {
	// Fast path, lock-free: a token inside its refresh window. A mutex here
	// made goroutines queue for each other on every call.
	if cur := s.cur.Load(); cur != nil && s.now().Before(cur.refreshAt) {
		return cur.value, nil
	}
	s.mu.Lock()
	now := s.now()
	cur := s.cur.Load()
	if cur != nil && now.Before(cur.refreshAt) {
		s.mu.Unlock()
		return cur.value, nil
	}
	usable := cur != nil && now.Before(cur.usableUntil)
	if !usable {
		if err := ctx.Err(); err != nil {
			s.mu.Unlock()
			return "", err
		}
	}
	call := s.inflight
	if call == nil {
		call = &refreshCall{done: make(chan struct{})}
		s.inflight = call
		// Detached from the caller's cancellation: other callers may be
		// waiting for the same exchange.
		go s.refresh(context.WithoutCancel(ctx), call)
	}
	s.mu.Unlock()

	if usable {
		return cur.value, nil
	}
	select {
	case <-call.done:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if call.err != nil {
		// A token that has not expired yet beats none.
		if cur != nil && s.now().Before(cur.expiry) {
			return cur.value, nil
		}
		return "", call.err
	}
	return call.tok.value, nil
}

// Invalidate drops the cached token if it is token, so the next Token call
// fetches a new one. A token that is no longer cached is ignored, and so is
// a refusal inside the backoff of the previous one (see the type's
// documentation).
func (s *ServiceAccountSource) Invalidate(token string) { s.refuse(token) }

func (s *ServiceAccountSource) refresh(ctx context.Context, call *refreshCall) {
	ctx, cancel := context.WithTimeout(ctx, exchangeTimeout)
	defer cancel()
	tok, err := s.ex.exchange(ctx)

	var entry *cachedToken
	var skewed bool
	if err == nil {
		entry, skewed = s.entryFor(tok, s.now())
	}
	s.mu.Lock()
	if err == nil {
		s.cur.Store(entry)
	}
	call.tok, call.err = entry, err
	s.inflight = nil
	s.mu.Unlock()
	// Waiters are released after the event is logged, so the log line
	// precedes any use of the new token.
	defer close(call.done)

	clientID := slog.String("client_id", s.ex.sa.clientID)
	switch {
	case err != nil:
		s.logger.LogAttrs(ctx, slog.LevelWarn, "service-account token refresh failed",
			clientID, slog.String("error", err.Error()))
	case skewed:
		s.logger.LogAttrs(ctx, slog.LevelWarn, "service-account token has no usable expiry; assuming a short lifetime (check the system clock)",
			clientID, slog.Time("assumed_expiry", entry.expiry))
	default:
		s.logger.LogAttrs(ctx, slog.LevelInfo, "service-account token refreshed",
			clientID, slog.Time("expiry", entry.expiry), slog.Time("refresh_at", entry.refreshAt))
	}
}

// entryFor computes when a fresh token expires and when to refresh it. The
// window is the configured one or min(DefaultRefreshWindow, lifetime/5),
// and never more than half the lifetime.
func (s *ServiceAccountSource) entryFor(tok *Token, received time.Time) (*cachedToken, bool) {
	exp, skewed := tok.Expiry, false
	if exp.IsZero() || !received.Before(exp) {
		exp, skewed = received.Add(fallbackLifetime), true
	}
	lifetime := exp.Sub(received)
	w := s.window
	if w <= 0 {
		w = min(DefaultRefreshWindow, lifetime/5)
	}
	w = min(w, lifetime/2)
	margin := min(w/2, maxExpiryMargin)
	return &cachedToken{value: tok.AccessToken, expiry: exp, refreshAt: exp.Add(-w), usableUntil: exp.Add(-margin)}, skewed
}
