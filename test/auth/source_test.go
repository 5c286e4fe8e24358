package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
)

var _ = Describe("ServiceAccountSource", func() {
	var (
		clock *fakeClock
		ep    *tokenEndpoint
		ctx   context.Context
		logs  *syncBuffer
		opts  []auth.Option
	)

	BeforeEach(func() {
		clock = newClock()
		ep = newTokenEndpoint(clock)
		ctx = context.Background()
		lg, buf := newCapturedLogger()
		logs = buf
		opts = []auth.Option{auth.WithClock(clock.Now), auth.WithLogger(lg)}
	})

	newSource := func(extra ...auth.Option) *auth.ServiceAccountSource {
		GinkgoHelper()
		ts, err := auth.NewTokenSource(auth.Credentials{CredentialsJSON: credsJSON(ep.tokenURI()), Roles: []string{"r1"}},
			append(append([]auth.Option(nil), opts...), extra...)...)
		Expect(err).NotTo(HaveOccurred())
		return ts.(*auth.ServiceAccountSource)
	}

	token := func(ts auth.TokenSource) string {
		GinkgoHelper()
		tok, err := ts.Token(ctx)
		Expect(err).NotTo(HaveOccurred())
		return tok
	}

	// issued returns the i-th access token the endpoint issued, waiting for
	// it to exist.
	issued := func(i int) string {
		GinkgoHelper()
		Eventually(ep.issuedTokens).Should(HaveLen(i + 1))
		return ep.issuedTokens()[i]
	}

	It("exchanges lazily and then answers from its cache", func() {
		ep.serveTokens()
		ts := newSource()
		Expect(ep.count()).To(BeZero(), "no exchange before the first Token call")
		first := token(ts)
		Expect(first).To(Equal(issued(0)))
		for range 50 {
			Expect(token(ts)).To(Equal(first))
		}
		Expect(ep.count()).To(Equal(1))
		Expect(ep.lastBody()).To(HaveKeyWithValue("scope", "role:r1"))
	})

	It("runs exactly one exchange for 200 goroutines asking at once", func() {
		ep.serveTokens()
		release := ep.hold()
		ts := newSource()

		const n = 200
		var (
			entered atomic.Int32
			start   = make(chan struct{})
			wg      sync.WaitGroup
			results = make([]string, n)
			errs    = make([]error, n)
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				<-start
				entered.Add(1)
				results[i], errs[i] = ts.Token(ctx)
			}()
		}
		close(start)
		Eventually(entered.Load).Should(Equal(int32(n)))
		Eventually(ep.count).Should(Equal(1))
		release()
		wg.Wait()

		want := issued(0)
		for i := range n {
			Expect(errs[i]).NotTo(HaveOccurred())
			Expect(results[i]).To(Equal(want))
		}
		Expect(ep.count()).To(Equal(1))
		Expect(token(ts)).To(Equal(want))
		Expect(ep.count()).To(Equal(1))
	})

	It("does not cache a failed exchange: the next caller retries", func() {
		ep.serveSequence(
			respondError(http.StatusInternalServerError, skyflowError(500, 13, "Internal Server Error", "boom"), "req-500"),
			ep.issue)
		ts := newSource()

		_, err := ts.Token(ctx)
		var apiErr *skyflow.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue(), "got %v", err)
		Expect(apiErr.StatusCode).To(Equal(500))
		Expect(apiErr.RequestID).To(Equal("req-500"))
		Expect(ep.count()).To(Equal(1))

		Expect(token(ts)).To(Equal(issued(0)))
		Expect(ep.count()).To(Equal(2))
		Expect(token(ts)).To(Equal(issued(0)))
		Expect(ep.count()).To(Equal(2))
		Expect(logs.String()).To(ContainSubstring("service-account token refresh failed"))
	})

	It("gives every waiter of a failed exchange the error, then recovers", func() {
		gate := make(chan struct{})
		ep.serveSequence(func(w http.ResponseWriter, r *http.Request) {
			<-gate
			respondError(http.StatusUnauthorized, skyflowError(401, 16, "Unauthorized", "key revoked"), "req-x")(w, r)
		}, ep.issue)
		ts := newSource()

		const n = 20
		errCh := make(chan error, n)
		for range n {
			go func() { _, err := ts.Token(ctx); errCh <- err }()
		}
		Eventually(ep.count).Should(Equal(1))
		close(gate)
		for range n {
			var err error
			Eventually(errCh).Should(Receive(&err))
			Expect(errors.Is(err, skyflow.ErrUnauthorized)).To(BeTrue(), "got %v", err)
		}
		Expect(ep.count()).To(BeNumerically("<=", 2), "late arrivals may already start the retry")
		Expect(token(ts)).To(Equal(issued(0)))
	})

	Describe("expiry", func() {
		It("refreshes a short-lived token before it expires, and never returns an expired one", func() {
			ep.lifetime = 30 * time.Second // default window: a fifth, 6 s
			ep.serveTokens()
			ts := newSource()

			t1 := token(ts)
			clock.Advance(23 * time.Second) // 7 s left: outside the window
			Expect(token(ts)).To(Equal(t1))
			Expect(ep.count()).To(Equal(1))

			clock.Advance(2 * time.Second) // 5 s left: inside the window, still valid
			Expect(token(ts)).To(Equal(t1), "the valid token is served while the refresh runs")
			Eventually(ep.count).Should(Equal(2))
			t2 := issued(1)
			Eventually(func() string { return token(ts) }).Should(Equal(t2))
			Expect(ep.count()).To(Equal(2))
			Expect(logs.String()).To(ContainSubstring("service-account token refreshed"))

			// t2 expires at +55 s. Past it, a caller must wait for a new
			// token rather than get t2.
			release := ep.hold()
			clock.Advance(31 * time.Second)
			cctx, cancel := context.WithCancel(ctx)
			got := make(chan string, 1)
			go func() {
				tok, err := ts.Token(cctx)
				if err != nil {
					tok = "error: " + err.Error()
				}
				got <- tok
			}()
			Eventually(ep.count).Should(Equal(3))
			cancel()
			Eventually(got).Should(Receive(Equal("error: " + context.Canceled.Error())))

			// The exchange carried on without the cancelled caller and its
			// token is cached for the next one.
			release()
			t3 := issued(2)
			Eventually(func() string { return token(ts) }).Should(Equal(t3))
			Expect(ep.count()).To(Equal(3))
		})

		DescribeTable("refreshes early with a configured window, capped at half the lifetime",
			func(window, quiet, due time.Duration) {
				ep.serveTokens()
				ts := newSource(auth.WithRefreshWindow(window))
				t1 := token(ts)
				clock.Advance(quiet)
				Expect(token(ts)).To(Equal(t1))
				Expect(ep.count()).To(Equal(1))
				clock.Advance(due - quiet)
				Expect(token(ts)).To(Equal(t1))
				Eventually(ep.count).Should(Equal(2))
				Eventually(func() string { return token(ts) }).Should(Equal(issued(1)))
			},
			Entry("20 min window on a 1 h token", 20*time.Minute, 39*time.Minute, 41*time.Minute),
			Entry("50 min window capped to 30 min", 50*time.Minute, 29*time.Minute, 31*time.Minute),
			Entry("default: 5 min on a 1 h token", time.Duration(0), 54*time.Minute, 56*time.Minute),
		)

		It("keeps serving the valid token when a refresh fails, and retries", func() {
			ep.serveSequence(ep.issue,
				respondError(http.StatusServiceUnavailable, skyflowError(503, 14, "Service Unavailable", "try later"), "req-503"),
				ep.issue)
			ts := newSource()
			t1 := token(ts)
			clock.Advance(56 * time.Minute)
			Expect(token(ts)).To(Equal(t1))
			Eventually(ep.count).Should(Equal(2))
			// Every call inside the window still gets a valid token (t1, or
			// the new one once it arrived) and starts a retry.
			Eventually(func() int {
				Expect(token(ts)).To(BeElementOf(t1, lastIssued(ep)))
				return ep.count()
			}).Should(Equal(3))
			Eventually(func() string { return token(ts) }).Should(Equal(issued(1)))
			Expect(logs.String()).To(ContainSubstring("try later"))
		})

		It("caches a token without a readable exp for a short fallback lifetime", func() {
			var n atomic.Int32
			ep.RouteToHandler(http.MethodPost, tokenPath, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = fmt.Fprintf(w, `{"accessToken":"opaque-%d"}`, n.Add(1))
			})
			ts := newSource()
			Expect(token(ts)).To(Equal("opaque-1"))
			Expect(token(ts)).To(Equal("opaque-1"))
			Expect(ep.count()).To(Equal(1))
			Expect(logs.String()).To(ContainSubstring("no usable expiry"))
			clock.Advance(5 * time.Minute)
			Eventually(func() string { return token(ts) }).Should(Equal("opaque-2"))
		})
	})

	Describe("Invalidate", func() {
		It("drops only the token it is given, if still cached", func() {
			ep.serveTokens()
			ts := newSource()
			var _ auth.Invalidator = ts

			t1 := token(ts)
			ts.Invalidate("some-other-token")
			Expect(token(ts)).To(Equal(t1))
			Expect(ep.count()).To(Equal(1))

			ts.Invalidate(t1)
			t2 := token(ts)
			Expect(t2).NotTo(Equal(t1))
			Expect(t2).To(Equal(issued(1)))
			Expect(ep.count()).To(Equal(2))

			// A late 401 for the old token must not throw away the new one.
			ts.Invalidate(t1)
			Expect(token(ts)).To(Equal(t2))
			Expect(ep.count()).To(Equal(2))
		})
	})

	Describe("context", func() {
		It("lets a waiter give up without failing the others", func() {
			ep.serveTokens()
			release := ep.hold()
			ts := newSource()

			actx, cancelA := context.WithCancel(ctx)
			aDone := make(chan error, 1)
			bDone := make(chan string, 1)
			go func() { _, err := ts.Token(actx); aDone <- err }()
			go func() {
				defer GinkgoRecover()
				tok, err := ts.Token(ctx)
				Expect(err).NotTo(HaveOccurred())
				bDone <- tok
			}()
			Eventually(ep.count).Should(Equal(1))
			cancelA()
			Eventually(aDone).Should(Receive(MatchError(context.Canceled)))
			Expect(bDone).NotTo(Receive(), "the other waiter is still waiting")

			release()
			Eventually(bDone).Should(Receive(Equal(issued(0))))
			Expect(ep.count()).To(Equal(1))
		})

		It("returns ctx.Err() without an exchange when the context is already done", func() {
			ep.serveTokens()
			ts := newSource()
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := ts.Token(cctx)
			Expect(err).To(MatchError(context.Canceled))
			Expect(ep.count()).To(BeZero())
		})
	})

	It("uses the injected HTTP client", func() {
		ep.serveTokens()
		counter := &countingDoer{next: http.DefaultClient}
		ts := newSource(auth.WithHTTPClient(counter))
		token(ts)
		token(ts)
		Expect(counter.n.Load()).To(Equal(int64(1)))
	})

	It("rejects bad scopes", func() {
		_, err := auth.NewTokenSource(auth.Credentials{CredentialsJSON: credsJSON(httpsURI), Context: map[string]any{"a-b": 1}})
		expectValidationError(err, auth.ErrInvalidContextKey, `Context["a-b"]`)
		_, err = auth.NewTokenSource(auth.Credentials{CredentialsJSON: credsJSON(httpsURI), Roles: []string{"ok", "not ok"}})
		expectValidationError(err, auth.ErrInvalidRole, "Roles[1]")
	})
})

