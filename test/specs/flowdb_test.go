package specs_test

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/ghttp"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/gen/flowdb"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// inferredPoints lists where flowdb.yaml marks what was concluded rather
// than read from the published SDKs (the INFERRED points of the wire
// facts). Each must keep its x-inferred note until a live vault or an
// official reference settles it.
var inferredPoints = []string{
	"info",
	"POST /v2/records/insert",     // answer positional, one element per record; partial failure inside a 200
	"POST /v2/records/get",        // one element per lookup, ids echoed; page size
	"POST /v2/records/update",     // one element per record, ids echoed
	"POST /v2/records/delete",     // one element per record asked
	"POST /v2/query",              // query language
	"POST /v2/tokens/detokenize",  // positional, token echoed; groups not listed
	"POST /v2/tokens/tokenize",    // positional; the renamed path
	"POST /v2/tokens/get",         // whether the legacy path is still served
	"POST /v2/tokens/delete",      // one element per token
	"POST /v2/vaults/metrics",     // metrics per table
	"headers.XRequestId",          // sent on every answer, lower case
	"responses.Error",             // the v2 error envelope
	"schemas.ErrorResponseError",  // its required keys
	"schemas.ByotTokens",          // the shape of your own tokens
	"schemas.RecordTokens",        // the list-of-objects token form
	"schemas.TokenGroupRedaction", // what a token group is
	"schemas.ColumnRedaction.redaction",
	"schemas.TokenizeItem.token",
	"schemas.MetricsTables",
}

// inferredIn collects the locations of a spec that carry x-inferred.
func inferredIn(doc *openapi3.T) []string {
	var out []string
	has := func(ext map[string]any) bool {
		v, ok := ext["x-inferred"].(string)
		return ok && strings.TrimSpace(v) != ""
	}
	if has(doc.Info.Extensions) {
		out = append(out, "info")
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if has(op.Extensions) {
				out = append(out, method+" "+path)
			}
		}
	}
	for name, h := range doc.Components.Headers {
		if has(h.Value.Extensions) {
			out = append(out, "headers."+name)
		}
	}
	for name, r := range doc.Components.Responses {
		if has(r.Value.Extensions) {
			out = append(out, "responses."+name)
		}
	}
	for name, s := range doc.Components.Schemas {
		if has(s.Value.Extensions) {
			out = append(out, "schemas."+name)
		}
		for prop, p := range s.Value.Properties {
			if p.Ref == "" && has(p.Value.Extensions) {
				out = append(out, "schemas."+name+"."+prop)
			}
		}
	}
	sort.Strings(out)
	return out
}

