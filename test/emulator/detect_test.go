package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Detect", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
	})

	deidentify := func(body map[string]any) *response {
		body["vault_id"] = srv.VaultID()
		return c.do("POST", "/v1/detect/deidentify/string", body)
	}
	reidentify := func(text string, format map[string]any) string {
		GinkgoHelper()
		return expectOK(c.do("POST", "/v1/detect/reidentify/string", map[string]any{"text": text, "vault_id": srv.VaultID(), "format": format}))["text"].(string)
	}

	Describe("de-identify string", func() {
		It("replaces entities by counter tokens and reports them with locations", func() {
			body := expectOK(deidentify(map[string]any{
				"text": "My name is John and my SSN is 123-45-6789.", "entity_types": []any{"name", "ssn"},
				"token_type":  map[string]any{"default": "entity_unq_counter", "vault_token": nil, "entity_only": nil, "entity_unq_counter": nil},
				"allow_regex": nil, "restrict_regex": nil, "transformations": nil,
			}))
			Expect(body["processed_text"]).To(Equal("My name is [NAME_1] and my SSN is [SSN_1]."))
			Expect(body["word_count"]).To(BeNumerically("==", 9))
			Expect(body["character_count"]).To(BeNumerically("==", 42))
			ents := arr(body["entities"])
			Expect(ents).To(HaveLen(2))
			first := obj(ents[0])
			Expect(first).To(HaveKeyWithValue("token", "[NAME_1]"))
			Expect(first).To(HaveKeyWithValue("value", "John"))
			Expect(first).To(HaveKeyWithValue("entity_type", "name"))
			loc := obj(first["location"])
			Expect(loc).To(HaveKeyWithValue("start_index", BeNumerically("==", 11)))
			Expect(loc).To(HaveKeyWithValue("end_index", BeNumerically("==", 15)))
		})

		It("always sends an entities array", func() {
			body := expectOK(deidentify(map[string]any{"text": "nothing to see here", "entity_types": []any{"ssn"}}))
			Expect(body).To(HaveKeyWithValue("entities", BeEmpty()))
		})

		It("uses entity_only tokens", func() {
			body := expectOK(deidentify(map[string]any{"text": "SSN 123-45-6789", "token_type": map[string]any{"default": "entity_only"}}))
			Expect(body["processed_text"]).To(Equal("SSN [SSN]"))
		})

		It("stores vault_token entities in the vault: they detokenize and re-identify", func() {
			body := expectOK(deidentify(map[string]any{"text": "mail john@example.com now", "entity_types": []any{"email_address"},
				"token_type": map[string]any{"vault_token": []any{"email_address"}}}))
			ent := obj(arr(body["entities"])[0])
			tok := ent["token"].(string)
			Expect(body["processed_text"]).To(Equal("mail " + tok + " now"))
			det := records(expectOK(c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{
				"detokenizationParameters": []any{map[string]any{"token": tok, "redaction": "PLAIN_TEXT"}},
			})))
			Expect(det[0]).To(HaveKeyWithValue("value", "john@example.com"))
			Expect(det[0]).To(HaveKeyWithValue("valueType", "STRING"))
			Expect(reidentify(body["processed_text"].(string), nil)).To(Equal("mail john@example.com now"))
			again := expectOK(deidentify(map[string]any{"text": "john@example.com", "token_type": map[string]any{"default": "vault_token"}}))
			Expect(again["processed_text"]).To(Equal(tok), "the same value gets the same vault token")
		})

		It("honours allow_regex and restrict_regex", func() {
			body := expectOK(deidentify(map[string]any{"text": "SSN 123-45-6789 and 234-56-7890", "entity_types": []any{"ssn"}, "allow_regex": []any{"123-.*?6789"}}))
			Expect(body["processed_text"]).To(Equal("SSN 123-45-6789 and [SSN_1]"))
			body = expectOK(deidentify(map[string]any{"text": "SSN 123-45-6789 and 234-56-7890", "entity_types": []any{"ssn"}, "restrict_regex": []any{"234.*"}}))
			Expect(body["processed_text"]).To(Equal("SSN [SSN_1] and [RESTRICTED]"), "restrict matches are always de-identified")
		})

		It("shifts dates", func() {
			body := expectOK(deidentify(map[string]any{"text": "born 2000-01-15", "entity_types": []any{"dob", "date"},
				"transformations": map[string]any{"shift_dates": map[string]any{"min_days": 10, "max_days": 10, "entity_types": []any{"dob", "date"}}}}))
			Expect(body["processed_text"]).To(Equal("born 2000-01-25"))
		})

		It("rejects invalid options with 400 and unknown vaults with 404", func() {
			expectError(deidentify(map[string]any{"text": "x", "allow_regex": []any{"("}}), http.StatusBadRequest)
			expectError(deidentify(map[string]any{"text": "x", "entity_types": []any{"colour"}}), http.StatusBadRequest)
			expectError(c.do("POST", "/v1/detect/deidentify/string", map[string]any{"text": "x", "vault_id": "nope"}), http.StatusNotFound)
			expectError(c.do("POST", "/v1/detect/deidentify/string", map[string]any{"vault_id": srv.VaultID()}), http.StatusBadRequest)
		})

		It("accepts every entity type of the enum", func() {
			all := []any{"age", "bank_account", "credit_card", "credit_card_expiration", "cvv", "date", "date_interval", "dob", "driver_license",
				"email_address", "healthcare_number", "ip_address", "location", "name", "numerical_pii", "phone_number", "ssn", "url", "vehicle_id",
				"medical_code", "name_family", "name_given", "account_number", "event", "filename", "gender", "language", "location_address",
				"location_city", "location_coordinate", "location_country", "location_state", "location_zip", "marital_status", "money",
				"name_medical_professional", "occupation", "organization", "organization_medical_facility", "origin", "passport_number",
				"password", "physical_attribute", "political_affiliation", "religion", "time", "username", "zodiac_sign", "blood_type",
				"condition", "dose", "drug", "injury", "medical_process", "statistics", "routing_number", "corporate_action",
				"financial_metric", "product", "trend", "duration", "location_address_street", "all", "sexuality", "effect", "project",
				"organization_id", "day", "month", "year"}
			body := expectOK(deidentify(map[string]any{"text": "Card 4111 1111 1111 1111, ip 10.0.0.1, https://example.com, call 415-555-0100", "entity_types": all}))
			types := map[any]bool{}
			for _, e := range arr(body["entities"]) {
				types[obj(e)["entity_type"]] = true
			}
			Expect(types).To(HaveKey("credit_card"))
			Expect(types).To(HaveKey("ip_address"))
			Expect(types).To(HaveKey("url"))
			Expect(types).To(HaveKey("phone_number"))
		})
	})

	Describe("re-identify string", func() {
		It("returns values as plaintext, masked or redacted", func() {
			body := expectOK(deidentify(map[string]any{"text": "John 123-45-6789", "entity_types": []any{"name", "ssn"}}))
			text := body["processed_text"].(string)
			Expect(text).To(Equal("[NAME_1] [SSN_1]"))
			Expect(reidentify(text, map[string]any{})).To(Equal("John 123-45-6789"))
			Expect(reidentify(text, map[string]any{"redacted": []any{"ssn"}, "masked": nil, "plaintext": nil})).To(Equal("John [SSN_1]"))
			Expect(reidentify(text, map[string]any{"masked": []any{"ssn"}, "plaintext": []any{"name"}})).To(Equal("John *******6789"))
		})

		It("leaves unknown tokens alone", func() {
			Expect(reidentify("My name is [NAME_7]", nil)).To(Equal("My name is [NAME_7]"))
		})
	})

	Describe("de-identify files and runs", func() {
		b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
		start := func(path, format, content string, extra map[string]any) string {
			GinkgoHelper()
			body := map[string]any{"file": map[string]any{"base64": b64(content), "data_format": format}, "vault_id": srv.VaultID()}
			for k, v := range extra {
				body[k] = v
			}
			id, _ := expectOK(c.do("POST", "/v1/detect/deidentify/file"+path, body))["run_id"].(string)
			Expect(id).NotTo(BeEmpty())
			return id
		}
		poll := func(id string) map[string]any {
			GinkgoHelper()
			return expectOK(c.do("GET", "/v1/detect/runs/"+id+"?vault_id="+srv.VaultID(), nil))
		}

		It("reports IN_PROGRESS for the configured polls, then SUCCESS with every run field", func() {
			id := start("/text", "txt", "Patient John Smith, SSN 123-45-6789.\n", map[string]any{"entity_types": []any{"name", "ssn"}})
			Expect(poll(id)).To(HaveKeyWithValue("status", "IN_PROGRESS"))
			run := poll(id)
			Expect(run).To(HaveKeyWithValue("status", "SUCCESS"))
			Expect(run).To(HaveKeyWithValue("outputType", "BASE64"))
			for _, k := range []string{"message", "size", "wordCharacterCount", "duration", "pages", "slides"} {
				Expect(run).To(HaveKey(k))
			}
			Expect(obj(run["wordCharacterCount"])).To(HaveKeyWithValue("wordCount", BeNumerically("==", 5)))
			out := arr(run["output"])
			Expect(out).To(HaveLen(2))
			first := obj(out[0])
			Expect(first).To(HaveKeyWithValue("processedFileExtension", "txt"))
			Expect(first).To(HaveKeyWithValue("processedFileType", "redacted_text"))
			data, err := base64.StdEncoding.DecodeString(first["processedFile"].(string))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(data)).To(ContainSubstring("[SSN_1]"))
			Expect(string(data)).NotTo(ContainSubstring("123-45-6789"))
			Expect(obj(out[1])).To(HaveKeyWithValue("processedFileType", "entities"))
			Expect(srv.Count("DetectGetRun")).To(Equal(2))
		})

		DescribeTable("serves every file endpoint",
			func(path, format, content, ext string, extra map[string]any) {
				srv = startServer(mockserver.WithRunPolls(0))
				c = newClient(srv)
				run := poll(start(path, format, content, extra))
				Expect(run).To(HaveKeyWithValue("status", "SUCCESS"))
				Expect(obj(arr(run["output"])[0])).To(HaveKeyWithValue("processedFileExtension", ext))
			},
			Entry("generic csv", "", "csv", "name,ssn\nJohn,123-45-6789\n", "csv", nil),
			Entry("generic jsonl", "", "jsonl", `{"ssn":"123-45-6789"}`+"\n", "json", nil),
			Entry("text", "/text", "txt", "hello", "txt", map[string]any{"transformations": nil}),
			Entry("structured json", "/structured_text", "json", `{"ssn":"123-45-6789"}`, "json", nil),
			Entry("structured xml", "/structured_text", "xml", `<p><ssn>123-45-6789</ssn></p>`, "xml", nil),
			Entry("spreadsheet", "/spreadsheet", "csv", "a,b\n1,2\n", "csv", nil),
			Entry("document", "/document", "docx", "PK fake docx", "docx", nil),
			Entry("pdf", "/document/pdf", "pdf", "%PDF-1.4 fake", "pdf", map[string]any{"density": 0, "max_resolution": 0}),
			Entry("image", "/image", "png", "not really a png", "png", map[string]any{"output_processed_image": false, "output_ocr_text": false, "masking_method": "blur"}),
			Entry("presentation", "/presentation", "pptx", "PK fake pptx", "pptx", nil),
			Entry("audio", "/audio", "mp3", "ID3 fake", "mp3", map[string]any{"output_processed_audio": false, "bleep_start_padding": 0, "bleep_stop_padding": 0, "bleep_frequency": 0, "bleep_gain": 0}),
		)

		It("rejects a format that the endpoint does not take", func() {
			body := map[string]any{"file": map[string]any{"base64": b64("x"), "data_format": "pdf"}, "vault_id": srv.VaultID()}
			expectError(c.do("POST", "/v1/detect/deidentify/file/image", body), http.StatusBadRequest)
			body["file"] = map[string]any{"base64": "%%%", "data_format": "txt"}
			expectError(c.do("POST", "/v1/detect/deidentify/file/text", body), http.StatusBadRequest)
		})

		It("follows planned outcomes", func() {
			srv.PlanRuns(mockserver.RunPlan{Polls: 2, Final: "FAILED", Message: "file too blurry"}, mockserver.RunPlan{Final: "UNKNOWN"})
			failed := start("/text", "txt", "x", nil)
			unknown := start("/text", "txt", "x", nil)
			normal := start("/text", "txt", "x", nil)
			Expect(poll(failed)).To(HaveKeyWithValue("status", "IN_PROGRESS"))
			Expect(poll(failed)).To(HaveKeyWithValue("status", "IN_PROGRESS"))
			run := poll(failed)
			Expect(run).To(HaveKeyWithValue("status", "FAILED"))
			Expect(run).To(HaveKeyWithValue("message", "file too blurry"))
			Expect(run).To(HaveKeyWithValue("output", BeEmpty()))
			Expect(poll(unknown)).To(HaveKeyWithValue("status", "UNKNOWN"))
			Expect(poll(normal)).To(HaveKeyWithValue("status", "IN_PROGRESS"))
			Expect(poll(normal)).To(HaveKeyWithValue("status", "SUCCESS"))
		})

		It("fails the run when a text-like file does not parse", func() {
			srv = startServer(mockserver.WithRunPolls(0))
			c = newClient(srv)
			run := poll(start("/structured_text", "json", "{not json", nil))
			Expect(run).To(HaveKeyWithValue("status", "FAILED"))
			Expect(run["message"]).NotTo(BeEmpty())
		})

		It("404s unknown runs and runs of another vault", func() {
			expectError(c.do("GET", "/v1/detect/runs/nope?vault_id="+srv.VaultID(), nil), http.StatusNotFound)
			id := start("/text", "txt", "x", nil)
			expectError(c.do("GET", "/v1/detect/runs/"+id+"?vault_id=other", nil), http.StatusNotFound)
		})

		It("serves seeded runs", func() {
			cfg := mockserver.DefaultConfig()
			cfg.DetectRuns = []mockserver.RunSeed{{ID: "run-9", Status: "FAILED", Message: "bad input"}, {ID: "run-10", OutputText: "done"}}
			s2 := startServer(mockserver.WithConfig(cfg))
			c2 := newClient(s2)
			run := expectOK(c2.do("GET", "/v1/detect/runs/run-9?vault_id="+s2.VaultID(), nil))
			Expect(run).To(HaveKeyWithValue("message", "bad input"))
			run = expectOK(c2.do("GET", "/v1/detect/runs/run-10", nil))
			out := obj(arr(run["output"])[0])
			Expect(out["processedFile"]).To(Equal(b64("done")))
		})
	})

	Describe("re-identify file", func() {
		It("re-identifies text-like files", func() {
			text := expectOK(deidentify(map[string]any{"text": "SSN 123-45-6789", "entity_types": []any{"ssn"}}))["processed_text"].(string)
			body := expectOK(c.do("POST", "/v1/detect/reidentify/file", map[string]any{
				"file": map[string]any{"base64": base64.StdEncoding.EncodeToString([]byte(text)), "data_format": "txt"}, "vault_id": srv.VaultID(),
			}))
			Expect(body).To(HaveKeyWithValue("status", "SUCCESS"))
			out := obj(body["output"])
			Expect(out).To(HaveKeyWithValue("processed_file_type", "reidentified_file"))
			data, _ := base64.StdEncoding.DecodeString(out["processed_file"].(string))
			Expect(string(data)).To(Equal("SSN 123-45-6789"))
		})
	})

	Describe("guardrails", func() {
		It("flags toxicity and denied topics", func() {
			body := expectOK(c.do("POST", "/v1/detect/guardrails", map[string]any{"text": "You are an idiot", "vault_id": srv.VaultID(), "check_toxicity": true}))
			Expect(body).To(HaveKeyWithValue("toxic", true))
			Expect(body).To(HaveKeyWithValue("validation", "failed"))
			body = expectOK(c.do("POST", "/v1/detect/guardrails", map[string]any{"text": "Let us talk about the weather", "vault_id": srv.VaultID(), "deny_topics": []any{"politics"}}))
			Expect(body).To(HaveKeyWithValue("validation", "passed"))
			raw, _ := json.Marshal(body)
			Expect(string(raw)).To(ContainSubstring(`"denied_topic":false`))
		})
	})
})
