package auth_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/ghttp"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
)

var _ = Describe("GenerateBearerToken", func() {
	var (
		clock *fakeClock
		ep    *tokenEndpoint
		ctx   context.Context
		opts  []auth.Option
		// scope holds the Roles, Context and TokenURI a spec adds to the
		// credentials it uses.
		scope auth.Credentials
	)

	// with adds the spec's scope to credentials.
	with := func(c auth.Credentials) auth.Credentials {
		c.Roles, c.Context, c.TokenURI = scope.Roles, scope.Context, scope.TokenURI
		return c
	}

	BeforeEach(func() {
		clock = newClock()
		ep = newTokenEndpoint(clock)
		ctx = context.Background()
		opts = []auth.Option{auth.WithClock(clock.Now)}
		scope = auth.Credentials{}
	})

	// assertion returns the verified claims of the last exchanged assertion.
	assertion := func() claims {
		GinkgoHelper()
		body := ep.lastBody()
		Expect(body).To(HaveKeyWithValue("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"))
		a, ok := body["assertion"].(string)
		Expect(ok).To(BeTrue(), "assertion is a string")
		header, c, err := verifyRS256(a, &rsaKey.PublicKey, clock.Now())
		Expect(err).NotTo(HaveOccurred())
		Expect(header).To(HaveKeyWithValue("typ", "JWT"))
		_, _, err = verifyRS256(a, &otherKey.PublicKey, clock.Now())
		Expect(err).To(HaveOccurred(), "a different key must not verify the assertion")
		return c
	}

	DescribeTable("signs a verifiable RS256 assertion and exchanges it, for either PEM form",
		func(pemOf func() string) {
			ep.serveTokens()
			path := writeTemp("creds.json", toJSON(saFields(ep.tokenURI(), pemOf())))
			tok, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{Path: path}), opts...)
			Expect(err).NotTo(HaveOccurred())

			Expect(ep.count()).To(Equal(1))
			req := ep.ReceivedRequests()[0]
			Expect(req.Method).To(Equal(http.MethodPost))
			Expect(req.URL.Path).To(Equal(tokenPath), "the tokenURI path is replaced by the fixed exchange path")
			Expect(ep.lastHeader().Get("Authorization")).To(BeEmpty())

			c := assertion()
			Expect(c).To(HaveKeyWithValue("iss", clientID))
			Expect(c).To(HaveKeyWithValue("sub", clientID))
			Expect(c).To(HaveKeyWithValue("key", keyID))
			Expect(c).To(HaveKeyWithValue("aud", ep.tokenURI()), "aud is the full token URI")
			Expect(c).To(HaveKeyWithValue("exp", BeNumerically("==", clock.Now().Add(time.Hour).Unix())))
			Expect(c).NotTo(HaveKey("ctx"))
			Expect(ep.lastBody()).NotTo(HaveKey("scope"))

			issued := ep.issuedTokens()
			Expect(issued).To(HaveLen(1))
			Expect(tok.AccessToken).To(Equal(issued[0]))
			Expect(tok.TokenType).To(Equal("Bearer"))
			Expect(tok.Expiry).To(BeTemporally("==", clock.Now().Add(time.Hour)))
		},
		Entry("PKCS#1", func() string { return pkcs1PEM(rsaKey) }),
		Entry("PKCS#8", func() string { return pkcs8PEM(rsaKey) }),
	)

	It("accepts snake_case keys and raw newlines from a JSON string", func() {
		ep.serveTokens()
		raw := "{\"client_id\":\"" + clientID + "\",\"key_id\":\"" + keyID + "\",\"token_uri\":\"" + ep.tokenURI() +
			"\",\"private_key\":\"" + pkcs1PEM(rsaKey) + "\"}"
		_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: raw}), opts...)
		Expect(err).NotTo(HaveOccurred())
		c := assertion()
		Expect(c).To(HaveKeyWithValue("iss", clientID))
		Expect(c).To(HaveKeyWithValue("key", keyID))
	})

	It("sends role:<id> entries joined by single spaces, without a leading space", func() {
		ep.serveTokens()
		scope.Roles = []string{"role-a", "role-b", "role-c"}
		_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
		Expect(err).NotTo(HaveOccurred())
		Expect(ep.lastBody()).To(HaveKeyWithValue("scope", "role:role-a role:role-b role:role-c"))

		scope.Roles = []string{"only"}
		_, err = auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
		Expect(err).NotTo(HaveOccurred())
		Expect(ep.lastBody()).To(HaveKeyWithValue("scope", "role:only"))
	})

	DescribeTable("puts the ctx claim in the assertion",
		func(ctxValue any, want any) {
			ep.serveTokens()
			scope.Context = ctxValue
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
			Expect(err).NotTo(HaveOccurred())
			if want == nil {
				Expect(assertion()).NotTo(HaveKey("ctx"))
			} else {
				Expect(assertion()).To(HaveKeyWithValue("ctx", want))
			}
		},
		Entry("string", "user-42", "user-42"),
		Entry("bool", true, true),
		Entry("int", 42, float64(42)),
		Entry("uint8", uint8(7), float64(7)),
		Entry("float", 2.5, 2.5),
		Entry("map", map[string]any{"user_id": "u1", "Level_2": 3, "nested": map[string]any{"x": "y"}},
			map[string]any{"user_id": "u1", "Level_2": float64(3), "nested": map[string]any{"x": "y"}}),
		Entry("map[string]string", map[string]string{"k": "v"}, map[string]any{"k": "v"}),
		Entry("empty string is omitted", "", nil),
		Entry("empty map is omitted", map[string]any{}, nil),
		Entry("nil is omitted", nil, nil),
	)

	DescribeTable("rejects bad options before any request",
		func(mutate func(*auth.Credentials), sentinel error, field string) {
			ep.serveTokens()
			mutate(&scope)
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
			expectValidationError(err, sentinel, field)
			Expect(ep.count()).To(BeZero())
		},
		Entry("ctx map key", func(c *auth.Credentials) { c.Context = map[string]any{"bad-key": 1} },
			auth.ErrInvalidContextKey, `Context["bad-key"]`),
		Entry("ctx type", func(c *auth.Credentials) { c.Context = []int{1} }, auth.ErrInvalidContext, "Context"),
		Entry("empty role", func(c *auth.Credentials) { c.Roles = []string{""} }, auth.ErrInvalidRole, "Roles[0]"),
		Entry("http token URI override", func(c *auth.Credentials) { c.TokenURI = "http://example.com/t" },
			auth.ErrInvalidTokenURI, "TokenURI"),
	)

	It("uses the TokenURI override as both aud and exchange host", func() {
		other := newTokenEndpoint(clock)
		other.serveTokens()
		ep.serveTokens()
		scope.TokenURI = other.URL() + "/custom/aud"
		_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
		Expect(err).NotTo(HaveOccurred())
		Expect(ep.count()).To(BeZero())
		Expect(other.count()).To(Equal(1))
		_, c, err := verifyRS256(other.lastBody()["assertion"].(string), &rsaKey.PublicKey, clock.Now())
		Expect(err).NotTo(HaveOccurred())
		Expect(c).To(HaveKeyWithValue("aud", other.URL()+"/custom/aud"))
	})

	It("uses the given HTTP client", func() {
		ep.serveTokens()
		counter := &countingDoer{next: http.DefaultClient}
		opts = append(opts, auth.WithHTTPClient(counter))
		_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
		Expect(err).NotTo(HaveOccurred())
		Expect(counter.n.Load()).To(Equal(int64(1)))
	})

	Describe("errors", func() {
		It("returns a 401 as *skyflow.APIError with status, message and request id, matching ErrUnauthorized", func() {
			ep.serveSequence(respondError(http.StatusUnauthorized,
				skyflowError(401, 16, "Unauthorized", "invalid assertion signature"), "req-401"))
			path := writeTemp("creds.json", credsJSON(ep.tokenURI()))
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{Path: path}), opts...)
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue(), "got %T %v", err, err)
			Expect(apiErr.StatusCode).To(Equal(401))
			Expect(apiErr.HTTPStatus).To(Equal("Unauthorized"))
			Expect(apiErr.GRPCCode).To(Equal(16))
			Expect(apiErr.Message).To(Equal("invalid assertion signature"))
			Expect(apiErr.RequestID).To(Equal("req-401"))
			Expect(apiErr.Operation).To(Equal("GenerateBearerToken"))
			Expect(errors.Is(err, skyflow.ErrUnauthorized)).To(BeTrue())
			Expect(err.Error()).To(ContainSubstring("req-401"))
		})

		It("decodes the plain-string error form {\"error\":\"...\"}", func() {
			ep.serveSequence(respondError(http.StatusBadRequest, `{"error":"scope has an unknown role"}`, "req-400"))
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue(), "got %T %v", err, err)
			Expect(apiErr.StatusCode).To(Equal(400))
			Expect(apiErr.Message).To(Equal("scope has an unknown role"))
			Expect(apiErr.RequestID).To(Equal("req-400"))
			Expect(apiErr.Operation).To(Equal("GenerateBearerToken"))
			Expect(errors.Is(err, skyflow.ErrUnauthorized)).To(BeFalse())
		})

		It("decodes a non-JSON error body", func() {
			ep.serveSequence(ghttp.RespondWith(http.StatusBadGateway, "upstream down", http.Header{"X-Request-Id": {"req-502"}}))
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.StatusCode).To(Equal(502))
			Expect(apiErr.RequestID).To(Equal("req-502"))
			Expect(apiErr.Retryable()).To(BeTrue())
		})

		It("reports a 2xx without accessToken as *skyflow.APIError", func() {
			ep.serveSequence(ghttp.RespondWith(http.StatusOK, `{"tokenType":"Bearer"}`,
				http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-empty"}}))
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.StatusCode).To(Equal(200))
			Expect(apiErr.Message).To(ContainSubstring("accessToken"))
			Expect(apiErr.RequestID).To(Equal("req-empty"))
		})

		It("reports a 2xx that is not JSON as *skyflow.APIError", func() {
			ep.serveSequence(ghttp.RespondWith(http.StatusOK, `<html>hello</html>`,
				http.Header{"Content-Type": {"text/html"}}))
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.Err).To(HaveOccurred(), "the JSON error is kept as the cause")
		})

		It("wraps transport errors", func() {
			uri := ep.tokenURI()
			ep.Close()
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: credsJSON(uri)}), opts...)
			Expect(err).To(HaveOccurred())
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeFalse())
			Expect(err.Error()).To(ContainSubstring("token exchange failed"))
		})

		It("honours the caller's context", func() {
			ep.hold()
			ep.serveTokens()
			cctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() {
				_, err := auth.GenerateBearerToken(cctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
				done <- err
			}()
			Eventually(ep.count).Should(Equal(1))
			cancel()
			var err error
			Eventually(done).Should(Receive(&err))
			Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "got %v", err)
		})

		It("stops at an already expired deadline", func() {
			ep.serveTokens()
			dctx, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
			defer cancel()
			_, err := auth.GenerateBearerToken(dctx, with(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI())}), opts...)
			Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "got %v", err)
			Expect(ep.count()).To(BeZero())
		})

		It("reports credential problems as validation errors without a request", func() {
			ep.serveTokens()
			_, err := auth.GenerateBearerToken(ctx, with(auth.Credentials{Path: "/no/such/file.json"}), opts...)
			expectValidationError(err, auth.ErrCredentialsFile, "Path")
			_, err = auth.GenerateBearerToken(ctx, with(auth.Credentials{CredentialsJSON: "{"}), opts...)
			expectValidationError(err, auth.ErrInvalidCredentialsJSON, "credentials")
			Expect(ep.count()).To(BeZero())
			Expect(strings.Contains(err.Error(), "{")).To(BeFalse())
		})
	})
})

