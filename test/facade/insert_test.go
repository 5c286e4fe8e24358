package facade_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Insert", func() {
	var e *env
	BeforeEach(func() { e = startEnv(nil) })

	It("inserts records and returns ids and tokens in input order", func(ctx SpecContext) {
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{
			Table:        "table1",
			Records:      []map[string]any{card(1), card(2)},
			ReturnTokens: true,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Errors).To(BeEmpty())
		Expect(resp.Inserted).To(HaveLen(2))
		Expect(resp.RequestID).NotTo(BeEmpty())
		for i, rec := range resp.Inserted {
			Expect(rec.Index).To(Equal(i))
			Expect(rec.SkyflowID).NotTo(BeEmpty())
			Expect(rec.Tokens).To(HaveKey("card_number"))
			Expect(rec.Tokens["card_number"]).NotTo(Equal(luhnCard(i + 1)))
		}
		Expect(e.srv.Records("table1")).To(HaveLen(2))
		Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(1))
	})

	It("returns no tokens unless asked", func(ctx SpecContext) {
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Inserted[0].Tokens).To(BeEmpty())
	})

	It("allows nil and empty values (they are sent as null and \"\")", func(ctx SpecContext) {
		rec := map[string]any{"cardholder_name": "", "card_number": luhnCard(5), "dob": nil}
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{rec}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Inserted).To(HaveLen(1))
	})

	It("never modifies the caller's maps", func(ctx SpecContext) {
		rec := card(7)
		before := maps.Clone(rec)
		_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{rec}, ReturnTokens: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(rec).To(Equal(before))
	})

	It("upserts on a unique column: the same value updates the existing record", func(ctx SpecContext) {
		first, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		changed := card(1)
		changed["cardholder_name"] = "New Name"
		second, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{changed}, Upsert: "email"})
		Expect(err).NotTo(HaveOccurred())
		Expect(second.Inserted[0].SkyflowID).To(Equal(first.Inserted[0].SkyflowID))
		Expect(e.srv.Records("table1")).To(HaveLen(1))
		got, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: []string{first.Inserted[0].SkyflowID}, Redaction: facade.RedactionPlainText})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Records[0].Fields).To(HaveKeyWithValue("cardholder_name", "New Name"))
	})

	It("fails a unique violation without upsert, all or nothing", func(ctx SpecContext) {
		_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(2), card(1)}})
		Expect(resp).To(BeNil())
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue())
		Expect(apiErr.StatusCode).To(BeNumerically(">=", 400))
		Expect(apiErr.RequestID).NotTo(BeEmpty())
		Expect(apiErr.Operation).To(Equal("Insert"))
		Expect(e.srv.Records("table1")).To(HaveLen(1), "the valid record of the failed call was not written")
	})

	It("sends homogeneous inserts: the vault gets the flag and holds the records to it", func(ctx SpecContext) {
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1), card(2)}, Homogeneous: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Inserted).To(HaveLen(2))

		By("records with different columns are refused only because the flag arrived")
		mixed := []map[string]any{card(3), {"email": "only@example.com"}}
		_, err = e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: mixed, Homogeneous: true})
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue(), "got %v", err)
		Expect(apiErr.StatusCode).To(Equal(400))
		Expect(apiErr.Message).To(ContainSubstring("homogeneous"))
		Expect(e.srv.Records("table1")).To(HaveLen(2))
		_, err = e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: mixed})
		Expect(err).NotTo(HaveOccurred())
	})

	It("reports a missing table as a not-found API error", func(ctx SpecContext) {
		_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "nope", Records: []map[string]any{card(1)}})
		Expect(err).To(MatchError(skyflow.ErrNotFound))
	})

	Describe("continue on error", func() {
		It("returns every record either inserted or failed, with its real status, message and request id", func(ctx SpecContext) {
			_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
			Expect(err).NotTo(HaveOccurred())
			values := []map[string]any{
				card(10),                // ok
				card(1),                 // unique violation
				{"no_such_column": "x"}, // unknown column
				card(11),                // ok
			}
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: values, ContinueOnError: true, ReturnTokens: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Inserted).To(HaveLen(2))
			Expect(resp.Inserted[0].Index).To(Equal(0))
			Expect(resp.Inserted[1].Index).To(Equal(3))
			Expect(resp.Inserted[0].Tokens).To(HaveKey("card_number"))
			Expect(resp.Errors).To(HaveLen(2))
			Expect(resp.Errors[0].Index).To(Equal(1))
			Expect(resp.Errors[1].Index).To(Equal(2))
			for _, re := range resp.Errors {
				Expect(re.StatusCode).To(BeNumerically(">=", 400))
				Expect(re.Message).NotTo(BeEmpty())
				Expect(re.RequestID).NotTo(BeEmpty())
			}
			Expect(resp.Errors[0].StatusCode).NotTo(Equal(resp.Errors[1].StatusCode), "statuses are the API's, not hard-coded")
			Expect(e.srv.Count("RecordServiceBatchOperation")).To(Equal(1))
		})

		It("returns the error, and no response, when the request fails as a whole", func(ctx SpecContext) {
			e.srv.InjectFault("RecordServiceBatchOperation", mockserver.Fault{Times: 5, Status: 500})
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1), card(2)}, ContinueOnError: true})
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.StatusCode).To(Equal(500))
			Expect(resp).To(BeNil())
		})
	})

	Describe("bring your own token", func() {
		It("stores supplied tokens with ENABLE; they detokenize to the value", func(ctx SpecContext) {
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{
				Table:     "table1",
				Records:   []map[string]any{card(1)},
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
			_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{rec},
				Tokens: []map[string]string{{"card_number": "t1"}}, TokenMode: facade.TokenModeEnableStrict})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{rec},
				Tokens: []map[string]string{{"card_number": "t1", "cardholder_name": "t2"}}, TokenMode: facade.TokenModeEnableStrict})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Inserted).To(HaveLen(1))
		})

		It("rejects tokens with DISABLE before any call", func(ctx SpecContext) {
			_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)},
				Tokens: []map[string]string{{"card_number": "t"}}})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(0))
		})
	})

	Describe("one request per call", func() {
		It("sends 30 records without continue-on-error in one request, with the shape of the 1-record case", func(ctx SpecContext) {
			one, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(0)}, ReturnTokens: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(1))

			values := make([]map[string]any, 30)
			for i := range values {
				values[i] = card(i + 1)
			}
			many, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: values, ReturnTokens: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(2), "one request for the 30 records")
			Expect(many.Inserted).To(HaveLen(30))
			Expect(many.Errors).To(BeEmpty())
			Expect(many.RequestID).NotTo(BeEmpty())
			Expect(many.Inserted[29].Index).To(Equal(29))
			Expect(reflect.TypeOf(*many)).To(Equal(reflect.TypeOf(*one)))
			Expect(one.Inserted).To(HaveLen(1))
			Expect(one.Inserted[0].Tokens).NotTo(BeEmpty())
		})

		It("is atomic: one bad record fails the call and writes nothing, whatever the count", func(ctx SpecContext) {
			for _, n := range []int{1, 30} {
				values := make([]map[string]any, n)
				for i := range values {
					values[i] = card(i)
				}
				values[n-1] = map[string]any{"no_such_column": 1}
				resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: values})
				var apiErr *skyflow.APIError
				Expect(errors.As(err, &apiErr)).To(BeTrue(), "%d records: %v", n, err)
				Expect(resp).To(BeNil())
			}
			Expect(e.srv.Records("table1")).To(BeEmpty())
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(2))
		})

		It("with continue-on-error reports each refused record in one request, with its index", func(ctx SpecContext) {
			values := make([]map[string]any, 95)
			for i := range values {
				values[i] = card(i)
			}
			values[42] = map[string]any{"no_such_column": 1}
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: values, ContinueOnError: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Inserted).To(HaveLen(94))
			Expect(resp.Errors).To(HaveLen(1))
			Expect(resp.Errors[0].Index).To(Equal(42))
			Expect(resp.Errors[0].StatusCode).To(Equal(400))
			Expect(e.srv.Count("RecordServiceBatchOperation")).To(Equal(1))
		})
	})

	Describe("BulkInsert", func() {
		records := func(n int) iter.Seq[facade.BulkRecord] {
			return func(yield func(facade.BulkRecord) bool) {
				for i := range n {
					if !yield(facade.BulkRecord{Fields: card(i)}) {
						return
					}
				}
			}
		}
		collect := func(seq iter.Seq[facade.BulkInsertResult]) []facade.BulkInsertResult {
			var out []facade.BulkInsertResult
			for r := range seq {
				out = append(out, r)
			}
			return out
		}

		It("streams 1,000 records in chunks, every one written once, in input order", func(ctx SpecContext) {
			seq, err := e.vault.BulkInsert(ctx, facade.BulkInsertRequest{Table: "table1", Records: records(1000), ReturnTokens: true})
			Expect(err).NotTo(HaveOccurred())
			results := collect(seq)
			Expect(results).To(HaveLen(1000))
			ids := map[string]bool{}
			for i, r := range results {
				Expect(r.Index).To(Equal(i))
				Expect(r.Outcome).To(Equal(facade.Written), "%d: %v", i, r.Err)
				Expect(r.Tokens).NotTo(BeEmpty())
				ids[r.SkyflowID] = true
			}
			Expect(ids).To(HaveLen(1000))
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(Equal(1000 / facade.DefaultChunkSize))
			Expect(e.srv.Records("table1")).To(HaveLen(1000))
		})

		It("reports an invalid record and a refused chunk as not written, the others written", func(ctx SpecContext) {
			in := func(yield func(facade.BulkRecord) bool) {
				for i := range 50 {
					rec := facade.BulkRecord{Fields: card(i)}
					switch i {
					case 3:
						rec.Fields = map[string]any{} // invalid: never sent
					case 25:
						rec.Fields = map[string]any{"no_such_column": 1} // the vault refuses its chunk
					}
					if !yield(rec) {
						return
					}
				}
			}
			seq, err := e.vault.BulkInsert(ctx, facade.BulkInsertRequest{Table: "table1", Records: in, ChunkSize: 10, Concurrency: 3})
			Expect(err).NotTo(HaveOccurred())
			results := collect(seq)
			Expect(results).To(HaveLen(50))
			written := 0
			for i, r := range results {
				switch {
				case i == 3:
					Expect(r.Outcome).To(Equal(facade.NotWritten))
					Expect(r.Err).To(MatchError(skyflow.ErrValidation))
				case i >= 20 && i < 30:
					Expect(r.Outcome).To(Equal(facade.NotWritten), "record %d", i)
					var apiErr *skyflow.APIError
					Expect(errors.As(r.Err, &apiErr)).To(BeTrue())
				default:
					Expect(r.Outcome).To(Equal(facade.Written), "record %d: %v", i, r.Err)
					written++
				}
			}
			Expect(e.srv.Records("table1")).To(HaveLen(written))
		})

		It("reports the records of a chunk whose answer was lost after the commit as unknown, never not written; resending only the not written leaves no duplicate", func(ctx SpecContext) {
			// The third insert request is committed by the vault, then its
			// answer is lost.
			lose := &loseAnswer{target: "/v1/vaults/" + e.srv.VaultID() + "/table1", nth: 3}
			e = newEnv(e.srv, &auth.Credentials{APIKey: e.srv.APIKey()}, facade.WithHTTPClient(&http.Client{Transport: lose}))
			in := make([]map[string]any, 100)
			for i := range in {
				in[i] = card(i)
			}
			in[77] = map[string]any{} // invalid: not written, to be resent
			seq, err := e.vault.BulkInsert(ctx, facade.BulkInsertRequest{Table: "table1", Records: facade.BulkFields(slices.Values(in)), ChunkSize: 10, Concurrency: 1})
			Expect(err).NotTo(HaveOccurred())
			var unknown, notWritten []int
			for r := range seq {
				switch r.Outcome {
				case facade.Unknown:
					unknown = append(unknown, r.Index)
					var te *skyflow.TransportError
					Expect(errors.As(r.Err, &te)).To(BeTrue())
					Expect(te.Sent).To(BeTrue())
				case facade.NotWritten:
					notWritten = append(notWritten, r.Index)
				}
			}
			Expect(unknown).To(Equal([]int{20, 21, 22, 23, 24, 25, 26, 27, 28, 29}))
			Expect(notWritten).To(Equal([]int{77}))
			Expect(e.srv.Records("table1")).To(HaveLen(99), "the lost chunk was committed")

			// Resume: resend only the records not written (fixed).
			in[77] = card(77)
			resend := []map[string]any{in[77]}
			resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: resend})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Inserted).To(HaveLen(1))
			names := map[any]int{}
			for _, rec := range e.srv.Records("table1") {
				names[rec["cardholder_name"]]++
			}
			Expect(names).To(HaveLen(100))
			for name, n := range names {
				Expect(n).To(Equal(1), "%v stored %d times", name, n)
			}
		})

		// The README's recipe: resend the records not written, look the
		// unknown ones up by a unique column and resend only the absent.
		It("resumes as the README says: every record stored once, though a page of the lookup finds nothing", func(ctx SpecContext) {
			// The second request is committed and its answer lost; the
			// third is lost on its way. 50 records are unknown: 25 stored,
			// 25 not.
			lose := &loseAnswer{target: "/v1/vaults/" + e.srv.VaultID() + "/table1", nth: 2, unsent: 3}
			e = newEnv(e.srv, &auth.Credentials{APIKey: e.srv.APIKey()}, facade.WithHTTPClient(&http.Client{Transport: lose}))
			seq, err := e.vault.BulkInsert(ctx, facade.BulkInsertRequest{Table: "table1", Records: records(100), Concurrency: 1})
			Expect(err).NotTo(HaveOccurred())
			var notWritten, unknown []string
			for r := range seq {
				switch r.Outcome {
				case facade.NotWritten:
					notWritten = append(notWritten, card(r.Index)["email"].(string))
				case facade.Unknown:
					unknown = append(unknown, card(r.Index)["email"].(string))
				}
			}
			Expect(unknown).To(HaveLen(50))
			Expect(e.srv.Records("table1")).To(HaveLen(75))

			found := map[string]bool{}
			resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", Column: "email", ColumnValues: unknown, Redaction: facade.RedactionPlainText})
			Expect(err).NotTo(HaveOccurred())
			for _, r := range resp.Records {
				found[fmt.Sprint(r.Fields["email"])] = true
			}
			resend := notWritten
			for _, email := range unknown {
				if !found[email] {
					resend = append(resend, email)
				}
			}
			Expect(resend).To(HaveLen(25))
			byEmail := map[string]map[string]any{}
			for i := range 100 {
				byEmail[card(i)["email"].(string)] = card(i)
			}
			var again []map[string]any
			for _, email := range resend {
				again = append(again, byEmail[email])
			}
			_, err = e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: again})
			Expect(err).NotTo(HaveOccurred())
			stored := map[any]int{}
			for _, row := range e.srv.Records("table1") {
				stored[row["email"]]++
			}
			Expect(stored).To(HaveLen(100))
			for email, n := range stored {
				Expect(n).To(Equal(1), "%v stored %d times", email, n)
			}
		})

		It("reports records not sent once ctx has ended, and every input record gets an outcome", func(ctx SpecContext) {
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			seq, err := e.vault.BulkInsert(cctx, facade.BulkInsertRequest{Table: "table1", Records: records(60), ChunkSize: 10, Concurrency: 1})
			Expect(err).NotTo(HaveOccurred())
			var results []facade.BulkInsertResult
			for r := range seq {
				results = append(results, r)
				if r.Index == 9 {
					cancel() // after the first chunk
				}
			}
			Expect(results).To(HaveLen(60))
			for _, r := range results[20:] {
				Expect(r.Outcome).To(Equal(facade.NotWritten))
				Expect(r.Err).To(MatchError(skyflow.ErrNotSent))
				Expect(r.Err).To(MatchError(context.Canceled))
			}
			// Chunk 2 may have been in flight when ctx ended (the engine
			// reads ahead): its records are Unknown, stored or not. What
			// is stored is exactly the Written records and some Unknown ones.
			expectStoredAsReported(e.srv.Records("table1"), results)
		})

		It("validates the request before sending anything", func(ctx SpecContext) {
			for _, req := range []facade.BulkInsertRequest{
				{Records: records(1)},
				{Table: "table1"},
				{Table: "table1", Records: records(1), ChunkSize: facade.MaxChunkSize + 1},
				{Table: "table1", Records: records(1), Concurrency: -1},
			} {
				_, err := e.vault.BulkInsert(ctx, req)
				Expect(err).To(MatchError(skyflow.ErrValidation))
			}
			Expect(e.srv.Count("RecordServiceInsertRecord")).To(BeZero())
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
		Entry("no table", facade.InsertRequest{Records: []map[string]any{{"a": 1}}}, "Table"),
		Entry("no records", facade.InsertRequest{Table: "t"}, "Records"),
		Entry("an empty record", facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}, {}}}, "Records[1]"),
		Entry("an empty column name", facade.InsertRequest{Table: "t", Records: []map[string]any{{"": 1}}}, "Records[0]"),
		Entry("upsert with homogeneous", facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}, Upsert: "a", Homogeneous: true}, "Upsert"),
		Entry("unknown token mode", facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}, TokenMode: "SOMETIMES"}, "TokenMode"),
		Entry("ENABLE without tokens", facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}, TokenMode: facade.TokenModeEnable}, "Tokens"),
		Entry("a token for an unwritten column", facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"b": "t"}}}, "Tokens[0]"),
		Entry("more token maps than records", facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}}, TokenMode: facade.TokenModeEnable, Tokens: []map[string]string{{"a": "t"}, {"a": "u"}}}, "Tokens"),
		Entry("STRICT with too few token maps", facade.InsertRequest{Table: "t", Records: []map[string]any{{"a": 1}, {"a": 2}}, TokenMode: facade.TokenModeEnableStrict, Tokens: []map[string]string{{"a": "t"}}}, "Tokens"),
	)
})

