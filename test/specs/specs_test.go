package specs_test

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("the OpenAPI specs", func() {
	DescribeTable("load and validate", func(name string) {
		spec := loadSpec(name)
		Expect(spec.doc.OpenAPI).To(HavePrefix("3.0."))
		Expect(spec.doc.Paths.Len()).To(BeNumerically(">", 0))
	},
		Entry("vault", "vault"),
		Entry("detect", "detect"),
		Entry("connection", "connection"),
		Entry("oauth", "oauth"),
		Entry("flowdb", "flowdb"),
	)

	It("declare every endpoint of the wire format with its wire path and method", func() {
		want := map[string][]string{
			"vault": {
				"POST /v1/vaults/{vaultID}/{objectName}",
				"POST /v1/vaults/{vaultID}",
				"GET /v1/vaults/{vaultID}/{objectName}",
				"GET /v1/vaults/{vaultID}/{objectName}/{ID}",
				"PUT /v1/vaults/{vaultID}/{objectName}/{ID}",
				"DELETE /v1/vaults/{vaultID}/{objectName}",
				"DELETE /v1/vaults/{vaultID}/{objectName}/{ID}",
				"POST /v1/vaults/{vaultID}/detokenize",
				"POST /v1/vaults/{vaultID}/tokenize",
				"POST /v1/vaults/{vaultID}/query",
				"POST /v2/vaults/{vaultID}/files/upload",
				"POST /v1/vaults/{vaultID}/{objectName}/{ID}/files",
				"DELETE /v1/vaults/{vaultID}/{tableName}/{ID}/files/{columnName}",
				"GET /v1/vaults/{vaultID}/{tableName}/{ID}/files/{columnName}/scan-status",
				"GET /v1/audit/events",
				"POST /v1/card_lookup",
			},
			"detect": {
				"POST /v1/detect/deidentify/string",
				"POST /v1/detect/reidentify/string",
				"POST /v1/detect/deidentify/file",
				"POST /v1/detect/deidentify/file/audio",
				"POST /v1/detect/deidentify/file/document",
				"POST /v1/detect/deidentify/file/document/pdf",
				"POST /v1/detect/deidentify/file/image",
				"POST /v1/detect/deidentify/file/presentation",
				"POST /v1/detect/deidentify/file/spreadsheet",
				"POST /v1/detect/deidentify/file/structured_text",
				"POST /v1/detect/deidentify/file/text",
				"POST /v1/detect/reidentify/file",
				"GET /v1/detect/runs/{runID}",
				"POST /v1/detect/guardrails",
			},
			"oauth": {"POST /v1/auth/sa/oauth/token"},
			"flowdb": {
				"POST /v2/records/insert",
				"POST /v2/records/get",
				"POST /v2/records/update",
				"POST /v2/records/delete",
				"POST /v2/query",
				"POST /v2/tokens/detokenize",
				"POST /v2/tokens/tokenize",
				"POST /v2/tokens/get",
				"POST /v2/tokens/delete",
				"POST /v2/vaults/metrics",
			},
			"connection": {
				"GET /v1/gateway/outboundRoutes/{connectionID}/{route}",
				"POST /v1/gateway/outboundRoutes/{connectionID}/{route}",
				"PUT /v1/gateway/outboundRoutes/{connectionID}/{route}",
				"PATCH /v1/gateway/outboundRoutes/{connectionID}/{route}",
				"DELETE /v1/gateway/outboundRoutes/{connectionID}/{route}",
			},
		}
		for name, ops := range want {
			spec := loadSpec(name)
			var got []string
			for path, item := range spec.doc.Paths.Map() {
				for method := range item.Operations() {
					got = append(got, method+" "+path)
				}
			}
			Expect(got).To(ConsistOf(ops), "operations of %s.yaml", name)
		}
	})

	It("give every non-2xx response the Skyflow error body and every response the x-request-id header", func() {
		for _, name := range specNames {
			spec := loadSpec(name)
			for path, item := range spec.doc.Paths.Map() {
				for method, op := range item.Operations() {
					where := name + " " + method + " " + path
					Expect(op.OperationID).NotTo(BeEmpty(), where)
					Expect(op.Responses.Default()).NotTo(BeNil(), where+" has no default response")
					for code, ref := range op.Responses.Map() {
						resp := ref.Value
						Expect(resp.Headers).To(HaveKey("x-request-id"), where+" "+code)
						if strings.HasPrefix(code, "2") {
							continue
						}
						media := resp.Content.Get("application/json")
						Expect(media).NotTo(BeNil(), where+" "+code)
						Expect(media.Schema.Ref).To(Equal("#/components/schemas/ErrorResponse"), where+" "+code)
					}
				}
			}
			errBody := spec.doc.Components.Schemas["ErrorResponseError"].Value
			Expect(errBody.Required).To(ConsistOf("grpc_code", "http_code", "http_status", "message"))
			Expect(errBody.Properties).To(HaveKey("details"))
		}
	})

	It("use only named component schemas for objects (no anonymous inline objects)", func() {
		for _, name := range specNames {
			spec := loadSpec(name)
			var walk func(where string, ref *openapi3.SchemaRef, top bool)
			walk = func(where string, ref *openapi3.SchemaRef, top bool) {
				if ref == nil {
					return
				}
				if ref.Ref != "" && !top {
					return // named; visited through components
				}
				s := ref.Value
				if !top && s.Type.Is("object") && len(s.Properties) > 0 {
					Fail(name + ": inline object schema at " + where)
				}
				for prop, p := range s.Properties {
					walk(where+"."+prop, p, false)
				}
				walk(where+"[]", s.Items, false)
				if s.AdditionalProperties.Schema != nil {
					walk(where+"{}", s.AdditionalProperties.Schema, false)
				}
			}
			for schemaName, ref := range spec.doc.Components.Schemas {
				walk(schemaName, ref, true)
			}
			for path, item := range spec.doc.Paths.Map() {
				for method, op := range item.Operations() {
					if op.RequestBody == nil {
						continue
					}
					for ct, media := range op.RequestBody.Value.Content {
						Expect(media.Schema.Ref).NotTo(BeEmpty(), name+" "+method+" "+path+" "+ct+" body is not a named schema")
					}
				}
			}
		}
	})

	It("declare free-form maps with explicit additionalProperties", func() {
		vault := loadSpec("vault")
		for _, n := range []string{"V1RecordFields", "V1RecordTokens"} {
			s := vault.doc.Components.Schemas[n].Value
			Expect(s.AdditionalProperties.Has).NotTo(BeNil(), n)
			Expect(*s.AdditionalProperties.Has).To(BeTrue(), n)
		}
		conn := loadSpec("connection")
		for _, n := range []string{"ConnectionRequestBody", "ConnectionFormBody"} {
			s := conn.doc.Components.Schemas[n].Value
			Expect(s.AdditionalProperties.Has).NotTo(BeNil(), n)
		}
	})

	It("carry the wire enums exactly", func() {
		vault := loadSpec("vault")
		enum := func(spec loadedSpec, name string) []string {
			var out []string
			for _, v := range spec.doc.Components.Schemas[name].Value.Enum {
				out = append(out, v.(string))
			}
			return out
		}
		Expect(enum(vault, "RedactionEnum")).To(Equal([]string{"DEFAULT", "REDACTED", "MASKED", "PLAIN_TEXT"}))
		Expect(enum(vault, "V1Byot")).To(Equal([]string{"DISABLE", "ENABLE", "ENABLE_STRICT"}))
		Expect(enum(vault, "DetokenizeRecordResponseValueType")).To(Equal([]string{"NONE", "STRING", "INTEGER", "FLOAT", "BOOL", "DATETIME", "JSON", "ARRAY", "DATE"}))
		Expect(enum(vault, "V1OrderBy")).To(Equal([]string{"ASCENDING", "DESCENDING", "NONE"}))

		detect := loadSpec("detect")
		entities := enum(detect, "EntityType")
		Expect(entities).To(HaveLen(70))
		Expect(slices.Compact(slices.Sorted(slices.Values(entities)))).To(HaveLen(70), "entity values are unique")
		Expect(entities).To(ContainElements("ssn", "credit_card", "email_address", "all", "organization_id", "day", "month", "year"))
		Expect(enum(detect, "DetectRunStatus")).To(ConsistOf("UNKNOWN", "FAILED", "SUCCESS", "IN_PROGRESS"))
		Expect(enum(detect, "TokenTypeMappingDefault")).To(ConsistOf("entity_unq_counter", "entity_only", "vault_token"))
		Expect(enum(detect, "ProcessedFileType")).To(ConsistOf("redacted_audio", "redacted_image", "redacted_transcription", "redacted_file", "redacted_text", "entities", "redacted_transcription_diarize_json"))
		Expect(enum(detect, "ProcessedFileExtension")).To(HaveLen(20))
		Expect(enum(detect, "FileDataDataFormat")).To(HaveLen(21))
		Expect(enum(detect, "FileDataDeidentifyPdfDataFormat")).To(Equal([]string{"pdf"}))
		Expect(enum(detect, "FileDataDeidentifyTextDataFormat")).To(Equal([]string{"txt"}))
	})
})
