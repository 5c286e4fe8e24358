package auth_test

import (
	"context"
	"errors"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/ghttp"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/gen/connection"
	"github.com/skyflowgo/skyflow/gen/detect"
	"github.com/skyflowgo/skyflow/gen/oauth"
	"github.com/skyflowgo/skyflow/gen/vault"
)

// The editors are plain funcs, assignable to every generated RequestEditorFn.
var (
	_ vault.RequestEditorFn      = auth.BearerEditor(nil)
	_ detect.RequestEditorFn     = auth.BearerEditor(nil)
	_ oauth.RequestEditorFn      = auth.BearerEditor(nil)
	_ connection.RequestEditorFn = auth.ConnectionEditor(nil)
)

// sourceFunc adapts a func to auth.TokenSource, the way a user plugs in
// tokens from their own secret manager.
type sourceFunc func(ctx context.Context) (string, error)

func (f sourceFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

var _ = Describe("request editors", func() {
	var server *ghttp.Server

	BeforeEach(func() {
		server = ghttp.NewServer()
		DeferCleanup(server.Close)
	})

	It("BearerEditor sets Authorization: Bearer <token> on a generated client's request", func() {
		ts, err := auth.APIKeySource(goodAPIKey)
		Expect(err).NotTo(HaveOccurred())
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodPost, tokenPath),
			ghttp.VerifyHeaderKV("Authorization", "Bearer "+goodAPIKey),
			ghttp.RespondWith(http.StatusOK, `{}`),
		))
		client, err := oauth.NewClient(server.URL(), oauth.WithRequestEditorFn(auth.BearerEditor(ts)))
		Expect(err).NotTo(HaveOccurred())
		resp, err := client.GetAuthToken(context.Background(), oauth.V1GetAuthTokenRequest{})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(server.ReceivedRequests()).To(HaveLen(1))
	})

	It("ConnectionEditor sets x-skyflow-authorization without the Bearer prefix", func() {
		var seenCtx context.Context
		type key struct{}
		ts := sourceFunc(func(ctx context.Context) (string, error) { seenCtx = ctx; return "plain-token", nil })
		server.AppendHandlers(ghttp.CombineHandlers(
			ghttp.VerifyRequest(http.MethodGet, "/v1/gateway/outboundRoutes/conn-1/route-1"),
			ghttp.VerifyHeaderKV("X-Skyflow-Authorization", "plain-token"),
			func(_ http.ResponseWriter, r *http.Request) {
				Expect(r.Header.Values("Authorization")).To(BeEmpty())
			},
			ghttp.RespondWith(http.StatusOK, `{}`),
		))
		client, err := connection.NewClient(server.URL(), connection.WithRequestEditorFn(auth.ConnectionEditor(ts)))
		Expect(err).NotTo(HaveOccurred())
		ctx := context.WithValue(context.Background(), key{}, "call-ctx")
		resp, err := client.InvokeConnectionGet(ctx, "conn-1", "route-1")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		Expect(server.ReceivedRequests()).To(HaveLen(1))
		Expect(seenCtx.Value(key{})).To(Equal("call-ctx"), "the source gets the request's context")
	})

	It("aborts the request when the token source fails", func() {
		boom := errors.New("secret manager unavailable")
		ts := sourceFunc(func(context.Context) (string, error) { return "", boom })
		client, err := oauth.NewClient(server.URL(), oauth.WithRequestEditorFn(auth.BearerEditor(ts)))
		Expect(err).NotTo(HaveOccurred())
		_, err = client.GetAuthToken(context.Background(), oauth.V1GetAuthTokenRequest{})
		Expect(err).To(MatchError(boom))
		Expect(server.ReceivedRequests()).To(BeEmpty())
	})

	It("aborts on an expired static token with ErrTokenExpired", func() {
		clock := newClock()
		tok := hsToken(claims{"exp": clock.Now().Add(time.Second).Unix()})
		ts, err := auth.StaticTokenSource(tok, auth.WithClock(clock.Now))
		Expect(err).NotTo(HaveOccurred())
		clock.Advance(time.Second)
		req, _ := http.NewRequest(http.MethodGet, server.URL(), nil)
		err = auth.BearerEditor(ts)(context.Background(), req)
		Expect(errors.Is(err, auth.ErrTokenExpired)).To(BeTrue())
		Expect(req.Header.Get("Authorization")).To(BeEmpty())
	})

	It("refuses a nil source and an empty token", func() {
		req, _ := http.NewRequest(http.MethodGet, server.URL(), nil)
		Expect(auth.BearerEditor(nil)(context.Background(), req)).NotTo(Succeed())
		empty := sourceFunc(func(context.Context) (string, error) { return "", nil })
		Expect(auth.ConnectionEditor(empty)(context.Background(), req)).NotTo(Succeed())
		Expect(req.Header).To(BeEmpty())
	})
})
