package mockserver

import (
	"context"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/oauthapi"
)

// oauthAPI implements the generated strict server of the token exchange.
type oauthAPI struct{ s *Server }

var _ oauthapi.StrictServerInterface = (*oauthAPI)(nil)

// GetAuthToken exchanges a signed service-account assertion for a bearer
// token.
func (o *oauthAPI) GetAuthToken(ctx context.Context, req oauthapi.GetAuthTokenRequestObject) (oauthapi.GetAuthTokenResponseObject, error) {
	body := req.Body
	tok, err := o.s.auth.exchange(body.GrantType, body.Assertion, deref(body.Scope), o.s.acceptedTokenURIs(requestFrom(ctx)))
	if err != nil {
		return nil, err
	}
	return oauthapi.GetAuthToken200JSONResponse{Body: oauthapi.V1GetAuthTokenResponse{
		AccessToken: ptr(tok),
		TokenType:   ptr("Bearer"),
	}}, nil
}