// lastIssued returns the most recent token issued by ep, or "".
func lastIssued(ep *tokenEndpoint) string {
	all := ep.issuedTokens()
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}

var _ = Describe("StaticTokenSource", func() {
	var clock *fakeClock
	BeforeEach(func() { clock = newClock() })

	It("returns the token until it expires, then ErrTokenExpired on every call", func() {
		tok := hsToken(claims{"exp": clock.Now().Add(time.Minute).Unix()})
		ts, err := auth.StaticTokenSource(tok, auth.WithClock(clock.Now))
		Expect(err).NotTo(HaveOccurred())
		got, err := ts.Token(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(tok))

		clock.Advance(time.Minute)
		for range 2 {
			_, err = ts.Token(context.Background())
			ve := expectValidationError(err, auth.ErrTokenExpired, "Token")
			Expect(ve.Reason).To(ContainSubstring("expired"))
		}
		_, isInvalidator := ts.(auth.Invalidator)
		Expect(isInvalidator).To(BeFalse())
	})

	It("refuses an expired or unreadable token at construction", func() {
		expired := hsToken(claims{"exp": clock.Now().Add(-time.Second).Unix()})
		_, err := auth.StaticTokenSource(expired, auth.WithClock(clock.Now))
		expectValidationError(err, auth.ErrTokenExpired, "Token")
		_, err = auth.StaticTokenSource("opaque", auth.WithClock(clock.Now))
		expectValidationError(err, auth.ErrInvalidToken, "Token")
	})
})

