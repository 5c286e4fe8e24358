package emulator_test

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Roles on Flow DB vaults", func() {
	var (
		srv      *mockserver.Server
		c        *client // API key: not limited
		vid      string
		custID   string
		custToks map[string]any // column to its first token
		orderTok string
	)
	// firstTokens returns the first token of each column of an insert
	// answer element.
	firstTokens := func(rec map[string]any) map[string]any {
		GinkgoHelper()
		out := map[string]any{}
		for col, list := range obj(rec["tokens"]) {
			out[col] = obj(arr(list)[0])["token"]
		}
		return out
	}
	BeforeEach(func() {
		cfg := mockserver.DefaultConfig()
		cfg.ServiceAccounts[0].Roles = []string{"support", "ingest", "clerk"}
		cfg.Roles = []mockserver.RoleConfig{
			{ID: "support", Tables: map[string]mockserver.TablePermissions{
				"customers": {Operations: []string{"read", "detokenize", "query"}, MaxRedaction: "MASKED"},
			}},
			{ID: "ingest", Tables: map[string]mockserver.TablePermissions{
				"*": {Operations: []string{"insert"}},
			}},
			{ID: "clerk", Tables: map[string]mockserver.TablePermissions{
				"orders": {Operations: []string{"insert", "read", "detokenize", "delete"}},
			}},
			{ID: "tokens", Tables: map[string]mockserver.TablePermissions{
				"customers": {Operations: []string{"tokenize", "detokenize", "delete"}},
			}},
		}
		srv = startServer(mockserver.WithConfig(cfg))
		c = newClient(srv)
		vid = srv.FlowDBVaultID()
		ins := flowList(expectOK(c.do("POST", "/v2/records/insert", map[string]any{"vaultID": vid, "records": []any{
			map[string]any{"tableName": "customers", "data": map[string]any{"name": "John Smith", "email": "john@example.com",
				"card_number": "4111111111111111", "age": 42}},
			map[string]any{"tableName": "orders", "data": map[string]any{"order_ref": "o-1", "customer_email": "john@example.com"}},
		}})), "records")
		custID, custToks = ins[0]["skyflowID"].(string), firstTokens(ins[0])
		orderTok = firstTokens(ins[1])["customer_email"].(string)
	})
	as := func(roles ...string) *client {
		GinkgoHelper()
		t, err := srv.IssueToken(time.Hour, roles...)
		Expect(err).NotTo(HaveOccurred())
		return c.withAuth("Bearer " + t)
	}
	counts := func() map[string]any {
		GinkgoHelper()
		return obj(obj(expectOK(c.do("POST", "/v2/vaults/metrics", map[string]any{"vaultID": vid}))["data"])["tables"])
	}
	getCustomer := func(cl *client, extra map[string]any) map[string]any {
		GinkgoHelper()
		body := map[string]any{"vaultID": vid, "tableName": "customers", "skyflowIDs": []any{custID}}
		for k, v := range extra {
			body[k] = v
		}
		recs := flowList(expectOK(cl.do("POST", "/v2/records/get", body)), "records")
		Expect(recs).To(HaveLen(1))
		Expect(recs[0]).To(HaveKeyWithValue("httpCode", 200.0))
		return obj(recs[0]["data"])
	}

	It("refuses with 403 and the error body a request whose one table the roles may not use", func() {
		support := as("support")
		r := support.do("POST", "/v2/records/insert", map[string]any{"vaultID": vid, "tableName": "customers",
			"records": []any{map[string]any{"data": map[string]any{"email": "x@example.com"}}}})
		Expect(expectError(r, http.StatusForbidden)).To(And(ContainSubstring("support"), ContainSubstring("insert"), ContainSubstring("customers")))
		Expect(grpcCode(r)).To(Equal(7))
		expectError(support.do("POST", "/v2/records/update", map[string]any{"vaultID": vid, "tableName": "customers",
			"records": []any{map[string]any{"skyflowID": custID, "data": map[string]any{"age": 43}}}}), http.StatusForbidden)
		expectError(support.do("POST", "/v2/records/delete", map[string]any{"vaultID": vid, "tableName": "customers",
			"skyflowIDs": []any{custID}}), http.StatusForbidden)
		expectError(support.do("POST", "/v2/records/get", map[string]any{"vaultID": vid, "tableName": "orders"}), http.StatusForbidden)
		expectError(support.do("POST", "/v2/query", map[string]any{"vaultID": vid, "query": "SELECT * FROM orders"}), http.StatusForbidden)
		// read does not allow query, as on v2 vaults.
		expectError(as("clerk").do("POST", "/v2/query", map[string]any{"vaultID": vid, "query": "SELECT * FROM orders"}), http.StatusForbidden)
		Expect(counts()).To(HaveKeyWithValue("customers", HaveKeyWithValue("records", 1.0)), "nothing was written")

		By("an upsert needs update too, whether it would insert or update")
		ingest := as("ingest")
		upsert := map[string]any{"vaultID": vid, "tableName": "customers", "upsert": map[string]any{"uniqueColumns": []any{"email"}},
			"records": []any{map[string]any{"data": map[string]any{"email": "new@example.com"}}}}
		Expect(expectError(ingest.do("POST", "/v2/records/insert", upsert), http.StatusForbidden)).To(ContainSubstring("update"))
		delete(upsert, "upsert")
		Expect(flowList(expectOK(ingest.do("POST", "/v2/records/insert", upsert)), "records")[0]).To(HaveKeyWithValue("httpCode", 200.0))
	})

	It("caps what get, query and detokenize reveal at the role's max_redaction; API keys are not limited", func() {
		support := as("support")
		Expect(getCustomer(support, nil)).To(And(HaveKeyWithValue("name", "XXXX XXXXX"), HaveKeyWithValue("email", "XXXX@XXXXXXX.XXX"),
			HaveKeyWithValue("card_number", "XXXXXXXXXXXXXXXX"), HaveKeyWithValue("age", "XX")))
		Expect(getCustomer(support, map[string]any{"columnRedactions": []any{
			map[string]any{"columnName": "card_number", "redaction": "mask1"},
			map[string]any{"columnName": "name", "redaction": "redacted"},
		}})).To(And(HaveKeyWithValue("card_number", "XXXXXXXXXXXX1111"), HaveKeyWithValue("name", "*REDACTED*")),
			"asking for a mask or less stays as asked")
		Expect(getCustomer(c, nil)).To(And(HaveKeyWithValue("name", "John Smith"), HaveKeyWithValue("age", 42.0)))

		q := flowList(expectOK(support.do("POST", "/v2/query", map[string]any{"vaultID": vid, "query": "SELECT name FROM customers"})), "records")
		Expect(obj(q[0]["data"])).To(HaveKeyWithValue("name", "XXXX XXXXX"))

		det := flowList(expectOK(support.do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid,
			"tokens":               []any{custToks["name"], custToks["email"]},
			"tokenGroupRedactions": []any{map[string]any{"tokenGroupName": "deterministic_email", "redaction": "masked"}}})), "response")
		Expect(det[0]).To(And(HaveKeyWithValue("value", "XXXX XXXXX"), HaveKeyWithValue("httpCode", 200.0)))
		Expect(det[1]).To(HaveKeyWithValue("value", "jXXX@example.com"))
		plain := flowList(expectOK(c.do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid, "tokens": []any{custToks["name"]}})), "response")
		Expect(plain[0]).To(HaveKeyWithValue("value", "John Smith"))
	})

	It("fails only the refused elements of a call that mixes tables, with httpCode 403 and no value", func() {
		det := flowList(expectOK(as("support").do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid,
			"tokens": []any{custToks["name"], orderTok}})), "response")
		Expect(det).To(HaveLen(2))
		Expect(det[0]).To(And(HaveKeyWithValue("httpCode", 200.0), HaveKeyWithValue("value", "XXXX XXXXX"),
			HaveKeyWithValue("metadata", HaveKeyWithValue("tableName", "customers"))))
		Expect(det[1]).To(And(HaveKeyWithValue("token", orderTok), HaveKeyWithValue("httpCode", 403.0),
			HaveKeyWithValue("error", And(ContainSubstring("detokenize"), ContainSubstring("orders"), Not(ContainSubstring("john"))))))
		Expect(det[1]).NotTo(Or(HaveKey("value"), HaveKey("metadata")))

		ins := flowList(expectOK(as("clerk").do("POST", "/v2/records/insert", map[string]any{"vaultID": vid, "records": []any{
			map[string]any{"tableName": "customers", "data": map[string]any{"email": "secret@example.com"}},
			map[string]any{"tableName": "orders", "data": map[string]any{"order_ref": "o-2"}},
		}})), "records")
		Expect(ins[0]).To(And(HaveKeyWithValue("httpCode", 403.0), HaveKeyWithValue("tableName", "customers"),
			HaveKeyWithValue("error", Not(ContainSubstring("secret"))), Not(HaveKey("skyflowID"))))
		Expect(ins[1]).To(And(HaveKeyWithValue("httpCode", 200.0), HaveKey("skyflowID")))
		Expect(counts()).To(And(HaveKeyWithValue("customers", HaveKeyWithValue("records", 1.0)), HaveKeyWithValue("orders", HaveKeyWithValue("records", 2.0))))

		got := flowList(expectOK(as("support").do("POST", "/v2/records/get", map[string]any{"vaultID": vid, "records": []any{
			map[string]any{"tableName": "customers", "skyflowIDs": []any{custID}},
			map[string]any{"tableName": "orders", "uniqueValues": []any{map[string]any{"data": map[string]any{"order_ref": "o-1"}}}},
		}})), "records")
		Expect(got[0]).To(HaveKeyWithValue("httpCode", 200.0))
		Expect(got[1]).To(And(HaveKeyWithValue("httpCode", 403.0), HaveKeyWithValue("tableName", "orders"), Not(HaveKey("data"))))
	})

	It("needs the operation on every table of a token group for tokenize and for tokens of no record", func() {
		tokens := as("tokens")
		tk := flowList(expectOK(tokens.do("POST", "/v2/tokens/tokenize", map[string]any{"vaultID": vid, "data": []any{
			map[string]any{"value": "4242", "tokenGroupNames": []any{"deterministic_string", "deterministic_email"}}}})), "response")
		groups := arr(tk[0]["tokens"])
		Expect(obj(groups[0])).To(And(HaveKeyWithValue("httpCode", 200.0), HaveKey("token")))
		Expect(obj(groups[1])).To(And(HaveKeyWithValue("httpCode", 403.0), HaveKeyWithValue("error", ContainSubstring("orders")), Not(HaveKey("token"))),
			"deterministic_email is also used by orders, which the role may not use")
		schemaless := obj(groups[0])["token"]
		det := flowList(expectOK(tokens.do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid, "tokens": []any{schemaless}})), "response")
		Expect(det[0]).To(HaveKeyWithValue("value", "4242"))
		det = flowList(expectOK(as("clerk").do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid, "tokens": []any{schemaless}})), "response")
		Expect(det[0]).To(HaveKeyWithValue("httpCode", 403.0))

		By("deleting a token needs delete on its table")
		del := flowList(expectOK(as("clerk").do("POST", "/v2/tokens/delete", map[string]any{"vaultID": vid,
			"tokens": []any{custToks["name"], orderTok, schemaless}})), "tokens")
		Expect(del[0]).To(HaveKeyWithValue("httpCode", 403.0))
		Expect(del[1]).To(HaveKeyWithValue("httpCode", 200.0))
		Expect(del[2]).To(HaveKeyWithValue("httpCode", 403.0))
		det = flowList(expectOK(c.do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid,
			"tokens": []any{custToks["name"], orderTok, schemaless}})), "response")
		Expect([]any{det[0]["httpCode"], det[1]["httpCode"], det[2]["httpCode"]}).To(Equal([]any{200.0, 404.0, 200.0}))
		del = flowList(expectOK(tokens.do("POST", "/v2/tokens/delete", map[string]any{"vaultID": vid, "tokens": []any{schemaless}})), "tokens")
		Expect(del[0]).To(HaveKeyWithValue("httpCode", 200.0))
	})

	It("lists in metrics only the tables the roles may read", func() {
		m := obj(obj(expectOK(as("support").do("POST", "/v2/vaults/metrics", map[string]any{"vaultID": vid}))["data"])["tables"])
		Expect(m).To(And(HaveKey("customers"), Not(HaveKey("orders"))))
		Expect(counts()).To(And(HaveKey("customers"), HaveKey("orders")), "API keys are not limited")
	})

	It("gives a token exchanged without a scope every role of its service account", func() {
		creds := loadCredentials(srv)
		exchange := func(scope string) *client { return exchangeToken(c, creds, scope) }
		all := exchange("")
		ins := flowList(expectOK(all.do("POST", "/v2/records/insert", map[string]any{"vaultID": vid, "tableName": "customers",
			"records": []any{map[string]any{"data": map[string]any{"email": "z@example.com"}}}})), "records")
		Expect(ins[0]).To(HaveKeyWithValue("httpCode", 200.0), "ingest")
		det := flowList(expectOK(all.do("POST", "/v2/tokens/detokenize", map[string]any{"vaultID": vid,
			"tokens": []any{custToks["name"], orderTok}})), "response")
		Expect(det[0]).To(HaveKeyWithValue("value", "XXXX XXXXX"), "support, capped")
		Expect(det[1]).To(HaveKeyWithValue("value", "john@example.com"), "clerk, not capped")
		expectError(exchange("role:support").do("POST", "/v2/records/insert", map[string]any{"vaultID": vid, "tableName": "customers",
			"records": []any{map[string]any{"data": map[string]any{"email": "y@example.com"}}}}), http.StatusForbidden)
	})
})
