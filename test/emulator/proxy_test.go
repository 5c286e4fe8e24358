package emulator_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// rawRequest writes a request as raw text to addr (plain TCP) and reads
// the answer: the way to send what net/http clients never send (absolute
// https URIs to a proxy, malformed escapes).
func rawRequest(addr, text string) *response {
	GinkgoHelper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	Expect(err).NotTo(HaveOccurred())
	defer conn.Close()
	Expect(conn.SetDeadline(time.Now().Add(10 * time.Second))).To(Succeed())
	_, err = io.WriteString(conn, text)
	Expect(err).NotTo(HaveOccurred())
	return readResponse(bufio.NewReader(conn))
}

// readResponse reads one HTTP answer from br.
func readResponse(br *bufio.Reader) *response {
	GinkgoHelper()
	resp, err := http.ReadResponse(br, nil)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	r := &response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	_ = json.Unmarshal(raw, &r.JSON)
	return r
}

func hostOf(rawURL string) string {
	GinkgoHelper()
	u, err := url.Parse(rawURL)
	Expect(err).NotTo(HaveOccurred())
	return u.Host
}

var _ = Describe("HTTPS and proxy modes", func() {
	Describe("-tls", func() {
		It("serves HTTPS with a certificate of its CA for loopback and Skyflow's host names", func() {
			srv := startServer(mockserver.WithTLS())
			Expect(srv.URL()).To(HavePrefix("https://127.0.0.1:"))
			Expect(srv.CAFile()).To(BeAnExistingFile())
			c := &client{base: srv.URL(), auth: "Bearer " + srv.APIKey(), http: srv.HTTPClient()}
			id, _ := insertOne(c, srv, "table1", map[string]any{"email": "tls@example.com"})
			Expect(id).NotTo(BeEmpty())

			// The leaf covers localhost and the Skyflow names, and nothing else.
			pool := srv.CertPool()
			for _, name := range []string{"localhost", "abc.vault.skyflowapis.com", "manage.skyflowapis.com", "abc.gateway.skyflowapis-preview.com"} {
				conn, err := tls.Dial("tcp", hostOf(srv.URL()), &tls.Config{RootCAs: pool, ServerName: name})
				Expect(err).NotTo(HaveOccurred(), name)
				conn.Close()
			}
			_, err := tls.Dial("tcp", hostOf(srv.URL()), &tls.Config{RootCAs: pool, ServerName: "example.com"})
			Expect(err).To(HaveOccurred())
		})

		It("answers plain HTTP sent to the HTTPS listener with the Skyflow error body, not a silent close", func() {
			srv := startServer(mockserver.WithTLS())
			r := rawRequest(hostOf(srv.URL()), "GET /v1/vaults/"+srv.VaultID()+"/table1 HTTP/1.1\r\nHost: x\r\n\r\n")
			Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("HTTPS"))
		})

		It("reuses the CA of a CA directory, and the CA cannot vouch for other domains", func() {
			dir := GinkgoT().TempDir()
			a := startServer(mockserver.WithTLS(), mockserver.WithCADir(dir))
			first, err := os.ReadFile(a.CAFile())
			Expect(err).NotTo(HaveOccurred())
			b := startServer(mockserver.WithProxy("127.0.0.1:0"), mockserver.WithCADir(dir))
			second, err := os.ReadFile(b.CAFile())
			Expect(err).NotTo(HaveOccurred())
			Expect(second).To(Equal(first))
			Expect(a.CAFile()).To(Equal(filepath.Join(dir, "ca.pem")))
			info, err := os.Stat(filepath.Join(dir, "ca-key.pem"))
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)))
			ca := a.CertPool()
			Expect(ca).NotTo(BeNil())
		})
	})

	Describe("-proxy", func() {
		var (
			srv   *mockserver.Server
			hc    *http.Client
			vault string // https://{cluster}.vault.skyflowapis.com
			key   string
		)
		BeforeEach(func() {
			srv = startServer(mockserver.WithProxy("127.0.0.1:0"))
			hc = srv.HTTPClient()
			vault = "https://" + srv.ClusterID() + ".vault.skyflowapis.com"
			key = srv.APIKey()
			Expect(srv.VaultURL()).To(Equal(vault))
		})

		do := func(method, target string, body any, header ...string) *response {
			GinkgoHelper()
			c := &client{base: "", auth: "Bearer " + key, http: hc}
			return c.do(method, target, body, header...)
		}

		It("tunnels CONNECT to the vault host, terminating TLS with its CA", func() {
			id, _ := insertOne(&client{base: vault, auth: "Bearer " + key, http: hc}, srv, "table1", map[string]any{"email": "p@example.com"})
			got := records(expectOK(do("GET", vault+"/v1/vaults/"+srv.VaultID()+"/table1?skyflow_ids="+id, nil)))
			Expect(obj(got[0]["fields"])).To(HaveKeyWithValue("email", "p@example.com"))
		})

		It("serves the token endpoint on manage.skyflowapis.com with the real https token URI in the credentials", func() {
			Expect(srv.TokenURI()).To(Equal("https://manage.skyflowapis.com/v1/auth/sa/oauth/token"))
			Expect(srv.CredentialsJSON()).NotTo(ContainSubstring("\n"), "credentials must be one line of JSON")
			creds := loadCredentials(srv)
			Expect(creds.TokenURI).To(Equal(srv.TokenURI()))
			tok := expectOK(do("POST", creds.TokenURI, map[string]any{
				"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion(creds, time.Now(), nil),
			}))["accessToken"].(string)
			key = tok
			expectOK(do("GET", vault+"/v1/vaults/"+srv.VaultID()+"/table1", nil))
		})

		It("serves connections on the gateway host, and nothing else there", func() {
			Expect(srv.ConnectionURL()).To(HavePrefix("https://" + srv.ClusterID() + ".gateway.skyflowapis.com/v1/gateway/outboundRoutes/"))
			target := strings.Replace(srv.ConnectionURL(), "{card_id}", "c-1", 1)
			body := expectOK(do("POST", target, map[string]any{"a": 1}, "X-Skyflow-Authorization", key))
			Expect(body).To(HaveKeyWithValue("path_params", map[string]any{"card_id": "c-1"}))
			gw := "https://" + srv.ClusterID() + ".gateway.skyflowapis.com"
			expectError(do("GET", gw+"/v1/vaults/"+srv.VaultID()+"/table1", nil), http.StatusNotFound)
			expectError(do("GET", vault+"/__admin/health", nil), http.StatusNotFound)
			expectError(do("POST", "https://manage.skyflowapis.com/v1/vaults/"+srv.VaultID()+"/query", map[string]any{"query": "SELECT * FROM table1"}), http.StatusNotFound)
		})

		It("answers absolute-URI requests for https targets the way axios sends them, without TLS", func() {
			r := rawRequest(hostOf(srv.ProxyURL()), "GET "+vault+"/v1/vaults/"+srv.VaultID()+"/table1 HTTP/1.1\r\n"+
				"Host: "+srv.ClusterID()+".vault.skyflowapis.com\r\nAuthorization: Bearer "+key+"\r\nConnection: close\r\n\r\n")
			Expect(expectOK(r)).To(HaveKey("records"))
		})

		It("refuses every other host with a clear 502 and forwards nothing", func() {
			r := rawRequest(hostOf(srv.ProxyURL()), "GET https://example.com/x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
			Expect(expectError(r, http.StatusBadGateway)).To(And(ContainSubstring("example.com"), ContainSubstring("forwards nothing")))
			r = rawRequest(hostOf(srv.ProxyURL()), "GET https://zzz.vault.skyflowapis.com/v1/vaults/x/t HTTP/1.1\r\nHost: zzz.vault.skyflowapis.com\r\nConnection: close\r\n\r\n")
			Expect(expectError(r, http.StatusBadGateway)).To(ContainSubstring("cluster zzz"))
			r = rawRequest(hostOf(srv.ProxyURL()), "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
			expectError(r, http.StatusBadGateway)
			_, err := hc.Get("https://example.com/")
			Expect(err).To(HaveOccurred())
		})

		It("answers plain HTTP inside a CONNECT tunnel with the Skyflow error body", func() {
			conn, err := net.DialTimeout("tcp", hostOf(srv.ProxyURL()), 5*time.Second)
			Expect(err).NotTo(HaveOccurred())
			defer conn.Close()
			Expect(conn.SetDeadline(time.Now().Add(10 * time.Second))).To(Succeed())
			host := srv.ClusterID() + ".vault.skyflowapis.com"
			// The CONNECT and the plain request in one write.
			_, err = io.WriteString(conn, "CONNECT "+host+":443 HTTP/1.1\r\nHost: "+host+":443\r\n\r\n"+
				"POST /v1/vaults/"+srv.VaultID()+"/table1 HTTP/1.1\r\nHost: "+host+"\r\nContent-Length: 2\r\n\r\n{}")
			Expect(err).NotTo(HaveOccurred())
			br := bufio.NewReader(conn)
			established, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
			Expect(err).NotTo(HaveOccurred())
			Expect(established.StatusCode).To(Equal(http.StatusOK))
			Expect(expectError(readResponse(br), http.StatusBadRequest)).To(ContainSubstring("HTTPS"))
		})

		It("gives download URLs on the vault host that expire after 15 minutes", func() {
			clock := newTestClock()
			srv = startServer(mockserver.WithProxy("127.0.0.1:0"), mockserver.WithClock(clock.Now))
			hc, key = srv.HTTPClient(), srv.APIKey()
			vault = srv.VaultURL()
			c := &client{base: vault, auth: "Bearer " + key, http: hc}
			ctype, body := multipartBody(part{name: "tableName", content: "documents"}, part{name: "columnName", content: "attachment"},
				part{name: "file", filename: "a.txt", content: "abc"})
			req, err := http.NewRequest("POST", vault+"/v2/vaults/"+srv.VaultID()+"/files/upload", bytes.NewReader(body))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Authorization", "Bearer "+key)
			id := expectOK(c.send(req))["skyflowID"].(string)
			got := records(expectOK(c.do("GET", "/v1/vaults/"+srv.VaultID()+"/documents?downloadURL=true&skyflow_ids="+id, nil)))
			link := obj(got[0]["fields"])["attachment"].(string)
			Expect(link).To(HavePrefix(vault + "/__files/"))

			fetch := func() *response {
				resp, err := hc.Get(link)
				Expect(err).NotTo(HaveOccurred())
				defer resp.Body.Close()
				raw, _ := io.ReadAll(resp.Body)
				r := &response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
				_ = json.Unmarshal(raw, &r.JSON)
				return r
			}
			Expect(string(fetch().Raw)).To(Equal("abc"))
			clock.Advance(14 * time.Minute)
			Expect(fetch().Status).To(Equal(http.StatusOK))
			clock.Advance(2 * time.Minute)
			Expect(expectError(fetch(), http.StatusForbidden)).To(ContainSubstring("expired"))
			tampered := strings.Replace(link, "expires=", "expires=9", 1)
			resp, err := hc.Get(tampered)
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusForbidden))
		})
	})

	It("answers a malformed path escape with the Skyflow error body and a request id", func() {
		srv := startServer()
		r := rawRequest(hostOf(srv.URL()), "GET /v1/vaults/%zz HTTP/1.1\r\nHost: x\r\n\r\n")
		Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("malformed"))
		r = rawRequest(hostOf(srv.URL()), "GET /v1/vaults/"+srv.VaultID()+"/table1 HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 2<<20)+"\r\n\r\n")
		expectError(r, http.StatusRequestHeaderFieldsTooLarge)
		// An unknown route through the generated layer keeps the body too.
		expectError(newClient(srv).do("GET", "/nope", nil), http.StatusNotFound)
	})
})
