package facade_test

import (
	"errors"
	"github.com/skyflowgo/skyflow"
	"maps"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Insert", func() {
	var e *env
	BeforeEach(func() { e = startEnv(nil) })

	It("inserts records and returns ids and tokens in input order", func(ctx SpecContext) {
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{
			Table:        "table1",
			Values:       []map[string]any{card(1), card(2)},
			ReturnTokens: true,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Errors).To(BeEmpty())
		Expect(resp.Inserted).To(HaveLen(2))
		Expect(resp.RequestID).NotTo(BeEmpty())
		for i, rec := range resp.Inserted {
			Expect(rec.RequestIndex).To(Equal(i))
			Expect(rec.SkyflowID).NotTo(BeEmpty())
			Expect(rec.Tokens).To(HaveKey("card_number"))
			Expect(rec.Tokens["card_number"]).NotTo(Equal(luhnCard(i + 1)))
		}
		Expect(e.srv.Records("table1")).To(HaveLen(2))
		Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(1))
	})

	It("returns no tokens unless asked", func(ctx SpecContext) {
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Inserted[0].Tokens).To(BeEmpty())
	})

	It("allows nil and empty values (they are sent as null and \"\")", func(ctx SpecContext) {
		rec := map[string]any{"cardholder_name": "", "card_number": luhnCard(5), "dob": nil}
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{rec}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Inserted).To(HaveLen(1))
	})

	It("never modifies the caller's maps", func(ctx SpecContext) {
		rec := card(7)
		before := maps.Clone(rec)
		_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{rec}, ReturnTokens: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(rec).To(Equal(before))
	})

	It("upserts on a unique column: the same value updates the existing record", func(ctx SpecContext) {
		first, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		changed := card(1)
		changed["cardholder_name"] = "New Name"
		second, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{changed}, Upsert: "email"})
		Expect(err).NotTo(HaveOccurred())
		Expect(second.Inserted[0].SkyflowID).To(Equal(first.Inserted[0].SkyflowID))
		Expect(e.srv.Records("table1")).To(HaveLen(1))
		got, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: []string{first.Inserted[0].SkyflowID}, Redaction: facade.RedactionPlainText})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Records[0].Fields).To(HaveKeyWithValue("cardholder_name", "New Name"))
	})

	It("fails a unique violation without upsert, all or nothing", func(ctx SpecContext) {
		_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{card(2), card(1)}})
		Expect(resp).To(BeNil())
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue())
		Expect(apiErr.StatusCode).To(BeNumerically(">=", 400))
		Expect(apiErr.RequestID).NotTo(BeEmpty())
		Expect(apiErr.Operation).To(Equal("Insert"))
		Expect(e.srv.Records("table1")).To(HaveLen(1), "the valid record of the failed call was not written")
	})

	It("sends homogeneous inserts: the vault gets the flag and holds the records to it", func(ctx SpecContext) {
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{card(1), card(2)}, Homogeneous: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Inserted).To(HaveLen(2))

		By("records with different columns are refused only because the flag arrived")
		mixed := []map[string]any{card(3), {"email": "only@example.com"}}
		_, err = e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: mixed, Homogeneous: true})
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue(), "got %v", err)
		Expect(apiErr.StatusCode).To(Equal(400))
		Expect(apiErr.Message).To(ContainSubstring("homogeneous"))
		Expect(e.srv.Records("table1")).To(HaveLen(2))
		_, err = e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: mixed})
		Expect(err).NotTo(HaveOccurred())
	})

	It("reports a missing table as a not-found API error", func(ctx SpecContext) {
		_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "nope", Values: []map[string]any{card(1)}})
		Expect(err).To(MatchError(skyflow.ErrNotFound))
	})

	Describe("continue on error", func() {
		It("returns every record either inserted or failed, with its real status, message and request id", func(ctx SpecContext) {
			_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{card(1)}})
			Expect(err).NotTo(HaveOccurred())
			values := []map[string]any{
				card(10),                // ok
				card(1),                 // unique violation
				{"no_such_column": "x"}, // unknown column
				card(11),                // ok
			}
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: values, ContinueOnError: true, ReturnTokens: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Inserted).To(HaveLen(2))
			Expect(resp.Inserted[0].RequestIndex).To(Equal(0))
			Expect(resp.Inserted[1].RequestIndex).To(Equal(3))
			Expect(resp.Inserted[0].Tokens).To(HaveKey("card_number"))
			Expect(resp.Errors).To(HaveLen(2))
			Expect(resp.Errors[0].RequestIndex).To(Equal(1))
			Expect(resp.Errors[1].RequestIndex).To(Equal(2))
			for _, re := range resp.Errors {
				Expect(re.StatusCode).To(BeNumerically(">=", 400))
				Expect(re.Message).NotTo(BeEmpty())
				Expect(re.RequestID).NotTo(BeEmpty())
			}
			Expect(resp.Errors[0].StatusCode).NotTo(Equal(resp.Errors[1].StatusCode), "statuses are the API's, not hard-coded")
			Expect(e.srv.Count("RecordServiceBatchOperation")).To(Equal(1))
		})

		It("reports a failed request for all its records and returns the error when nothing was inserted", func(ctx SpecContext) {
			e.srv.InjectFault("RecordServiceBatchOperation", mockserver.Fault{Times: 5, Status: 500})
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{card(1), card(2)}, ContinueOnError: true})
			Expect(err).To(HaveOccurred())
			Expect(resp.Errors).To(HaveLen(2))
			Expect(resp.Errors[0].StatusCode).To(Equal(500))
		})
	})

	Describe("bring your own token", func() {
		It("stores supplied tokens with ENABLE; they detokenize to the value", func(ctx SpecContext) {
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{
				Table:     "table1",
				Values:    []map[string]any{card(1)},
				Tokens:    []map[string]string{{"card_number": "my-card-token-1"}},
				TokenMode: facade.TokenModeEnable,
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Inserted).To(HaveLen(1))
			d, err := e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "my-card-token-1", Redaction: facade.RedactionPlainText}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(d.Records[0].Value).To(Equal(luhnCard(1)))
		})

		It("requires a token per written column with ENABLE_STRICT", func(ctx SpecContext) {
			rec := map[string]any{"card_number": luhnCard(1), "cardholder_name": "A"}
			_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{rec},
				Tokens: []map[string]string{{"card_number": "t1"}}, TokenMode: facade.TokenModeEnableStrict})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{rec},
				Tokens: []map[string]string{{"card_number": "t1", "cardholder_name": "t2"}}, TokenMode: facade.TokenModeEnableStrict})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Inserted).To(HaveLen(1))
		})

		It("rejects tokens with DISABLE before any call", func(ctx SpecContext) {
			_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: []map[string]any{card(1)},
				Tokens: []map[string]string{{"card_number": "t"}}})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(0))
		})
	})

	Describe("chunking", func() {
		It("splits 1,000 records into chunks, keeping indexes and order, losing and duplicating nothing", func(ctx SpecContext) {
			values := make([]map[string]any, 1000)
			for i := range values {
				values[i] = card(i)
			}
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: values, ReturnTokens: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Errors).To(BeEmpty())
			Expect(resp.Inserted).To(HaveLen(1000))
			ids := map[string]bool{}
			for i, rec := range resp.Inserted {
				Expect(rec.RequestIndex).To(Equal(i))
				ids[rec.SkyflowID] = true
			}
			Expect(ids).To(HaveLen(1000))
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(1000 / facade.DefaultChunkSize))
			stored := e.srv.Records("table1")
			Expect(stored).To(HaveLen(1000))
		})

		It("chunks continue-on-error inserts too, with global indexes", func(ctx SpecContext) {
			e = startEnv([]facade.Option{facade.WithChunkSize(10), facade.WithConcurrency(3)})
			values := make([]map[string]any, 95)
			for i := range values {
				values[i] = card(i)
			}
			values[42] = map[string]any{"no_such_column": 1}
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: values, ContinueOnError: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Inserted).To(HaveLen(94))
			Expect(resp.Errors).To(HaveLen(1))
			Expect(resp.Errors[0].RequestIndex).To(Equal(42))
			Expect(e.srv.Count("RecordServiceBatchOperation")).To(Equal(10))
		})

		It("stops after a failed chunk without continue-on-error and reports what was committed", func(ctx SpecContext) {
			e = startEnv([]facade.Option{facade.WithChunkSize(10), facade.WithConcurrency(1)})
			values := make([]map[string]any, 50)
			for i := range values {
				values[i] = card(i)
			}
			values[25] = map[string]any{"no_such_column": 1} // third chunk fails
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Values: values})
			Expect(err).To(HaveOccurred())
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(resp).NotTo(BeNil())
			Expect(resp.Inserted).To(HaveLen(20))
			Expect(resp.Errors).To(HaveLen(30))
			Expect(resp.Inserted[19].RequestIndex).To(Equal(19))
			Expect(resp.Errors[0].RequestIndex).To(Equal(20))
			Expect(resp.Errors[0].StatusCode).To(Equal(apiErr.StatusCode))
			Expect(resp.Errors[29].StatusCode).To(Equal(0), "later chunks were not sent")
			Expect(e.srv.Records("table1")).To(HaveLen(20))
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(3))
		})
	})

	DescribeTable("validates before any network call",
		func(req facade.InsertRequest, field string) {
			_, err := e.vault.Insert(ctx0(), req)
			var ve *skyflow.ValidationError
			Expect(errors.As(err, &ve)).To(BeTrue(), "%v", err)
			Expect(ve.Field).To(Equal(field))
			Expect(e.srv.Count("RecordServiceInsertRecord") + e.srv.Count("RecordServiceBatchOperation")).To(Equal(0))
		},
		Entry("no table", facade.InsertRequest{Values: []map[string]any{{"a": 1}}}, "Table"),
		Entry("no values", facade.InsertRequest{Table: "t"}, "Values"),
		Entry("an empty record", facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}, {}}}, "Values[1]"),
		Entry("an empty column name", facade.InsertRequest{Table: "t", Values: []map[string]any{{"": 1}}}, "Values[0]"),
		Entry("upsert with homogeneous", facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}}, Upsert: "a", Homogeneous: true}, "Upsert"),
		Entry("unknown token mode", facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}}, TokenMode: "SOMETIMES"}, "TokenMode"),
		Entry("ENABLE without tokens", facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}}, TokenMode: facade.TokenModeEnable}, "Tokens"),
		Entry("a token for an unwritten column", facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}}, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"b": "t"}}}, "Tokens[0]"),
		Entry("more token maps than records", facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}}, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"a": "t"}, {"a": "u"}}}, "Tokens"),
		Entry("STRICT with too few token maps", facade.InsertRequest{Table: "t", Values: []map[string]any{{"a": 1}, {"a": 2}}, TokenMode: facade.TokenModeEnableStrict, Tokens: []map[string]string{{"a": "t"}}}, "Tokens"),
	)
})
