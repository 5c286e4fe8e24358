package auth_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
)

const httpsURI = "https://manage.example.com/v1/auth/sa/oauth/token"

// expectValidationError asserts err is a *skyflow.ValidationError for field
// that matches both ErrValidation and sentinel.
func expectValidationError(err error, sentinel error, field string) *skyflow.ValidationError {
	GinkgoHelper()
	Expect(err).To(HaveOccurred())
	var ve *skyflow.ValidationError
	Expect(errors.As(err, &ve)).To(BeTrue(), "want *skyflow.ValidationError, got %T: %v", err, err)
	Expect(errors.Is(err, skyflow.ErrValidation)).To(BeTrue())
	Expect(errors.Is(err, sentinel)).To(BeTrue(), "want %v, got %v", sentinel, err)
	Expect(ve.Field).To(Equal(field))
	Expect(ve.Reason).NotTo(BeEmpty())
	return ve
}

func withField(fields map[string]any, key string, value any) string {
	out := map[string]any{}
	for k, v := range fields {
		out[k] = v
	}
	if value == nil {
		delete(out, key)
	} else {
		out[key] = value
	}
	return toJSON(out)
}

var _ = Describe("Credentials", func() {
	Describe("Validate accepts", func() {
		It("a well-formed API key", func() {
			Expect(auth.Credentials{APIKey: goodAPIKey}.Validate()).To(Succeed())
		})

		It("a static JWT that has not expired", func() {
			tok := hsToken(claims{"exp": time.Now().Add(time.Hour).Unix()})
			Expect(auth.Credentials{Token: tok}.Validate()).To(Succeed())
		})

		It("a credentials file with a PKCS#1 key", func() {
			path := writeTemp("creds.json", toJSON(saFields(httpsURI, pkcs1PEM(rsaKey))))
			Expect(auth.Credentials{Path: path}.Validate()).To(Succeed())
		})

		It("credentials JSON with a PKCS#8 key, roles and a map ctx", func() {
			Expect(auth.Credentials{
				CredentialsJSON: credsJSON(httpsURI),
				Roles:           []string{"r1", "r2"},
				Context:         map[string]any{"user_id": "u1", "Tier_2": 3},
			}.Validate()).To(Succeed())
		})

		It("snake_case keys", func() {
			json := toJSON(map[string]any{
				"client_id": clientID, "key_id": keyID, "token_uri": httpsURI,
				"private_key": pkcs1PEM(rsaKey), "client_name": "n",
			})
			Expect(auth.Credentials{CredentialsJSON: json}.Validate()).To(Succeed())
			Expect(signedClaims(auth.Credentials{CredentialsJSON: json})).To(And(
				HaveKeyWithValue("sub", clientID), HaveKeyWithValue("key", keyID), HaveKeyWithValue("aud", httpsURI)))
		})

		It("raw line breaks inside JSON strings (a PEM pasted as is)", func() {
			raw := "{\n  \"clientID\": \"" + clientID + "\",\n  \"keyID\": \"" + keyID +
				"\",\n  \"tokenURI\": \"" + httpsURI + "\",\n  \"privateKey\": \"" + pkcs1PEM(rsaKey) + "\"\n}"
			Expect(raw).To(ContainSubstring("-----\nMII"), "the PEM really has raw line breaks")
			Expect(auth.Credentials{CredentialsJSON: raw}.Validate()).To(Succeed())
			Expect(signedClaims(auth.Credentials{CredentialsJSON: raw})).To(HaveKeyWithValue("sub", clientID))
		})

		It("a PEM whose line breaks were escaped twice", func() {
			doubled := strings.ReplaceAll(pkcs8PEM(rsaKey), "\n", `\n`)
			Expect(auth.Credentials{CredentialsJSON: toJSON(saFields(httpsURI, doubled))}.Validate()).To(Succeed())
		})

		DescribeTable("http token URIs only on loopback hosts",
			func(uri string) {
				Expect(auth.Credentials{CredentialsJSON: credsJSON(uri)}.Validate()).To(Succeed())
				Expect(auth.Credentials{CredentialsJSON: credsJSON(httpsURI), TokenURI: uri}.Validate()).To(Succeed())
			},
			Entry("127.0.0.1", "http://127.0.0.1:8080/v1/auth/sa/oauth/token"),
			Entry("127.200.3.4", "http://127.200.3.4/token"),
			Entry("::1", "http://[::1]:9000/token"),
			Entry("localhost", "http://localhost:3000/token"),
		)

		It("a token URI override when the credentials have none", func() {
			json := withField(saFields("", pkcs8PEM(rsaKey)), "tokenURI", nil)
			Expect(auth.Credentials{CredentialsJSON: json}.Validate()).To(MatchError(auth.ErrMissingTokenURI))
			Expect(signedClaims(auth.Credentials{CredentialsJSON: json, TokenURI: httpsURI})).To(HaveKeyWithValue("aud", httpsURI))
		})
	})

	Describe("Validate rejects with a typed error", func() {
		var fields map[string]any
		BeforeEach(func() { fields = saFields(httpsURI, pkcs8PEM(rsaKey)) })

		It("no credentials", func() {
			expectValidationError(auth.Credentials{}.Validate(), auth.ErrNoCredentials, "")
			expectValidationError(auth.Credentials{Roles: []string{"r"}}.Validate(), auth.ErrNoCredentials, "")
		})

		It("several kinds at once, naming them", func() {
			ve := expectValidationError(auth.Credentials{APIKey: goodAPIKey, CredentialsJSON: credsJSON(httpsURI)}.Validate(),
				auth.ErrMultipleCredentials, "")
			Expect(ve.Reason).To(ContainSubstring("APIKey, CredentialsJSON"))
		})

		DescribeTable("a malformed API key",
			func(key string) {
				expectValidationError(auth.Credentials{APIKey: key}.Validate(), auth.ErrInvalidAPIKey, "APIKey")
				_, err := auth.APIKeySource(key)
				expectValidationError(err, auth.ErrInvalidAPIKey, "APIKey")
			},
			Entry("too short", "sky-ab12C-0123"),
			Entry("wrong prefix", "skx-ab12C-0123456789abcdefABCDEF0123456789"),
			Entry("non-hex tail", "sky-ab12C-0123456789abcdefABCDEF012345678g"),
			Entry("43 characters", goodAPIKey+"0"),
			Entry("punctuation in the 5-char part", "sky-ab_2C-0123456789abcdefABCDEF0123456789"),
			Entry("leading space", " "+goodAPIKey[1:]),
		)

		It("an expired static token", func() {
			tok := hsToken(claims{"exp": time.Now().Add(-time.Minute).Unix()})
			expectValidationError(auth.Credentials{Token: tok}.Validate(), auth.ErrTokenExpired, "Token")
		})

		It("a static token that is not a JWT or has no exp", func() {
			expectValidationError(auth.Credentials{Token: "opaque"}.Validate(), auth.ErrInvalidToken, "Token")
			noExp := hsToken(claims{"sub": "x"})
			expectValidationError(auth.Credentials{Token: noExp}.Validate(), auth.ErrInvalidToken, "Token")
		})

		DescribeTable("a missing service-account field",
			func(key string, sentinel error) {
				expectValidationError(auth.Credentials{CredentialsJSON: withField(fields, key, nil)}.Validate(), sentinel, key)
				// A JSON null or an empty string counts as missing too.
				expectValidationError(auth.Credentials{CredentialsJSON: strings.Replace(
					withField(fields, key, "PLACEHOLDER"), `"PLACEHOLDER"`, "null", 1)}.Validate(), sentinel, key)
				expectValidationError(auth.Credentials{CredentialsJSON: withField(fields, key, "")}.Validate(), sentinel, key)
			},
			Entry("clientID", "clientID", auth.ErrMissingClientID),
			Entry("keyID", "keyID", auth.ErrMissingKeyID),
			Entry("tokenURI", "tokenURI", auth.ErrMissingTokenURI),
			Entry("privateKey", "privateKey", auth.ErrMissingPrivateKey),
		)

		It("a service-account field of the wrong JSON type", func() {
			expectValidationError(auth.Credentials{CredentialsJSON: withField(fields, "clientID", 42)}.Validate(),
				auth.ErrInvalidCredentialsJSON, "clientID")
		})

		DescribeTable("a token URI that is not https",
			func(uri string) {
				expectValidationError(auth.Credentials{CredentialsJSON: credsJSON(uri)}.Validate(), auth.ErrInvalidTokenURI, "tokenURI")
				expectValidationError(auth.Credentials{CredentialsJSON: credsJSON(httpsURI), TokenURI: uri}.Validate(),
					auth.ErrInvalidTokenURI, "TokenURI")
			},
			Entry("http on a public host", "http://manage.example.com/v1/auth/sa/oauth/token"),
			Entry("http on 128.0.0.1", "http://128.0.0.1/token"),
			Entry("http on a localhost look-alike", "http://localhost.example.com/token"),
			Entry("no scheme", "manage.example.com/token"),
			Entry("ftp", "ftp://manage.example.com/token"),
			Entry("no host", "https:///token"),
		)

		It("a private key that is not PEM", func() {
			expectValidationError(auth.Credentials{CredentialsJSON: withField(fields, "privateKey", "not a key")}.Validate(),
				auth.ErrInvalidPrivateKey, "privateKey")
		})

		It("a PEM block with garbage inside", func() {
			garbage := "-----BEGIN PRIVATE KEY-----\nAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n"
			expectValidationError(auth.Credentials{CredentialsJSON: withField(fields, "privateKey", garbage)}.Validate(),
				auth.ErrInvalidPrivateKey, "privateKey")
		})

		It("a PEM of an unsupported type", func() {
			cert := "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
			expectValidationError(auth.Credentials{CredentialsJSON: withField(fields, "privateKey", cert)}.Validate(),
				auth.ErrInvalidPrivateKey, "privateKey")
		})

		It("a key that is not RSA, in PKCS#8 or SEC 1 form", func() {
			expectValidationError(auth.Credentials{CredentialsJSON: withField(fields, "privateKey", pkcs8PEM(ecKey))}.Validate(),
				auth.ErrNotRSAKey, "privateKey")
			expectValidationError(auth.Credentials{CredentialsJSON: withField(fields, "privateKey", sec1PEM(ecKey))}.Validate(),
				auth.ErrNotRSAKey, "privateKey")
		})

		DescribeTable("a ctx of an unsupported type",
			func(ctx any) {
				expectValidationError(auth.Credentials{CredentialsJSON: credsJSON(httpsURI), Context: ctx}.Validate(),
					auth.ErrInvalidContext, "Context")
			},
			Entry("slice", []string{"a"}),
			Entry("struct", struct{ A int }{1}),
			Entry("map with int keys", map[int]string{1: "a"}),
			Entry("pointer", new(string)),
		)

		DescribeTable("a ctx map key outside ^[a-zA-Z0-9_]+$",
			func(key string) {
				expectValidationError(auth.Credentials{CredentialsJSON: credsJSON(httpsURI),
					Context: map[string]any{"good_key": 1, key: "v"}}.Validate(),
					auth.ErrInvalidContextKey, `Context["`+key+`"]`)
			},
			Entry("dash", "bad-key"),
			Entry("space", "bad key"),
			Entry("dot", "a.b"),
			Entry("empty", ""),
		)

		It("an empty or spaced role id", func() {
			expectValidationError(auth.Credentials{CredentialsJSON: credsJSON(httpsURI), Roles: []string{"r1", ""}}.Validate(),
				auth.ErrInvalidRole, "Roles[1]")
			expectValidationError(auth.Credentials{CredentialsJSON: credsJSON(httpsURI), Roles: []string{"r 1"}}.Validate(),
				auth.ErrInvalidRole, "Roles[0]")
		})

		It("service-account options together with an API key or a static token", func() {
			expectValidationError(auth.Credentials{APIKey: goodAPIKey, Roles: []string{"r"}}.Validate(), auth.ErrNotApplicable, "Roles")
			tok := hsToken(claims{"exp": time.Now().Add(time.Hour).Unix()})
			expectValidationError(auth.Credentials{Token: tok, Context: "c"}.Validate(), auth.ErrNotApplicable, "Context")
			expectValidationError(auth.Credentials{APIKey: goodAPIKey, TokenURI: httpsURI}.Validate(), auth.ErrNotApplicable, "TokenURI")
		})

		It("a credentials file that does not exist", func() {
			err := auth.Credentials{Path: "/definitely/not/here/creds.json"}.Validate()
			expectValidationError(err, auth.ErrCredentialsFile, "Path")
			Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue())
		})

		It("a credentials path that cannot be read as a file", func() {
			dir := GinkgoT().TempDir()
			expectValidationError(auth.Credentials{Path: dir}.Validate(), auth.ErrCredentialsFile, "Path")
		})

		DescribeTable("credentials that are not a JSON object",
			func(content string) {
				expectValidationError(auth.Credentials{CredentialsJSON: content}.Validate(), auth.ErrInvalidCredentialsJSON, "credentials")
				path := writeTemp("creds.json", content)
				expectValidationError(auth.Credentials{Path: path}.Validate(), auth.ErrInvalidCredentialsJSON, "credentials")
			},
			Entry("plain text", "clientID=abc"),
			Entry("truncated JSON", `{"clientID": "abc"`),
			Entry("an array", `["clientID"]`),
			Entry("a string", `"clientID"`),
			Entry("null", `null`),
			Entry("blank", "  \n"),
		)
	})

	Describe("IsZero", func() {
		It("is true only when nothing is set", func() {
			Expect(auth.Credentials{}.IsZero()).To(BeTrue())
			Expect(auth.Credentials{APIKey: goodAPIKey}.IsZero()).To(BeFalse())
			Expect(auth.Credentials{Context: "x"}.IsZero()).To(BeFalse())
			Expect(auth.Credentials{TokenURI: httpsURI}.IsZero()).To(BeFalse())
		})
	})

	Describe("Fingerprint", func() {
		It("is equal for equal credentials and differs otherwise", func() {
			json := credsJSON(httpsURI)
			a := auth.Credentials{CredentialsJSON: json, Roles: []string{"r1"}, Context: map[string]any{"a": 1, "b": 2}}
			b := auth.Credentials{CredentialsJSON: json, Roles: []string{"r1"}, Context: map[string]any{"b": 2, "a": 1}}
			Expect(a.Fingerprint()).To(Equal(b.Fingerprint()))
			Expect(a.Fingerprint()).To(MatchRegexp(`^[0-9a-f]{32}$`))

			for _, other := range []auth.Credentials{
				{CredentialsJSON: json, Roles: []string{"r2"}, Context: a.Context},
				{CredentialsJSON: json, Roles: []string{"r1"}, Context: map[string]any{"a": 1}},
				{CredentialsJSON: json, Roles: []string{"r1"}, Context: a.Context, TokenURI: "https://other.example.com/t"},
				{CredentialsJSON: json + " ", Roles: []string{"r1"}, Context: a.Context},
				{Path: json, Roles: []string{"r1"}, Context: a.Context},
			} {
				Expect(other.Fingerprint()).NotTo(Equal(a.Fingerprint()))
			}
			Expect(auth.Credentials{APIKey: goodAPIKey}.Fingerprint()).NotTo(Equal(auth.Credentials{Token: goodAPIKey}.Fingerprint()))
		})
	})

	Describe("CredentialsFromEnv", func() {
		It("reads SKYFLOW_CREDENTIALS through the given lookup", func() {
			json := credsJSON(httpsURI)
			var asked string
			creds, err := auth.CredentialsFromEnv(func(k string) (string, bool) { asked = k; return "  " + json + "\n", true })
			Expect(err).NotTo(HaveOccurred())
			Expect(asked).To(Equal("SKYFLOW_CREDENTIALS"))
			Expect(creds.CredentialsJSON).To(Equal(json))
			Expect(creds.Validate()).To(Succeed())
		})

		It("reports an unset or blank variable as ErrNoCredentials", func() {
			_, err := auth.CredentialsFromEnv(func(string) (string, bool) { return "", false })
			expectValidationError(err, auth.ErrNoCredentials, "SKYFLOW_CREDENTIALS")
			_, err = auth.CredentialsFromEnv(func(string) (string, bool) { return "   ", true })
			expectValidationError(err, auth.ErrNoCredentials, "SKYFLOW_CREDENTIALS")
		})
	})
})

// signedClaims signs a data token with creds and returns the claims of the
// signed token (read without verifying it): what the credentials were
// parsed into.
func signedClaims(creds auth.Credentials) map[string]any {
	GinkgoHelper()
	out, err := auth.GenerateSignedDataTokens(creds, auth.SignedDataTokensRequest{DataTokens: []string{"t"}})
	Expect(err).NotTo(HaveOccurred())
	parts := strings.Split(strings.TrimPrefix(out[0].SignedToken, auth.SignedTokenPrefix), ".")
	Expect(parts).To(HaveLen(3))
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	Expect(err).NotTo(HaveOccurred())
	var c map[string]any
	Expect(json.Unmarshal(payload, &c)).To(Succeed())
	return c
}
