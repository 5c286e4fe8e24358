package facade_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

var _ = Describe("reading", func() {
	var (
		e       *env
		ids     []string
		tokens  []map[string]string
		records []map[string]any
	)
	BeforeEach(func(ctx SpecContext) {
		e = startEnv(nil)
		records = []map[string]any{card(1), card(2), card(3)}
		records[0]["ssn"] = "123-45-6789"
		records[0]["dob"] = "1990-04-01"
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: records, ReturnTokens: true})
		Expect(err).NotTo(HaveOccurred())
		ids, tokens = nil, nil
		for _, r := range resp.Inserted {
			ids = append(ids, r.SkyflowID)
			tokens = append(tokens, r.Tokens)
		}
	})

	Describe("Get", func() {
		It("gets records by skyflow ids, with plain-text values", func(ctx SpecContext) {
			resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: ids[:2], Redaction: facade.RedactionPlainText})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.RequestID).NotTo(BeEmpty())
			Expect(resp.Records).To(HaveLen(2))
			byID := map[string]facade.Record{}
			for _, r := range resp.Records {
				byID[r.SkyflowID] = r
			}
			Expect(byID[ids[0]].Fields).To(HaveKeyWithValue("card_number", luhnCard(1)))
			Expect(byID[ids[0]].Fields).NotTo(HaveKey("skyflow_id"))
			Expect(byID[ids[1]].Fields).To(HaveKeyWithValue("email", "holder2@example.com"))
		})

		It("applies each redaction type", func(ctx SpecContext) {
			get := func(r facade.RedactionType) map[string]any {
				resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: ids[:1], Redaction: r})
				Expect(err).NotTo(HaveOccurred())
				return resp.Records[0].Fields
			}
			Expect(get(facade.RedactionMasked)["card_number"]).To(Equal("XXXXXXXXXXXX" + luhnCard(1)[12:]))
			Expect(get(facade.RedactionMasked)["ssn"]).To(Equal("XXX-XX-6789"))
			Expect(get(facade.RedactionRedacted)["card_number"]).NotTo(ContainSubstring(luhnCard(1)[12:]))
			Expect(get(facade.RedactionDefault)["card_number"]).To(Equal("XXXXXXXXXXXX"+luhnCard(1)[12:]), "the column default is MASKED")
			Expect(get(facade.RedactionPlainText)["dob"]).To(Equal("1990-04-01"))
		})

		It("returns tokens instead of values", func(ctx SpecContext) {
			resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: ids[:1], ReturnTokens: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records[0].Fields).To(HaveKeyWithValue("card_number", tokens[0]["card_number"]))
		})

		It("gets records by values of a unique column", func(ctx SpecContext) {
			resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", Column: "email",
				ColumnValues: []string{"holder1@example.com", "holder3@example.com"}, Redaction: facade.RedactionPlainText})
			Expect(err).NotTo(HaveOccurred())
			var got []string
			for _, r := range resp.Records {
				got = append(got, r.SkyflowID)
			}
			Expect(got).To(ConsistOf(ids[0], ids[2]))
		})

		// More values than a request takes go in pages of MaxGetLimit; the
		// API answers 404 to a page none of whose values is there, which
		// must not hide the matches of the other pages (a resumed bulk job
		// looks its unknown records up this way).
		It("gets by more unique values than a request takes, when a whole page matches nothing", func(ctx SpecContext) {
			var values []string
			for i := range 2*facade.MaxGetLimit + 10 {
				values = append(values, fmt.Sprintf("absent%d@example.com", i))
			}
			values[3] = "holder1@example.com"                      // first page
			values[2*facade.MaxGetLimit+5] = "holder3@example.com" // third page; the second matches nothing
			resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", Column: "email", ColumnValues: values})
			Expect(err).NotTo(HaveOccurred())
			var got []string
			for _, r := range resp.Records {
				got = append(got, r.SkyflowID)
			}
			Expect(got).To(ConsistOf(ids[0], ids[2]))
			Expect(e.srv.Count("RecordServiceBulkGetRecord")).To(Equal(3))

			_, err = e.vault.Get(ctx, facade.GetRequest{Table: "table1", Column: "email", ColumnValues: values[4 : 2*facade.MaxGetLimit]})
			Expect(err).To(MatchError(skyflow.ErrNotFound), "none of the values is there: 404, as from one request")
		})

		It("fails a get by more ids than a request takes when one of them is not there, as one request would", func(ctx SpecContext) {
			idList := slices.Repeat([]string{ids[0]}, facade.MaxGetLimit)
			idList = append(idList, "0f0f0f0f-0000-0000-0000-000000000000")
			_, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: idList})
			Expect(err).To(MatchError(skyflow.ErrNotFound))
		})

		It("limits the columns, pages with offset and limit, and orders", func(ctx SpecContext) {
			resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", Columns: []string{"email"}, Redaction: facade.RedactionPlainText,
				Limit: 2, OrderBy: facade.OrderAscending})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records).To(HaveLen(2))
			Expect(resp.Records[0].Fields).To(HaveKey("email"))
			Expect(resp.Records[0].Fields).NotTo(HaveKey("card_number"))
			Expect(resp.Records[0].SkyflowID < resp.Records[1].SkyflowID).To(BeTrue())

			rest, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", Redaction: facade.RedactionPlainText,
				Offset: 2, Limit: 2, OrderBy: facade.OrderAscending})
			Expect(err).NotTo(HaveOccurred())
			Expect(rest.Records).To(HaveLen(1))

			desc, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", OrderBy: facade.OrderDescending, Redaction: facade.RedactionPlainText})
			Expect(err).NotTo(HaveOccurred())
			Expect(desc.Records[0].SkyflowID > desc.Records[1].SkyflowID).To(BeTrue())
		})

		It("iterates over every record page by page", func(ctx SpecContext) {
			values := make([]map[string]any, 57)
			for i := range values {
				values[i] = card(100 + i)
			}
			_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: values})
			Expect(err).NotTo(HaveOccurred())
			e.srv.ResetCounts()
			seen := map[string]bool{}
			for rec, err := range e.vault.Records(ctx, facade.GetRequest{Table: "table1", Redaction: facade.RedactionPlainText, Limit: 10}) {
				Expect(err).NotTo(HaveOccurred())
				seen[rec.SkyflowID] = true
			}
			Expect(seen).To(HaveLen(60))
			Expect(e.srv.Count("RecordServiceBulkGetRecord")).To(Equal(7), "six full pages, then an empty one")
		})

		It("returns download URLs for file columns that serve the file", func(ctx SpecContext) {
			up, err := e.vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment",
				Reader: strings.NewReader("file body 123"), FileName: "note.txt"})
			Expect(err).NotTo(HaveOccurred())
			resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "documents", IDs: []string{up.SkyflowID}, DownloadURL: true, Redaction: facade.RedactionPlainText})
			Expect(err).NotTo(HaveOccurred())
			link, ok := resp.Records[0].Fields["attachment"].(string)
			Expect(ok).To(BeTrue())
			Expect(link).To(HavePrefix("http"))
			r, err := http.Get(link)
			Expect(err).NotTo(HaveOccurred())
			defer r.Body.Close()
			body, _ := io.ReadAll(r.Body)
			Expect(string(body)).To(Equal("file body 123"))
		})

		It("reports an unknown id as not found", func(ctx SpecContext) {
			_, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: []string{"00000000-0000-0000-0000-000000000000"}})
			Expect(err).To(MatchError(skyflow.ErrNotFound))
		})

		DescribeTable("validates before any network call",
			func(req facade.GetRequest, field string) {
				_, err := e.vault.Get(ctx0(), req)
				var ve *skyflow.ValidationError
				Expect(errors.As(err, &ve)).To(BeTrue(), "%v", err)
				Expect(ve.Field).To(Equal(field))
				Expect(e.srv.Count("RecordServiceBulkGetRecord")).To(Equal(0))
			},
			Entry("no table", facade.GetRequest{IDs: []string{"a"}}, "Table"),
			Entry("ids and column", facade.GetRequest{Table: "t", IDs: []string{"a"}, Column: "email", ColumnValues: []string{"x"}}, "IDs"),
			Entry("an empty id", facade.GetRequest{Table: "t", IDs: []string{"a", " "}}, "IDs[1]"),
			Entry("column without values", facade.GetRequest{Table: "t", Column: "email"}, "ColumnValues"),
			Entry("values without column", facade.GetRequest{Table: "t", ColumnValues: []string{"x"}}, "Column"),
			Entry("tokens with redaction", facade.GetRequest{Table: "t", IDs: []string{"a"}, ReturnTokens: true, Redaction: facade.RedactionMasked}, "ReturnTokens"),
			Entry("tokens by column", facade.GetRequest{Table: "t", Column: "email", ColumnValues: []string{"x"}, ReturnTokens: true}, "ReturnTokens"),
			Entry("bad redaction", facade.GetRequest{Table: "t", IDs: []string{"a"}, Redaction: "SOME"}, "Redaction"),
			Entry("limit above 25", facade.GetRequest{Table: "t", Limit: 26}, "Limit"),
			Entry("negative offset", facade.GetRequest{Table: "t", Offset: -1}, "Offset"),
			Entry("bad order", facade.GetRequest{Table: "t", OrderBy: "RANDOM"}, "OrderBy"),
			Entry("an empty field", facade.GetRequest{Table: "t", Columns: []string{""}}, "Columns[0]"),
		)
	})

	Describe("Detokenize", func() {
		It("applies a redaction per token", func(ctx SpecContext) {
			resp, err := e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
				{Token: tokens[0]["card_number"], Redaction: facade.RedactionPlainText},
				{Token: tokens[0]["card_number"], Redaction: facade.RedactionMasked},
				{Token: tokens[0]["ssn"], Redaction: facade.RedactionDefault},
				// No redaction: the column's default (MASKED for card_number),
				// not the plain text.
				{Token: tokens[1]["card_number"]},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Errors).To(BeEmpty())
			Expect(resp.Records).To(HaveLen(4))
			Expect(resp.Records[0].Value).To(Equal(luhnCard(1)))
			Expect(resp.Records[0].ValueType).To(Equal("STRING"))
			Expect(resp.Records[1].Value).To(Equal("XXXXXXXXXXXX" + luhnCard(1)[12:]))
			Expect(resp.Records[2].Value).To(Equal("XXX-XX-6789"))
			Expect(resp.Records[3].Value).To(Equal("XXXXXXXXXXXX" + luhnCard(2)[12:]))
			for i, r := range resp.Records {
				Expect(r.Index).To(Equal(i))
			}
		})

		It("continues on error, reporting each bad token with its index and the request id", func(ctx SpecContext) {
			resp, err := e.vault.Detokenize(ctx, facade.DetokenizeRequest{ContinueOnError: true, Tokens: []facade.DetokenizeToken{
				{Token: "not-a-token", Redaction: facade.RedactionPlainText},
				{Token: tokens[2]["email"], Redaction: facade.RedactionPlainText},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records).To(HaveLen(1))
			Expect(resp.Records[0].Index).To(Equal(1))
			Expect(resp.Records[0].Value).To(Equal("holder3@example.com"))
			Expect(resp.Errors).To(HaveLen(1))
			Expect(resp.Errors[0].Index).To(Equal(0))
			Expect(resp.Errors[0].Message).NotTo(BeEmpty())
			Expect(resp.Errors[0].RequestID).To(Equal(resp.RequestID))
		})

		It("fails the whole call on a bad token without continue-on-error", func(ctx SpecContext) {
			_, err := e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "not-a-token"}}})
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.Error()).NotTo(ContainSubstring("not-a-token"), "tokens never appear in error text")
		})

		It("validates tokens and redactions", func(ctx SpecContext) {
			_, err := e.vault.Detokenize(ctx, facade.DetokenizeRequest{})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			_, err = e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: ""}}})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			_, err = e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "t", Redaction: "SOME"}}})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			Expect(e.srv.Count("TokenServiceDetokenize")).To(Equal(0))
		})
	})

	Describe("Tokenize", func() {
		It("returns the existing token of stored values in their column group", func(ctx SpecContext) {
			resp, err := e.vault.Tokenize(ctx, facade.TokenizeRequest{Values: []facade.TokenizeValue{
				{Value: luhnCard(2), ColumnGroup: "card_number_group"},
				{Value: "holder1@example.com", ColumnGroup: "email_group"},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Tokens).To(Equal([]string{tokens[1]["card_number"], tokens[0]["email"]}))
		})

		It("validates values and column groups", func(ctx SpecContext) {
			_, err := e.vault.Tokenize(ctx, facade.TokenizeRequest{Values: []facade.TokenizeValue{{Value: "x"}}})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			_, err = e.vault.Tokenize(ctx, facade.TokenizeRequest{})
			Expect(err).To(MatchError(skyflow.ErrValidation))
		})
	})

	Describe("Query", func() {
		It("runs a SELECT with a WHERE clause", func(ctx SpecContext) {
			resp, err := e.vault.Query(ctx, facade.QueryRequest{Query: "SELECT * FROM table1 WHERE email = 'holder2@example.com'"})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records).To(HaveLen(1))
			Expect(resp.Records[0].SkyflowID).To(Equal(ids[1]))
			Expect(resp.Records[0].Fields).To(HaveKey("card_number"))
		})

		It("rejects anything but SELECT locally, and reports the server's 400 for unsupported SQL", func(ctx SpecContext) {
			_, err := e.vault.Query(ctx, facade.QueryRequest{Query: "DELETE FROM table1"})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			_, err = e.vault.Query(ctx, facade.QueryRequest{Query: "SELECT * FROM table1 GROUP BY email"})
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.StatusCode).To(Equal(http.StatusBadRequest))
		})
	})
})
