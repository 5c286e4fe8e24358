package mockserver

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

const (
	signedTokenPrefix = "signed_token_"
	jwtBearerGrant    = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	tokenPath         = "/v1/auth/sa/oauth/token"
	issuerName        = "skyflow-mock"
)

// serviceAccount is a registered service account with a lazily generated
// (or configured) RSA key.
type serviceAccount struct {
	cfg ServiceAccountConfig
	mu  sync.Mutex
	key *rsa.PrivateKey
}

// privateKey returns the account's key, generating it on first use.
func (sa *serviceAccount) privateKey() (*rsa.PrivateKey, error) {
	sa.mu.Lock()
	defer sa.mu.Unlock()
	if sa.key == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("generate service-account key: %w", err)
		}
		sa.key = k
	}
	return sa.key, nil
}

// publicKey returns the account's public key, or nil when no key exists yet
// (then nothing can have been signed with it).
func (sa *serviceAccount) publicKey() *rsa.PublicKey {
	sa.mu.Lock()
	defer sa.mu.Unlock()
	if sa.key == nil {
		return nil
	}
	return &sa.key.PublicKey
}

// authority checks credentials and issues bearer tokens.
type authority struct {
	apiKeys  map[string]bool
	accounts []*serviceAccount
	byKeyID  map[string]*serviceAccount
	now      func() time.Time
	lifetime time.Duration

	signerMu sync.Mutex
	signer   *rsa.PrivateKey

	cacheMu sync.Mutex
	cache   map[string]*principal // verified bearer tokens
}

func newAuthority(cfg Config, now func() time.Time, lifetime time.Duration) (*authority, error) {
	a := &authority{apiKeys: map[string]bool{}, byKeyID: map[string]*serviceAccount{}, now: now, lifetime: lifetime, cache: map[string]*principal{}}
	for _, k := range cfg.APIKeys {
		a.apiKeys[k] = true
	}
	for _, sc := range cfg.ServiceAccounts {
		sa := &serviceAccount{cfg: sc}
		if sc.PrivateKey != "" {
			k, err := parseRSAPrivateKey(sc.PrivateKey)
			if err != nil {
				return nil, fmt.Errorf("service account %s: %w", sc.ClientID, err)
			}
			sa.key = k
		}
		a.accounts = append(a.accounts, sa)
		a.byKeyID[sc.KeyID] = sa
	}
	return a, nil
}

// persistKeys makes the signing key of bearer tokens and the generated keys
// of service accounts persistent through secret (WithDataDir): loaded when
// stored, else generated now and stored, so credentials and tokens stay
// valid across restarts. Configured keys are left alone.
func (a *authority) persistKeys(secret func(string, func() ([]byte, error)) ([]byte, error)) error {
	load := func(name string) (*rsa.PrivateKey, error) {
		der, err := secret(name, func() ([]byte, error) {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				return nil, err
			}
			return x509.MarshalPKCS8PrivateKey(k)
		})
		if err != nil {
			return nil, err
		}
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("stored key %s: %w", name, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("stored key %s is not an RSA key", name)
		}
		return rk, nil
	}
	signer, err := load("signing_key")
	if err != nil {
		return err
	}
	a.signerMu.Lock()
	a.signer = signer
	a.signerMu.Unlock()
	for _, sa := range a.accounts {
		if sa.cfg.PrivateKey != "" {
			continue
		}
		k, err := load("service_account_key:" + sa.cfg.KeyID)
		if err != nil {
			return err
		}
		sa.mu.Lock()
		sa.key = k
		sa.mu.Unlock()
	}
	return nil
}

// newAPIKey returns a random API key of the real format.
func newAPIKey() string {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 5+16)
	_, _ = rand.Read(b)
	prefix := make([]byte, 5)
	for i := range prefix {
		prefix[i] = alnum[int(b[i])%len(alnum)]
	}
	return "sky-" + string(prefix) + "-" + hex.EncodeToString(b[5:])
}

// signingKey returns the key that signs issued bearer tokens, generating it
// on first use.
func (a *authority) signingKey() (*rsa.PrivateKey, error) {
	a.signerMu.Lock()
	defer a.signerMu.Unlock()
	if a.signer == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("generate signing key: %w", err)
		}
		a.signer = k
	}
	return a.signer, nil
}

