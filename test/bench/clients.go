package bench

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"runtime"
	"sync"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// newTransport is the transport both clients use: the SDK's default
// settings (http.DefaultTransport's, HTTP/2 when the server offers it, a
// 64-connection idle pool per host), trusting the bench server's
// certificate. The SDK and the baseline each get their own instance.
func newTransport(roots *x509.CertPool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.MaxIdleConns = 256
	t.TLSClientConfig = &tls.Config{RootCAs: roots}
	return t
}

var (
	saKeyOnce sync.Once
	saKeyPEM  string
)

// serviceAccountJSON returns service-account credentials whose token URI is
// the bench server's token endpoint. The canned endpoint accepts any
// assertion.
func serviceAccountJSON(base string) string {
	saKeyOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			panic(err)
		}
		saKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	})
	return string(mustJSON(map[string]string{
		"clientID": "bench-client", "clientName": "bench", "keyID": "bench-key",
		"tokenURI": base + tokenPath, "privateKey": saKeyPEM,
	}))
}

// clients holds the SDK under test and the baseline, both pointed at the
// same server.
type clients struct {
	sdk    *facade.Client
	vault  *facade.Vault
	detect *facade.Detect
	raw    *rawClient
}

// newClients builds both clients for the server at base. The SDK uses
// service-account credentials (one token exchange, then the cached token),
// its default retry policy and log level; the baseline sends the token the
// canned server issues.
func newClients(base string, roots *x509.CertPool, opts ...facade.Option) (*clients, error) {
	all := append([]facade.Option{
		facade.WithVault(facade.VaultConfig{VaultID: vaultID, BaseURL: base,
			Credentials: &auth.Credentials{CredentialsJSON: serviceAccountJSON(base)}}),
		facade.WithHTTPClient(&http.Client{Transport: newTransport(roots)}),
	}, opts...)
	sdk, err := facade.New(all...)
	if err != nil {
		return nil, err
	}
	v, err := sdk.Vault(vaultID)
	if err != nil {
		return nil, err
	}
	d, err := sdk.Detect(vaultID)
	if err != nil {
		return nil, err
	}
	return &clients{sdk: sdk, vault: v, detect: d, raw: newRawClient(base, roots)}, nil
}

// userAgent and skyMetadata are what the SDK sends; the baseline builds the
// same strings the same way (the byte-identity test checks them).
func userAgent() string {
	return "skyflow-go/" + facade.Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

func skyMetadata() string {
	b, _ := json.Marshal(map[string]string{
		"sdk_name_version":        "skyflow-go@" + facade.Version,
		"sdk_client_device_model": runtime.GOOS,
		"sdk_client_os_details":   runtime.GOOS + " " + runtime.GOARCH,
		"sdk_runtime_details":     runtime.Version(),
	})
	return string(b)
}

// workload is one call made by both clients. Each function checks the
// answer enough to be sure the call did its work.
type workload struct {
	name    string
	seqOnly bool
	sdk     func(ctx context.Context, c *clients) error
	raw     func(ctx context.Context, c *clients) error
}

// Inputs, built once and shared (neither client modifies them).
var (
	values1  = records(1)
	values25 = records(25)
	tokens25 = func() []facade.DetokenizeToken {
		out := make([]facade.DetokenizeToken, 25)
		for i := range out {
			out[i] = facade.DetokenizeToken{Token: tokenFor(0, i), Redaction: facade.RedactionPlainText}
		}
		return out
	}()
	rawTokens25 = func() []string {
		out := make([]string, 25)
		for i := range out {
			out[i] = tokenFor(0, i)
		}
		return out
	}()
	ids25 = func() []string {
		out := make([]string, 25)
		for i := range out {
			out[i] = skyflowID(i)
		}
		return out
	}()
)

func records(n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = record(i)
	}
	return out
}

func sdkInsert(ctx context.Context, v *facade.Vault, values []map[string]any) error {
	resp, err := v.Insert(ctx, facade.InsertRequest{Table: table, Records: values, ReturnTokens: true})
	if err != nil {
		return err
	}
	if len(resp.Inserted) != len(values) || resp.Inserted[0].Tokens["card_number"] == "" {
		return errUnexpected
	}
	return nil
}

func rawInsert(ctx context.Context, r *rawClient, values []map[string]any) error {
	out, err := r.insert(ctx, values)
	if err != nil {
		return err
	}
	if len(out.Records) != len(values) || out.Records[0].Tokens["card_number"] == "" {
		return errUnexpected
	}
	return nil
}

// workloads are the per-call workloads of issue 8.
var workloads = []workload{
	{
		name: "insert-1",
		sdk:  func(ctx context.Context, c *clients) error { return sdkInsert(ctx, c.vault, values1) },
		raw:  func(ctx context.Context, c *clients) error { return rawInsert(ctx, c.raw, values1) },
	},
	{
		name: "insert-25",
		sdk:  func(ctx context.Context, c *clients) error { return sdkInsert(ctx, c.vault, values25) },
		raw:  func(ctx context.Context, c *clients) error { return rawInsert(ctx, c.raw, values25) },
	},
	{
		name: "detokenize-25",
		sdk: func(ctx context.Context, c *clients) error {
			resp, err := c.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: tokens25})
			if err != nil {
				return err
			}
			if len(resp.Records) != 25 || resp.Records[24].Value == "" {
				return errUnexpected
			}
			return nil
		},
		raw: func(ctx context.Context, c *clients) error {
			out, err := c.raw.detokenize(ctx, rawTokens25, "PLAIN_TEXT")
			if err != nil {
				return err
			}
			if len(out.Records) != 25 || out.Records[24].Value == "" {
				return errUnexpected
			}
			return nil
		},
	},
	{
		name: "get-25",
		sdk: func(ctx context.Context, c *clients) error {
			resp, err := c.vault.Get(ctx, facade.GetRequest{Table: table, IDs: ids25, Redaction: facade.RedactionPlainText})
			if err != nil {
				return err
			}
			if len(resp.Records) != 25 || resp.Records[24].SkyflowID == "" {
				return errUnexpected
			}
			return nil
		},
		raw: func(ctx context.Context, c *clients) error {
			out, err := c.raw.get(ctx, ids25, "PLAIN_TEXT")
			if err != nil {
				return err
			}
			if len(out.Records) != 25 || out.Records[24].Fields["skyflow_id"] == nil {
				return errUnexpected
			}
			return nil
		},
	},
	{
		name: "detect-text",
		sdk: func(ctx context.Context, c *clients) error {
			resp, err := c.detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: detectText})
			if err != nil {
				return err
			}
			if len(resp.Entities) != len(detectEntities) {
				return errUnexpected
			}
			return nil
		},
		raw: func(ctx context.Context, c *clients) error {
			out, err := c.raw.deidentifyText(ctx, detectText)
			if err != nil {
				return err
			}
			if len(out.Entities) != len(detectEntities) {
				return errUnexpected
			}
			return nil
		},
	},
	{
		// The same insert, through a fresh client.Vault(id) handle per call.
		name:    "insert-1-handle-per-call",
		seqOnly: true,
		sdk: func(ctx context.Context, c *clients) error {
			v, err := c.sdk.Vault(vaultID)
			if err != nil {
				return err
			}
			return sdkInsert(ctx, v, values1)
		},
		raw: func(ctx context.Context, c *clients) error { return rawInsert(ctx, c.raw, values1) },
	},
}
