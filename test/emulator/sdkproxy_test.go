package emulator_test

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// The SDK configured exactly as for production (cluster id, PROD, no base
// URL, a credentials file), reaching the emulator only because its
// *http.Client goes through the emulator's proxy and trusts its CA.
var _ = Describe("The Go SDK, configured for production, through the emulator's proxy", func() {
	It("exchanges its credentials at manage.skyflowapis.com and works with https://{cluster}.vault.skyflowapis.com and the gateway", func(ctx SpecContext) {
		srv := startServer(mockserver.WithProxy("127.0.0.1:0"))
		path := filepath.Join(GinkgoT().TempDir(), "credentials.json")
		Expect(srv.WriteCredentials(path)).To(Succeed())
		creds := &auth.Credentials{Path: path}
		client, err := facade.New(
			facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), ClusterID: srv.ClusterID(), Env: facade.EnvProd, Credentials: creds}),
			facade.WithConnection(facade.ConnectionConfig{ConnectionID: srv.ConnectionID(), URL: srv.ConnectionURL(), Credentials: creds}),
			facade.WithHTTPClient(srv.HTTPClient()),
		)
		Expect(err).NotTo(HaveOccurred())
		vault, err := client.Vault(srv.VaultID())
		Expect(err).NotTo(HaveOccurred())

		ins, err := vault.Insert(ctx, facade.InsertRequest{Table: "table1", ReturnTokens: true,
			Records: []map[string]any{{"email": "go-proxy@example.com", "ssn": "123-45-6789"}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(ins.Errors).To(BeEmpty())
		id := ins.Inserted[0].SkyflowID

		det, err := vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
			{Token: ins.Inserted[0].Tokens["ssn"], Redaction: facade.RedactionPlainText}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(det.Records[0].Value).To(Equal("123-45-6789"))

		got, err := vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: []string{id}, Redaction: facade.RedactionPlainText})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Records[0].Fields).To(HaveKeyWithValue("email", "go-proxy@example.com"))

		conn, err := client.Connection(srv.ConnectionID())
		Expect(err).NotTo(HaveOccurred())
		resp, err := conn.Invoke(ctx, facade.InvokeRequest{PathParams: map[string]string{"card_id": "c-9"}, Body: map[string]any{"a": "b"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Data).To(HaveKeyWithValue("path_params", map[string]any{"card_id": "c-9"}))

		detect, err := client.Detect(srv.VaultID())
		Expect(err).NotTo(HaveOccurred())
		text, err := detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: "SSN 123-45-6789"})
		Expect(err).NotTo(HaveOccurred())
		Expect(text.ProcessedText).To(Equal("SSN [SSN_1]"))

		_, err = vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{id}})
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.Count("GetAuthToken")).To(Equal(1), "one token exchange, at manage.skyflowapis.com")
		Expect(srv.Records("table1")).To(BeEmpty())
	})
})
