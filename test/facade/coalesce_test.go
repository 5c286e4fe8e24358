package facade_test

import (
	"context"
	"errors"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// The Coalescer's rules (issue 15), against the emulator. Batches are
// filled exactly (the window is an hour), so no spec depends on timing.
var _ = Describe("Coalescer", func() {
	const detokenize, tokenize = "TokenServiceDetokenize", "TokenServiceTokenize"
	var (
		e      *env
		tokens []map[string]string
	)
	BeforeEach(func(ctx SpecContext) {
		e = startEnv(nil)
		var records []map[string]any
		for i := range 8 {
			records = append(records, card(i+1))
		}
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: records, ReturnTokens: true})
		Expect(err).NotTo(HaveOccurred())
		tokens = nil
		for _, r := range resp.Inserted {
			tokens = append(tokens, r.Tokens)
		}
		e.srv.ResetCounts()
	})

	coalescer := func(maxTokens int) *facade.Coalescer {
		c, err := e.vault.Coalescer(facade.CoalescerOptions{Window: time.Hour, MaxTokens: maxTokens})
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	// parallel runs f(i) on n goroutines and waits for all.
	parallel := func(n int, f func(i int)) {
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				f(i)
			}()
		}
		wg.Wait()
	}
	redactions := []facade.RedactionType{facade.RedactionPlainText, facade.RedactionMasked, facade.RedactionRedacted, facade.RedactionDefault}

	It("sends concurrent calls as one request and gives each caller its own values, redactions mixed", func(ctx SpecContext) {
		c := coalescer(8)
		got := make([]*facade.DetokenizeResponse, 8)
		parallel(8, func(i int) {
			var err error
			got[i], err = c.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
				{Token: tokens[i]["card_number"], Redaction: redactions[i%4]},
			}})
			Expect(err).NotTo(HaveOccurred())
		})
		Expect(e.srv.Count(detokenize)).To(Equal(1))
		for i := range 8 {
			want, err := e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
				{Token: tokens[i]["card_number"], Redaction: redactions[i%4]},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(got[i].Records).To(Equal(want.Records), "caller %d", i)
			Expect(got[i].Errors).To(BeEmpty())
		}
		Expect(got[0].Records[0].Value).To(Equal(luhnCard(1)))
		Expect(got[1].Records[0].Value).To(Equal("XXXXXXXXXXXX" + luhnCard(2)[12:]))
	})

	It("fails a token only for its caller, with the error an uncoalesced call gets", func(ctx SpecContext) {
		c := coalescer(4)
		var (
			coe, fine       *facade.DetokenizeResponse
			errNoCOE, errOK error
		)
		parallel(3, func(i int) {
			var err error
			switch i {
			case 0:
				coe, err = c.Detokenize(ctx, facade.DetokenizeRequest{ContinueOnError: true, Tokens: []facade.DetokenizeToken{
					{Token: "not-a-token"}, {Token: tokens[0]["email"], Redaction: facade.RedactionPlainText},
				}})
				Expect(err).NotTo(HaveOccurred())
			case 1:
				_, errNoCOE = c.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "also-not-a-token"}}})
			case 2:
				fine, errOK = c.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
					{Token: tokens[1]["email"], Redaction: facade.RedactionPlainText},
				}})
			}
		})
		Expect(errOK).NotTo(HaveOccurred())
		Expect(fine.Records[0].Value).To(Equal("holder2@example.com"))

		Expect(coe.Records).To(HaveLen(1))
		Expect(coe.Records[0].Index).To(Equal(1))
		Expect(coe.Records[0].Value).To(Equal("holder1@example.com"))
		Expect(coe.Errors).To(HaveLen(1))
		Expect(coe.Errors[0].Index).To(Equal(0))
		Expect(coe.Errors[0].RequestID).To(Equal(coe.RequestID))

		_, direct := e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "also-not-a-token"}}})
		var got, want *skyflow.APIError
		Expect(errors.As(errNoCOE, &got)).To(BeTrue(), "%v", errNoCOE)
		Expect(errors.As(direct, &want)).To(BeTrue())
		Expect(got.StatusCode).To(Equal(want.StatusCode))
		Expect(got.Message).To(Equal(want.Message))
		// The batch, then the failing caller's own request.
		Expect(e.srv.Count(detokenize)).To(Equal(3))
	})

	It("ends only the wait of a caller whose context ends", func(ctx SpecContext) {
		e.srv.InjectFault(detokenize, mockserver.Fault{Delay: 300 * time.Millisecond})
		c := coalescer(3)
		cctx, cancel := context.WithCancel(ctx)
		cancelled := make(chan error, 1)
		go func() {
			_, err := c.Detokenize(cctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: tokens[0]["email"]}}})
			cancelled <- err
		}()
		others := make(chan error, 2)
		for i := 1; i <= 2; i++ {
			go func() {
				resp, err := c.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
					{Token: tokens[i]["email"], Redaction: facade.RedactionPlainText},
				}})
				if err == nil && resp.Records[0].Value != "holder"+itoa(i+1)+"@example.com" {
					err = errors.New("wrong value")
				}
				others <- err
			}()
		}
		Eventually(func() int { return e.srv.Count(detokenize) }).Should(Equal(1)) // the batch is at the emulator
		cancel()
		err := <-cancelled
		Expect(err).To(MatchError(context.Canceled))
		var te *skyflow.TransportError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(<-others).To(Succeed())
		Expect(<-others).To(Succeed())
		Expect(e.srv.Count(detokenize)).To(Equal(1))
	})

	It("retries a failed batch once for all its callers", func(ctx SpecContext) {
		e.srv.InjectFault(detokenize, mockserver.Fault{Status: 503})
		c := coalescer(4)
		parallel(4, func(i int) {
			resp, err := c.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
				{Token: tokens[i]["email"], Redaction: facade.RedactionPlainText},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Records[0].Value).To(Equal("holder" + itoa(i+1) + "@example.com"))
		})
		Expect(e.srv.Count(detokenize)).To(Equal(2))
	})

	It("hands a failure of the whole batch to every caller, once", func(ctx SpecContext) {
		e.srv.InjectFault(detokenize, mockserver.Fault{Status: 500})
		c := coalescer(4)
		parallel(4, func(i int) {
			_, err := c.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: tokens[i]["email"]}}})
			var ae *skyflow.APIError
			Expect(errors.As(err, &ae)).To(BeTrue(), "%v", err)
			Expect(ae.StatusCode).To(Equal(500))
		})
		Expect(e.srv.Count(detokenize)).To(Equal(1))
	})

	It("tokenizes concurrent calls in one request", func(ctx SpecContext) {
		c := coalescer(6)
		parallel(3, func(i int) {
			resp, err := c.Tokenize(ctx, facade.TokenizeRequest{Values: []facade.TokenizeValue{
				{Value: luhnCard(i + 1), ColumnGroup: "card_number_group"},
				{Value: "holder" + itoa(i+1) + "@example.com", ColumnGroup: "email_group"},
			}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Tokens).To(Equal([]string{tokens[i]["card_number"], tokens[i]["email"]}))
		})
		Expect(e.srv.Count(tokenize)).To(Equal(1))
	})

	It("fails a value the vault does not hold only for its caller", func(ctx SpecContext) {
		c := coalescer(3)
		errs := make([]error, 3)
		got := make([]*facade.TokenizeResponse, 3)
		parallel(3, func(i int) {
			value := luhnCard(i + 1)
			if i == 1 {
				value = luhnCard(999)
			}
			got[i], errs[i] = c.Tokenize(ctx, facade.TokenizeRequest{Values: []facade.TokenizeValue{{Value: value, ColumnGroup: "card_number_group"}}})
		})
		Expect(errs[0]).NotTo(HaveOccurred())
		Expect(got[0].Tokens).To(Equal([]string{tokens[0]["card_number"]}))
		Expect(errs[2]).NotTo(HaveOccurred())
		Expect(got[2].Tokens).To(Equal([]string{tokens[2]["card_number"]}))
		_, direct := e.vault.Tokenize(ctx, facade.TokenizeRequest{Values: []facade.TokenizeValue{{Value: luhnCard(999), ColumnGroup: "card_number_group"}}})
		var ae, want *skyflow.APIError
		Expect(errors.As(errs[1], &ae)).To(BeTrue(), "%v", errs[1])
		Expect(errors.As(direct, &want)).To(BeTrue())
		Expect(ae.StatusCode).To(Equal(want.StatusCode))
		Expect(ae.Message).To(Equal(want.Message))
		// The refused batch, then each caller on its own, then the direct call.
		Expect(e.srv.Count(tokenize)).To(Equal(5))
	})
})
