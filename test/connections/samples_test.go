package connections_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/facade"
)

// The Go equivalent of the Connections sample of the Python SDK's README,
// run against the emulator's demo connection (route /cards/{card_id}).
var _ = Describe("the README's Connections sample", func() {
	It("Invoke a connection", func(ctx SpecContext) {
		e := startEnv()
		connection, err := e.client.Connection("") // the first connection configured
		Expect(err).NotTo(HaveOccurred())

		response, err := connection.Invoke(ctx, facade.InvokeRequest{
			Method:      "POST",
			Body:        map[string]any{"card_number": "4111111111111111"},
			Headers:     map[string]string{"X-Merchant-Id": "merchant-1"},
			PathParams:  map[string]string{"card_id": "card-123"},
			QueryParams: map[string]any{"amount": 10.5},
		})
		Expect(err).NotTo(HaveOccurred())
		GinkgoWriter.Printf("Connection response: %v (request id %s)\n", response.Data, response.RequestID)

		ec := echoOf(response)
		Expect(ec.Method).To(Equal("POST"))
		Expect(ec.Body).To(Equal(map[string]any{"card_number": "4111111111111111"}))
		Expect(ec.Headers).To(HaveKeyWithValue("X-Merchant-Id", []string{"merchant-1"}))
		Expect(ec.PathParams).To(Equal(map[string]string{"card_id": "card-123"}))
		Expect(ec.Query).To(Equal(map[string][]string{"amount": {"10.5"}}))
	})
})
