package facade_test

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// flowEnv is one emulator and a client configured for its demo Flow DB
// vault (tables customers and orders; token groups deterministic_string,
// nondeterministic_string, deterministic_email).
type flowEnv struct {
	srv *mockserver.Server
	db  *facade.FlowDB
}

func startFlowEnv(clientOpts []facade.Option, srvOpts ...mockserver.Option) *flowEnv {
	srv, err := mockserver.Start(append([]mockserver.Option{mockserver.WithResponseValidation()}, srvOpts...)...)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	DeferCleanup(func() { Expect(srv.Problems()).To(BeEmpty(), "the emulator drifted from flowdb.yaml") })
	return newFlowEnv(srv, facade.FlowDBConfig{VaultID: srv.FlowDBVaultID(), BaseURL: srv.URL(),
		Credentials: &auth.Credentials{APIKey: srv.APIKey()}}, clientOpts...)
}

func newFlowEnv(srv *mockserver.Server, cfg facade.FlowDBConfig, clientOpts ...facade.Option) *flowEnv {
	client, err := facade.New(append([]facade.Option{facade.WithFlowDB(cfg), facade.WithRetryPolicy(fastRetries)}, clientOpts...)...)
	Expect(err).NotTo(HaveOccurred())
	db, err := client.FlowDB("")
	Expect(err).NotTo(HaveOccurred())
	return &flowEnv{srv: srv, db: db}
}

func customer(i int) map[string]any {
	return map[string]any{"name": "Customer " + itoa(i), "email": "customer" + itoa(i) + "@example.com",
		"card_number": luhnCard(i), "ssn": "123-45-" + strings.Repeat(itoa(i%10), 4), "age": float64(20 + i%50)}
}

func customers(from, n int) []facade.FlowRecord {
	out := make([]facade.FlowRecord, n)
	for i := range out {
		out[i] = facade.FlowRecord{Data: customer(from + i)}
	}
	return out
}

// recordErr returns the *skyflow.RecordError of a result, failing when
// there is none.
func recordErr(err error) *skyflow.RecordError {
	GinkgoHelper()
	var re *skyflow.RecordError
	Expect(errors.As(err, &re)).To(BeTrue(), "want a *skyflow.RecordError, got %v", err)
	return re
}

func (e *flowEnv) insert(ctx context.Context, records ...facade.FlowRecord) []facade.FlowRecordResult {
	GinkgoHelper()
	resp, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: records})
	Expect(err).NotTo(HaveOccurred())
	return resp.Records
}

