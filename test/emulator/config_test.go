package emulator_test

import (
	"net/http"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Configuration", func() {
	It("serves the demo vault by default", func() {
		srv := startServer()
		Expect(srv.VaultID()).To(Equal(mockserver.DemoVaultID))
		Expect(srv.ClusterID()).To(Equal(mockserver.DemoClusterID))
		Expect(srv.ConnectionID()).To(Equal(mockserver.DemoConnectionID))
		var names []string
		for _, t := range srv.Tables() {
			names = append(names, t.Name)
		}
		Expect(names).To(Equal([]string{"table1", "documents"}))
	})

	It("loads a JSON file with fixed ids, tokens and API keys", func() {
		path := filepath.Join(GinkgoT().TempDir(), "cfg.json")
		Expect(os.WriteFile(path, []byte(`{
			"vaults": [{"id": "v1", "cluster_id": "c1", "tables": [{"name": "people", "columns": [
				{"name": "ssn", "tokenized": true, "column_group": "ssn_g", "mask": "ssn", "default_redaction": "MASKED"},
				{"name": "age", "type": "INTEGER"}
			], "records": [{"skyflow_id": "p-1", "fields": {"ssn": "111-22-3333", "age": 40}, "tokens": {"ssn": "t-1"}}]}]}],
			"api_keys": ["sky-ABCde-0123456789abcdef0123456789abcdef"]
		}`), 0o600)).To(Succeed())
		srv := startServer(mockserver.WithConfigFile(path))
		Expect(srv.APIKey()).To(Equal("sky-ABCde-0123456789abcdef0123456789abcdef"))
		Expect(srv.ClusterID()).To(Equal("c1"))
		c := newClient(srv)
		det := records(expectOK(c.do("POST", "/v1/vaults/v1/detokenize", map[string]any{"detokenizationParameters": []any{map[string]any{"token": "t-1"}}})))
		Expect(det[0]).To(HaveKeyWithValue("value", "XXX-XX-3333"))
		Expect(srv.Records("people")).To(Equal([]map[string]any{{"skyflow_id": "p-1", "ssn": "111-22-3333", "age": 40.0}}))
		Expect(srv.CredentialsJSON()).To(ContainSubstring(mockserver.DemoClientID), "a service account is added when none is configured")
		expectError(c.do("POST", "/v1/vaults/v1/people", map[string]any{"records": []any{map[string]any{"fields": map[string]any{"age": "old"}}}}), http.StatusBadRequest)
	})

	DescribeTable("rejects invalid configurations with a precise error",
		func(json, want string) {
			_, err := mockserver.ParseConfig([]byte(json))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(want))
		},
		Entry("unknown key", `{"vault":[]}`, `unknown field "vault"`),
		Entry("bad API key", `{"api_keys":["sky-123"]}`, "api_keys[0]"),
		Entry("unknown column in a seed", `{"vaults":[{"id":"v","tables":[{"name":"t","columns":[{"name":"a"}],"records":[{"fields":{"b":1}}]}]}]}`, `unknown column "b"`),
		Entry("token for a plain column", `{"vaults":[{"id":"v","tables":[{"name":"t","columns":[{"name":"a"}],"records":[{"fields":{"a":"x"},"tokens":{"a":"t"}}]}]}]}`, "not tokenized"),
		Entry("duplicate token", `{"vaults":[{"id":"v","tables":[{"name":"t","columns":[{"name":"a","tokenized":true}],"records":[{"fields":{"a":"x"},"tokens":{"a":"t"}},{"fields":{"a":"y"},"tokens":{"a":"t"}}]}]}]}`, "already used"),
		Entry("duplicate unique value", `{"vaults":[{"id":"v","tables":[{"name":"t","columns":[{"name":"a","unique":true}],"records":[{"fields":{"a":"x"}},{"fields":{"a":"x"}}]}]}]}`, "duplicate value"),
		Entry("bad type of a seed value", `{"vaults":[{"id":"v","tables":[{"name":"t","columns":[{"name":"a","type":"BOOL"}],"records":[{"fields":{"a":"x"}}]}]}]}`, "expected a boolean"),
		Entry("unknown redaction", `{"vaults":[{"id":"v","tables":[{"name":"t","columns":[{"name":"a","default_redaction":"HIDDEN"}]}]}]}`, "default_redaction"),
		Entry("file column in a group", `{"vaults":[{"id":"v","tables":[{"name":"t","columns":[{"name":"a","file":true,"column_group":"g"}]}]}]}`, "file column"),
		Entry("bad route", `{"connections":[{"id":"c","route":"cards/{x"}]}`, "route"),
		Entry("bad run status", `{"detect_runs":[{"id":"r","status":"DONE"}]}`, "status"),
		Entry("bad private key", `{"service_accounts":[{"client_id":"a","key_id":"b","private_key":"nope"}]}`, "private_key"),
		Entry("trailing data", `{} {}`, "trailing data"),
	)

	It("fails New on a missing file or conflicting options", func() {
		_, err := mockserver.New(mockserver.WithConfigFile("../mockserver/testdata/nope.json"))
		Expect(err).To(HaveOccurred())
		_, err = mockserver.New(mockserver.WithConfig(mockserver.DefaultConfig()), mockserver.WithConfigFile("../mockserver/testdata/captures.json"))
		Expect(err).To(HaveOccurred())
		_, err = mockserver.New(mockserver.WithConfig(mockserver.Config{APIKeys: []string{"bad"}}))
		Expect(err).To(HaveOccurred())
	})

	It("reads the captures configuration", func() {
		cfg, err := mockserver.LoadConfig(filepath.Join("..", "mockserver", "testdata", "captures.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.Vaults[0].ID).To(Equal("vault123"))
	})
})
