package auth

import (
	"errors"

	"github.com/skyflowgo/skyflow"
)

// Sentinels carried in skyflow.ValidationError.Err by credentials and
// options problems. Match them with errors.Is; every such error also
// matches skyflow.ErrValidation.
var (
	// ErrNoCredentials means no credentials were given and none were found
	// in the environment.
	ErrNoCredentials = errors.New("auth: no credentials")
	// ErrMultipleCredentials means more than one kind of credentials was
	// given (for example an API key and a credentials file).
	ErrMultipleCredentials = errors.New("auth: more than one kind of credentials")
	// ErrInvalidAPIKey means the API key does not have the form
	// sky-XXXXX-<32 hex digits>.
	ErrInvalidAPIKey = errors.New("auth: invalid API key")
	// ErrInvalidToken means a bearer token is not a JWT with a numeric exp
	// claim.
	ErrInvalidToken = errors.New("auth: invalid bearer token")
	// ErrTokenExpired means a static bearer token has expired.
	ErrTokenExpired = errors.New("auth: bearer token expired")
	// ErrCredentialsFile means the credentials file could not be read, or
	// is not a regular file (a FIFO, a device or a directory is refused
	// before anything is read). The error also matches fs.ErrNotExist or
	// fs.ErrPermission when that is the cause.
	ErrCredentialsFile = errors.New("auth: cannot read credentials file")
	// ErrInvalidCredentialsJSON means the service-account credentials are
	// not a JSON object, or a field has the wrong JSON type.
	ErrInvalidCredentialsJSON = errors.New("auth: credentials are not a valid JSON object")
	// ErrMissingClientID means the service-account credentials lack clientID.
	ErrMissingClientID = errors.New("auth: missing clientID")
	// ErrMissingKeyID means the service-account credentials lack keyID.
	ErrMissingKeyID = errors.New("auth: missing keyID")
	// ErrMissingTokenURI means the service-account credentials lack
	// tokenURI and no override was given.
	ErrMissingTokenURI = errors.New("auth: missing tokenURI")
	// ErrMissingPrivateKey means the service-account credentials lack
	// privateKey.
	ErrMissingPrivateKey = errors.New("auth: missing privateKey")
	// ErrInvalidTokenURI means the token URI is not an absolute https URL
	// (plain http is allowed only for loopback hosts).
	ErrInvalidTokenURI = errors.New("auth: invalid token URI")
	// ErrInvalidPrivateKey means the private key is not a readable PEM
	// encoded PKCS#1 or PKCS#8 key.
	ErrInvalidPrivateKey = errors.New("auth: invalid private key")
	// ErrNotRSAKey means the private key is valid but not an RSA key.
	ErrNotRSAKey = errors.New("auth: private key is not an RSA key")
	// ErrInvalidContext means the ctx claim has an unsupported type or
	// value.
	ErrInvalidContext = errors.New("auth: invalid ctx claim")
	// ErrInvalidContextKey means a key of a map ctx claim does not match
	// ^[a-zA-Z0-9_]+$.
	ErrInvalidContextKey = errors.New("auth: invalid ctx claim key")
	// ErrInvalidRole means a role id is empty or contains white space.
	ErrInvalidRole = errors.New("auth: invalid role id")
	// ErrNotApplicable means an option was set that only applies to
	// service-account credentials (Roles, Context, TokenURI) together with an
	// API key or a static token.
	ErrNotApplicable = errors.New("auth: option applies only to service-account credentials")
	// ErrServiceAccountRequired means a call that signs with a service
	// account's key (GenerateBearerToken, GenerateSignedDataTokens) got an
	// API key or a static token.
	ErrServiceAccountRequired = errors.New("auth: service-account credentials required")
	// ErrInvalidDataTokens means the list of data tokens to sign is empty or
	// holds an empty entry.
	ErrInvalidDataTokens = errors.New("auth: invalid data tokens")
)

// invalid builds a *ValidationError carrying a specific sentinel.
func invalid(field string, sentinel error, reason string) *skyflow.ValidationError {
	return &skyflow.ValidationError{Field: field, Reason: reason, Err: sentinel}
}