var _ = Describe("flowdb.yaml", func() {
	var spec loadedSpec
	BeforeEach(func() { spec = loadSpec("flowdb") })

	It("marks every inferred point with x-inferred, and nothing it does not list here", func() {
		Expect(inferredIn(spec.doc)).To(ConsistOf(inferredPoints))
	})

	It("sends the vault in the body, never in the path or query, of POST-only operations", func() {
		for path, item := range spec.doc.Paths.Map() {
			Expect(item.Operations()).To(HaveLen(1), path)
			op := item.Post
			Expect(op).NotTo(BeNil(), path)
			Expect(op.Parameters).To(BeEmpty(), path)
			body := op.RequestBody.Value.Content.Get("application/json").Schema.Value
			Expect(body.Properties).To(HaveKey("vaultID"), path)
		}
	})

	It("carries the wire enums and camelCase names exactly", func() {
		enum := func(name string) []any { return spec.doc.Components.Schemas[name].Value.Enum }
		Expect(enum("UpdateType")).To(Equal([]any{"UPDATE", "REPLACE"}))
		Expect(enum("TokenizeDataType")).To(Equal([]any{"UNDEFINED_DATATYPE", "STRING", "NUMBER", "BOOL", "JSON"}))
		// The facade decodes record answers into its own type, with the same
		// JSON names (facade's TestRecordsWireIsTheSchemasShape pins them too).
		result := spec.doc.Components.Schemas["RecordResult"].Value.Properties
		Expect(slices.Sorted(maps.Keys(result))).To(Equal([]string{"data", "error", "hashedData", "httpCode", "skyflowID", "tableName", "tokens"}))
		token := spec.doc.Components.Schemas["ColumnToken"].Value.Properties
		Expect(slices.Sorted(maps.Keys(token))).To(Equal([]string{"token", "tokenGroupName"}))
		for _, answer := range []string{"InsertResponse", "GetResponse", "UpdateResponse"} {
			records := spec.doc.Components.Schemas[answer].Value.Properties
			Expect(slices.Sorted(maps.Keys(records))).To(Equal([]string{"records"}), answer)
			Expect(records["records"].Value.Items.Ref).To(Equal("#/components/schemas/RecordResult"), answer)
		}
		Expect(spec.doc.Components.Schemas["RecordTokens"].Value.AdditionalProperties.Schema.Value.Items.Ref).
			To(Equal("#/components/schemas/ColumnToken"))
		get := spec.doc.Components.Schemas["GetRequest"].Value.Properties
		Expect(slices.Sorted(maps.Keys(get))).To(Equal([]string{"columnRedactions", "columns", "limit", "offset", "records",
			"skyflowIDs", "tableName", "uniqueValues", "vaultID"}))
		legacy := spec.doc.Paths.Value("/v2/tokens/get").Post
		Expect(legacy.Deprecated).To(BeTrue())
		Expect(legacy.Responses.Status(200).Value.Content.Get("application/json").Schema.Ref).
			To(Equal("#/components/schemas/TokenizeResponse"))
	})

	It("rejects requests that break it (the validation is real)", func() {
		bad := []struct{ path, body string }{
			{"/v2/records/insert", `{"vaultID":"v","records":{"data":{}}}`},
			{"/v2/records/insert", `{"vaultID":"v","upsert":{"updateType":"MERGE","uniqueColumns":["a"]}}`},
			{"/v2/records/get", `{"vaultID":"v","limit":"10"}`},
			{"/v2/tokens/detokenize", `{"vaultID":"v","tokens":"t"}`},
			{"/v2/tokens/get", `{"vaultID":"v","data":[{"value":"x","dataType":"DATE"}]}`},
		}
		for _, b := range bad {
			req, err := http.NewRequest(http.MethodPost, "https://c1.skyvault.skyflowapis.com"+b.path, strings.NewReader(b.body))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer some-token")
			Expect(validateAgainst(spec, req)).NotTo(Succeed(), b.body)
		}
	})
})

// validateAgainst validates a request (body included) against a spec.
func validateAgainst(spec loadedSpec, req *http.Request) error {
	route, params, err := spec.router.FindRoute(req)
	if err != nil {
		return err
	}
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: acceptAnyCredential, MultiError: true},
	})
}

// recorded is one request the SDK sent, as it went on the wire.
type recorded struct {
	method, path string
	header       http.Header
	body         []byte
}

var _ = Describe("the SDK's Flow DB requests", func() {
	It("each match an operation of flowdb.yaml and validate against its request schema", func(ctx SpecContext) {
		// The SDK talks to the emulator through a recording reverse proxy:
		// every request is kept as it went on the wire, then checked like
		// the official SDKs' captures.
		srv, err := mockserver.Start(mockserver.WithResponseValidation())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		target, err := url.Parse(srv.URL())
		Expect(err).NotTo(HaveOccurred())
		var (
			mu   sync.Mutex
			seen []recorded
		)
		rp := httputil.NewSingleHostReverseProxy(target)
		rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			Expect(err).NotTo(HaveOccurred())
			mu.Lock()
			seen = append(seen, recorded{method: r.Method, path: r.URL.Path, header: r.Header.Clone(), body: body})
			mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
			rp.ServeHTTP(w, r)
		}))
		DeferCleanup(rec.Close)

		client, err := facade.New(facade.WithFlowDB(facade.FlowDBConfig{VaultID: srv.FlowDBVaultID(), BaseURL: rec.URL,
			Credentials: &auth.Credentials{CredentialsJSON: srv.CredentialsJSON()}}))
		Expect(err).NotTo(HaveOccurred())
		db, err := client.FlowDB("")
		Expect(err).NotTo(HaveOccurred())
		exerciseFlowDB(ctx, db)

		spec := loadSpec("flowdb")
		reached := map[string]bool{}
		mu.Lock()
		defer mu.Unlock()
		for _, r := range seen {
			if r.path == "/v1/auth/sa/oauth/token" {
				continue
			}
			req, err := http.NewRequest(r.method, "https://c1.skyvault.skyflowapis.com"+r.path, bytes.NewReader(r.body))
			Expect(err).NotTo(HaveOccurred())
			req.Header = r.header
			route, _, err := spec.router.FindRoute(req)
			Expect(err).NotTo(HaveOccurred(), "no operation for %s %s", r.method, r.path)
			Expect(validateAgainst(spec, req)).To(Succeed(), "%s %s: %s", r.method, r.path, r.body)
			Expect(req.Header.Get("Authorization")).To(HavePrefix("Bearer "))
			Expect(req.Header.Get("Sky-Metadata")).To(ContainSubstring("sdk_name_version"))
			reached[route.Operation.OperationID] = true
		}
		Expect(reached).To(Equal(map[string]bool{"FlowDBInsert": true, "FlowDBGet": true, "FlowDBUpdate": true, "FlowDBDelete": true,
			"FlowDBQuery": true, "FlowDBDetokenize": true, "FlowDBTokenize": true, "FlowDBDeleteTokens": true, "FlowDBVaultMetrics": true}),
			"every operation the SDK calls (all but the legacy tokenize path)")
		Expect(srv.Problems()).To(BeEmpty())
	})
})

