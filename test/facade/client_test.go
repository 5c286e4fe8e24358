package facade_test

import (
	"context"
	"errors"
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

const apiKey = "sky-ab1c2-0123456789abcdef0123456789abcdef"

var _ = Describe("the client configuration", func() {
	key := &auth.Credentials{APIKey: apiKey}

	DescribeTable("rejects bad configurations in New with a typed error naming the field",
		func(cfg facade.VaultConfig, field string) {
			_, err := facade.New(facade.WithVault(cfg))
			var ve *skyflow.ValidationError
			Expect(errors.As(err, &ve)).To(BeTrue(), "%v", err)
			Expect(ve.Field).To(Equal(field))
			Expect(errors.Is(err, skyflow.ErrValidation)).To(BeTrue())
		},
		Entry("no vault id", facade.VaultConfig{ClusterID: "c1"}, "VaultID"),
		Entry("no cluster id and no URL", facade.VaultConfig{VaultID: "v1"}, "ClusterID"),
		Entry("a URL as cluster id", facade.VaultConfig{VaultID: "v1", ClusterID: "https://x"}, "ClusterID"),
		Entry("unknown env", facade.VaultConfig{VaultID: "v1", ClusterID: "c1", Env: "MARS"}, "Env"),
		Entry("relative base URL", facade.VaultConfig{VaultID: "v1", BaseURL: "/vault"}, "BaseURL"),
		Entry("ftp base URL", facade.VaultConfig{VaultID: "v1", BaseURL: "ftp://x"}, "BaseURL"),
	)

	It("rejects invalid credentials without echoing the secret", func() {
		_, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: "v1", ClusterID: "c1",
			Credentials: &auth.Credentials{APIKey: "sky-not-a-real-key-but-secret-42-chars-xx"}}))
		Expect(err).To(MatchError(auth.ErrInvalidAPIKey))
		Expect(err.Error()).NotTo(ContainSubstring("not-a-real-key"))
	})

	It("manages vaults at runtime: add, duplicate, update only given fields, get a copy, remove", func() {
		c, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: "v1", ClusterID: "c1", Env: facade.EnvSandbox, Credentials: key}))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.AddVault(facade.VaultConfig{VaultID: "v1", ClusterID: "c2"})).To(MatchError(skyflow.ErrValidation))
		Expect(c.AddVault(facade.VaultConfig{VaultID: "v2", ClusterID: "c2"})).To(Succeed())
		Expect(c.VaultIDs()).To(Equal([]string{"v1", "v2"}))

		Expect(c.UpdateVault(facade.VaultConfig{VaultID: "v1", ClusterID: "c9"})).To(Succeed())
		got, err := c.GetVault("v1")
		Expect(err).NotTo(HaveOccurred())
		Expect(got.ClusterID).To(Equal("c9"))
		Expect(got.Env).To(Equal(facade.EnvSandbox), "env kept: UpdateVault changes only what it is given")
		Expect(got.Credentials.APIKey).To(Equal(apiKey), "credentials kept")

		got.Credentials.APIKey = "changed"
		again, _ := c.GetVault("v1")
		Expect(again.Credentials.APIKey).To(Equal(apiKey), "GetVault returns a copy")

		Expect(c.UpdateVault(facade.VaultConfig{VaultID: "nope"})).To(MatchError(skyflow.ErrValidation))
		Expect(c.RemoveVault("v1")).To(Succeed())
		Expect(c.RemoveVault("v1")).To(MatchError(skyflow.ErrValidation))
		_, err = c.Vault("v1")
		Expect(err).To(MatchError(skyflow.ErrValidation))
	})

	It("picks the first vault added when no id is given, deterministically", func() {
		for range 20 {
			c, err := facade.New(
				facade.WithVault(facade.VaultConfig{VaultID: "first", ClusterID: "c1", Credentials: key}),
				facade.WithVault(facade.VaultConfig{VaultID: "second", ClusterID: "c1", Credentials: key}),
				facade.WithVault(facade.VaultConfig{VaultID: "third", ClusterID: "c1", Credentials: key}),
			)
			Expect(err).NotTo(HaveOccurred())
			v, err := c.Vault("")
			Expect(err).NotTo(HaveOccurred())
			Expect(v.ID()).To(Equal("first"))
		}
		c, _ := facade.New()
		_, err := c.Vault("")
		Expect(err).To(MatchError(skyflow.ErrValidation))
	})

	It("manages connections at runtime", func() {
		c, err := facade.New(facade.WithConnection(facade.ConnectionConfig{ConnectionID: "k1", URL: "https://gw.example.com/v1/gateway/outboundRoutes/k1/cards"}))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.AddConnection(facade.ConnectionConfig{ConnectionID: "k1", URL: "https://x.example.com"})).To(MatchError(skyflow.ErrValidation))
		Expect(c.AddConnection(facade.ConnectionConfig{ConnectionID: "k2"})).To(MatchError(skyflow.ErrValidation))
		Expect(c.UpdateConnection(facade.ConnectionConfig{ConnectionID: "k1", URL: "https://gw2.example.com/r"})).To(Succeed())
		got, _ := c.GetConnection("k1")
		Expect(got.URL).To(Equal("https://gw2.example.com/r"))
		Expect(c.RemoveConnection("k1")).To(Succeed())
		Expect(c.ConnectionIDs()).To(BeEmpty())
	})

	It("changes the log level at runtime, OFF included, and back", func() {
		c, err := facade.New()
		Expect(err).NotTo(HaveOccurred())
		Expect(c.LogLevel()).To(BeEmpty(), "no level by default: the client logs nothing")
		Expect(c.SetLogLevel(skyflow.LogLevelOff)).To(Succeed())
		Expect(c.LogLevel()).To(Equal(skyflow.LogLevelOff))
		Expect(c.SetLogLevel(skyflow.LogLevelInfo)).To(Succeed())
		Expect(c.LogLevel()).To(Equal(skyflow.LogLevelInfo))
		Expect(c.SetLogLevel("LOUD")).To(MatchError(skyflow.ErrValidation))
	})

	It("rejects headers the SDK owns", func() {
		for _, h := range []string{"Authorization", "content-type", "Sky-Metadata", "User-Agent", "x-skyflow-authorization"} {
			_, err := facade.New(facade.WithHeader(h, "x"))
			Expect(err).To(MatchError(skyflow.ErrValidation), h)
		}
		_, err := facade.New(facade.WithHeader("X-Skyflow-Account-Id", "acct-1"))
		Expect(err).NotTo(HaveOccurred())
		_, err = facade.New(facade.WithHeader("bad header", "x"))
		Expect(err).To(MatchError(skyflow.ErrValidation))
	})

	Context("against the emulator", func() {
		It("resolves credentials vault, then client, then SKYFLOW_CREDENTIALS", func(ctx SpecContext) {
			e := startEnv(nil)
			srv := e.srv
			// Vault credentials wrong, client credentials right: the vault's win and fail.
			bad := &auth.Credentials{APIKey: apiKey}
			c, err := facade.New(
				facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL(), Credentials: bad}),
				facade.WithCredentials(auth.Credentials{APIKey: srv.APIKey()}),
				facade.WithRetryPolicy(fastRetries),
			)
			Expect(err).NotTo(HaveOccurred())
			v, _ := c.Vault("")
			_, err = v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
			Expect(err).To(MatchError(skyflow.ErrUnauthorized))

			// No vault credentials: the client's apply.
			c, _ = facade.New(
				facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL()}),
				facade.WithCredentials(auth.Credentials{APIKey: srv.APIKey()}),
			)
			v, _ = c.Vault("")
			_, err = v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(2)}})
			Expect(err).NotTo(HaveOccurred())

			// Neither: SKYFLOW_CREDENTIALS (service-account JSON) applies.
			GinkgoT().Setenv("SKYFLOW_CREDENTIALS", srv.CredentialsJSON())
			c, _ = facade.New(facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL()}))
			v, _ = c.Vault("")
			_, err = v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(3)}})
			Expect(err).NotTo(HaveOccurred())
			Expect(srv.Count("GetAuthToken")).To(Equal(1))

			// Nothing at all: a typed error before any call.
			GinkgoT().Setenv("SKYFLOW_CREDENTIALS", "")
			c, _ = facade.New(facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL()}))
			v, _ = c.Vault("")
			_, err = v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(4)}})
			Expect(err).To(MatchError(auth.ErrNoCredentials))
		})

		It("applies SetCredentials to vaults without their own credentials on their next call", func(ctx SpecContext) {
			e := startEnv(nil)
			c, _ := facade.New(
				facade.WithVault(facade.VaultConfig{VaultID: e.srv.VaultID(), BaseURL: e.srv.URL()}),
				facade.WithCredentials(auth.Credentials{APIKey: apiKey}),
				facade.WithRetryPolicy(fastRetries),
			)
			v, _ := c.Vault("")
			_, err := v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
			Expect(err).To(MatchError(skyflow.ErrUnauthorized))
			Expect(c.SetCredentials(auth.Credentials{APIKey: e.srv.APIKey()})).To(Succeed())
			_, err = v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
			Expect(err).NotTo(HaveOccurred())
		})

		It("is safe when configuration changes race with calls", func(ctx SpecContext) {
			e := startEnv(nil)
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer GinkgoRecover()
					defer wg.Done()
					for i := range 10 {
						v, err := e.client.Vault("")
						Expect(err).NotTo(HaveOccurred())
						_, err = v.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(g*100 + i)}})
						Expect(err).NotTo(HaveOccurred())
					}
				}()
			}
			for i := range 20 {
				id := fmt.Sprintf("extra-%d", i)
				Expect(e.client.AddVault(facade.VaultConfig{VaultID: id, ClusterID: "c1"})).To(Succeed())
				Expect(e.client.UpdateVault(facade.VaultConfig{VaultID: e.srv.VaultID(), BaseURL: e.srv.URL()})).To(Succeed())
				Expect(e.client.SetLogLevel(skyflow.LogLevelInfo)).To(Succeed())
				Expect(e.client.RemoveVault(id)).To(Succeed())
			}
			wg.Wait()
			Expect(e.srv.Records("table1")).To(HaveLen(80))
		})
	})

	It("builds the vault URL from cluster id and environment", func(ctx context.Context) {
		// Requests go to https://{cluster}{domain}; a transport that records the
		// host proves the URL without any network.
		for env, host := range map[facade.Env]string{
			"":                "c1.vault.skyflowapis.com",
			facade.EnvProd:    "c1.vault.skyflowapis.com",
			facade.EnvSandbox: "c1.vault.skyflowapis-preview.com",
			facade.EnvStage:   "c1.vault.skyflowapis.tech",
			facade.EnvDev:     "c1.vault.skyflowapis.dev",
		} {
			rec := &hostRecorder{}
			c, err := facade.New(
				facade.WithVault(facade.VaultConfig{VaultID: "v1", ClusterID: "c1", Env: env, Credentials: key}),
				facade.WithHTTPClient(rec.client()),
				facade.WithRetryPolicy(facade.RetryPolicy{}),
			)
			Expect(err).NotTo(HaveOccurred())
			v, _ := c.Vault("v1")
			_, _ = v.Get(ctx, facade.GetRequest{Table: "t", IDs: []string{"a"}})
			Expect(rec.last()).To(Equal("https://" + host + "/v1/vaults/v1/t"))
		}
	})
})
