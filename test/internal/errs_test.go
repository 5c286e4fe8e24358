package internal_test

import (
	"errors"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/internal/errs"
)

var _ = Describe("the error decoder", func() {
	hdr := http.Header{"X-Request-Id": {"req-7"}}

	It("reads the standard error object", func() {
		e := errs.Decode(403, hdr, []byte(`{"error":{"grpc_code":7,"http_code":403,"http_status":"Forbidden","message":"no access","details":[{"k":"v"}]}}`))
		Expect(e.StatusCode).To(Equal(403))
		Expect(e.GRPCCode).To(Equal(7))
		Expect(e.HTTPStatus).To(Equal("Forbidden"))
		Expect(e.Message).To(Equal("no access"))
		Expect(e.Details).To(Equal([]map[string]any{{"k": "v"}}))
		Expect(e.RequestID).To(Equal("req-7"))
		Expect(errors.Is(e, errs.ErrForbidden)).To(BeTrue())
		Expect(errors.Is(e, errs.ErrNotFound)).To(BeFalse())
		Expect(e.Error()).To(Equal("skyflow: 403 Forbidden: no access (request id req-7)"))
	})

	It("uses the HTTP status, not the body's http_code, as the status", func() {
		e := errs.Decode(500, nil, []byte(`{"error":{"grpc_code":3,"http_code":400,"http_status":"Bad Request","message":"m"}}`))
		Expect(e.StatusCode).To(Equal(500))
		Expect(e.HTTPStatus).To(Equal("Bad Request"))
	})

	It("reads a plain-string error", func() {
		e := errs.Decode(404, hdr, []byte(`{"error":"record not found"}`))
		Expect(e.Message).To(Equal("record not found"))
		Expect(e.HTTPStatus).To(Equal("Not Found"))
		Expect(errors.Is(e, errs.ErrNotFound)).To(BeTrue())
	})

	It("joins the failures of a batch-style body", func() {
		e := errs.Decode(400, nil, []byte(`{"responses":[{"Status":200,"Body":{}},{"Status":400,"Body":{"error":"bad a"}},{"Status":409,"Body":{"error":"dup b"}}]}`))
		Expect(e.Message).To(Equal("bad a; dup b"))
	})

	DescribeTable("survives bodies that are not the error schema",
		func(status int, body string, wantMessage string) {
			e := errs.Decode(status, nil, []byte(body))
			Expect(e.StatusCode).To(Equal(status))
			Expect(e.Message).To(Equal(wantMessage))
		},
		Entry("empty", 502, "", "bad gateway"),
		Entry("html from a proxy", 503, "<html><body>down</body></html>", "service unavailable"),
		Entry("plain text", 500, "upstream timed out\n", "upstream timed out"),
		Entry("truncated JSON", 400, `{"error":{"message":"x"`, `{"error":{"message":"x"`),
		Entry("error of the wrong type", 400, `{"error":42}`, "bad request"),
		Entry("binary", 500, "\x00\x01\x02", "internal server error"),
		Entry("unknown status", 599, "", "unexpected status 599"),
	)

	It("matches rate limiting and unauthorized sentinels and knows what is retryable", func() {
		Expect(errors.Is(errs.Decode(429, nil, nil), errs.ErrRateLimited)).To(BeTrue())
		Expect(errors.Is(errs.Decode(401, nil, nil), errs.ErrUnauthorized)).To(BeTrue())
		Expect(errs.Decode(503, nil, nil).Retryable()).To(BeTrue())
		Expect(errs.Decode(400, nil, nil).Retryable()).To(BeFalse())
	})

	It("makes validation errors match ErrValidation and name the field", func() {
		err := error(errs.Invalid("Values[2]", "has an empty column name"))
		Expect(errors.Is(err, errs.ErrValidation)).To(BeTrue())
		Expect(err.Error()).To(Equal("skyflow: invalid Values[2]: has an empty column name"))
	})
})
