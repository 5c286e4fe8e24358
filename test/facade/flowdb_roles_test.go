package facade_test

import (
	"errors"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Flow DB vaults with a role that limits the token", func() {
	It("report a refused token as FlowFailed with a 403 *skyflow.RecordError, and a refused request as a 403 *skyflow.APIError", func(ctx SpecContext) {
		cfg := mockserver.DefaultConfig()
		cfg.ServiceAccounts[0].Roles = []string{"support"}
		cfg.Roles = []mockserver.RoleConfig{{ID: "support", Tables: map[string]mockserver.TablePermissions{
			"customers": {Operations: []string{"read", "detokenize"}, MaxRedaction: "MASKED"},
		}}}
		admin := startFlowEnv(nil, mockserver.WithConfig(cfg))
		seeded, err := admin.db.Insert(ctx, facade.FlowInsertRequest{Records: []facade.FlowRecord{
			{Table: "customers", Data: map[string]any{"name": "John Smith", "email": "john@example.com"}},
			{Table: "orders", Data: map[string]any{"order_ref": "o-1", "customer_email": "john@example.com"}},
		}})
		Expect(err).NotTo(HaveOccurred())
		name, email := seeded.Records[0].Tokens["name"][0].Token, seeded.Records[1].Tokens["customer_email"][0].Token

		support := newFlowEnv(admin.srv, facade.FlowDBConfig{VaultID: admin.srv.FlowDBVaultID(), BaseURL: admin.srv.URL(),
			Credentials: &auth.Credentials{CredentialsJSON: admin.srv.CredentialsJSON(), Roles: []string{"support"}}})
		det, err := support.db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{name, email}})
		Expect(err).NotTo(HaveOccurred())
		Expect(det.Tokens[0].Outcome).To(Equal(facade.FlowDone))
		Expect(det.Tokens[0].Value).To(Equal("XXXX XXXXX"), "capped at MASKED")
		Expect(det.Tokens[1].Outcome).To(Equal(facade.FlowFailed))
		Expect(det.Tokens[1].Value).To(BeNil())
		re := recordErr(det.Tokens[1].Err)
		Expect(re.StatusCode).To(Equal(http.StatusForbidden))
		Expect(re.Message).To(And(ContainSubstring("detokenize"), ContainSubstring("orders")))

		_, err = support.db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: []facade.FlowRecord{
			{Data: map[string]any{"email": "jane@example.com"}}}})
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue(), "got %v", err)
		Expect(apiErr.StatusCode).To(Equal(http.StatusForbidden))
		Expect(err).To(MatchError(skyflow.ErrForbidden))
		Expect(facade.FlowOutcomeOf(err)).To(Equal(facade.FlowFailed), "a refused insert wrote nothing")
	})
})