// verifyKey returns the public key of issued tokens, or nil when none has
// been issued yet.
func (a *authority) verifyKey() *rsa.PublicKey {
	a.signerMu.Lock()
	defer a.signerMu.Unlock()
	if a.signer == nil {
		return nil
	}
	return &a.signer.PublicKey
}

// issue mints a bearer token for subject with the given lifetime and roles.
func (a *authority) issue(subject string, lifetime time.Duration, roles []string, ctx any) (string, error) {
	key, err := a.signingKey()
	if err != nil {
		return "", err
	}
	now := a.now()
	claims := jwt.MapClaims{
		"iss":   issuerName,
		"sub":   subject,
		"iat":   now.Unix(),
		"exp":   now.Add(lifetime).Unix(),
		"jti":   uuid.NewString(),
		"roles": append([]string{}, roles...),
	}
	if ctx != nil {
		claims["ctx"] = ctx
	}
	return jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
}

// principal is who a request acts as: an API key, or a bearer token
// issued by this server with its roles.
type principal struct {
	apiKey  bool
	subject string   // client id of the service account (or the IssueToken subject)
	roles   []string // roles of the token
	jti     string
	exp     time.Time
}

// apiKeyPrincipal is who every API key acts as (never modified).
var apiKeyPrincipal = &principal{apiKey: true, subject: "api-key"}

// maxTokenCache bounds the verified-token cache; it is emptied when full.
const maxTokenCache = 4096

// identify resolves a credential (an API key, or an unexpired token issued
// by this server) to its principal; the error says why a credential is
// refused, never echoing it. Verified tokens are cached: RS256
// verification costs more than serving a small request.
func (a *authority) identify(cred string) (*principal, error) {
	if cred == "" {
		return nil, errors.New("no credentials: send an API key or a bearer token")
	}
	if strings.HasPrefix(cred, "sky-") && len(cred) == 42 {
		if a.apiKeys[cred] {
			return apiKeyPrincipal, nil
		}
		return nil, errors.New("invalid API key")
	}
	if strings.Count(cred, ".") != 2 {
		return nil, errors.New("credentials are neither a known API key nor a JWT")
	}
	a.cacheMu.Lock()
	p, ok := a.cache[cred]
	a.cacheMu.Unlock()
	if ok {
		if !a.now().Before(p.exp) {
			return nil, errors.New("bearer token has expired")
		}
		return p, nil
	}
	pub := a.verifyKey()
	if pub == nil {
		return nil, errors.New("invalid bearer token: not issued by this server")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(cred, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(a.now),
		jwt.WithExpirationRequired(), jwt.WithIssuer(issuerName))
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, errors.New("bearer token has expired")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return nil, errors.New("invalid bearer token: bad signature")
	case err != nil:
		return nil, errors.New("invalid bearer token")
	}
	p = &principal{}
	p.subject, _ = claims["sub"].(string)
	p.jti, _ = claims["jti"].(string)
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil {
		p.exp = exp.Time
	}
	if list, ok := claims["roles"].([]any); ok {
		for _, r := range list {
			if s, ok := r.(string); ok {
				p.roles = append(p.roles, s)
			}
		}
	}
	a.cacheMu.Lock()
	if len(a.cache) >= maxTokenCache {
		clear(a.cache)
	}
	a.cache[cred] = p
	a.cacheMu.Unlock()
	return p, nil
}

// authorize checks an Authorization header ("Bearer <credential>").
func (a *authority) authorize(header string) (*principal, error) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(header), " ")
	if header == "" {
		return nil, errors.New("missing Authorization header")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, errors.New("the Authorization header must be \"Bearer <token or API key>\"")
	}
	return a.identify(strings.TrimSpace(cred))
}

