package emulator_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// assertion signs a service-account assertion; edit adjusts the claims.
func assertion(c credentials, now time.Time, edit func(jwt.MapClaims)) string {
	GinkgoHelper()
	claims := jwt.MapClaims{"iss": c.ClientID, "key": c.KeyID, "aud": c.TokenURI, "sub": c.ClientID, "exp": now.Add(time.Hour).Unix()}
	if edit != nil {
		edit(claims)
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(c.key)
	Expect(err).NotTo(HaveOccurred())
	return s
}

var _ = Describe("Authentication", func() {
	var (
		clock *testClock
		srv   *mockserver.Server
		c     *client
	)
	BeforeEach(func() {
		clock = newTestClock()
		srv = startServer(mockserver.WithClock(clock.Now), mockserver.WithTokenLifetime(30*time.Minute))
		c = newClient(srv)
	})

	get := func(cl *client) *response { return cl.do("GET", vaultPath(srv, "/table1"), nil) }

	Describe("API keys", func() {
		It("has the real format", func() {
			Expect(srv.APIKey()).To(MatchRegexp(`^sky-[a-zA-Z0-9]{5}-[a-fA-F0-9]{32}$`))
			Expect(srv.APIKey()).To(HaveLen(42))
		})

		It("accepts only a configured key", func() {
			expectOK(get(c))
			Expect(expectError(get(c.withAuth("Bearer sky-abcde-0123456789abcdef0123456789abcdef")), http.StatusUnauthorized)).To(ContainSubstring("invalid API key"))
			Expect(expectError(get(c.withAuth("")), http.StatusUnauthorized)).To(ContainSubstring("Authorization"))
			expectError(get(c.withAuth("Basic "+srv.APIKey())), http.StatusUnauthorized)
			expectError(get(c.withAuth("Bearer not-a-credential")), http.StatusUnauthorized)
		})

		It("rejects before reaching the handler", func() {
			r := c.withAuth("Bearer nope").do("POST", vaultPath(srv, "/table1"), map[string]any{"records": []any{map[string]any{"fields": map[string]any{"title": "x"}}}})
			r2 := c.withAuth("Bearer nope").do("POST", vaultPath(srv, "/documents"), map[string]any{"records": []any{map[string]any{"fields": map[string]any{"title": "x"}}}})
			expectError(r, http.StatusUnauthorized)
			expectError(r2, http.StatusUnauthorized)
			Expect(grpcCode(r)).To(Equal(16))
			Expect(srv.Records("documents")).To(BeEmpty())
		})
	})

	Describe("static bearer tokens (IssueToken)", func() {
		It("accepts an unexpired token and rejects it once expired", func() {
			tok, err := srv.IssueToken(time.Minute, "r1")
			Expect(err).NotTo(HaveOccurred())
			expectOK(get(c.withAuth("Bearer " + tok)))
			clock.Advance(2 * time.Minute)
			Expect(expectError(get(c.withAuth("Bearer "+tok)), http.StatusUnauthorized)).To(ContainSubstring("expired"))
		})

		It("gives an expired token for a negative lifetime", func() {
			tok, err := srv.IssueToken(-time.Minute)
			Expect(err).NotTo(HaveOccurred())
			expectError(get(c.withAuth("Bearer "+tok)), http.StatusUnauthorized)
		})

		It("rejects a token of another server", func() {
			other := startServer()
			tok, err := other.IssueToken(time.Hour)
			Expect(err).NotTo(HaveOccurred())
			_, _ = srv.IssueToken(time.Hour) // so this server has a signing key too
			expectError(get(c.withAuth("Bearer "+tok)), http.StatusUnauthorized)
		})
	})

	Describe("token exchange", func() {
		var creds credentials
		BeforeEach(func() { creds = loadCredentials(srv) })

		exchange := func(body map[string]any) *response {
			return c.withAuth("").do("POST", "/v1/auth/sa/oauth/token", body)
		}
		grant := "urn:ietf:params:oauth:grant-type:jwt-bearer"

		It("writes credentials pointing at the server", func() {
			Expect(creds.TokenURI).To(Equal(srv.URL() + "/v1/auth/sa/oauth/token"))
			Expect(creds.ClientID).To(Equal(mockserver.DemoClientID))
			path := filepath.Join(GinkgoT().TempDir(), "creds.json")
			Expect(srv.WriteCredentials(path)).To(Succeed())
			st, err := os.Stat(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.Mode().Perm()).To(Equal(os.FileMode(0o600)))
			data, _ := os.ReadFile(path)
			var m map[string]string
			Expect(json.Unmarshal(data, &m)).To(Succeed())
			Expect(m).To(HaveKey("privateKey"))
		})

		It("issues a JWT with a numeric exp for a valid assertion, usable as a bearer token", func() {
			body := expectOK(exchange(map[string]any{"grant_type": grant, "assertion": assertion(creds, clock.Now(), nil), "scope": nil}))
			Expect(body).To(HaveKeyWithValue("tokenType", "Bearer"))
			tok := body["accessToken"].(string)
			claims := jwt.MapClaims{}
			_, _, err := jwt.NewParser().ParseUnverified(tok, claims)
			Expect(err).NotTo(HaveOccurred())
			Expect(claims["exp"]).To(BeNumerically("==", clock.Now().Add(30*time.Minute).Unix()))
			expectOK(get(c.withAuth("Bearer " + tok)))
			clock.Advance(31 * time.Minute)
			expectError(get(c.withAuth("Bearer "+tok)), http.StatusUnauthorized)
			Expect(srv.Count("GetAuthToken")).To(Equal(1))
		})

		It("honours role scopes, tolerating the Go SDK's leading space", func() {
			body := expectOK(exchange(map[string]any{"grant_type": grant, "assertion": assertion(creds, clock.Now(), nil), "scope": " role:demo-admin role:demo-reader"}))
			claims := jwt.MapClaims{}
			_, _, err := jwt.NewParser().ParseUnverified(body["accessToken"].(string), claims)
			Expect(err).NotTo(HaveOccurred())
			Expect(claims["roles"]).To(Equal([]any{"demo-admin", "demo-reader"}))
			r := exchange(map[string]any{"grant_type": grant, "assertion": assertion(creds, clock.Now(), nil), "scope": "role:root"})
			Expect(expectError(r, http.StatusForbidden)).To(ContainSubstring("root"))
			expectError(exchange(map[string]any{"grant_type": grant, "assertion": assertion(creds, clock.Now(), nil), "scope": "demo-admin"}), http.StatusBadRequest)
		})

		It("accepts an audience with a trailing slash", func() {
			expectOK(exchange(map[string]any{"grant_type": grant, "assertion": assertion(creds, clock.Now(), func(m jwt.MapClaims) { m["aud"] = creds.TokenURI + "/" })}))
		})

		DescribeTable("rejects bad assertions with 401",
			func(edit func(jwt.MapClaims), forge bool) {
				cr := creds
				if forge {
					k, err := rsa.GenerateKey(rand.Reader, 2048)
					Expect(err).NotTo(HaveOccurred())
					cr.key = k
				}
				r := exchange(map[string]any{"grant_type": grant, "assertion": assertion(cr, clock.Now(), edit)})
				expectError(r, http.StatusUnauthorized)
			},
			Entry("forged signature", nil, true),
			Entry("expired", func(m jwt.MapClaims) { m["exp"] = time.Now().Add(-time.Minute).Unix() }, false),
			Entry("no exp", func(m jwt.MapClaims) { delete(m, "exp") }, false),
			Entry("wrong audience", func(m jwt.MapClaims) { m["aud"] = "https://manage.skyflowapis.com/v1/auth/sa/oauth/token" }, false),
			Entry("unknown key id", func(m jwt.MapClaims) { m["key"] = "other-key" }, false),
			Entry("iss differs from the client id", func(m jwt.MapClaims) { m["iss"] = "someone" }, false),
			Entry("sub differs from the client id", func(m jwt.MapClaims) { m["sub"] = "someone" }, false),
		)

		It("rejects a wrong grant type, a non-JWT assertion and a missing assertion", func() {
			expectError(exchange(map[string]any{"grant_type": "password", "assertion": assertion(creds, clock.Now(), nil)}), http.StatusBadRequest)
			expectError(exchange(map[string]any{"grant_type": grant, "assertion": "abc"}), http.StatusUnauthorized)
			expectError(exchange(map[string]any{"grant_type": grant}), http.StatusBadRequest)
		})
	})

	Describe("a configured service account", func() {
		It("uses the configured key and roles", func() {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			Expect(err).NotTo(HaveOccurred())
			pemText := pemPKCS1(k)
			cfg := mockserver.DefaultConfig()
			cfg.ServiceAccounts = []mockserver.ServiceAccountConfig{{ClientID: "cid", KeyID: "kid", PrivateKey: pemText, Roles: []string{"r1"}}}
			s2 := startServer(mockserver.WithConfig(cfg))
			cr := credentials{ClientID: "cid", KeyID: "kid", TokenURI: s2.URL() + "/v1/auth/sa/oauth/token", key: k}
			body := expectOK(newClient(s2).withAuth("").do("POST", "/v1/auth/sa/oauth/token", map[string]any{
				"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion(cr, time.Now(), nil), "scope": "role:r1",
			}))
			Expect(body["accessToken"]).NotTo(BeEmpty())
		})
	})
})
