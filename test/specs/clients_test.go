package specs_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/ghttp"

	"github.com/skyflowgo/skyflow/gen/connection"
	"github.com/skyflowgo/skyflow/gen/detect"
	"github.com/skyflowgo/skyflow/gen/oauth"
	"github.com/skyflowgo/skyflow/gen/vault"
)

func ptr[T any](v T) *T { return &v }

func bearer(token string) func(context.Context, *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// decoded reads a JSON answer into a generated model.
func decoded[T any](resp *http.Response, err error) (*http.Response, T) {
	GinkgoHelper()
	var v T
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(json.NewDecoder(resp.Body).Decode(&v)).To(Succeed())
	return resp, v
}

var _ = Describe("the generated clients", func() {
	var server *ghttp.Server
	BeforeEach(func() {
		server = ghttp.NewServer()
		DeferCleanup(server.Close)
	})

	It("vault: bulk insert puts the wire JSON on the right path", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/vaults/vault123/persons"),
			ghttp.VerifyHeaderKV("Authorization", "Bearer tok"),
			ghttp.VerifyContentType("application/json"),
			ghttp.VerifyJSON(`{"records":[{"fields":{"email":"a@x.com","name":null}}],"tokenization":true,"byot":"DISABLE"}`),
			ghttp.RespondWith(http.StatusOK, `{"records":[{"skyflow_id":"id-1","tokens":{"email":"t-1"}}]}`,
				http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-1"}}),
		))
		c := vault.NewClient(server.URL(), http.DefaultClient)
		resp, out := decoded[vault.V1InsertRecordResponse](c.RecordServiceInsertRecord(ctx, "vault123", "persons", vault.V1InsertRecordRequest{
			Records:      []vault.V1FieldRecords{{Fields: vault.V1RecordFields{"email": "a@x.com", "name": nil}}},
			Tokenization: ptr(true),
			Byot:         ptr(vault.V1ByotDISABLE),
		}, bearer("tok")))
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(out.Records[0].SkyflowId).To(Equal("id-1"))
		Expect(out.Records[0].Tokens).To(HaveKeyWithValue("email", "t-1"))
		Expect(resp.Header.Get("X-Request-Id")).To(Equal("req-1"))
	})

	It("vault: bulk get encodes arrays as repeated keys and booleans as true/false", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodGet, "/v1/vaults/vault123/persons",
				"skyflow_ids=id-1&skyflow_ids=id-2&redaction=PLAIN_TEXT&tokenization=false&fields=name&fields=email&limit=10"),
			ghttp.RespondWith(http.StatusOK, `{"records":[{"fields":{"skyflow_id":"id-1","name":"John"}}]}`,
				http.Header{"Content-Type": {"application/json"}}),
		))
		c := vault.NewClient(server.URL(), http.DefaultClient)
		_, out := decoded[vault.V1BulkGetRecordResponse](c.RecordServiceBulkGetRecord(ctx, "vault123", "persons", &vault.RecordServiceBulkGetRecordParams{
			SkyflowIds:   []string{"id-1", "id-2"},
			Redaction:    ptr(vault.RedactionEnumPLAINTEXT),
			Tokenization: ptr(false),
			Fields:       []string{"name", "email"},
			Limit:        ptr("10"),
		}))
		Expect(out.Records[0].Fields).To(HaveKeyWithValue("name", "John"))
	})

	It("vault: bulk delete sends a JSON body with DELETE and reads RecordIDResponse", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodDelete, "/v1/vaults/vault123/persons"),
			ghttp.VerifyJSON(`{"skyflow_ids":["id-1","id-2"]}`),
			ghttp.RespondWith(http.StatusOK, `{"RecordIDResponse":["id-1","id-2"]}`, http.Header{"Content-Type": {"application/json"}}),
		))
		c := vault.NewClient(server.URL(), http.DefaultClient)
		_, out := decoded[vault.V1BulkDeleteRecordResponse](c.RecordServiceBulkDeleteRecord(ctx, "vault123", "persons", vault.V1BulkDeleteRecordRequest{SkyflowIds: []string{"id-1", "id-2"}}))
		Expect(out.RecordIDResponse).To(Equal([]string{"id-1", "id-2"}))
	})

	It("vault: detokenize uses camelCase keys and decodes errors into the error schema", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/vaults/vault123/detokenize"),
			ghttp.VerifyJSON(`{"detokenizationParameters":[{"token":"t1","redaction":"MASKED"}],"continueOnError":false}`),
			ghttp.RespondWith(http.StatusNotFound,
				`{"error":{"grpc_code":5,"http_code":404,"http_status":"Not Found","message":"token not found","details":[]}}`,
				http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-404"}}),
		))
		c := vault.NewClient(server.URL(), http.DefaultClient)
		resp, out := decoded[vault.ErrorResponse](c.TokenServiceDetokenize(ctx, "vault123", vault.V1DetokenizePayload{
			DetokenizationParameters: []vault.V1DetokenizeRecordRequest{{Token: "t1", Redaction: vault.RedactionEnumMASKED}},
			ContinueOnError:          ptr(false),
		}))
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		Expect(out.Error.Message).To(Equal("token not found"))
		Expect(out.Error.GrpcCode).To(BeEquivalentTo(5))
		Expect(resp.Header.Get("X-Request-Id")).To(Equal("req-404"))
	})

	It("vault: multipart upload goes through the WithBody variant", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v2/vaults/vault123/files/upload"),
			func(w http.ResponseWriter, r *http.Request) {
				defer GinkgoRecover()
				Expect(r.ParseMultipartForm(1 << 20)).To(Succeed())
				Expect(r.FormValue("tableName")).To(Equal("persons"))
			},
			ghttp.RespondWith(http.StatusOK, `{"skyflowID":"id-9"}`, http.Header{"Content-Type": {"application/json"}}),
		))
		c := vault.NewClient(server.URL(), http.DefaultClient)
		body := "--b\r\nContent-Disposition: form-data; name=\"tableName\"\r\n\r\npersons\r\n--b--\r\n"
		_, out := decoded[vault.V2UploadFileResponse](c.UploadFileV2WithBody(ctx, "vault123", "multipart/form-data; boundary=b", strings.NewReader(body)))
		Expect(*out.SkyflowID).To(Equal("id-9"))
	})

	It("detect: de-identify string sends snake_case keys and omits unset options", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/detect/deidentify/string"),
			ghttp.VerifyJSON(`{"text":"My name is John","vault_id":"vault123","entity_types":["name"],"token_type":{"default":"entity_unq_counter","vault_token":["ssn"]}}`),
			ghttp.RespondWith(http.StatusOK, `{"processed_text":"My name is [NAME_1]","entities":[{"token":"[NAME_1]","value":"John","entity_type":"name","location":{"start_index":11,"end_index":15,"start_index_processed":11,"end_index_processed":19},"entity_scores":{"name":0.9}}],"word_count":4,"character_count":15}`,
				http.Header{"Content-Type": {"application/json"}}),
		))
		c := detect.NewClient(server.URL(), http.DefaultClient)
		_, out := decoded[detect.DeidentifyStringResponse](c.DetectDeidentifyString(ctx, detect.DeidentifyStringRequest{
			Text:        "My name is John",
			VaultId:     "vault123",
			EntityTypes: []detect.EntityType{detect.EntityTypeName},
			TokenType: &detect.TokenTypeMapping{
				Default:    ptr(detect.TokenTypeMappingDefaultEntityUnqCounter),
				VaultToken: []detect.EntityType{detect.EntityTypeSsn},
			},
		}))
		Expect(*out.ProcessedText).To(Equal("My name is [NAME_1]"))
		Expect(out.Entities[0].Location.EndIndexProcessed).To(BeEquivalentTo(19))
		Expect(out.Entities[0].EntityScores).To(HaveKeyWithValue("name", 0.9))
	})

	It("detect: get run passes vault_id as a query parameter and reads camelCase run fields", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodGet, "/v1/detect/runs/run-123", "vault_id=vault123"),
			ghttp.RespondWith(http.StatusOK, `{"status":"SUCCESS","outputType":"BASE64","output":[{"processedFile":"aGk=","processedFileType":"redacted_text","processedFileExtension":"txt"}],"wordCharacterCount":{"wordCount":1,"characterCount":2}}`,
				http.Header{"Content-Type": {"application/json"}}),
		))
		c := detect.NewClient(server.URL(), http.DefaultClient)
		_, out := decoded[detect.DetectRunsResponse](c.DetectGetRun(ctx, "run-123", &detect.DetectGetRunParams{VaultId: ptr("vault123")}))
		Expect(*out.Status).To(Equal(detect.DetectRunStatusSUCCESS))
		Expect(*out.Output[0].ProcessedFileExtension).To(Equal(detect.ProcessedFileExtensionTxt))
		Expect(*out.WordCharacterCount.CharacterCount).To(BeEquivalentTo(2))
	})

	It("oauth: the token exchange posts grant_type, assertion and scope", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/auth/sa/oauth/token"),
			ghttp.VerifyJSON(`{"grant_type":"urn:ietf:params:oauth:grant-type:jwt-bearer","assertion":"a.b.c","scope":"role:r1 role:r2"}`),
			ghttp.RespondWith(http.StatusOK, `{"accessToken":"x.y.z","tokenType":"Bearer"}`, http.Header{"Content-Type": {"application/json"}}),
		))
		c := oauth.NewClient(server.URL(), http.DefaultClient)
		_, out := decoded[oauth.V1GetAuthTokenResponse](c.GetAuthToken(ctx, oauth.V1GetAuthTokenRequest{
			GrantType: "urn:ietf:params:oauth:grant-type:jwt-bearer",
			Assertion: "a.b.c",
			Scope:     ptr("role:r1 role:r2"),
		}))
		Expect(*out.AccessToken).To(Equal("x.y.z"))
	})

	It("connection: invoke posts the body the caller encoded, with its content type", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/gateway/outboundRoutes/conn123/cards"),
			ghttp.VerifyContentType("application/json"),
			ghttp.VerifyJSON(`{"card_number":"tok-card","nested":{"a":[1,2]}}`),
			ghttp.RespondWith(http.StatusOK, `{"ok":true}`, http.Header{"Content-Type": {"application/json"}}),
		))
		c := connection.NewClient(server.URL(), http.DefaultClient)
		resp, err := c.InvokeConnectionPostWithBody(ctx, "conn123", "cards", "application/json",
			strings.NewReader(`{"card_number":"tok-card","nested":{"a":[1,2]}}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
	})
})
