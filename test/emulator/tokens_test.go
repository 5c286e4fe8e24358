package emulator_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// credentials is the parsed credentials JSON of an emulator.
type credentials struct {
	ClientID   string `json:"clientID"`
	KeyID      string `json:"keyID"`
	TokenURI   string `json:"tokenURI"`
	PrivateKey string `json:"privateKey"`
	key        *rsa.PrivateKey
}

func loadCredentials(srv *mockserver.Server) credentials {
	GinkgoHelper()
	var c credentials
	Expect(json.Unmarshal([]byte(srv.CredentialsJSON()), &c)).To(Succeed())
	block, _ := pem.Decode([]byte(c.PrivateKey))
	Expect(block).NotTo(BeNil())
	Expect(block.Type).To(Equal("PRIVATE KEY"), "PKCS#8 PEM, as the Go SDK requires")
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	Expect(err).NotTo(HaveOccurred())
	c.key = k.(*rsa.PrivateKey)
	return c
}

// exchangeToken exchanges a fresh assertion of creds (with scope, when not
// empty) at the token endpoint and returns c sending the issued token.
func exchangeToken(c *client, creds credentials, scope string) *client {
	GinkgoHelper()
	body := map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion(creds, time.Now(), nil)}
	if scope != "" {
		body["scope"] = scope
	}
	t := expectOK(c.withAuth("").do("POST", "/v1/auth/sa/oauth/token", body))["accessToken"].(string)
	return c.withAuth("Bearer " + t)
}

// signedDataToken builds "signed_token_" + JWT as the SDKs do.
func signedDataToken(c credentials, token string, ttl time.Duration, now time.Time) string {
	GinkgoHelper()
	claims := jwt.MapClaims{"iss": "sdk", "key": c.KeyID, "sub": c.ClientID, "tok": token, "iat": now.Unix(), "exp": now.Add(ttl).Unix(), "aud": c.TokenURI}
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(c.key)
	Expect(err).NotTo(HaveOccurred())
	return "signed_token_" + s
}

