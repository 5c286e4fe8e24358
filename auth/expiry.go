package auth

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Expiry returns the exp claim of a JWT, read without verifying its
// signature. ok is false when token is not a JWT or has no numeric exp.
func Expiry(token string) (exp time.Time, ok bool) {
	if token == "" {
		return time.Time{}, false
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return time.Time{}, false
	}
	nd, err := claims.GetExpirationTime()
	if err != nil || nd == nil {
		return time.Time{}, false
	}
	return nd.Time, true
}

// IsExpired reports whether a JWT bearer token has expired, reading its exp
// claim without verifying the signature. A token that is not a JWT, or has no
// numeric exp, counts as expired. No clock-skew margin is applied; token
// sources refresh early instead.
func IsExpired(token string) bool {
	return isExpiredAt(token, time.Now())
}

func isExpiredAt(token string, now time.Time) bool {
	exp, ok := Expiry(token)
	return !ok || !now.Before(exp)
}
