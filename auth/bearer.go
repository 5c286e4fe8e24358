package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/gen/oauth"
	"github.com/skyflowgo/skyflow/internal/errs"
	"github.com/skyflowgo/skyflow/internal/transport"
)

// HTTPDoer sends HTTP requests. *http.Client implements it; so can a test
// double or a wrapper that adds tracing.
type HTTPDoer interface {
	Do(req *http.Request) (*http.Response, error)
}

// newDefaultClient is the package's own client for the token exchange: it
// uses http.DefaultTransport, never modifies http.DefaultClient, bounds an
// exchange to 30 s and never follows a redirect to another origin (the
// assertion stays on the token URI's host).
func newDefaultClient() HTTPDoer {
	return transport.WithPolicy(&http.Client{Timeout: 30 * time.Second})
}

// safeDoer applies the SDK's redirect policy to a caller's *http.Client
// (to a copy of it). Other doers are used as given.
func safeDoer(d HTTPDoer) HTTPDoer {
	switch c := d.(type) {
	case nil:
		return newDefaultClient()
	case *http.Client:
		return transport.WithPolicy(c)
	}
	return d
}

const (
	grantTypeJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// assertionLifetime is how long a service-account assertion is valid.
	assertionLifetime = 60 * time.Minute
	// maxTokenResponse caps how much of a token-exchange response is read.
	maxTokenResponse = 1 << 20
)

// Token is a bearer token obtained from the token exchange. String,
// GoString, Format (every fmt verb), LogValue and MarshalJSON show its type
// and expiry, never AccessToken; a marshalled Token does not round-trip.
type Token struct {
	// AccessToken is the bearer token itself. Treat it as a secret.
	AccessToken string
	// TokenType is the token type reported by the server, normally "Bearer".
	TokenType string
	// Expiry is the exp claim of AccessToken (read without verifying the
	// signature); zero when the token carries no readable exp.
	Expiry time.Time
}

// GenerateBearerToken signs an RS256 assertion with service-account
// credentials and exchanges it for a bearer token at the token endpoint.
// creds names the credentials (Path or CredentialsJSON; when neither is
// set, the service-account JSON of SKYFLOW_CREDENTIALS), and its Roles,
// Context and TokenURI scope the token, set its ctx claim and override the
// token URI. WithHTTPClient and WithClock apply.
//
// Each call performs one exchange; for repeated use prefer a TokenSource
// (NewTokenSource), which caches and refreshes the token.
//
// Server errors are *skyflow.APIError values (Operation
// "GenerateBearerToken"); bad credentials are *skyflow.ValidationError
// values (an API key or a static token matches ErrServiceAccountRequired);
// transport and context errors are wrapped with %w.
func GenerateBearerToken(ctx context.Context, creds Credentials, opts ...Option) (*Token, error) {
	const op = "GenerateBearerToken"
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	r, err := serviceAccountCredentials(creds, o)
	if err != nil {
		return nil, err
	}
	return newExchanger(op, r.sa, r.roles, r.ctx, o.doer, o.now).exchange(ctx)
}

// serviceAccountCredentials resolves creds (or SKYFLOW_CREDENTIALS) and
// requires service-account credentials.
func serviceAccountCredentials(creds Credentials, o *options) (*resolved, error) {
	r, err := resolveWithEnv(creds, o)
	if err != nil {
		return nil, err
	}
	if r.sa == nil {
		return nil, invalid("", ErrServiceAccountRequired,
			"service-account credentials (Path or CredentialsJSON) are required, not "+r.kind.String()+" credentials")
	}
	return r, nil
}

// exchanger signs assertions for one service account and exchanges them.
// Its generated client is built once and reused for every exchange.
type exchanger struct {
	op       string
	sa       *serviceAccount
	scope    string
	ctxClaim any
	now      func() time.Time
	client   *oauth.Client
}

func newExchanger(op string, sa *serviceAccount, roles []string, ctxClaim any, doer HTTPDoer, now func() time.Time) *exchanger {
	return &exchanger{op: op, sa: sa, scope: scopeOf(roles), ctxClaim: ctxClaim, now: now, client: oauth.NewClient(sa.origin, safeDoer(doer))}
}