// exerciseFlowDB makes every Flow DB call with every optional field set at
// least once.
func exerciseFlowDB(ctx context.Context, db *facade.FlowDB) {
	GinkgoHelper()
	up := &facade.FlowUpsert{UniqueColumns: []string{"email"}, UpdateType: facade.FlowReplace}
	ins, err := db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Upsert: up, Records: []facade.FlowRecord{
		{Data: map[string]any{"name": "A", "email": "a@example.com", "card_number": "4111111111111111", "age": 30},
			Tokens: map[string]string{"card_number": "own-token-1"}},
	}})
	Expect(err).NotTo(HaveOccurred())
	id := ins.Records[0].SkyflowID
	_, err = db.Insert(ctx, facade.FlowInsertRequest{Records: []facade.FlowRecord{
		{Table: "orders", Data: map[string]any{"order_ref": "o-1", "amount": 2.5},
			Upsert: &facade.FlowUpsert{UniqueColumns: []string{"order_ref"}}},
	}})
	Expect(err).NotTo(HaveOccurred())
	seq, err := db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", BatchSize: 2,
		Records: slices.Values([]facade.FlowRecord{{Data: map[string]any{"name": "B"}}, {Data: map[string]any{"name": "C"}}, {Data: map[string]any{"name": "D"}}})})
	Expect(err).NotTo(HaveOccurred())
	for r := range seq {
		Expect(r.Err).NotTo(HaveOccurred())
	}
	_, err = db.Get(ctx, facade.FlowGetRequest{Table: "customers", IDs: []string{id}, UniqueValues: []map[string]any{{"email": "a@example.com"}},
		Columns: []string{"name", "card_number"}, ColumnRedactions: []facade.FlowColumnRedaction{{Column: "card_number", Redaction: "mask1"}}})
	Expect(err).NotTo(HaveOccurred())
	_, err = db.Get(ctx, facade.FlowGetRequest{Table: "customers", Offset: 1, Limit: 2})
	Expect(err).NotTo(HaveOccurred())
	_, err = db.Get(ctx, facade.FlowGetRequest{Tables: []facade.FlowGetTable{
		{Table: "customers", IDs: []string{id}, Columns: []string{"name"}, ColumnRedactions: []facade.FlowColumnRedaction{{Column: "name", Redaction: "masked"}}},
		{Table: "orders", UniqueValues: []map[string]any{{"order_ref": "o-1"}}}}})
	Expect(err).NotTo(HaveOccurred())
	_, err = db.Update(ctx, facade.FlowUpdateRequest{Table: "customers", UpdateType: facade.FlowUpdate,
		Records: []facade.FlowUpdateRecord{{SkyflowID: id, Data: map[string]any{"ssn": "123-45-6789"}, Tokens: map[string]string{"ssn": "own-token-2"}}}})
	Expect(err).NotTo(HaveOccurred())
	_, err = db.Update(ctx, facade.FlowUpdateRequest{Records: []facade.FlowUpdateRecord{{SkyflowID: id, Table: "customers", Data: map[string]any{"age": 31}}}})
	Expect(err).NotTo(HaveOccurred())
	_, err = db.Query(ctx, facade.FlowQueryRequest{Query: "SELECT name FROM customers"})
	Expect(err).NotTo(HaveOccurred())
	reds := []facade.FlowTokenGroupRedaction{{TokenGroup: "deterministic_string", Redaction: "plain_text"}}
	_, err = db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{"own-token-1", "own-token-2"}, TokenGroupRedactions: reds})
	Expect(err).NotTo(HaveOccurred())
	dseq, err := db.BulkDetokenize(ctx, facade.FlowBulkDetokenizeRequest{Tokens: slices.Values([]string{"own-token-1"}), TokenGroupRedactions: reds})
	Expect(err).NotTo(HaveOccurred())
	for range dseq {
	}
	tok, err := db.Tokenize(ctx, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{
		{Value: "text", TokenGroups: []string{"deterministic_string", "nondeterministic_string"}},
		{Value: 42.5, TokenGroups: []string{"deterministic_string"}},
		{Value: true, TokenGroups: []string{"deterministic_string"}},
		{Value: map[string]any{"a": []any{1, "b"}}, TokenGroups: []string{"nondeterministic_string"}},
	}})
	Expect(err).NotTo(HaveOccurred())
	tseq, err := db.BulkTokenize(ctx, facade.FlowBulkTokenizeRequest{Values: slices.Values([]facade.FlowTokenizeValue{{Value: "x", TokenGroups: []string{"deterministic_string"}}})})
	Expect(err).NotTo(HaveOccurred())
	for range tseq {
	}
	_, err = db.DeleteTokens(ctx, facade.FlowDeleteTokensRequest{Tokens: []string{tok.Values[0].Tokens["nondeterministic_string"]}})
	Expect(err).NotTo(HaveOccurred())
	xseq, err := db.BulkDeleteTokens(ctx, facade.FlowBulkDeleteTokensRequest{Tokens: slices.Values([]string{tok.Values[1].Tokens["deterministic_string"]})})
	Expect(err).NotTo(HaveOccurred())
	for range xseq {
	}
	_, err = db.Delete(ctx, facade.FlowDeleteRequest{Table: "customers", IDs: []string{id}, UniqueValues: []map[string]any{{"email": "none@example.com"}}})
	Expect(err).NotTo(HaveOccurred())
	_, err = db.Metrics(ctx, facade.FlowMetricsRequest{})
	Expect(err).NotTo(HaveOccurred())
}

