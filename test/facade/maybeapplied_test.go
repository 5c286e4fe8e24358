package facade_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// With RetryNonIdempotent, a write whose answer was lost after the vault
// applied it is sent again, and the retry's answer refuses the elements
// the first attempt wrote (a duplicate, a token already gone). Those
// elements may have been applied: Unknown, never failed or not written.
var _ = Describe("a write retried after an answer lost once applied", func() {
	retrying := facade.WithRetryPolicy(facade.RetryPolicy{MaxRetries: 2, InitialBackoff: fastRetries.InitialBackoff,
		MaxBackoff: fastRetries.MaxBackoff, RetryNonIdempotent: true})

	It("reports a Flow DB insert's refused element as unknown", func(ctx SpecContext) {
		e := startFlowEnv([]facade.Option{retrying})
		e.srv.InjectFault("FlowDBInsert", mockserver.Fault{CloseAfterCommit: true})
		resp, err := e.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: customers(0, 1)})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Records[0].Outcome).To(Equal(facade.FlowUnknown), "%v", resp.Records[0].Err)
		Expect(skyflow.MaybeApplied(resp.Records[0].Err)).To(BeTrue())
		Expect(e.srv.Count("FlowDBInsert")).To(Equal(2))
	})

	It("reports a Flow DB token deletion's refused element as unknown", func(ctx SpecContext) {
		e := startFlowEnv([]facade.Option{retrying})
		tr, err := e.db.Tokenize(ctx, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{
			{Value: "4111111111111111", TokenGroups: []string{"nondeterministic_string"}}}})
		Expect(err).NotTo(HaveOccurred())
		tok := tr.Values[0].Tokens["nondeterministic_string"]
		e.srv.InjectFault("FlowDBDeleteTokens", mockserver.Fault{CloseAfterCommit: true})
		resp, err := e.db.DeleteTokens(ctx, facade.FlowDeleteTokensRequest{Tokens: []string{tok}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Tokens[0].Outcome).To(Equal(facade.FlowUnknown), "%v", resp.Tokens[0].Err)
	})

	It("reports a continue-on-error bulk insert's refused record as unknown", func(ctx SpecContext) {
		srv, err := mockserver.Start(mockserver.WithResponseValidation())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		e := newEnv(srv, &auth.Credentials{APIKey: srv.APIKey()}, retrying)
		srv.InjectFault("RecordServiceBatchOperation", mockserver.Fault{CloseAfterCommit: true})
		seq, err := e.vault.BulkInsert(ctx, facade.BulkInsertRequest{Table: "table1", ContinueOnError: true,
			Records: facade.BulkFields(func(yield func(map[string]any) bool) { yield(card(1)) })})
		Expect(err).NotTo(HaveOccurred())
		for r := range seq {
			Expect(r.Outcome).To(Equal(facade.Unknown), "%v", r.Err)
			var re *skyflow.RecordError
			Expect(r.Err).To(BeAssignableToTypeOf(re))
			Expect(r.Err.(*skyflow.RecordError).StatusCode).To(Equal(http.StatusConflict))
		}
		Expect(srv.Records("table1")).To(HaveLen(1))
	})
})