var _ = Describe("Flow DB vaults", func() {
	var e *flowEnv
	BeforeEach(func() { e = startFlowEnv(nil) })

	Describe("Insert", func() {
		It("inserts records and returns, per record, its id and a token per token group of each column", func(ctx SpecContext) {
			resp, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: customers(0, 2)})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.RequestID).NotTo(BeEmpty())
			Expect(resp.Records).To(HaveLen(2))
			for i, r := range resp.Records {
				Expect(r.Index).To(Equal(i))
				Expect(r.Outcome).To(Equal(facade.FlowDone))
				Expect(r.Err).NotTo(HaveOccurred())
				Expect(r.SkyflowID).NotTo(BeEmpty())
				Expect(r.Table).To(Equal("customers"))
				Expect(r.Tokens["email"]).To(HaveLen(2), "email is in two token groups")
				Expect([]string{r.Tokens["email"][0].TokenGroup, r.Tokens["email"][1].TokenGroup}).
					To(ConsistOf("deterministic_email", "nondeterministic_string"))
				Expect(r.Tokens["card_number"]).To(HaveLen(1))
				Expect(r.Tokens).NotTo(HaveKey("age"), "age is not tokenized")
			}
		})

		It("inserts into several tables in one call", func(ctx SpecContext) {
			resp, err := e.db.Insert(ctx, facade.FlowInsertRequest{Records: []facade.FlowRecord{
				{Table: "customers", Data: customer(1)},
				{Table: "orders", Data: map[string]any{"order_ref": "o-1", "customer_email": "customer1@example.com", "amount": 12.5}},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records[0].Table).To(Equal("customers"))
			Expect(resp.Records[1].Table).To(Equal("orders"))
			Expect(resp.Records[1].Outcome).To(Equal(facade.FlowDone))
			got, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "orders", IDs: []string{resp.Records[1].SkyflowID}})
			Expect(err).NotTo(HaveOccurred())
			Expect(got.Records[0].Data).To(HaveKeyWithValue("amount", 12.5))
		})

		It("reports each failed record with its error and httpCode while the others are written", func(ctx SpecContext) {
			e.insert(ctx, facade.FlowRecord{Data: customer(1)})
			resp, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: []facade.FlowRecord{
				{Data: customer(2)},
				{Data: customer(1)}, // duplicate unique email
				{Data: map[string]any{"name": "x", "shoe_size": 44}}, // unknown column
				{Data: customer(3)},
			}})
			Expect(err).NotTo(HaveOccurred())
			outcomes := []facade.FlowOutcome{}
			for _, r := range resp.Records {
				outcomes = append(outcomes, r.Outcome)
			}
			Expect(outcomes).To(Equal([]facade.FlowOutcome{facade.FlowDone, facade.FlowFailed, facade.FlowFailed, facade.FlowDone}))
			dup := recordErr(resp.Records[1].Err)
			Expect(dup.StatusCode).To(Equal(http.StatusConflict))
			Expect(dup.Index).To(Equal(1))
			Expect(dup.Operation).To(Equal("FlowDB.Insert"))
			Expect(dup.RequestID).To(Equal(resp.RequestID))
			Expect(dup.Message).To(ContainSubstring("duplicate value for unique column email"))
			Expect(recordErr(resp.Records[2].Err).StatusCode).To(Equal(http.StatusBadRequest))
			Expect(resp.Records[2].Err.Error()).To(ContainSubstring("unknown column shoe_size"))
		})

		It("fails a record of an unknown table alone, with 404", func(ctx SpecContext) {
			resp, err := e.db.Insert(ctx, facade.FlowInsertRequest{Records: []facade.FlowRecord{
				{Table: "no_such_table", Data: map[string]any{"a": 1}},
				{Table: "customers", Data: customer(5)},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records[0].Outcome).To(Equal(facade.FlowFailed))
			Expect(errors.Is(resp.Records[0].Err, skyflow.ErrNotFound)).To(BeTrue())
			Expect(resp.Records[1].Outcome).To(Equal(facade.FlowDone))
		})

		It("upserts: UPDATE keeps the columns not sent, REPLACE clears them", func(ctx SpecContext) {
			first := e.insert(ctx, facade.FlowRecord{Data: customer(7)})[0]
			upd, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers",
				Upsert:  &facade.FlowUpsert{UniqueColumns: []string{"email"}, UpdateType: facade.FlowUpdate},
				Records: []facade.FlowRecord{{Data: map[string]any{"email": "customer7@example.com", "name": "Renamed"}}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(upd.Records[0].SkyflowID).To(Equal(first.SkyflowID), "the existing record is updated")
			got, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "customers", IDs: []string{first.SkyflowID}})
			Expect(err).NotTo(HaveOccurred())
			Expect(got.Records[0].Data).To(HaveKeyWithValue("name", "Renamed"))
			Expect(got.Records[0].Data).To(HaveKeyWithValue("card_number", luhnCard(7)))

			// Per-record upsert (the records name their tables), REPLACE.
			_, err = e.db.Insert(ctx, facade.FlowInsertRequest{Records: []facade.FlowRecord{{Table: "customers",
				Upsert: &facade.FlowUpsert{UniqueColumns: []string{"email"}, UpdateType: facade.FlowReplace},
				Data:   map[string]any{"email": "customer7@example.com", "name": "Replaced"}}}})
			Expect(err).NotTo(HaveOccurred())
			got, err = e.db.Get(ctx, facade.FlowGetRequest{Table: "customers", IDs: []string{first.SkyflowID}})
			Expect(err).NotTo(HaveOccurred())
			Expect(got.Records[0].Data).To(HaveKeyWithValue("name", "Replaced"))
			Expect(got.Records[0].Data).NotTo(HaveKey("card_number"))
		})

		It("stores tokens of your own, which then detokenize", func(ctx SpecContext) {
			own := "own-token-" + itoa(GinkgoParallelProcess())
			r := e.insert(ctx, facade.FlowRecord{Data: customer(9), Tokens: map[string]string{"card_number": own}})[0]
			Expect(r.Tokens["card_number"]).To(ConsistOf(facade.FlowToken{Token: own, TokenGroup: "deterministic_string"}))
			det, err := e.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{own}})
			Expect(err).NotTo(HaveOccurred())
			Expect(det.Tokens[0].Value).To(Equal(luhnCard(9)))
			again := e.insert(ctx, facade.FlowRecord{Data: customer(10), Tokens: map[string]string{"card_number": own}})[0]
			Expect(recordErr(again.Err).StatusCode).To(Equal(http.StatusConflict), "a token already in use")
		})

		It("rejects bad input before any request, naming the field and never a value", func(ctx SpecContext) {
			bad := []facade.FlowInsertRequest{
				{Table: "customers"},
				{Records: customers(0, 1)}, // no table anywhere
				{Table: "customers", Records: []facade.FlowRecord{{Table: "orders", Data: customer(0)}}},
				{Table: "customers", Records: []facade.FlowRecord{{Data: map[string]any{}}}},
				{Table: "customers", Records: []facade.FlowRecord{{Data: customer(0), Tokens: map[string]string{"pin": "t"}}}},
				{Table: "customers", Upsert: &facade.FlowUpsert{}, Records: customers(0, 1)},
				{Table: "customers", Upsert: &facade.FlowUpsert{UniqueColumns: []string{"email"}, UpdateType: "MERGE"}, Records: customers(0, 1)},
				{Records: []facade.FlowRecord{{Data: customer(0), Upsert: &facade.FlowUpsert{UniqueColumns: []string{"email"}}}}},
			}
			for _, req := range bad {
				_, err := e.db.Insert(ctx, req)
				var ve *skyflow.ValidationError
				Expect(errors.As(err, &ve)).To(BeTrue(), "got %v", err)
				Expect(err.Error()).NotTo(ContainSubstring("@example.com"))
			}
			Expect(e.srv.Count("FlowDBInsert")).To(BeZero())
		})
	})

	Describe("Get", func() {
		var ids []string
		BeforeEach(func(ctx SpecContext) {
			ids = nil
			for _, r := range e.insert(ctx, customers(0, 3)...) {
				ids = append(ids, r.SkyflowID)
			}
		})

		It("gets by skyflow ids, each with its outcome; an unknown id fails alone with 404", func(ctx SpecContext) {
			resp, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "customers", IDs: []string{ids[2], "no-such-id", ids[0]}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records).To(HaveLen(3))
			Expect(resp.Records[0].SkyflowID).To(Equal(ids[2]))
			Expect(resp.Records[0].Data).To(HaveKeyWithValue("name", "Customer 2"))
			Expect(resp.Records[1].Outcome).To(Equal(facade.FlowFailed))
			Expect(resp.Records[1].Index).To(Equal(1))
			Expect(errors.Is(resp.Records[1].Err, skyflow.ErrNotFound)).To(BeTrue())
			Expect(resp.Records[2].SkyflowID).To(Equal(ids[0]))
		})

		It("gets by unique values, with chosen columns and redactions", func(ctx SpecContext) {
			resp, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "customers",
				UniqueValues:     []map[string]any{{"email": "customer1@example.com"}, {"email": "nobody@example.com"}},
				Columns:          []string{"email", "card_number", "ssn"},
				ColumnRedactions: []facade.FlowColumnRedaction{{Column: "card_number", Redaction: "mask1"}, {Column: "ssn", Redaction: "redacted"}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records[0].Outcome).To(Equal(facade.FlowDone))
			Expect(resp.Records[0].SkyflowID).To(Equal(ids[1]))
			Expect(resp.Records[0].Data).To(Equal(map[string]any{
				"email": "customer1@example.com", "card_number": "XXXXXXXXXXXX" + luhnCard(1)[12:], "ssn": "*REDACTED*"}))
			Expect(resp.Records[1].Outcome).To(Equal(facade.FlowFailed))
			Expect(recordErr(resp.Records[1].Err).StatusCode).To(Equal(http.StatusNotFound))
		})

		It("gets by a unique value it asks to see masked", func(ctx SpecContext) {
			resp, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "customers",
				UniqueValues:     []map[string]any{{"email": "customer1@example.com"}},
				Columns:          []string{"email"},
				ColumnRedactions: []facade.FlowColumnRedaction{{Column: "email", Redaction: "masked"}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records[0].Outcome).To(Equal(facade.FlowDone))
			Expect(resp.Records[0].SkyflowID).To(Equal(ids[1]))
			Expect(resp.Records[0].Data["email"]).NotTo(Equal("customer1@example.com"), "the vault answers the value masked")
		})

		It("pages through a table with offset and limit", func(ctx SpecContext) {
			resp, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "customers", Offset: 1, Limit: 5})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records).To(HaveLen(2))
			Expect(resp.Records[0].SkyflowID).To(Equal(ids[1]))
			Expect(resp.Records[1].Index).To(Equal(1))
		})

		It("looks records up in several tables at once", func(ctx SpecContext) {
			order, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "orders", Records: []facade.FlowRecord{{Data: map[string]any{"order_ref": "r-9", "amount": 3}}}})
			Expect(err).NotTo(HaveOccurred())
			resp, err := e.db.Get(ctx, facade.FlowGetRequest{Tables: []facade.FlowGetTable{
				{Table: "customers", IDs: []string{ids[0]}, Columns: []string{"name"}},
				{Table: "orders", UniqueValues: []map[string]any{{"order_ref": "r-9"}}},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records).To(HaveLen(2))
			Expect(resp.Records[0].Data).To(Equal(map[string]any{"name": "Customer 0"}))
			Expect(resp.Records[1].Table).To(Equal("orders"))
			Expect(resp.Records[1].SkyflowID).To(Equal(order.Records[0].SkyflowID))
		})

		It("fails as a whole, with the error body, for an unknown column", func(ctx SpecContext) {
			_, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "customers", Columns: []string{"shoe_size"}})
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue(), "got %v", err)
			Expect(apiErr.StatusCode).To(Equal(http.StatusBadRequest))
			Expect(apiErr.Message).To(ContainSubstring("unknown column shoe_size"))
			Expect(facade.FlowOutcomeOf(err)).To(Equal(facade.FlowFailed))
		})
	})

	Describe("Update and Delete", func() {
		It("updates with UPDATE and REPLACE; an unknown record fails alone", func(ctx SpecContext) {
			r := e.insert(ctx, facade.FlowRecord{Data: customer(1)})[0]
			resp, err := e.db.Update(ctx, facade.FlowUpdateRequest{Table: "customers", Records: []facade.FlowUpdateRecord{
				{SkyflowID: r.SkyflowID, Data: map[string]any{"name": "Updated"}},
				{SkyflowID: "missing", Data: map[string]any{"name": "x"}},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records[0].Outcome).To(Equal(facade.FlowDone))
			Expect(resp.Records[0].Tokens["name"]).To(HaveLen(1), "the new value is tokenized")
			Expect(errors.Is(resp.Records[1].Err, skyflow.ErrNotFound)).To(BeTrue())

			_, err = e.db.Update(ctx, facade.FlowUpdateRequest{Table: "customers", UpdateType: facade.FlowReplace,
				Records: []facade.FlowUpdateRecord{{SkyflowID: r.SkyflowID, Data: map[string]any{"name": "Only"}}}})
			Expect(err).NotTo(HaveOccurred())
			got, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "customers", IDs: []string{r.SkyflowID}})
			Expect(err).NotTo(HaveOccurred())
			Expect(got.Records[0].Data).To(Equal(map[string]any{"name": "Only"}))
		})

		It("deletes by ids and by unique values; an unknown record fails alone", func(ctx SpecContext) {
			rs := e.insert(ctx, customers(0, 2)...)
			resp, err := e.db.Delete(ctx, facade.FlowDeleteRequest{Table: "customers", IDs: []string{rs[0].SkyflowID, "missing"},
				UniqueValues: []map[string]any{{"email": "customer1@example.com"}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records).To(HaveLen(3))
			Expect(resp.Records[0].Outcome).To(Equal(facade.FlowDone))
			Expect(resp.Records[1].Outcome).To(Equal(facade.FlowFailed))
			Expect(resp.Records[2].Outcome).To(Equal(facade.FlowDone))
			Expect(resp.Records[2].SkyflowID).To(Equal(rs[1].SkyflowID))
			m, err := e.db.Metrics(ctx, facade.FlowMetricsRequest{})
			Expect(err).NotTo(HaveOccurred())
			Expect(m.Tables).To(HaveKeyWithValue("customers", HaveKeyWithValue("records", BeNumerically("==", 0))))
		})
	})

	It("queries", func(ctx SpecContext) {
		e.insert(ctx, customers(0, 3)...)
		resp, err := e.db.Query(ctx, facade.FlowQueryRequest{Query: "SELECT name, age FROM customers WHERE email = 'customer2@example.com'"})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Columns).To(Equal([]string{"name", "age"}))
		Expect(resp.Records).To(Equal([]map[string]any{{"name": "Customer 2", "age": float64(22)}}))
	})

	Describe("tokens", func() {
		It("detokenizes with a redaction per token group; an unknown token fails alone with 404", func(ctx SpecContext) {
			r := e.insert(ctx, facade.FlowRecord{Data: customer(4)})[0]
			card, name := r.Tokens["card_number"][0].Token, r.Tokens["name"][0].Token
			resp, err := e.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{card, "no-such-token", name},
				TokenGroupRedactions: []facade.FlowTokenGroupRedaction{{TokenGroup: "deterministic_string", Redaction: "mask1"}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Tokens[0].Value).To(Equal("XXXXXXXXXXXX" + luhnCard(4)[12:]))
			Expect(resp.Tokens[0].TokenGroup).To(Equal("deterministic_string"))
			Expect(resp.Tokens[0].Metadata).To(HaveKeyWithValue("skyflowID", r.SkyflowID))
			Expect(resp.Tokens[1].Outcome).To(Equal(facade.FlowFailed))
			Expect(resp.Tokens[1].Index).To(Equal(1))
			re := recordErr(resp.Tokens[1].Err)
			Expect(re.StatusCode).To(Equal(http.StatusNotFound))
			Expect(resp.Tokens[2].Value).To(Equal("Customer 4"), "plain_text: the group's default")
		})

		It("tokenizes into token groups: deterministic groups repeat their token; an unknown group fails alone", func(ctx SpecContext) {
			resp, err := e.db.Tokenize(ctx, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{
				{Value: "4111111111111111", TokenGroups: []string{"deterministic_string", "nondeterministic_string"}},
				{Value: "4111111111111111", TokenGroups: []string{"deterministic_string", "no_such_group"}},
			}})
			Expect(err).NotTo(HaveOccurred())
			first, second := resp.Values[0], resp.Values[1]
			Expect(first.Outcome).To(Equal(facade.FlowDone))
			Expect(first.Tokens).To(HaveLen(2))
			Expect(second.Outcome).To(Equal(facade.FlowFailed))
			Expect(second.Tokens).To(Equal(map[string]string{"deterministic_string": first.Tokens["deterministic_string"]}))
			Expect(second.GroupErrors).To(HaveKey("no_such_group"))
			Expect(recordErr(second.Err).StatusCode).To(Equal(http.StatusNotFound))

			det, err := e.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{first.Tokens["nondeterministic_string"]}})
			Expect(err).NotTo(HaveOccurred())
			Expect(det.Tokens[0].Value).To(Equal("4111111111111111"))
		})

		It("deletes tokens; a deleted or unknown token fails alone", func(ctx SpecContext) {
			tok, err := e.db.Tokenize(ctx, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: "secret", TokenGroups: []string{"nondeterministic_string"}}}})
			Expect(err).NotTo(HaveOccurred())
			t := tok.Values[0].Tokens["nondeterministic_string"]
			resp, err := e.db.DeleteTokens(ctx, facade.FlowDeleteTokensRequest{Tokens: []string{t, "no-such-token"}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Tokens[0].Outcome).To(Equal(facade.FlowDone))
			Expect(resp.Tokens[1].Outcome).To(Equal(facade.FlowFailed))
			det, err := e.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{t}})
			Expect(err).NotTo(HaveOccurred())
			Expect(det.Tokens[0].Outcome).To(Equal(facade.FlowFailed))
		})
	})

	Describe("calls that fail as a whole", func() {
		It("an unknown vault is the error body's 404; its records certainly failed", func(ctx SpecContext) {
			other := newFlowEnv(e.srv, facade.FlowDBConfig{VaultID: "no-such-vault", BaseURL: e.srv.URL(),
				Credentials: &auth.Credentials{APIKey: e.srv.APIKey()}})
			_, err := other.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: customers(0, 1)})
			Expect(errors.Is(err, skyflow.ErrNotFound)).To(BeTrue(), "got %v", err)
			Expect(facade.FlowOutcomeOf(err)).To(Equal(facade.FlowFailed))
		})

		It("a short answer is a distinct error, never matched by position", func(ctx SpecContext) {
			e.srv.InjectFault("FlowDBInsert", mockserver.Fault{DropElements: 1})
			_, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: customers(0, 3)})
			Expect(errors.Is(err, skyflow.ErrUnexpectedResponse)).To(BeTrue(), "got %v", err)
			Expect(err.Error()).To(ContainSubstring("2 records for 3 sent"))
			Expect(facade.FlowOutcomeOf(err)).To(Equal(facade.FlowUnknown), "the records were sent: they may be written")

			e.srv.InjectFault("FlowDBDetokenize", mockserver.Fault{DropElements: 1})
			_, err = e.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{"a", "b"}})
			Expect(errors.Is(err, skyflow.ErrUnexpectedResponse)).To(BeTrue(), "got %v", err)
		})

		It("a lost answer leaves the outcome unknown; an insert is not sent again", func(ctx SpecContext) {
			e.srv.InjectFault("FlowDBInsert", mockserver.Fault{CloseAfterCommit: true})
			_, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: customers(0, 1)})
			var te *skyflow.TransportError
			Expect(errors.As(err, &te)).To(BeTrue(), "got %v", err)
			Expect(te.Sent).To(BeTrue())
			Expect(facade.FlowOutcomeOf(err)).To(Equal(facade.FlowUnknown))
			Expect(e.srv.Count("FlowDBInsert")).To(Equal(1))
		})

		It("a read is retried after a transient failure", func(ctx SpecContext) {
			e.srv.InjectFault("FlowDBDetokenize", mockserver.Fault{Status: http.StatusServiceUnavailable})
			_, err := e.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{"a"}})
			Expect(err).NotTo(HaveOccurred())
			Expect(e.srv.Count("FlowDBDetokenize")).To(Equal(2))
		})
	})

	Describe("bulk", func() {
		It("inserts from an iterator in batches of 50, one request at a time, every record reported", func(ctx SpecContext) {
			records := customers(0, 120)
			records[60].Data = map[string]any{} // invalid: reported, never sent
			records[70] = facade.FlowRecord{Data: customer(3)}
			seq, err := e.db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: slices.Values(records)})
			Expect(err).NotTo(HaveOccurred())
			var got []facade.FlowRecordResult
			for r := range seq {
				got = append(got, r)
			}
			Expect(got).To(HaveLen(120))
			for i, r := range got {
				Expect(r.Index).To(Equal(i))
				switch i {
				case 60:
					Expect(r.Outcome).To(Equal(facade.FlowFailed))
					Expect(errors.Is(r.Err, skyflow.ErrValidation)).To(BeTrue())
					Expect(r.Err.Error()).To(ContainSubstring("Records[60]"))
				case 70:
					Expect(r.Outcome).To(Equal(facade.FlowFailed))
					re := recordErr(r.Err)
					Expect(re.Index).To(Equal(70), "the index in the input, not in the batch")
					Expect(re.StatusCode).To(Equal(http.StatusConflict))
				default:
					Expect(r.Outcome).To(Equal(facade.FlowDone), "record %d: %v", i, r.Err)
				}
			}
			Expect(e.srv.Count("FlowDBInsert")).To(Equal(3))
		})

		It("reports the records of a batch whose answer was lost as unknown, never failed, and goes on", func(ctx SpecContext) {
			// The second batch's answer is lost after the vault wrote it:
			// the fault is planted when the second batch is read, once the
			// first batch has reached the vault (the engine reads the next
			// batch while one is in flight).
			seq, err := e.db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: func(yield func(facade.FlowRecord) bool) {
				for i := range 150 {
					if i == 50 {
						Eventually(func() int { return e.srv.Count("FlowDBInsert") }).Should(Equal(1))
						e.srv.InjectFault("FlowDBInsert", mockserver.Fault{CloseAfterCommit: true})
					}
					if !yield(facade.FlowRecord{Data: customer(i)}) {
						return
					}
				}
			}})
			Expect(err).NotTo(HaveOccurred())
			counts := map[facade.FlowOutcome]int{}
			for r := range seq {
				counts[r.Outcome]++
				if r.Index >= 50 && r.Index < 100 {
					Expect(r.Outcome).To(Equal(facade.FlowUnknown), "record %d", r.Index)
					var te *skyflow.TransportError
					Expect(errors.As(r.Err, &te)).To(BeTrue())
				}
			}
			Expect(counts).To(Equal(map[facade.FlowOutcome]int{facade.FlowDone: 100, facade.FlowUnknown: 50}))
			m, err := e.db.Metrics(ctx, facade.FlowMetricsRequest{})
			Expect(err).NotTo(HaveOccurred())
			Expect(m.Tables["customers"]).To(HaveKeyWithValue("records", BeNumerically("==", 150)), "the lost batch was written")
		})

		It("reports a batch with a short answer as unknown with the distinct error", func(ctx SpecContext) {
			e.srv.InjectFault("FlowDBInsert", mockserver.Fault{DropElements: 2})
			seq, err := e.db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: slices.Values(customers(0, 60)), BatchSize: 30})
			Expect(err).NotTo(HaveOccurred())
			for r := range seq {
				if r.Index < 30 {
					Expect(r.Outcome).To(Equal(facade.FlowUnknown))
					Expect(errors.Is(r.Err, skyflow.ErrUnexpectedResponse)).To(BeTrue())
				} else {
					Expect(r.Outcome).To(Equal(facade.FlowDone))
				}
			}
		})

		It("reports a batch the vault refused as failed", func(ctx SpecContext) {
			e.srv.InjectFault("FlowDBInsert", mockserver.Fault{Status: http.StatusForbidden})
			seq, err := e.db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: slices.Values(customers(0, 4)), BatchSize: 2})
			Expect(err).NotTo(HaveOccurred())
			var outcomes []facade.FlowOutcome
			for r := range seq {
				outcomes = append(outcomes, r.Outcome)
				if r.Index < 2 {
					Expect(errors.Is(r.Err, skyflow.ErrForbidden)).To(BeTrue())
				}
			}
			Expect(outcomes).To(Equal([]facade.FlowOutcome{facade.FlowFailed, facade.FlowFailed, facade.FlowDone, facade.FlowDone}))
		})

		It("detokenizes, tokenizes and deletes tokens in batches, every element reported", func(ctx SpecContext) {
			values := func(yield func(facade.FlowTokenizeValue) bool) {
				for i := range 75 {
					if !yield(facade.FlowTokenizeValue{Value: "value-" + itoa(i), TokenGroups: []string{"nondeterministic_string"}}) {
						return
					}
				}
			}
			tseq, err := e.db.BulkTokenize(ctx, facade.FlowBulkTokenizeRequest{Values: values, BatchSize: 20, Concurrency: 3})
			Expect(err).NotTo(HaveOccurred())
			var tokens []string
			for r := range tseq {
				Expect(r.Outcome).To(Equal(facade.FlowDone))
				Expect(r.Index).To(Equal(len(tokens)))
				tokens = append(tokens, r.Tokens["nondeterministic_string"])
			}
			Expect(tokens).To(HaveLen(75))
			Expect(e.srv.Count("FlowDBTokenize")).To(Equal(4))

			dseq, err := e.db.BulkDetokenize(ctx, facade.FlowBulkDetokenizeRequest{Tokens: slices.Values(append(tokens, "unknown", "")),
				TokenGroupRedactions: []facade.FlowTokenGroupRedaction{{TokenGroup: "nondeterministic_string", Redaction: "masked"}}})
			Expect(err).NotTo(HaveOccurred())
			n := 0
			for r := range dseq {
				switch r.Index {
				case 75:
					Expect(recordErr(r.Err).StatusCode).To(Equal(http.StatusNotFound))
				case 76:
					Expect(errors.Is(r.Err, skyflow.ErrValidation)).To(BeTrue())
				default:
					Expect(r.Value).To(Equal("XXXXX-" + strings.Repeat("X", len(itoa(r.Index)))))
				}
				n++
			}
			Expect(n).To(Equal(77))

			del, err := e.db.BulkDeleteTokens(ctx, facade.FlowBulkDeleteTokensRequest{Tokens: slices.Values(tokens[:10])})
			Expect(err).NotTo(HaveOccurred())
			for r := range del {
				Expect(r.Outcome).To(Equal(facade.FlowDone))
			}
		})

		It("stops at a broken loop and reports the rest not sent once ctx ends", func(ctx SpecContext) {
			seq, err := e.db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: slices.Values(customers(0, 200)), BatchSize: 10})
			Expect(err).NotTo(HaveOccurred())
			for r := range seq {
				if r.Index == 15 {
					break
				}
			}
			// Batch 2 was being reported; batch 3 may have been in flight
			// (one at a time), and no batch starts after the break.
			Expect(e.srv.Count("FlowDBInsert")).To(BeElementOf(2, 3), "no batch after the break")

			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			seq, err = e.db.BulkInsert(cctx, facade.FlowBulkInsertRequest{Table: "customers", Records: slices.Values(customers(500, 30)), BatchSize: 10})
			Expect(err).NotTo(HaveOccurred())
			for r := range seq {
				if r.Index == 9 {
					cancel()
				}
				// Batch 2 may have been sent while batch 1 was reported
				// (the engine reads ahead); batch 3 cannot have been.
				if r.Index >= 20 {
					Expect(r.Outcome).To(Equal(facade.FlowFailed))
					Expect(errors.Is(r.Err, skyflow.ErrNotSent)).To(BeTrue())
				}
			}
		})

		It("checks its settings before anything is sent", func(ctx SpecContext) {
			_, err := e.db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: slices.Values(customers(0, 1)), BatchSize: 1001})
			Expect(errors.Is(err, skyflow.ErrValidation)).To(BeTrue())
			_, err = e.db.BulkDetokenize(ctx, facade.FlowBulkDetokenizeRequest{Tokens: slices.Values([]string{"a"}), Concurrency: 11})
			Expect(errors.Is(err, skyflow.ErrValidation)).To(BeTrue())
			var nilSeq iter.Seq[string]
			_, err = e.db.BulkDeleteTokens(ctx, facade.FlowBulkDeleteTokensRequest{Tokens: nilSeq})
			Expect(errors.Is(err, skyflow.ErrValidation)).To(BeTrue())
		})
	})
})