var _ = Describe("Tokens", func() {
	var (
		srv  *mockserver.Server
		c    *client
		toks map[string]any
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
		_, toks = insertOne(c, srv, "table1", map[string]any{
			"card_number": "4111 1111 1111 1111", "cardholder_name": "John Doe", "email": "john@example.com", "ssn": "123-45-6789",
		})
	})

	detok := func(params []any, coe bool) *response {
		return c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{"detokenizationParameters": params, "continueOnError": coe})
	}

	Describe("detokenize", func() {
		It("applies the redaction of each token and always sends value and valueType", func() {
			body := expectOK(detok([]any{
				map[string]any{"token": toks["card_number"], "redaction": "PLAIN_TEXT"},
				map[string]any{"token": toks["card_number"], "redaction": "MASKED"},
				map[string]any{"token": toks["ssn"], "redaction": "MASKED"},
				map[string]any{"token": toks["ssn"], "redaction": "REDACTED"},
				map[string]any{"token": toks["card_number"], "redaction": "DEFAULT"},
				map[string]any{"token": toks["cardholder_name"]},
			}, false))
			recs := records(body)
			values := []any{}
			for i, r := range recs {
				Expect(r).To(HaveKey("token"))
				Expect(r).To(HaveKeyWithValue("valueType", "STRING"), "record %d", i)
				values = append(values, r["value"])
			}
			Expect(values).To(Equal([]any{
				"4111 1111 1111 1111", "XXXX XXXX XXXX 1111", "XXX-XX-6789", "*REDACTED*", "XXXX XXXX XXXX 1111", "John Doe",
			}))
		})

		It("reports failures per token with continueOnError", func() {
			body := expectOK(detok([]any{
				map[string]any{"token": toks["ssn"], "redaction": "PLAIN_TEXT"},
				map[string]any{"token": "no-such-token", "redaction": "PLAIN_TEXT"},
			}, true))
			recs := records(body)
			Expect(recs[0]).To(HaveKeyWithValue("value", "123-45-6789"))
			Expect(recs[1]).To(HaveKeyWithValue("token", "no-such-token"))
			Expect(recs[1]).To(HaveKey("error"))
			Expect(recs[1]).NotTo(HaveKey("value"))
		})

		It("fails the call on an unknown token without continueOnError", func() {
			r := detok([]any{map[string]any{"token": "no-such-token", "redaction": "PLAIN_TEXT"}}, false)
			expectError(r, http.StatusNotFound)
			expectError(detok([]any{}, false), http.StatusBadRequest)
		})

		It("rejects an unknown redaction", func() {
			r := detok([]any{map[string]any{"token": toks["ssn"], "redaction": "SOMETIMES"}}, false)
			expectError(r, http.StatusBadRequest)
		})

		It("reports typed values", func() {
			cfg := mockserver.Config{Vaults: []mockserver.VaultConfig{{ID: "v1", Tables: []mockserver.TableConfig{{
				Name: "t",
				Columns: []mockserver.ColumnConfig{
					{Name: "n", Type: "INTEGER", Tokenized: true},
					{Name: "b", Type: "BOOL", Tokenized: true},
					{Name: "f", Tokenized: true},
				},
				Records: []mockserver.RecordSeed{{Fields: map[string]any{"n": 42.0, "b": true, "f": 1.5}, Tokens: map[string]string{"n": "tn", "b": "tb", "f": "tf"}}},
			}}}}}
			s2 := startServer(mockserver.WithConfig(cfg))
			c2 := newClient(s2)
			body := expectOK(c2.do("POST", "/v1/vaults/v1/detokenize", map[string]any{"detokenizationParameters": []any{
				map[string]any{"token": "tn"}, map[string]any{"token": "tb"}, map[string]any{"token": "tf"},
			}}))
			recs := records(body)
			Expect(recs[0]).To(And(HaveKeyWithValue("value", "42"), HaveKeyWithValue("valueType", "INTEGER")))
			Expect(recs[1]).To(And(HaveKeyWithValue("value", "true"), HaveKeyWithValue("valueType", "BOOL")))
			Expect(recs[2]).To(And(HaveKeyWithValue("value", "1.5"), HaveKeyWithValue("valueType", "FLOAT")))
		})

		Context("with signed data tokens", func() {
			var (
				clock *testClock
				creds credentials
			)
			BeforeEach(func() {
				clock = newTestClock()
				srv = startServer(mockserver.WithClock(clock.Now))
				c = newClient(srv)
				_, toks = insertOne(c, srv, "table1", map[string]any{"ssn": "123-45-6789"})
				creds = loadCredentials(srv)
			})

			It("accepts a token signed by a registered service-account key and echoes it", func() {
				signed := signedDataToken(creds, toks["ssn"].(string), time.Minute, clock.Now())
				recs := records(expectOK(detok([]any{map[string]any{"token": signed, "redaction": "PLAIN_TEXT"}}, false)))
				Expect(recs[0]).To(HaveKeyWithValue("token", signed))
				Expect(recs[0]).To(HaveKeyWithValue("value", "123-45-6789"))
			})

			It("rejects expired and forged signed tokens", func() {
				signed := signedDataToken(creds, toks["ssn"].(string), time.Minute, clock.Now())
				clock.Advance(2 * time.Minute)
				Expect(expectError(detok([]any{map[string]any{"token": signed}}, false), http.StatusUnauthorized)).To(ContainSubstring("expired"))

				other, err := rsa.GenerateKey(rand.Reader, 2048)
				Expect(err).NotTo(HaveOccurred())
				forged := creds
				forged.key = other
				bad := signedDataToken(forged, toks["ssn"].(string), time.Minute, clock.Now())
				recs := records(expectOK(detok([]any{map[string]any{"token": bad}}, true)))
				Expect(recs[0]["error"]).To(ContainSubstring("signature"))
			})
		})
	})

	Describe("tokenize", func() {
		It("returns the existing token of a stored value in a column group", func() {
			body := expectOK(c.do("POST", vaultPath(srv, "/tokenize"), map[string]any{"tokenizationParameters": []any{
				map[string]any{"value": "john@example.com", "columnGroup": "email_group"},
				map[string]any{"value": "4111 1111 1111 1111", "columnGroup": "card_number_group"},
			}}))
			recs := records(body)
			Expect(recs[0]).To(HaveKeyWithValue("token", toks["email"]))
			Expect(recs[1]).To(HaveKeyWithValue("token", toks["card_number"]))
			Expect(srv.Records("table1")).To(HaveLen(1), "tokenize never inserts")
		})

		It("never mints: an unknown value is a 404, an unknown group a 400", func() {
			r := c.do("POST", vaultPath(srv, "/tokenize"), map[string]any{"tokenizationParameters": []any{
				map[string]any{"value": "other@example.com", "columnGroup": "email_group"},
			}})
			expectError(r, http.StatusNotFound)
			r = c.do("POST", vaultPath(srv, "/tokenize"), map[string]any{"tokenizationParameters": []any{
				map[string]any{"value": "john@example.com", "columnGroup": "nope"},
			}})
			expectError(r, http.StatusBadRequest)
		})
	})

	Describe("query", func() {
		BeforeEach(func() {
			insertOne(c, srv, "table1", map[string]any{"cardholder_name": "Ann", "email": "ann@example.com", "dob": "1980-02-03"})
			insertOne(c, srv, "table1", map[string]any{"cardholder_name": "Bob", "email": "bob@example.com"})
		})

		q := func(sql string) *response {
			return c.do("POST", vaultPath(srv, "/query"), map[string]any{"query": sql})
		}
		names := func(r *response) []any {
			out := []any{}
			for _, rec := range records(expectOK(r)) {
				out = append(out, obj(rec["fields"])["cardholder_name"])
			}
			return out
		}

		It("selects with =, AND, OR, IN and parentheses", func() {
			Expect(names(q("SELECT * FROM table1"))).To(Equal([]any{"John Doe", "Ann", "Bob"}))
			Expect(names(q("select cardholder_name from table1 where email = 'ann@example.com'"))).To(Equal([]any{"Ann"}))
			Expect(names(q("SELECT cardholder_name FROM table1 WHERE cardholder_name IN ('Ann', 'Bob') AND (email = 'bob@example.com' OR dob = '1980-02-03')"))).
				To(Equal([]any{"Ann", "Bob"}))
			Expect(names(q("SELECT cardholder_name FROM table1 LIMIT 1 OFFSET 1"))).To(Equal([]any{"Ann"}))
			Expect(names(q("SELECT cardholder_name FROM table1 WHERE email = 'nobody'"))).To(BeEmpty())
		})

		It("returns skyflow_id with * and tokens of tokenized columns", func() {
			recs := records(expectOK(q("SELECT * FROM table1 WHERE cardholder_name = 'John Doe'")))
			Expect(recs).To(HaveLen(1))
			f := obj(recs[0]["fields"])
			Expect(f).To(HaveKey("skyflow_id"))
			Expect(f["card_number"]).To(Equal("XXXX XXXX XXXX 1111"), "query applies the column's default redaction")
			Expect(obj(recs[0]["tokens"])).To(HaveKeyWithValue("ssn", toks["ssn"]))
		})

		DescribeTable("rejects what it does not support with a clear 400",
			func(sql, want string) {
				Expect(expectError(q(sql), http.StatusBadRequest)).To(ContainSubstring(want))
			},
			Entry("not a SELECT", "DELETE FROM table1", "only SELECT"),
			Entry("comparison", "SELECT * FROM table1 WHERE dob > '1980-01-01'", "not supported"),
			Entry("LIKE", "SELECT * FROM table1 WHERE email LIKE '%x'", "LIKE is not supported"),
			Entry("unterminated string", "SELECT * FROM table1 WHERE email = 'x", "unterminated"),
			Entry("unknown column", "SELECT nope FROM table1", "no column nope"),
			Entry("unknown column in WHERE", "SELECT * FROM table1 WHERE nope = 1", "no column nope"),
			Entry("ORDER BY", "SELECT * FROM table1 ORDER BY email", "ORDER is not supported"),
			Entry("join", "SELECT * FROM table1, documents", "several tables"),
			Entry("LIMIT too large", "SELECT * FROM table1 LIMIT 100", "at most 25"),
			Entry("empty", " ", "query is required"),
		)

		It("404s an unknown table", func() {
			expectError(q("SELECT * FROM nope"), http.StatusNotFound)
		})
	})
})
