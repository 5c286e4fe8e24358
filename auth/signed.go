package auth

import (
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// SignedTokenPrefix starts every signed data token.
const SignedTokenPrefix = "signed_token_"

// DefaultSignedTokenTTL is the lifetime of a signed data token when
// SignedDataTokensRequest.TimeToLive is zero or negative.
const DefaultSignedTokenTTL = 60 * time.Second

// SignedDataTokensRequest lists the data tokens to sign.
type SignedDataTokensRequest struct {
	// DataTokens are the vault tokens to sign; at least one, none empty.
	DataTokens []string
	// TimeToLive is how long each signed token is valid (its exp is now +
	// TimeToLive, truncated to whole seconds); zero or negative means
	// DefaultSignedTokenTTL.
	TimeToLive time.Duration
}

// SignedDataToken pairs a data token with its signed form. It prints (fmt,
// slog) as the signed token's expiry, never the tokens; json.Marshal
// encodes both, since signed tokens are meant to be handed on (and so does
// slog's JSON handler for a plain slice or map of them; the
// SignedDataTokens that GenerateSignedDataTokens returns logs as expiries).
type SignedDataToken struct {
	// DataToken is the vault token that was signed.
	DataToken string
	// SignedToken is SignedTokenPrefix followed by an RS256 JWT with the
	// claims iss="sdk", key, sub, aud, tok, iat, exp and the optional ctx.
	SignedToken string
}

// SignedDataTokens are the signed tokens of one GenerateSignedDataTokens
// call, in the order of the data tokens asked. Like its elements, it
// prints (fmt, slog, slog's JSON handler included) as the signed tokens'
// expiries, never the tokens; json.Marshal encodes every token, to be
// handed on.
type SignedDataTokens []SignedDataToken

// GenerateSignedDataTokens signs each data token with service-account
// credentials, for use in place of the plain token in detokenize calls.
// creds names the credentials (Path or CredentialsJSON; when neither is
// set, SKYFLOW_CREDENTIALS); its Context is the tokens' ctx claim and its
// TokenURI, when set, their aud claim. WithClock applies. It is local: no
// network call is made. Errors are *skyflow.ValidationError values that
// never contain the path or a secret.
func GenerateSignedDataTokens(creds Credentials, req SignedDataTokensRequest, opts ...Option) (SignedDataTokens, error) {
	if err := checkDataTokens(req.DataTokens); err != nil {
		return nil, err
	}
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	r, err := serviceAccountCredentials(creds, o)
	if err != nil {
		return nil, err
	}
	return r.sa.signDataTokens(req, r.ctx, o.now())
}

// signDataTokens signs data tokens at time t with the ctx claim ctxClaim
// (already normalised; nil omits it).
func (sa *serviceAccount) signDataTokens(req SignedDataTokensRequest, ctxClaim any, t time.Time) (SignedDataTokens, error) {
	ttl := req.TimeToLive
	if ttl <= 0 {
		ttl = DefaultSignedTokenTTL
	}
	iat, exp := t.Unix(), t.Add(ttl).Unix()
	out := make(SignedDataTokens, 0, len(req.DataTokens))
	for _, dt := range req.DataTokens {
		claims := jwt.MapClaims{
			"iss": "sdk",
			"key": sa.keyID,
			"sub": sa.clientID,
			"aud": sa.tokenURI,
			"tok": dt,
			"iat": iat,
			"exp": exp,
		}
		if ctxClaim != nil {
			claims["ctx"] = ctxClaim
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(sa.key)
		if err != nil {
			return nil, fmt.Errorf("auth: signing a data token: %w", err)
		}
		out = append(out, SignedDataToken{DataToken: dt, SignedToken: SignedTokenPrefix + s})
	}
	return out, nil
}

func checkDataTokens(tokens []string) error {
	if len(tokens) == 0 {
		return invalid("DataTokens", ErrInvalidDataTokens, "at least one data token is required")
	}
	for i, t := range tokens {
		if t == "" {
			return invalid("DataTokens["+strconv.Itoa(i)+"]", ErrInvalidDataTokens, "data token is empty")
		}
	}
	return nil
}
