package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// These specs run every kind of credentials end to end against the
// emulator's real token endpoint (RS256 assertion verified with the
// service account's public key) and its authenticated vault API.
var _ = Describe("credentials against the emulator", func() {
	var srv *mockserver.Server
	BeforeEach(func() {
		var err error
		srv, err = mockserver.Start(mockserver.WithResponseValidation())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
	})

	// useToken calls a vault endpoint with the token a source gives and
	// returns the HTTP status.
	useToken := func(ctx context.Context, ts auth.TokenSource) int {
		c := vault.NewClient(srv.URL(), http.DefaultClient)
		resp, err := c.RecordServiceBulkGetRecord(ctx, srv.VaultID(), "table1", &vault.RecordServiceBulkGetRecordParams{}, auth.BearerEditor(ts))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		return resp.StatusCode
	}

	It("accepts the emulator's API key", func(ctx SpecContext) {
		ts, err := auth.NewTokenSource(auth.Credentials{APIKey: srv.APIKey()})
		Expect(err).NotTo(HaveOccurred())
		Expect(useToken(ctx, ts)).To(Equal(http.StatusOK))
	})

	It("accepts a static bearer token and refuses an expired one before any call", func(ctx SpecContext) {
		tok, err := srv.IssueToken(time.Hour)
		Expect(err).NotTo(HaveOccurred())
		ts, err := auth.NewTokenSource(auth.Credentials{Token: tok})
		Expect(err).NotTo(HaveOccurred())
		Expect(useToken(ctx, ts)).To(Equal(http.StatusOK))

		expired, err := srv.IssueToken(-time.Minute)
		Expect(err).NotTo(HaveOccurred())
		_, err = auth.NewTokenSource(auth.Credentials{Token: expired})
		Expect(err).To(MatchError(auth.ErrTokenExpired))
	})

	It("mints tokens from a credentials file, a JSON string and SKYFLOW_CREDENTIALS", func(ctx SpecContext) {
		path := filepath.Join(GinkgoT().TempDir(), "credentials.json")
		Expect(srv.WriteCredentials(path)).To(Succeed())
		for _, creds := range []auth.Credentials{
			{Path: path},
			{CredentialsJSON: srv.CredentialsJSON()},
		} {
			ts, err := auth.NewTokenSource(creds)
			Expect(err).NotTo(HaveOccurred())
			Expect(useToken(ctx, ts)).To(Equal(http.StatusOK))
		}
		env := map[string]string{auth.EnvCredentials: srv.CredentialsJSON()}
		ts, err := auth.NewTokenSource(auth.Credentials{}, auth.WithEnvLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
		Expect(err).NotTo(HaveOccurred())
		Expect(useToken(ctx, ts)).To(Equal(http.StatusOK))
		Expect(srv.Count("GetAuthToken")).To(Equal(3))
	})

	It("generates bearer tokens with role scopes and ctx claims the endpoint accepts", func(ctx SpecContext) {
		for _, creds := range []auth.Credentials{
			{},
			{Roles: []string{"demo-admin"}},
			{Roles: []string{"demo-admin", "demo-reader"}},
			{Context: "user_1234"},
			{Context: map[string]any{"user_id": "u-1", "department": "billing", "level": 3}},
		} {
			creds.CredentialsJSON = srv.CredentialsJSON()
			tok, err := auth.GenerateBearerToken(ctx, creds)
			Expect(err).NotTo(HaveOccurred(), "%+v", creds)
			Expect(tok.TokenType).NotTo(BeEmpty())
			Expect(tok.Expiry).To(BeTemporally(">", time.Now()))
			static, err := auth.StaticTokenSource(tok.AccessToken)
			Expect(err).NotTo(HaveOccurred())
			Expect(useToken(ctx, static)).To(Equal(http.StatusOK))
		}
	})

	It("surfaces the endpoint's refusal of an unknown role as an API error with a request id", func(ctx SpecContext) {
		_, err := auth.GenerateBearerToken(ctx, auth.Credentials{CredentialsJSON: srv.CredentialsJSON(), Roles: []string{"no-such-role"}})
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue(), "%v", err)
		Expect(apiErr.StatusCode).To(BeNumerically(">=", 400))
		Expect(apiErr.RequestID).NotTo(BeEmpty())
	})

	It("is refused when the assertion is signed by another key", func(ctx SpecContext) {
		other, err := mockserver.Start()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(other.Close)
		// The other emulator's service account (with its own key), pointed at
		// this emulator's token endpoint.
		forged := strings.Replace(other.CredentialsJSON(), other.TokenURI(), srv.TokenURI(), 1)
		_, err = auth.GenerateBearerToken(ctx, auth.Credentials{CredentialsJSON: forged})
		Expect(err).To(MatchError(skyflow.ErrUnauthorized))
	})

	It("signs data tokens the emulator accepts in detokenize", func(ctx SpecContext) {
		c := vault.NewClient(srv.URL(), http.DefaultClient)
		key := func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+srv.APIKey())
			return nil
		}
		tokenization := true
		resp, err := c.RecordServiceInsertRecord(ctx, srv.VaultID(), "table1", vault.V1InsertRecordRequest{
			Records:      []vault.V1FieldRecords{{Fields: vault.V1RecordFields{"cardholder_name": "Signed Holder"}}},
			Tokenization: &tokenization,
		}, key)
		Expect(err).NotTo(HaveOccurred())
		var ins vault.V1InsertRecordResponse
		Expect(json.NewDecoder(resp.Body).Decode(&ins)).To(Succeed())
		Expect(resp.Body.Close()).To(Succeed())
		dataToken := ins.Records[0].Tokens["cardholder_name"]

		signed, err := auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: srv.CredentialsJSON()},
			auth.SignedDataTokensRequest{DataTokens: []string{dataToken}})
		Expect(err).NotTo(HaveOccurred())
		Expect(signed[0].SignedToken).To(HavePrefix("signed_token_"))

		plain := vault.RedactionEnumPLAINTEXT
		resp, err = c.TokenServiceDetokenize(ctx, srv.VaultID(), vault.V1DetokenizePayload{
			DetokenizationParameters: []vault.V1DetokenizeRecordRequest{{Token: &signed[0].SignedToken, Redaction: &plain}},
		}, key)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		var det vault.V1DetokenizeResponse
		Expect(json.NewDecoder(resp.Body).Decode(&det)).To(Succeed())
		Expect(resp.Body.Close()).To(Succeed())
		Expect(det.Records[0].Value).To(Equal("Signed Holder"))
	})
})