var _ = Describe("Flow DB vaults through the emulator's proxy", func() {
	It("are reached on https://{cluster}.skyvault.skyflowapis.com with the production configuration", func(ctx SpecContext) {
		srv, err := mockserver.Start(mockserver.WithProxy("127.0.0.1:0"), mockserver.WithResponseValidation())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		Expect(srv.FlowDBURL()).To(Equal("https://" + srv.ClusterID() + ".skyvault.skyflowapis.com"))
		e := newFlowEnv(srv, facade.FlowDBConfig{VaultID: srv.FlowDBVaultID(), ClusterID: srv.ClusterID(),
			Credentials: &auth.Credentials{CredentialsJSON: srv.CredentialsJSON()}}, facade.WithHTTPClient(srv.HTTPClient()))
		resp, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: customers(0, 1)})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Records[0].Outcome).To(Equal(facade.FlowDone))
		Expect(srv.Count("GetAuthToken")).To(Equal(1), "the service-account token exchange of v2 vaults")

		// The v2 vault host does not serve the Flow DB API.
		v2 := newFlowEnv(srv, facade.FlowDBConfig{VaultID: srv.FlowDBVaultID(), BaseURL: srv.VaultURL(),
			Credentials: &auth.Credentials{APIKey: srv.APIKey()}}, facade.WithHTTPClient(srv.HTTPClient()))
		_, err = v2.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: customers(1, 1)})
		Expect(errors.Is(err, skyflow.ErrNotFound)).To(BeTrue(), "got %v", err)
		Expect(srv.Problems()).To(BeEmpty())
	})
})