// acceptJSON asks the token endpoint for a JSON answer.
func acceptJSON(_ context.Context, req *http.Request) error {
	req.Header["Accept"] = []string{"application/json"}
	return nil
}

// assertion signs the RS256 JWT presented to the token endpoint.
func (e *exchanger) assertion(now time.Time) (string, error) {
	claims := jwt.MapClaims{
		"iss": e.sa.clientID,
		"key": e.sa.keyID,
		"aud": e.sa.tokenURI,
		"sub": e.sa.clientID,
		"exp": now.Add(assertionLifetime).Unix(),
	}
	if e.ctxClaim != nil {
		claims["ctx"] = e.ctxClaim
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(e.sa.key)
	if err != nil {
		return "", fmt.Errorf("auth: %s: signing the assertion: %w", e.op, err)
	}
	return s, nil
}

// noAnswer is the error of an exchange that got no usable answer: a
// *skyflow.TransportError (or the *skyflow.ValidationError the request
// could not be built for), without the request's URL, which net/http's
// errors quote.
func (e *exchanger) noAnswer(what string, err error) error {
	var ve *skyflow.ValidationError
	if errors.As(err, &ve) {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &skyflow.TransportError{Operation: e.op, Sent: !transport.NotSent(err), Err: fmt.Errorf("%s: %w", what, err)}
}

// exchange performs one token exchange. The response is read by hand rather
// than through the generated response parser, because that parser fails
// (losing status and request id) on error bodies of the plain-string form
// {"error":"..."}; errs.Decode understands every form.
func (e *exchanger) exchange(ctx context.Context) (*Token, error) {
	assertion, err := e.assertion(e.now())
	if err != nil {
		return nil, err
	}
	body := oauth.V1GetAuthTokenRequest{GrantType: grantTypeJWTBearer, Assertion: assertion}
	if e.scope != "" {
		scope := e.scope
		body.Scope = &scope
	}
	resp, err := e.client.GetAuthToken(ctx, body, acceptJSON)
	if err != nil {
		return nil, e.noAnswer("token exchange failed", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse+1))
	if err != nil {
		return nil, e.noAnswer("reading the token response", err)
	}
	tooLarge := len(data) > maxTokenResponse
	if tooLarge {
		data = data[:maxTokenResponse]
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The assertion is a credential for its lifetime: an endpoint that
		// quotes it back must not put it into the error (nor a log line).
		// It is base64url and dots, the same in JSON as in the text.
		data = bytes.ReplaceAll(data, []byte(assertion), []byte("<assertion>"))
		apiErr := errs.Decode(resp.StatusCode, resp.Header, data)
		apiErr.Operation = e.op
		return nil, apiErr
	}
	badResponse := func(msg string, cause error) *skyflow.APIError {
		// A success answer the SDK cannot use matches
		// skyflow.ErrUnexpectedResponse, its decoding error behind it.
		cause = errors.Join(skyflow.ErrUnexpectedResponse, cause)
		return &skyflow.APIError{
			StatusCode: resp.StatusCode,
			HTTPStatus: http.StatusText(resp.StatusCode),
			Message:    msg,
			RequestID:  resp.Header.Get(errs.RequestIDHeader),
			Operation:  e.op,
			Err:        cause,
		}
	}
	if tooLarge {
		return nil, badResponse("token response exceeds 1 MiB", nil)
	}
	var out oauth.V1GetAuthTokenResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, badResponse("token response is not a valid JSON object", err)
	}
	if out.AccessToken == nil || *out.AccessToken == "" {
		return nil, badResponse("token response has no accessToken", nil)
	}
	if !headerSafe(*out.AccessToken) {
		// Such a token could never be sent (see ErrUnsendableToken): a
		// failed exchange is not cached, so the next call asks again.
		return nil, badResponse("token response has an accessToken with a control character", nil)
	}
	tok := &Token{AccessToken: *out.AccessToken, TokenType: "Bearer"}
	if out.TokenType != nil && *out.TokenType != "" {
		tok.TokenType = *out.TokenType
	}
	tok.Expiry, _ = Expiry(tok.AccessToken)
	return tok, nil
}
