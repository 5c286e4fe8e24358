package specs_test

import (
	"context"
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
		c, err := vault.NewClientWithResponses(server.URL(), vault.WithRequestEditorFn(bearer("tok")))
		Expect(err).NotTo(HaveOccurred())
		resp, err := c.RecordServiceInsertRecordWithResponse(ctx, "vault123", "persons", vault.V1InsertRecordRequest{
			Records:      []vault.V1FieldRecords{{Fields: vault.V1RecordFields{"email": "a@x.com", "name": nil}}},
			Tokenization: ptr(true),
			Byot:         ptr(vault.V1ByotDISABLE),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode()).To(Equal(http.StatusOK))
		Expect(*resp.JSON200.Records[0].SkyflowId).To(Equal("id-1"))
		Expect(resp.JSON200.Records[0].Tokens).To(HaveKeyWithValue("email", "t-1"))
		Expect(*resp.Headers200.XRequestId).To(Equal("req-1"))
	})

	It("vault: bulk get encodes arrays as repeated keys and booleans as true/false", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodGet, "/v1/vaults/vault123/persons",
				"skyflow_ids=id-1&skyflow_ids=id-2&redaction=PLAIN_TEXT&tokenization=false&fields=name&fields=email&limit=10"),
			ghttp.RespondWith(http.StatusOK, `{"records":[{"fields":{"skyflow_id":"id-1","name":"John"}}]}`,
				http.Header{"Content-Type": {"application/json"}}),
		))
		c, err := vault.NewClientWithResponses(server.URL())
		Expect(err).NotTo(HaveOccurred())
		resp, err := c.RecordServiceBulkGetRecordWithResponse(ctx, "vault123", "persons", &vault.RecordServiceBulkGetRecordParams{
			SkyflowIds:   []string{"id-1", "id-2"},
			Redaction:    ptr(vault.RedactionEnumPLAINTEXT),
			Tokenization: ptr(false),
			Fields:       []string{"name", "email"},
			Limit:        ptr("10"),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.JSON200.Records[0].Fields).To(HaveKeyWithValue("name", "John"))
	})

	It("vault: bulk delete sends a JSON body with DELETE and reads RecordIDResponse", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodDelete, "/v1/vaults/vault123/persons"),
			ghttp.VerifyJSON(`{"skyflow_ids":["id-1","id-2"]}`),
			ghttp.RespondWith(http.StatusOK, `{"RecordIDResponse":["id-1","id-2"]}`, http.Header{"Content-Type": {"application/json"}}),
		))
		c, _ := vault.NewClientWithResponses(server.URL())
		resp, err := c.RecordServiceBulkDeleteRecordWithResponse(ctx, "vault123", "persons", vault.V1BulkDeleteRecordRequest{SkyflowIds: []string{"id-1", "id-2"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.JSON200.RecordIDResponse).To(Equal([]string{"id-1", "id-2"}))
	})

	It("vault: detokenize uses camelCase keys and decodes errors into the error schema", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/vaults/vault123/detokenize"),
			ghttp.VerifyJSON(`{"detokenizationParameters":[{"token":"t1","redaction":"MASKED"}],"continueOnError":false}`),
			ghttp.RespondWith(http.StatusNotFound,
				`{"error":{"grpc_code":5,"http_code":404,"http_status":"Not Found","message":"token not found","details":[]}}`,
				http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-404"}}),
		))
		c, _ := vault.NewClientWithResponses(server.URL())
		resp, err := c.TokenServiceDetokenizeWithResponse(ctx, "vault123", vault.V1DetokenizePayload{
			DetokenizationParameters: []vault.V1DetokenizeRecordRequest{{Token: ptr("t1"), Redaction: ptr(vault.RedactionEnumMASKED)}},
			ContinueOnError:          ptr(false),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode()).To(Equal(http.StatusNotFound))
		Expect(resp.JSON404.Error.Message).To(Equal("token not found"))
		Expect(resp.JSON404.Error.GrpcCode).To(BeEquivalentTo(5))
		Expect(*resp.Headers404.XRequestId).To(Equal("req-404"))
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
		c, _ := vault.NewClientWithResponses(server.URL())
		body := "--b\r\nContent-Disposition: form-data; name=\"tableName\"\r\n\r\npersons\r\n--b--\r\n"
		resp, err := c.UploadFileV2WithBodyWithResponse(ctx, "vault123", "multipart/form-data; boundary=b", strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		Expect(*resp.JSON200.SkyflowID).To(Equal("id-9"))
	})

	It("detect: de-identify string sends snake_case keys and omits unset options", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/detect/deidentify/string"),
			ghttp.VerifyJSON(`{"text":"My name is John","vault_id":"vault123","entity_types":["name"],"token_type":{"default":"entity_unq_counter","vault_token":["ssn"]}}`),
			ghttp.RespondWith(http.StatusOK, `{"processed_text":"My name is [NAME_1]","entities":[{"token":"[NAME_1]","value":"John","entity_type":"name","location":{"start_index":11,"end_index":15,"start_index_processed":11,"end_index_processed":19},"entity_scores":{"name":0.9}}],"word_count":4,"character_count":15}`,
				http.Header{"Content-Type": {"application/json"}}),
		))
		c, _ := detect.NewClientWithResponses(server.URL())
		resp, err := c.DetectDeidentifyStringWithResponse(ctx, detect.DeidentifyStringRequest{
			Text:        "My name is John",
			VaultId:     "vault123",
			EntityTypes: []detect.EntityType{detect.EntityTypeName},
			TokenType: &detect.TokenTypeMapping{
				Default:    ptr(detect.TokenTypeMappingDefaultEntityUnqCounter),
				VaultToken: []detect.EntityType{detect.EntityTypeSsn},
			},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(*resp.JSON200.ProcessedText).To(Equal("My name is [NAME_1]"))
		Expect(*resp.JSON200.Entities[0].Location.EndIndexProcessed).To(BeEquivalentTo(19))
		Expect(resp.JSON200.Entities[0].EntityScores).To(HaveKeyWithValue("name", 0.9))
	})

	It("detect: get run passes vault_id as a query parameter and reads camelCase run fields", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodGet, "/v1/detect/runs/run-123", "vault_id=vault123"),
			ghttp.RespondWith(http.StatusOK, `{"status":"SUCCESS","outputType":"BASE64","output":[{"processedFile":"aGk=","processedFileType":"redacted_text","processedFileExtension":"txt"}],"wordCharacterCount":{"wordCount":1,"characterCount":2}}`,
				http.Header{"Content-Type": {"application/json"}}),
		))
		c, _ := detect.NewClientWithResponses(server.URL())
		resp, err := c.DetectGetRunWithResponse(ctx, "run-123", &detect.DetectGetRunParams{VaultId: ptr("vault123")})
		Expect(err).NotTo(HaveOccurred())
		Expect(*resp.JSON200.Status).To(Equal(detect.DetectRunStatusSUCCESS))
		Expect(*resp.JSON200.Output[0].ProcessedFileExtension).To(Equal(detect.ProcessedFileExtensionTxt))
		Expect(*resp.JSON200.WordCharacterCount.CharacterCount).To(BeEquivalentTo(2))
	})

	It("oauth: the token exchange posts grant_type, assertion and scope", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/auth/sa/oauth/token"),
			ghttp.VerifyJSON(`{"grant_type":"urn:ietf:params:oauth:grant-type:jwt-bearer","assertion":"a.b.c","scope":"role:r1 role:r2"}`),
			ghttp.RespondWith(http.StatusOK, `{"accessToken":"x.y.z","tokenType":"Bearer"}`, http.Header{"Content-Type": {"application/json"}}),
		))
		c, _ := oauth.NewClientWithResponses(server.URL())
		resp, err := c.GetAuthTokenWithResponse(ctx, oauth.V1GetAuthTokenRequest{
			GrantType: "urn:ietf:params:oauth:grant-type:jwt-bearer",
			Assertion: "a.b.c",
			Scope:     ptr("role:r1 role:r2"),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(*resp.JSON200.AccessToken).To(Equal("x.y.z"))
	})

	It("connection: invoke posts a free-form JSON body", func(ctx SpecContext) {
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, "/v1/gateway/outboundRoutes/conn123/cards"),
			ghttp.VerifyJSON(`{"card_number":"tok-card","nested":{"a":[1,2]}}`),
			ghttp.RespondWith(http.StatusOK, `{"ok":true}`, http.Header{"Content-Type": {"application/json"}}),
		))
		c, _ := connection.NewClientWithResponses(server.URL())
		resp, err := c.InvokeConnectionPostWithResponse(ctx, "conn123", "cards", connection.ConnectionRequestBody{
			"card_number": "tok-card",
			"nested":      map[string]any{"a": []int{1, 2}},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode()).To(Equal(http.StatusOK))
	})
})