var _ = Describe("the generated Flow DB client", func() {
	var server *ghttp.Server
	BeforeEach(func() {
		server = ghttp.NewServer()
		DeferCleanup(server.Close)
	})

	It("posts camelCase JSON with the vault in the body and absent fields left out", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v2/records/insert"),
			ghttp.VerifyContentType("application/json"),
			ghttp.VerifyJSON(`{"vaultID":"v1","records":[{"data":{"name":"A"},"tableName":"t1","upsert":{"uniqueColumns":["email"],"updateType":"UPDATE"}}]}`),
			ghttp.RespondWith(http.StatusOK, `{"records":[{"skyflowID":"id-1","tokens":{"name":[{"token":"tk","tokenGroupName":"g"}]},"httpCode":200,"tableName":"t1"}]}`,
				http.Header{"Content-Type": {"application/json"}}),
		))
		c := flowdb.NewClient(server.URL(), http.DefaultClient)
		// Record answers are decoded by the facade's own type (see
		// api/codegen/flowdb.yaml): gen/flowdb has no model of them.
		_, out := decoded[map[string]any](c.FlowDBInsert(ctx, flowdb.InsertRequest{VaultID: "v1", Records: []flowdb.InsertRecord{{
			Data: flowdb.RecordData{"name": "A"}, TableName: "t1",
			Upsert: &flowdb.Upsert{UniqueColumns: []string{"email"}, UpdateType: flowdb.UpdateTypeUPDATE}}}}))
		Expect(out).To(HaveKey("records"))
	})

	It("detokenize and tokenize keep any JSON value", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v2/tokens/tokenize"),
			ghttp.VerifyJSON(`{"vaultID":"v1","data":[{"value":12,"tokenGroupNames":["g"]}]}`),
			ghttp.RespondWith(http.StatusOK, `{"response":[{"value":12,"tokens":[{"tokenGroupName":"g","error":"nope","httpCode":404}]}]}`,
				http.Header{"Content-Type": {"application/json"}}),
		))
		c := flowdb.NewClient(server.URL(), http.DefaultClient)
		_, out := decoded[flowdb.TokenizeResponse](c.FlowDBTokenize(ctx, flowdb.TokenizeRequest{VaultID: "v1",
			Data: []flowdb.TokenizeItem{{Value: 12, TokenGroupNames: []string{"g"}}}}))
		Expect(out.Response[0].Value).To(BeEquivalentTo(12))
		Expect(out.Response[0].Tokens[0].Error).To(Equal("nope"))
	})
})
