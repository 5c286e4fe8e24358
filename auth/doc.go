// Package auth turns Skyflow credentials into the bearer tokens that
// authenticate API calls: it validates credentials, mints service-account
// bearer tokens, signs data tokens, and provides caching token sources and
// request editors for the generated clients.
//
// # Usage
//
// Most programs build one TokenSource at start-up and attach it to every
// client through a request editor:
//
//	ts, err := auth.NewTokenSource(auth.Credentials{Path: "credentials.json"})
//	if err != nil {
//		return err // a *skyflow.ValidationError naming the problem
//	}
//	client := vault.NewClient(url, http.DefaultClient)
//	resp, err := client.RecordServiceBulkGetRecord(ctx, vaultID, table, params, auth.BearerEditor(ts))
//
// The editor asks the source for a token on every request, with the
// request's context; a service-account source answers from its cache and
// exchanges a new token only when needed. Connection (gateway) calls use
// ConnectionEditor, which sets x-skyflow-authorization without the "Bearer "
// prefix.
//
// For one-off needs, GenerateBearerToken performs a single token exchange,
// GenerateSignedDataTokens signs data tokens locally, and IsExpired and
// Expiry read a token's exp claim without verifying it. Every function takes
// the credentials, and what scopes the token (Roles, Context, TokenURI), as
// one Credentials value, and how to work (HTTP client, clock, logger) as
// functional options.
//
// # Credentials
//
// A Credentials value holds exactly one of an API key, a static bearer token,
// the path of a service-account credentials file, or the content of such a
// file. When none is set, NewTokenSource reads service-account credentials
// JSON from the SKYFLOW_CREDENTIALS environment variable (EnvCredentials;
// the lookup is replaceable with WithEnvLookup, and CredentialsFromEnv does
// the same explicitly).
//
// Service-account credentials are JSON with clientID, keyID, tokenURI and
// privateKey (optional clientName). The snake_case aliases client_id, key_id,
// token_uri, private_key and client_name are accepted too, as are raw line
// breaks inside JSON strings (a PEM pasted as is). The key may be PKCS#1
// ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY") PEM and must be RSA. The token
// URI must be https, except for loopback hosts (127.0.0.0/8, ::1, localhost)
// so local emulators work; Credentials.TokenURI overrides it.
//
// Roles scope a service-account token: they are sent as the scope
// "role:<id> role:<id>". Context becomes the ctx claim of the assertion: a
// string, bool, number, or map with keys matching ^[a-zA-Z0-9_]+$.
//
// Credentials are parsed once, when the token source is built, never per
// request.
//
// Nothing in the package prints a secret: Credentials, Token and every
// token source the package returns show a kind, a
// fingerprint (Credentials.Fingerprint), ids or an expiry in String,
// GoString, Format (every fmt verb), LogValue and MarshalJSON. A marshalled
// credential does not round-trip: encoding/json cannot store one.
//
// # Token sources
//
// TokenSource is a one-method interface, Token(ctx) (string, error). The
// package provides:
//
//   - APIKeySource: returns the API key.
//   - StaticTokenSource: returns a token obtained elsewhere; it refuses the
//     token once its exp has passed (ErrTokenExpired) since it cannot renew
//     it.
//   - *ServiceAccountSource (NewTokenSource of service-account credentials): signs an RS256
//     assertion, exchanges it at the token endpoint, caches the bearer token
//     and refreshes it before expiry. The refresh window is
//     min(DefaultRefreshWindow, a fifth of the token's lifetime), or the
//     value of WithRefreshWindow, never more than half the lifetime.
//
// NewTokenSource picks the right one from Credentials. Any other
// implementation can be used in its place, for example a source that reads
// tokens from a secret manager:
//
//	// secretSource returns whatever token the secret manager holds now.
//	type secretSource struct {
//		fetch func(ctx context.Context, name string) (string, error)
//	}
//
//	func (s secretSource) Token(ctx context.Context) (string, error) {
//		return s.fetch(ctx, "skyflow-bearer-token")
//	}
//
// Sources that cache also implement Invalidator. After a 401 the caller hands
// the rejected token to Invalidate (or to TokenRefused, which also says
// whether to retry) and retries once; the source drops the token only if it
// is still the cached one, so a late 401 for an old token never discards a
// fresh one. A ServiceAccountSource backs off between refusals it honours
// (at once, then 1 s, 2 s, ... up to 30 s after the previous one), so a
// storm of 401s costs at most one exchange per distinct refused token and
// few exchanges in all; TokenAccepted, after a successful call, resets the
// schedule. Credentials.Fingerprint lets a client share
// one source among vaults configured with equal credentials.
//
// Options: WithHTTPClient (any HTTPDoer; the default is a package-owned
// *http.Client with a 30 s timeout, http.DefaultClient is never touched),
// WithClock, WithRefreshWindow, WithLogger (a *slog.Logger receiving refresh
// events with client id and expiry, never secrets) and WithEnvLookup.
//
// # Errors
//
// Every error text is free of secrets: no API key, token, private key,
// assertion, credentials JSON or credentials file path ever appears in it,
// nor in a log record.
//
//   - Problems with credentials or options are *skyflow.ValidationError values
//     (the SDK-wide type). Field names the input ("APIKey",
//     "clientID", `Context["bad-key"]`, ...), Reason says what is wrong, and
//     errors.Is matches both skyflow.ErrValidation and a specific sentinel such as
//     ErrInvalidAPIKey, ErrMissingClientID, ErrInvalidTokenURI or
//     ErrTokenExpired. A missing credentials file also matches fs.ErrNotExist.
//   - Error responses of the token endpoint, and 2xx responses without an
//     access token, are *skyflow.APIError values with status, message and request
//     id; a 401 matches skyflow.ErrUnauthorized.
//   - Transport and context errors are wrapped with %w, so
//     errors.Is(err, context.DeadlineExceeded) works.
//
// # Concurrency
//
// All sources are safe for concurrent use. A ServiceAccountSource runs at
// most one exchange at a time however many goroutines ask: callers that
// need a token wait for the exchange in flight, and callers that still hold
// a valid token inside the refresh window keep using it while the refresh
// runs in the background. A caller whose context ends stops waiting at once
// with ctx.Err() without affecting the others. A failed exchange is never
// cached: the next caller tries again.
package auth