var _ = Describe("APIKeySource", func() {
	It("returns the key", func() {
		ts, err := auth.APIKeySource(goodAPIKey)
		Expect(err).NotTo(HaveOccurred())
		Expect(ts.Token(context.Background())).To(Equal(goodAPIKey))
	})
})

var _ = Describe("NewTokenSource", func() {
	var (
		clock *fakeClock
		ep    *tokenEndpoint
		ctx   = context.Background()
	)
	BeforeEach(func() {
		clock = newClock()
		ep = newTokenEndpoint(clock)
		ep.serveTokens()
	})

	noEnv := auth.WithEnvLookup(func(string) (string, bool) { return "", false })

	It("picks the API key source", func() {
		ts, err := auth.NewTokenSource(auth.Credentials{APIKey: goodAPIKey}, noEnv)
		Expect(err).NotTo(HaveOccurred())
		Expect(ts.Token(ctx)).To(Equal(goodAPIKey))
	})

	It("picks the static token source, which honours the clock", func() {
		tok := hsToken(claims{"exp": clock.Now().Add(time.Minute).Unix()})
		ts, err := auth.NewTokenSource(auth.Credentials{Token: tok}, auth.WithClock(clock.Now))
		Expect(err).NotTo(HaveOccurred())
		Expect(ts.Token(ctx)).To(Equal(tok))
		clock.Advance(2 * time.Minute)
		_, err = ts.Token(ctx)
		Expect(errors.Is(err, auth.ErrTokenExpired)).To(BeTrue())
	})

	It("builds a service-account source from a file, parsed once, with roles and ctx", func() {
		path := writeTemp("creds.json", toJSON(saFields(ep.tokenURI(), pkcs1PEM(rsaKey))))
		ts, err := auth.NewTokenSource(auth.Credentials{Path: path, Roles: []string{"a", "b"}, Context: "c-1"},
			auth.WithClock(clock.Now))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.Remove(path)).To(Succeed(), "later exchanges must not need the file")

		t1, err := ts.Token(ctx)
		Expect(err).NotTo(HaveOccurred())
		inv, ok := ts.(auth.Invalidator)
		Expect(ok).To(BeTrue())
		inv.Invalidate(t1)
		t2, err := ts.Token(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(t2).NotTo(Equal(t1))
		Expect(ep.count()).To(Equal(2))

		for _, body := range ep.allBodies() {
			Expect(body).To(HaveKeyWithValue("scope", "role:a role:b"))
			_, c, err := verifyRS256(body["assertion"].(string), &rsaKey.PublicKey, clock.Now())
			Expect(err).NotTo(HaveOccurred())
			Expect(c).To(HaveKeyWithValue("ctx", "c-1"))
		}
	})

	It("falls back to SKYFLOW_CREDENTIALS, keeping roles and the token URI override", func() {
		env := map[string]string{"SKYFLOW_CREDENTIALS": credsJSON("https://unreachable.example.com/t")}
		lookup := auth.WithEnvLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		ts, err := auth.NewTokenSource(auth.Credentials{Roles: []string{"env-role"}, TokenURI: ep.tokenURI()},
			lookup, auth.WithClock(clock.Now))
		Expect(err).NotTo(HaveOccurred())
		_, err = ts.Token(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(ep.count()).To(Equal(1))
		Expect(ep.lastBody()).To(HaveKeyWithValue("scope", "role:env-role"))
	})

	It("reports missing credentials and bad environment credentials", func() {
		_, err := auth.NewTokenSource(auth.Credentials{}, noEnv)
		expectValidationError(err, auth.ErrNoCredentials, "")

		bad := auth.WithEnvLookup(func(string) (string, bool) { return "not json", true })
		_, err = auth.NewTokenSource(auth.Credentials{}, bad)
		ve := expectValidationError(err, auth.ErrInvalidCredentialsJSON, "credentials")
		Expect(ve.Reason).To(ContainSubstring("SKYFLOW_CREDENTIALS"))
	})

	It("passes validation errors through", func() {
		_, err := auth.NewTokenSource(auth.Credentials{APIKey: "sky-bad"}, noEnv)
		expectValidationError(err, auth.ErrInvalidAPIKey, "APIKey")
		_, err = auth.NewTokenSource(auth.Credentials{APIKey: goodAPIKey, Token: "x"}, noEnv)
		expectValidationError(err, auth.ErrMultipleCredentials, "")
	})
})
