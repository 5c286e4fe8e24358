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
// SignedDataTokensOptions.TimeToLive is zero or negative.
const DefaultSignedTokenTTL = 60 * time.Second

// SignedDataTokensOptions tunes GenerateSignedDataTokens.
type SignedDataTokensOptions struct {
	// DataTokens are the vault tokens to sign; at least one, none empty.
	DataTokens []string
	// TimeToLive is how long each signed token is valid (its exp is now +
	// TimeToLive, truncated to whole seconds); zero or negative means
	// DefaultSignedTokenTTL.
	TimeToLive time.Duration
	// Ctx is the optional ctx claim (string, bool, number, or map with keys
	// matching ^[a-zA-Z0-9_]+$; nil, "" or an empty map omit it).
	Ctx any
	// TokenURI, when not empty, overrides the tokenURI of the credentials
	// (the aud claim).
	TokenURI string
	// Now is the clock for iat and exp; nil means time.Now.
	Now func() time.Time
}

// SignedDataToken pairs a data token with its signed form. It prints (fmt,
// slog) as the signed token's expiry, never the tokens; json.Marshal
// encodes both, since signed tokens are meant to be handed on.
type SignedDataToken struct {
	// DataToken is the vault token that was signed.
	DataToken string
	// SignedToken is SignedTokenPrefix followed by an RS256 JWT with the
	// claims iss="sdk", key, sub, aud, tok, iat, exp and the optional ctx.
	SignedToken string
}

// GenerateSignedDataTokens reads the service-account credentials file at
// path and signs each data token, for use in place of the plain token in
// detokenize calls. It is local: no network call is made. Errors are
// *skyflow.ValidationError values that never contain the path or a secret.
func GenerateSignedDataTokens(path string, opts SignedDataTokensOptions) ([]SignedDataToken, error) {
	if err := checkDataTokens(opts.DataTokens); err != nil {
		return nil, err
	}
	sa, err := LoadServiceAccount(path, opts.TokenURI)
	if err != nil {
		return nil, err
	}
	return sa.SignDataTokens(opts)
}

// GenerateSignedDataTokensFromCreds is GenerateSignedDataTokens for
// credentials given as a JSON string instead of a file.
func GenerateSignedDataTokensFromCreds(credsJSON string, opts SignedDataTokensOptions) ([]SignedDataToken, error) {
	if err := checkDataTokens(opts.DataTokens); err != nil {
		return nil, err
	}
	sa, err := parseServiceAccount([]byte(credsJSON), opts.TokenURI)
	if err != nil {
		return nil, err
	}
	return sa.SignDataTokens(opts)
}

// SignDataTokens signs data tokens with already parsed credentials, so
// repeated signing does not re-read the credentials. opts.TokenURI, when
// set, replaces sa's token URI as the aud claim.
func (sa *ServiceAccount) SignDataTokens(opts SignedDataTokensOptions) ([]SignedDataToken, error) {
	if sa == nil || sa.key == nil {
		return nil, invalid("ServiceAccount", ErrMissingPrivateKey, "service account is nil; use LoadServiceAccount or ParseServiceAccount")
	}
	if err := checkDataTokens(opts.DataTokens); err != nil {
		return nil, err
	}
	ctxClaim, err := normalizeCtx("Ctx", opts.Ctx)
	if err != nil {
		return nil, err
	}
	aud := sa.tokenURI
	if opts.TokenURI != "" && opts.TokenURI != aud {
		if _, err := checkTokenURI("TokenURI", opts.TokenURI); err != nil {
			return nil, err
		}
		aud = opts.TokenURI
	}
	ttl := opts.TimeToLive
	if ttl <= 0 {
		ttl = DefaultSignedTokenTTL
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	t := now()
	iat, exp := t.Unix(), t.Add(ttl).Unix()
	out := make([]SignedDataToken, 0, len(opts.DataTokens))
	for _, dt := range opts.DataTokens {
		claims := jwt.MapClaims{
			"iss": "sdk",
			"key": sa.keyID,
			"sub": sa.clientID,
			"aud": aud,
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