var _ = Describe("IsExpired and Expiry", func() {
	It("reads exp without verifying the signature", func() {
		future := time.Now().Add(time.Hour).Truncate(time.Second)
		tok := hsToken(claims{"exp": future.Unix()})
		Expect(auth.IsExpired(tok)).To(BeFalse())
		exp, ok := auth.Expiry(tok)
		Expect(ok).To(BeTrue())
		Expect(exp).To(BeTemporally("==", future))

		// A token signed with an unknown key is still readable.
		forged := tok[:strings.LastIndex(tok, ".")+1] + "c2lnbmF0dXJl"
		Expect(auth.IsExpired(forged)).To(BeFalse())
	})

	It("counts past exp, missing exp and non-JWTs as expired", func() {
		Expect(auth.IsExpired(hsToken(claims{"exp": time.Now().Add(-time.Second).Unix()}))).To(BeTrue())
		Expect(auth.IsExpired(hsToken(claims{"sub": "x"}))).To(BeTrue())
		Expect(auth.IsExpired(hsToken(claims{"exp": "tomorrow"}))).To(BeTrue())
		Expect(auth.IsExpired("")).To(BeTrue())
		Expect(auth.IsExpired("not.a.jwt")).To(BeTrue())
		Expect(auth.IsExpired(goodAPIKey)).To(BeTrue())
		_, ok := auth.Expiry("garbage")
		Expect(ok).To(BeFalse())
	})
})
