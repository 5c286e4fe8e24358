package auth_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/auth"
)

var _ = Describe("GenerateSignedDataTokens", func() {
	var clock *fakeClock

	BeforeEach(func() { clock = newClock() })

	verify := func(s auth.SignedDataToken) claims {
		GinkgoHelper()
		Expect(s.SignedToken).To(HavePrefix("signed_token_"))
		_, c, err := verifyRS256(strings.TrimPrefix(s.SignedToken, "signed_token_"), &rsaKey.PublicKey, clock.Now())
		Expect(err).NotTo(HaveOccurred())
		return c
	}

	It("signs each data token with iss, key, sub, aud, tok, iat and exp, keeping the order", func() {
		path := writeTemp("creds.json", toJSON(saFields(httpsURI, pkcs1PEM(rsaKey))))
		out, err := auth.GenerateSignedDataTokens(auth.Credentials{Path: path}, auth.SignedDataTokensRequest{
			DataTokens: []string{"tok-1", "tok-2", "tok-3"},
			TimeToLive: 90 * time.Second,
		}, auth.WithClock(clock.Now))
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(HaveLen(3))
		for i, want := range []string{"tok-1", "tok-2", "tok-3"} {
			Expect(out[i].DataToken).To(Equal(want))
			c := verify(out[i])
			Expect(c).To(HaveKeyWithValue("iss", "sdk"))
			Expect(c).To(HaveKeyWithValue("key", keyID))
			Expect(c).To(HaveKeyWithValue("sub", clientID))
			Expect(c).To(HaveKeyWithValue("aud", httpsURI))
			Expect(c).To(HaveKeyWithValue("tok", want))
			Expect(c).To(HaveKeyWithValue("iat", BeNumerically("==", clock.Now().Unix())))
			Expect(c).To(HaveKeyWithValue("exp", BeNumerically("==", clock.Now().Add(90*time.Second).Unix())))
			Expect(c).NotTo(HaveKey("ctx"))
		}
		Expect(out[0].SignedToken).NotTo(Equal(out[1].SignedToken))
	})

	DescribeTable("defaults the time to live to 60 s",
		func(ttl time.Duration) {
			out, err := auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: credsJSON(httpsURI)},
				auth.SignedDataTokensRequest{DataTokens: []string{"t"}, TimeToLive: ttl}, auth.WithClock(clock.Now))
			Expect(err).NotTo(HaveOccurred())
			Expect(verify(out[0])).To(HaveKeyWithValue("exp", BeNumerically("==", clock.Now().Add(60*time.Second).Unix())))
		},
		Entry("zero", time.Duration(0)),
		Entry("negative", -5*time.Second),
	)

	It("adds the ctx claim and honours a token URI override, both from the credentials", func() {
		creds := auth.Credentials{CredentialsJSON: credsJSON(httpsURI), Context: map[string]any{"user_id": "u9"},
			TokenURI: "https://other.example.com/aud"}
		out, err := auth.GenerateSignedDataTokens(creds, auth.SignedDataTokensRequest{DataTokens: []string{"t"}}, auth.WithClock(clock.Now))
		Expect(err).NotTo(HaveOccurred())
		c := verify(out[0])
		Expect(c).To(HaveKeyWithValue("ctx", map[string]any{"user_id": "u9"}))
		Expect(c).To(HaveKeyWithValue("aud", "https://other.example.com/aud"))
	})

	DescribeTable("rejects empty data tokens, whatever the credentials' form",
		func(tokens []string, field string) {
			req := auth.SignedDataTokensRequest{DataTokens: tokens}
			_, err := auth.GenerateSignedDataTokens(auth.Credentials{Path: writeTemp("c.json", credsJSON(httpsURI))}, req)
			expectValidationError(err, auth.ErrInvalidDataTokens, field)
			_, err = auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: credsJSON(httpsURI)}, req)
			expectValidationError(err, auth.ErrInvalidDataTokens, field)
		},
		Entry("nil", nil, "DataTokens"),
		Entry("empty", []string{}, "DataTokens"),
		Entry("an empty entry", []string{"a", ""}, "DataTokens[1]"),
	)

	It("rejects bad credentials and a bad ctx", func() {
		one := auth.SignedDataTokensRequest{DataTokens: []string{"a"}}
		_, err := auth.GenerateSignedDataTokens(auth.Credentials{Path: "/no/such/creds.json"}, one)
		expectValidationError(err, auth.ErrCredentialsFile, "Path")
		_, err = auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: credsJSON("http://example.com/t")}, one)
		expectValidationError(err, auth.ErrInvalidTokenURI, "tokenURI")
		_, err = auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: credsJSON(httpsURI), Context: map[string]any{"no-dash": 1}}, one)
		expectValidationError(err, auth.ErrInvalidContextKey, `Context["no-dash"]`)
		_, err = auth.GenerateSignedDataTokens(auth.Credentials{APIKey: goodAPIKey}, one)
		expectValidationError(err, auth.ErrServiceAccountRequired, "")
	})
})