// loseAnswer is an HTTP transport that lets the nth POST to target reach
// the server (which commits it), then loses its answer.
type loseAnswer struct {
	target string
	nth    int32
	// unsent, when set, is the POST to target that fails without reaching
	// the server (as a connection that breaks while the request is
	// written: the client cannot know how far it got).
	unsent int32
	seen   atomic.Int32
}

func (l *loseAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	var n int32
	if r.Method == http.MethodPost && r.URL.Path == l.target {
		n = l.seen.Add(1)
	}
	if n != 0 && n == l.unsent {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, errors.New("write: broken pipe (test: lost before the server saw it)")
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && n != 0 && n == l.nth {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return nil, errors.New("connection reset by peer (test: answer lost after the commit)")
	}
	return resp, err
}

// expectStoredAsReported checks a bulk insert's results against the rows
// stored: every Written record is stored under its id, and every stored
// row is a record reported Written or Unknown, never NotWritten.
func expectStoredAsReported(stored []map[string]any, results []facade.BulkInsertResult) {
	GinkgoHelper()
	ids := map[any]bool{}
	for _, row := range stored {
		ids[row["skyflow_id"]] = true
		name, _ := row["cardholder_name"].(string)
		i, err := strconv.Atoi(strings.TrimPrefix(name, "Holder "))
		Expect(err).NotTo(HaveOccurred(), "a row no record of the call wrote: %q", name)
		Expect(results[i].Outcome).To(BeElementOf(facade.Written, facade.Unknown), "record %d is stored", i)
	}
	for _, r := range results {
		if r.Outcome == facade.Written {
			Expect(ids).To(HaveKey(r.SkyflowID), "record %d was reported written", r.Index)
		}
	}
}
