package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
)

var _ = Describe("secrets never leak", func() {
	var (
		clock   *fakeClock
		ep      *tokenEndpoint
		ctx     = context.Background()
		secrets []string
		texts   []string // every error string and log line produced
	)

	BeforeEach(func() {
		clock = newClock()
		ep = newTokenEndpoint(clock)
		secrets = nil
		texts = nil
	})

	secret := func(s string) string {
		secrets = append(secrets, s)
		return s
	}
	collect := func(err error) {
		GinkgoHelper()
		Expect(err).To(HaveOccurred())
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
		var ve *skyflow.ValidationError
		if errors.As(err, &ve) {
			texts = append(texts, ve.Field, ve.Reason)
		}
	}

	AfterEach(func() {
		Expect(secrets).NotTo(BeEmpty())
		Expect(texts).NotTo(BeEmpty())
		for _, t := range texts {
			for _, s := range secrets {
				Expect(t).NotTo(ContainSubstring(s))
			}
		}
	})

	It("in validation errors", func() {
		pemText := pkcs8PEM(rsaKey)
		secret(pemBodyLine(pemText))
		fields := saFields(httpsURI, pemText)

		badKey := secret("sky-ab12C-0123456789abcdefABCDEF012345678Z")
		collect(auth.Credentials{APIKey: badKey}.Validate())
		_, err := auth.APIKeySource(badKey)
		collect(err)

		expired := secret(hsToken(claims{"exp": time.Now().Add(-time.Hour).Unix(), "sub": "leaky-subject"}))
		collect(auth.Credentials{Token: expired}.Validate())
		_, err = auth.StaticTokenSource(expired)
		collect(err)
		collect(auth.Credentials{Token: secret("opaque-secret-token-value")}.Validate())

		dir := filepath.Join(GinkgoT().TempDir(), secret("private-dir-name"))
		collect(auth.Credentials{Path: filepath.Join(dir, secret("hidden-creds-name.json"))}.Validate())
		_, err = auth.GenerateBearerToken(ctx, auth.Credentials{Path: filepath.Join(dir, "x.json")})
		collect(err)
		_, err = auth.GenerateSignedDataTokens(auth.Credentials{Path: filepath.Join(dir, "x.json")}, auth.SignedDataTokensRequest{DataTokens: []string{"t"}})
		collect(err)
		collect(auth.Credentials{Path: GinkgoT().TempDir()}.Validate())
		notJSONPath := writeTemp(secret("notjson-file-name.json"), secret("garbage-file-content"))
		collect(auth.Credentials{Path: notJSONPath}.Validate())

		brokenJSON := `{"privateKey": "` + secret("MIIEsecretprefix") + `", "clientID": `
		collect(auth.Credentials{CredentialsJSON: brokenJSON}.Validate())
		collect(auth.Credentials{CredentialsJSON: withField(fields, "privateKey", secret("MIIEnotapem-secret"))}.Validate())
		garbagePEM := "-----BEGIN PRIVATE KEY-----\n" + secret("QUJDREVGR0hJSktMTU5PUA") + "\n-----END PRIVATE KEY-----\n"
		collect(auth.Credentials{CredentialsJSON: withField(fields, "privateKey", garbagePEM)}.Validate())
		ecPEM := pkcs8PEM(ecKey)
		secret(pemBodyLine(ecPEM))
		collect(auth.Credentials{CredentialsJSON: withField(fields, "privateKey", ecPEM)}.Validate())
		collect(auth.Credentials{CredentialsJSON: withField(fields, "clientID", nil)}.Validate())
		collect(auth.Credentials{CredentialsJSON: credsJSON("https://user:" + secret("hunter2pw") + "@example.com/t")}.Validate())
		collect(auth.Credentials{CredentialsJSON: credsJSON("http://" + secret("internal-host-name") + ".example.com/t")}.Validate())

		full := secret(credsJSON(httpsURI))
		collect(auth.Credentials{APIKey: goodAPIKey, CredentialsJSON: full}.Validate())
		collect(auth.Credentials{CredentialsJSON: full, Context: []int{1}}.Validate())

		_, err = auth.NewTokenSource(auth.Credentials{},
			auth.WithEnvLookup(func(string) (string, bool) { return "{" + secret("env-secret-value"), true }))
		collect(err)
	})

	It("in exchange errors and logs, and in formatted values", func() {
		logger, logs := newCapturedLogger()
		pemText := pkcs1PEM(rsaKey)
		secret(pemBodyLine(pemText))
		json := secret(toJSON(saFields(ep.tokenURI(), pemText)))
		path := writeTemp(secret("sa-credentials-file.json"), json)
		secret(path)

		ep.serveSequence(
			respondError(http.StatusUnauthorized, skyflowError(401, 16, "Unauthorized", "bad assertion"), "req-1"),
			ep.issue, ep.issue,
			respondError(http.StatusServiceUnavailable, skyflowError(503, 14, "Service Unavailable", "later"), "req-2"),
		)

		creds := auth.Credentials{Path: path, Roles: []string{"r"}}
		ts, err := auth.NewTokenSource(creds, auth.WithClock(clock.Now), auth.WithLogger(logger))
		Expect(err).NotTo(HaveOccurred())

		_, err = ts.Token(ctx) // 401
		collect(err)
		t1, err := ts.Token(ctx) // success
		Expect(err).NotTo(HaveOccurred())
		secret(t1)
		ts.(auth.Invalidator).Invalidate(t1)
		t2, err := ts.Token(ctx) // success
		Expect(err).NotTo(HaveOccurred())
		secret(t2)
		clock.Advance(56 * time.Minute)
		Expect(ts.Token(ctx)).To(Equal(t2)) // background refresh fails with 503
		Eventually(logs.String).Should(ContainSubstring("refresh failed"))

		for _, body := range ep.allBodies() {
			secret(body["assertion"].(string))
		}

		tok, err := auth.GenerateBearerToken(ctx, auth.Credentials{Path: path}, auth.WithHTTPClient(failingDoer{}))
		Expect(tok).To(BeNil())
		collect(err)

		// Formatting credentials, tokens and token sources hides secrets.
		sa, err := auth.NewTokenSource(auth.Credentials{Path: path})
		Expect(err).NotTo(HaveOccurred())
		apiKeyCreds := auth.Credentials{APIKey: secret(goodAPIKey)}
		plainTok := auth.Token{AccessToken: t2, TokenType: "Bearer", Expiry: clock.Now()}
		for _, v := range []any{creds, apiKeyCreds, sa, plainTok, &plainTok} {
			texts = append(texts, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprint(v))
		}
		logger.Info("configured", "creds", creds, "api", apiKeyCreds, "sa", sa)

		out := logs.String()
		Expect(out).To(ContainSubstring("service-account token refreshed"))
		Expect(out).To(ContainSubstring("configured"))
		texts = append(texts, strings.Split(out, "\n")...)
	})
})

// failingDoer fails every request with an error that does not echo the
// request body.
type failingDoer struct{}

func (failingDoer) Do(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection refused")
}
