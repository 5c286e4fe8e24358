package emulator_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// flowList returns the list of a Flow DB answer.
func flowList(body map[string]any, key string) []map[string]any {
	GinkgoHelper()
	var out []map[string]any
	for _, e := range arr(body[key]) {
		out = append(out, obj(e))
	}
	return out
}

var _ = Describe("Flow DB vaults", func() {
	var (
		srv *mockserver.Server
		c   *client
		vid string
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
		vid = srv.FlowDBVaultID()
		Expect(vid).To(Equal(mockserver.DemoFlowDBVaultID))
	})

	It("answer each record inside a 200: a failure is the element's error and httpCode", func() {
		body := expectOK(c.do("POST", "/v2/records/insert", map[string]any{"vaultID": vid, "tableName": "customers", "records": []any{
			map[string]any{"data": map[string]any{"email": "a@example.com", "name": "A"}},
			map[string]any{"data": map[string]any{"email": "a@example.com"}},
			map[string]any{"data": map[string]any{"pin": 1234}},
		}}))
		recs := flowList(body, "records")
		Expect(recs).To(HaveLen(3))
		Expect(recs[0]).To(HaveKeyWithValue("httpCode", 200.0))
		Expect(recs[0]).To(HaveKeyWithValue("tableName", "customers"))
		Expect(recs[0]["tokens"]).To(HaveKeyWithValue("email", ConsistOf(
			HaveKeyWithValue("tokenGroupName", "deterministic_email"), HaveKeyWithValue("tokenGroupName", "nondeterministic_string"))))
		Expect(recs[1]).To(And(HaveKeyWithValue("httpCode", 409.0), HaveKeyWithValue("error", ContainSubstring("duplicate value"))))
		Expect(recs[2]).To(And(HaveKeyWithValue("httpCode", 400.0), HaveKeyWithValue("error", ContainSubstring("unknown column pin"))))

		det := flowList(expectOK(c.do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid, "tokens": []any{"nope"}})), "response")
		Expect(det[0]).To(And(HaveKeyWithValue("token", "nope"), HaveKeyWithValue("httpCode", 404.0), HaveKey("error")))
	})

	It("fail a call as a whole with the error body", func() {
		expectError(c.do("POST", "/v2/records/insert", map[string]any{"tableName": "customers", "records": []any{}}), http.StatusBadRequest)
		Expect(expectError(c.do("POST", "/v2/records/get", map[string]any{"vaultID": "nope", "tableName": "customers"}), http.StatusNotFound)).
			To(ContainSubstring("vault nope"))
		expectError(c.do("POST", "/v2/records/get", map[string]any{"vaultID": vid, "tableName": "nope"}), http.StatusNotFound)
		expectError(c.do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid, "tokens": []any{"t"},
			"tokenGroupRedactions": []any{map[string]any{"tokenGroupName": "deterministic_string", "redaction": "nope"}}}), http.StatusBadRequest)
		expectError(c.do("POST", "/v2/records/insert", `{"vaultID":"`+vid+`","records":"x"}`), http.StatusBadRequest)
		expectError(c.withAuth("").do("POST", "/v2/vaults/metrics", map[string]any{"vaultID": vid}), http.StatusUnauthorized)
		expectError(c.do("GET", "/v2/records/get", nil), http.StatusMethodNotAllowed)
	})

	It("accept the legacy tokenize path and form (/v2/tokens/get with dataType)", func() {
		legacy := flowList(expectOK(c.do("POST", "/v2/tokens/get", map[string]any{"vaultID": vid, "data": []any{
			map[string]any{"value": "4111", "tokenGroupNames": []any{"deterministic_string"}, "dataType": "STRING"}}})), "response")
		current := flowList(expectOK(c.do("POST", "/v2/tokens/tokenize", map[string]any{"vaultID": vid, "data": []any{
			map[string]any{"value": "4111", "tokenGroupNames": []any{"deterministic_string"}}}})), "response")
		Expect(legacy[0]["tokens"]).To(Equal(current[0]["tokens"]), "a deterministic group gives the same token on either path")
		Expect(srv.Count("FlowDBTokenizeLegacy")).To(Equal(1))
	})

	It("shorten an answer or lose it after the fact, on demand (also over the admin API)", func() {
		expectOK(c.do("POST", "/__admin/faults", map[string]any{"operation": "FlowDBDeleteTokens", "drop_elements": 1}))
		body := expectOK(c.do("POST", "/v2/tokens/delete", map[string]any{"vaultID": vid, "tokens": []any{"a", "b"}}))
		Expect(flowList(body, "tokens")).To(HaveLen(1))
		srv.InjectFault("FlowDBInsert", mockserver.Fault{CloseAfterCommit: true})
		req, err := http.NewRequest("POST", c.base+"/v2/records/insert", strings.NewReader(
			`{"vaultID":"`+vid+`","tableName":"orders","records":[{"data":{"order_ref":"lost"}}]}`))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", c.auth)
		_, err = c.http.Do(req)
		Expect(err).To(HaveOccurred(), "the connection closes without an answer")
		m := expectOK(c.do("POST", "/v2/vaults/metrics", map[string]any{"vaultID": vid}))
		Expect(obj(obj(m["data"])["tables"])["orders"]).To(HaveKeyWithValue("records", 1.0), "the lost call took effect")
		Expect(srv.FaultCounts()).To(Equal(map[string]int{"drop elements": 1, "close after commit": 1}))
	})

	It("are routed on {cluster}.skyvault.skyflowapis.com by the proxy, and only there", func() {
		srv := startServer(mockserver.WithProxy("127.0.0.1:0"))
		p := &client{base: srv.FlowDBURL(), auth: "Bearer " + srv.APIKey(), http: srv.HTTPClient()}
		Expect(srv.FlowDBURL()).To(Equal("https://" + mockserver.DemoClusterID + ".skyvault.skyflowapis.com"))
		expectOK(p.do("POST", "/v2/vaults/metrics", map[string]any{"vaultID": srv.FlowDBVaultID()}))
		expectError(p.do("GET", "/v1/vaults/"+srv.VaultID()+"/table1", nil), http.StatusNotFound)
		v := &client{base: srv.VaultURL(), auth: p.auth, http: p.http}
		expectError(v.do("POST", "/v2/vaults/metrics", map[string]any{"vaultID": srv.FlowDBVaultID()}), http.StatusNotFound)
	})

	It("are configured from JSON: tables, unique columns, token groups and their redactions", func() {
		path := filepath.Join(GinkgoT().TempDir(), "cfg.json")
		Expect(os.WriteFile(path, []byte(`{"flowdb_vaults": [{"id": "f1", "cluster_id": "c9",
			"token_groups": [{"name": "cards", "deterministic": true, "redactions": {"last4": "last4"}, "default_redaction": "last4"}],
			"tables": [{"name": "payments", "columns": [{"name": "pan", "unique": true, "token_groups": ["cards"]}]}]}]}`), 0o600)).To(Succeed())
		srv := startServer(mockserver.WithConfigFile(path))
		Expect(srv.FlowDBVaultID()).To(Equal("f1"))
		Expect(srv.VaultID()).To(Equal(mockserver.DemoVaultID), "the demo v2 vault is still served")
		c := newClient(srv)
		ins := flowList(expectOK(c.do("POST", "/v2/records/insert", map[string]any{"vaultID": "f1", "records": []any{
			map[string]any{"tableName": "payments", "data": map[string]any{"pan": "4111111111111111"}}}})), "records")
		tok := obj(arr(obj(ins[0]["tokens"])["pan"])[0])["token"]
		det := flowList(expectOK(c.do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": "f1", "tokens": []any{tok}})), "response")
		Expect(det[0]).To(HaveKeyWithValue("value", "XXXXXXXXXXXX1111"), "the group's default redaction")
	})

	DescribeTable("reject invalid Flow DB configurations with a precise error",
		func(json, want string) {
			_, err := mockserver.ParseConfig([]byte(json))
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("unknown token group", `{"flowdb_vaults":[{"id":"f","tables":[{"name":"t","columns":[{"name":"a","token_groups":["g"]}]}]}]}`, `unknown token group "g"`),
		Entry("unknown mask", `{"flowdb_vaults":[{"id":"f","token_groups":[{"name":"g","redactions":{"m":"blur"}}],"tables":[]}]}`, `unknown mask "blur"`),
		Entry("built-in redaction redefined", `{"flowdb_vaults":[{"id":"f","token_groups":[{"name":"g","redactions":{"plain_text":"full"}}],"tables":[]}]}`, "built in"),
		Entry("default redaction the group lacks", `{"flowdb_vaults":[{"id":"f","token_groups":[{"name":"g","default_redaction":"m"}],"tables":[]}]}`, "default_redaction"),
		Entry("id of a v2 vault", `{"vaults":[{"id":"v","tables":[]}],"flowdb_vaults":[{"id":"v","tables":[]}]}`, "duplicate vault id"),
		Entry("implicit column", `{"flowdb_vaults":[{"id":"f","tables":[{"name":"t","columns":[{"name":"skyflowID"}]}]}]}`, "implicit"),
	)
})