var _ = Describe("A Flow DB vault that survives a restart (WithDataDir)", func() {
	It("keeps records and tokens", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		srv, err := mockserver.Start(mockserver.WithDataDir(dir))
		Expect(err).NotTo(HaveOccurred())
		key := srv.APIKey()
		e := newFlowEnv(srv, facade.FlowDBConfig{VaultID: srv.FlowDBVaultID(), BaseURL: srv.URL(), Credentials: &auth.Credentials{APIKey: key}})
		r := e.insert(ctx, facade.FlowRecord{Data: customer(1)})[0]
		tok, err := e.db.Tokenize(ctx, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: "kept", TokenGroups: []string{"deterministic_string"}}}})
		Expect(err).NotTo(HaveOccurred())
		srv.Close()

		srv, err = mockserver.Start(mockserver.WithDataDir(dir))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		e = newFlowEnv(srv, facade.FlowDBConfig{VaultID: srv.FlowDBVaultID(), BaseURL: srv.URL(), Credentials: &auth.Credentials{APIKey: key}})
		got, err := e.db.Get(ctx, facade.FlowGetRequest{Table: "customers", IDs: []string{r.SkyflowID}})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Records[0].Data).To(HaveKeyWithValue("name", "Customer 1"))
		det, err := e.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{
			r.Tokens["card_number"][0].Token, tok.Values[0].Tokens["deterministic_string"]}})
		Expect(err).NotTo(HaveOccurred())
		Expect(det.Tokens[0].Value).To(Equal(luhnCard(1)))
		Expect(det.Tokens[1].Value).To(Equal("kept"))
		again, err := e.db.Tokenize(ctx, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{{Value: "kept", TokenGroups: []string{"deterministic_string"}}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(again.Values[0].Tokens).To(Equal(tok.Values[0].Tokens), "a deterministic group remembers its tokens")
	})
})