// exchange implements the token endpoint: it verifies a service-account
// assertion and issues a bearer token. tokenURIs are the accepted audiences.
func (a *authority) exchange(grantType, assertion, scope string, tokenURIs []string) (string, error) {
	if grantType != jwtBearerGrant {
		return "", badRequest("unsupported grant_type %q (expected %s)", grantType, jwtBearerGrant)
	}
	unverified, _, err := jwt.NewParser().ParseUnverified(assertion, jwt.MapClaims{})
	if err != nil {
		return "", unauthenticated("invalid assertion: not a JWT")
	}
	keyID, _ := unverified.Claims.(jwt.MapClaims)["key"].(string)
	sa := a.byKeyID[keyID]
	if sa == nil {
		return "", unauthenticated("invalid assertion: unknown key id")
	}
	pub := sa.publicKey()
	if pub == nil {
		return "", unauthenticated("invalid assertion: signature does not verify")
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(assertion, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(a.now), jwt.WithExpirationRequired())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "", unauthenticated("invalid assertion: expired")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "", unauthenticated("invalid assertion: exp claim missing")
	case err != nil:
		return "", unauthenticated("invalid assertion: signature does not verify")
	}
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	if iss != sa.cfg.ClientID || sub != sa.cfg.ClientID {
		return "", unauthenticated("invalid assertion: iss and sub must be the client id of the key's service account")
	}
	aud, _ := claims.GetAudience()
	if !audienceMatches(aud, tokenURIs) {
		return "", unauthenticated("invalid assertion: aud must be the token URI of the credentials")
	}
	var roles []string
	for _, f := range strings.Fields(scope) {
		role, ok := strings.CutPrefix(f, "role:")
		if !ok || role == "" {
			return "", badRequest("invalid scope %q: expected space-separated role:<role id> entries", f)
		}
		if !slices.Contains(sa.cfg.Roles, role) {
			return "", forbidden("role %s is not assigned to the service account", role)
		}
		roles = append(roles, role)
	}
	tok, err := a.issue(sa.cfg.ClientID, a.lifetime, roles, claims["ctx"])
	if err != nil {
		return "", err
	}
	return tok, nil
}

func audienceMatches(aud []string, accepted []string) bool {
	for _, a := range aud {
		for _, b := range accepted {
			if strings.TrimRight(a, "/") == strings.TrimRight(b, "/") {
				return true
			}
		}
	}
	return false
}

// resolveSignedToken verifies a signed data token ("signed_token_" + JWT
// signed by a registered service-account key) and returns the data token it
// carries.
func (a *authority) resolveSignedToken(s string) (string, error) {
	raw := strings.TrimPrefix(s, signedTokenPrefix)
	unverified, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
	if err != nil {
		return "", errors.New("invalid signed data token: not a JWT")
	}
	keyID, _ := unverified.Claims.(jwt.MapClaims)["key"].(string)
	sa := a.byKeyID[keyID]
	if sa == nil {
		return "", errors.New("invalid signed data token: unknown key id")
	}
	pub := sa.publicKey()
	if pub == nil {
		return "", errors.New("invalid signed data token: signature does not verify")
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(a.now), jwt.WithExpirationRequired())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "", errors.New("signed data token has expired")
	case err != nil:
		return "", errors.New("invalid signed data token: signature does not verify")
	}
	if sub, _ := claims["sub"].(string); sub != sa.cfg.ClientID {
		return "", errors.New("invalid signed data token: sub is not the client id of the key's service account")
	}
	tok, _ := claims["tok"].(string)
	if tok == "" {
		return "", errors.New("invalid signed data token: no tok claim")
	}
	return tok, nil
}

// credentialsJSON renders service-account credentials as the SDKs read them,
// on one line: one official SDK mangles indented JSON given as a string.
func credentialsJSON(sa *serviceAccount, tokenURI string) (string, error) {
	key, err := sa.privateKey()
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("encode private key: %w", err)
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	b, err := json.Marshal(map[string]string{
		"clientID":   sa.cfg.ClientID,
		"clientName": sa.cfg.ClientName,
		"keyID":      sa.cfg.KeyID,
		"tokenURI":   tokenURI,
		"privateKey": pemText,
	})
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// parseRSAPrivateKey parses a PKCS#8 or PKCS#1 PEM RSA private key.
func parseRSAPrivateKey(text string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("the key is not an RSA key")
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not a PKCS#8 or PKCS#1 RSA private key")
	}
	return k, nil
}

// writeFileAtomic writes data to path with 0600 permissions.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// connectionCredential extracts the credential of a connection call, which
// travels raw in x-skyflow-authorization.
func connectionCredential(r *http.Request) string {
	return strings.TrimSpace(r.Header.Get("X-Skyflow-Authorization"))
}
