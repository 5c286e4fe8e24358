package emulator_test

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Roles", func() {
	var (
		srv *mockserver.Server
		c   *client
		id  string
		tok map[string]any
	)
	BeforeEach(func() {
		cfg := mockserver.DefaultConfig()
		cfg.ServiceAccounts[0].Roles = []string{"support", "ingest", "demo-admin"}
		cfg.Roles = []mockserver.RoleConfig{
			{ID: "support", Tables: map[string]mockserver.TablePermissions{
				"table1": {Operations: []string{"read", "detokenize"}, MaxRedaction: "MASKED"},
			}},
			{ID: "ingest", Tables: map[string]mockserver.TablePermissions{
				"*": {Operations: []string{"insert"}},
			}},
		}
		srv = startServer(mockserver.WithConfig(cfg))
		c = newClient(srv)
		id, tok = insertOne(c, srv, "table1", map[string]any{"cardholder_name": "John Smith", "email": "john@example.com"})
	})
	as := func(roles ...string) *client {
		GinkgoHelper()
		t, err := srv.IssueToken(time.Hour, roles...)
		Expect(err).NotTo(HaveOccurred())
		return c.withAuth("Bearer " + t)
	}
	get := func(cl *client, redaction string) map[string]any {
		GinkgoHelper()
		return obj(records(expectOK(cl.do("GET", vaultPath(srv, "/table1?skyflow_ids="+id+"&redaction="+redaction), nil)))[0]["fields"])
	}

	It("caps the redaction of get and detokenize at the role's maximum", func() {
		support := as("support")
		Expect(get(support, "PLAIN_TEXT")).To(HaveKeyWithValue("cardholder_name", "XXXX XXXXX"))
		Expect(get(support, "REDACTED")).To(HaveKeyWithValue("cardholder_name", "*REDACTED*"))
		Expect(get(c, "PLAIN_TEXT")).To(HaveKeyWithValue("cardholder_name", "John Smith"), "API keys are not limited")
		body := expectOK(support.do("POST", vaultPath(srv, "/detokenize"), map[string]any{
			"detokenizationParameters": []any{map[string]any{"token": tok["email"], "redaction": "PLAIN_TEXT"}}}))
		Expect(records(body)[0]).To(HaveKeyWithValue("value", "jXXX@example.com"))
	})

	It("refuses a card lookup by skyflow_id, which reads plain values, to a role capped below plain text", func() {
		body := map[string]any{"skyflow_id": id, "vault_schema_config": map[string]any{"id": srv.VaultID(), "table_name": "table1",
			"mapping": map[string]any{"card_number": "card_number", "card_expiry": "email", "card_last_four_digits": "cardholder_name"}}}
		expectOK(c.do("PUT", vaultPath(srv, "/table1/"+id), map[string]any{"record": map[string]any{"fields": map[string]any{"card_number": "4111111111111111"}}}))
		r := as("support").do("POST", "/v1/card_lookup", body)
		Expect(expectError(r, http.StatusForbidden)).To(ContainSubstring("table1"))
		Expect(string(r.Raw)).NotTo(ContainSubstring("john@example.com"))
		Expect(string(r.Raw)).NotTo(ContainSubstring("John Smith"))
		expectOK(c.do("POST", "/v1/card_lookup", body)) // an API key is not limited
	})

	It("answers 403 with the Skyflow error body to an operation the roles do not allow", func() {
		support := as("support")
		msg := expectError(support.do("POST", vaultPath(srv, "/table1"), map[string]any{
			"records": []any{map[string]any{"fields": map[string]any{"email": "x@example.com"}}}}), http.StatusForbidden)
		Expect(msg).To(And(ContainSubstring("support"), ContainSubstring("insert"), ContainSubstring("table1")))
		Expect(grpcCode(support.do("POST", vaultPath(srv, "/query"), map[string]any{"query": "SELECT * FROM table1"}))).To(Equal(7))
		expectError(support.do("DELETE", vaultPath(srv, "/table1/"+id), nil), http.StatusForbidden)
		expectError(support.do("GET", vaultPath(srv, "/documents"), nil), http.StatusForbidden)
		expectError(as("ingest").do("GET", vaultPath(srv, "/table1?skyflow_ids="+id), nil), http.StatusForbidden)
		Expect(srv.Records("table1")).To(HaveLen(1))
	})

	It("reports refused items one by one with continueOnError", func() {
		body := expectOK(as("support").do("POST", vaultPath(srv, ""), map[string]any{"continueOnError": true, "records": []any{
			map[string]any{"tableName": "table1", "method": "GET", "ID": id},
			map[string]any{"tableName": "table1", "method": "POST", "fields": map[string]any{"email": "y@example.com"}},
		}}))
		resp := arr(body["responses"])
		Expect(obj(resp[0])).To(HaveKeyWithValue("Status", BeNumerically("==", 200)))
		Expect(obj(resp[1])).To(HaveKeyWithValue("Status", BeNumerically("==", 403)))
		det := expectOK(as("ingest").do("POST", vaultPath(srv, "/detokenize"), map[string]any{"continueOnError": true,
			"detokenizationParameters": []any{map[string]any{"token": tok["email"]}}}))
		Expect(records(det)[0]).To(HaveKeyWithValue("error", ContainSubstring("detokenize")))
	})

	It("gives a token the union of its roles; a role the configuration does not define allows everything", func() {
		both := as("support", "ingest")
		expectOK(both.do("POST", vaultPath(srv, "/table1"), map[string]any{
			"records": []any{map[string]any{"fields": map[string]any{"email": "z@example.com"}}}}))
		Expect(get(both, "PLAIN_TEXT")).To(HaveKeyWithValue("cardholder_name", "XXXX XXXXX"))
		Expect(get(as("support", "demo-admin"), "PLAIN_TEXT")).To(HaveKeyWithValue("cardholder_name", "John Smith"))
	})

	It("gives a token exchanged without a scope every role of its service account", func() {
		creds := loadCredentials(srv)
		exchange := func(scope string) *client { return exchangeToken(c, creds, scope) }
		Expect(get(exchange(""), "PLAIN_TEXT")).To(HaveKeyWithValue("cardholder_name", "John Smith"), "demo-admin is not limited")
		Expect(get(exchange("role:support"), "PLAIN_TEXT")).To(HaveKeyWithValue("cardholder_name", "XXXX XXXXX"))
	})

	It("rejects roles that name unknown operations, tables or redactions", func() {
		cfg := mockserver.DefaultConfig()
		cfg.Roles = []mockserver.RoleConfig{{ID: "r", Tables: map[string]mockserver.TablePermissions{
			"nope": {Operations: []string{"read"}}, "table1": {Operations: []string{"peek"}, MaxRedaction: "HIDDEN"}}}}
		_, err := mockserver.New(mockserver.WithConfig(cfg))
		Expect(err).To(MatchError(And(ContainSubstring(`"nope"`), ContainSubstring(`"peek"`), ContainSubstring(`"HIDDEN"`))))
	})
})
