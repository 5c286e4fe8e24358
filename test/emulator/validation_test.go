package emulator_test

import (
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Request validation", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
	})

	DescribeTable("rejects malformed requests with the Skyflow error body before the handler",
		func(method, path, body, want string, status int) {
			r := c.do(method, strings.ReplaceAll(path, "VAULT", srv.VaultID()), body)
			Expect(expectError(r, status)).To(ContainSubstring(want))
			Expect(srv.Records("table1")).To(BeEmpty())
		},
		Entry("malformed JSON", "POST", "/v1/vaults/VAULT/table1", `{"records":`, "request body", 400),
		Entry("wrong type", "POST", "/v1/vaults/VAULT/table1", `{"records":{}}`, "records", 400),
		Entry("unknown enum value", "POST", "/v1/vaults/VAULT/table1", `{"records":[{"fields":{"email":"a@b.c"}}],"byot":"MAYBE"}`, "byot", 400),
		Entry("fields not an object", "POST", "/v1/vaults/VAULT/table1", `{"records":[{"fields":"x"}]}`, "fields", 400),
		Entry("missing required body", "POST", "/v1/vaults/VAULT/table1", ``, "request body", 400),
		Entry("bad query parameter", "GET", "/v1/vaults/VAULT/table1?tokenization=maybe", ``, "tokenization", 400),
		Entry("limit not numeric", "GET", "/v1/vaults/VAULT/table1?limit=ten", ``, "limit", 400),
		Entry("bad redaction", "GET", "/v1/vaults/VAULT/table1?redaction=SOME", ``, "redaction", 400),
		Entry("missing detect field", "POST", "/v1/detect/deidentify/string", `{"text":"x"}`, "vault_id", 400),
		Entry("unknown route", "GET", "/v1/nothing/here", ``, "no API route", 404),
		Entry("trailing slash", "GET", "/v1/vaults/VAULT/table1/", ``, "no API route", 404),
		Entry("double slash", "GET", "//v1/vaults/VAULT/table1", ``, "no API route", 404),
		Entry("dot segment", "GET", "/v1/vaults/VAULT/./table1", ``, "no API route", 404),
		Entry("wrong method", "PATCH", "/v1/vaults/VAULT/table1", `{}`, "not allowed", 405),
		Entry("wrong method on query", "GET", "/v1/vaults/VAULT/query", ``, "", 404),
	)

	It("names the allowed methods of a 405", func() {
		r := c.do("PATCH", vaultPath(srv, "/table1"), "{}")
		expectError(r, http.StatusMethodNotAllowed)
		Expect(r.Header.Get("Allow")).To(Equal("DELETE, GET, POST"))
		Expect(grpcCode(r)).To(Equal(12))
	})

	It("accepts what the official SDKs send: Go's {} body on GET, Python's nulls", func() {
		expectOK(c.do("GET", vaultPath(srv, "/table1"), "{}"))
		expectOK(c.do("POST", vaultPath(srv, "/table1"), `{"records":[{"fields":{"email":"a@b.c"},"tokens":null}],"tokenization":true,"upsert":null,"homogeneous":false,"byot":"DISABLE"}`))
		expectOK(c.do("POST", "/v1/detect/reidentify/string", `{"text":"x","vault_id":"`+srv.VaultID()+`","format":{"redacted":null,"masked":null,"plaintext":null}}`))
	})

	It("rejects a non-JSON content type on JSON endpoints", func() {
		req, _ := http.NewRequest("POST", srv.URL()+vaultPath(srv, "/table1"), strings.NewReader("records=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		expectError(c.send(req), http.StatusBadRequest)
	})

	It("unescapes path segments as the Go SDK escapes them", func() {
		id, _ := insertOne(c, srv, "table1", map[string]any{"email": "a@b.c"})
		expectOK(c.do("GET", vaultPath(srv, "/table1/")+strings.ReplaceAll(id, "-", "%2D"), nil))
	})

	It("puts x-request-id and application/json on every response", func() {
		for _, r := range []*response{
			c.do("GET", vaultPath(srv, "/table1"), nil),
			c.do("GET", "/nowhere", nil),
			c.withAuth("").do("GET", "/__admin/health", nil),
			c.withAuth("").do("GET", "/__files/nope", nil),
		} {
			expectCommonHeaders(r)
		}
	})
})

var _ = Describe("Base path", func() {
	It("mounts everything under the prefix and 404s the root", func() {
		srv := startServer(mockserver.WithBasePath("/skyflow/"))
		Expect(srv.URL()).To(HaveSuffix("/skyflow"))
		c := newClient(srv)
		expectOK(c.do("GET", vaultPath(srv, "/table1"), nil))
		root := &client{base: strings.TrimSuffix(srv.URL(), "/skyflow"), auth: c.auth, http: c.http}
		expectError(root.do("GET", vaultPath(srv, "/table1"), nil), http.StatusNotFound)
		Expect(srv.ConnectionURL()).To(HavePrefix(srv.URL() + "/v1/gateway/"))
		creds := loadCredentials(srv)
		Expect(creds.TokenURI).To(Equal(srv.URL() + "/v1/auth/sa/oauth/token"))
	})

	It("also serves the token endpoint at the root, where the official SDKs post it", func() {
		srv := startServer(mockserver.WithBasePath("/skyflow"))
		creds := loadCredentials(srv)
		root := &client{base: strings.TrimSuffix(srv.URL(), "/skyflow"), http: http.DefaultClient}
		body := map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion(creds, timeNow(), nil)}
		expectOK(root.do("POST", "/v1/auth/sa/oauth/token", body))
		expectOK(newClient(srv).withAuth("").do("POST", "/v1/auth/sa/oauth/token", body))
	})

	It("rejects an invalid prefix", func() {
		_, err := mockserver.New(mockserver.WithBasePath("skyflow"))
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("Handler", func() {
	It("can be served by the caller", func() {
		srv, err := mockserver.New(mockserver.WithResponseValidation())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		Expect(srv.URL()).To(BeEmpty())
		hs := newHTTPTestServer(srv.Handler())
		DeferCleanup(hs.Close)
		c := &client{base: hs.URL, auth: "Bearer " + srv.APIKey(), http: hs.Client()}
		id := expectOK(c.multipart("/v2/vaults/"+srv.VaultID()+"/files/upload",
			part{name: "tableName", content: "documents"}, part{name: "columnName", content: "attachment"}, part{name: "file", filename: "a.txt", content: "x"}))["skyflowID"].(string)
		got := records(expectOK(c.do("GET", "/v1/vaults/"+srv.VaultID()+"/documents?downloadURL=true&skyflow_ids="+id, nil)))
		Expect(obj(got[0]["fields"])["attachment"]).To(HavePrefix(hs.URL + "/__files/"))
		Expect(srv.Problems()).To(BeEmpty())
	})
})
