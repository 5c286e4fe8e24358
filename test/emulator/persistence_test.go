package emulator_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// readyLine is the part of skyflow-mock's start-up line the specs use.
type readyLine struct {
	BaseURL  string `json:"base_url"`
	VaultID  string `json:"vault_id"`
	APIKey   string `json:"api_key"`
	DataDir  string `json:"data_dir"`
	ProxyURL string `json:"proxy_url"`
	CAFile   string `json:"ca_file"`
	VaultURL string `json:"vault_url"`
	TokenURI string `json:"token_uri"`
	Env      map[string]string
	Creds    string `json:"credentials_path"`
}

// startMock runs the skyflow-mock binary with args and returns the process
// and its start-up line.
func startMock(bin string, args ...string) (*exec.Cmd, readyLine) {
	GinkgoHelper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.Stderr = GinkgoWriter
	out, err := cmd.StdoutPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed())
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, out)
	}()
	var line string
	Eventually(lines).WithTimeout(30 * time.Second).Should(Receive(&line))
	var r readyLine
	Expect(json.Unmarshal([]byte(line), &r)).To(Succeed(), "start-up line: %q", line)
	return cmd, r
}

var _ = Describe("A vault that survives a restart (WithDataDir, -data)", func() {
	It("keeps records, tokens, files, Detect tokens, runs and credentials across Close and New", func() {
		dir := GinkgoT().TempDir()
		srv, err := mockserver.Start(mockserver.WithDataDir(dir), mockserver.WithRunPolls(0), mockserver.WithResponseValidation())
		Expect(err).NotTo(HaveOccurred())
		c := newClient(srv)
		creds, key := loadCredentials(srv), srv.APIKey()
		bearer, err := srv.IssueToken(time.Hour)
		Expect(err).NotTo(HaveOccurred())
		_, err = mockserver.New(mockserver.WithDataDir(dir))
		Expect(err).To(MatchError(ContainSubstring("in use")))

		// Concurrent writers, every write acknowledged.
		type written struct{ id, email, token string }
		var (
			mu   sync.Mutex
			done []written
			wg   sync.WaitGroup
		)
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				for i := range 10 {
					email := fmt.Sprintf("w%d-%d@example.com", w, i)
					id, toks := insertOne(c, srv, "table1", map[string]any{"email": email})
					mu.Lock()
					done = append(done, written{id, email, toks["email"].(string)})
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		fileID := expectOK(c.multipart("/v2/vaults/"+srv.VaultID()+"/files/upload", part{name: "tableName", content: "documents"},
			part{name: "columnName", content: "attachment"}, part{name: "file", filename: "kept.txt", content: "kept bytes"}))["skyflowID"].(string)
		deid := expectOK(c.do("POST", "/v1/detect/deidentify/string", map[string]any{"vault_id": srv.VaultID(), "text": "SSN 123-45-6789",
			"token_type": map[string]any{"default": "vault_token"}}))
		detectToken := obj(arr(deid["entities"])[0])["token"].(string)
		runID := expectOK(c.do("POST", "/v1/detect/deidentify/file/text", map[string]any{"vault_id": srv.VaultID(),
			"file": map[string]any{"base64": base64.StdEncoding.EncodeToString([]byte("call John Smith")), "data_format": "txt"}}))["run_id"].(string)
		Expect(srv.Problems()).To(BeEmpty())
		srv.Close()

		srv, err = mockserver.Start(mockserver.WithDataDir(dir), mockserver.WithResponseValidation())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		Expect(srv.APIKey()).To(Equal(key))
		again := loadCredentials(srv)
		Expect(again.PrivateKey).To(Equal(creds.PrivateKey), "the service account keeps its key")
		Expect(again.KeyID).To(Equal(creds.KeyID))
		c = newClient(srv)
		Expect(srv.Records("table1")).To(HaveLen(len(done)), "the seed records are not added again either")
		ids := url.Values{}
		for _, w := range done {
			ids.Add("skyflow_ids", w.id)
		}
		got := records(expectOK(c.withAuth("Bearer "+bearer).do("GET", vaultPath(srv, "/table1?"+ids.Encode()), nil)))
		Expect(got).To(HaveLen(len(done)))
		for i, w := range done {
			Expect(obj(got[i]["fields"])).To(HaveKeyWithValue("email", w.email))
			det := expectOK(c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{
				"detokenizationParameters": []any{map[string]any{"token": w.token, "redaction": "PLAIN_TEXT"}}}))
			Expect(records(det)[0]).To(HaveKeyWithValue("value", w.email))
		}
		link := obj(records(expectOK(c.do("GET", vaultPath(srv, "/documents?downloadURL=true&skyflow_ids="+fileID), nil)))[0]["fields"])["attachment"].(string)
		resp, err := http.Get(link)
		Expect(err).NotTo(HaveOccurred())
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		Expect(string(body)).To(Equal("kept bytes"))
		det := expectOK(c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{"detokenizationParameters": []any{map[string]any{"token": detectToken}}}))
		Expect(records(det)[0]).To(HaveKeyWithValue("value", "123-45-6789"))
		Expect(expectOK(c.do("GET", "/v1/detect/runs/"+runID+"?vault_id="+srv.VaultID(), nil))).To(HaveKeyWithValue("status", "SUCCESS"))
		Expect(srv.Problems()).To(BeEmpty())
	})

	It("keeps every acknowledged write when the process is killed with SIGKILL mid-load", func() {
		bin, err := gexec.Build("github.com/skyflowgo/skyflow/test/mockserver/cmd/skyflow-mock", "-race")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
		dir := GinkgoT().TempDir()
		cmd, ready := startMock(bin, "-data", dir)
		DeferCleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		c := &client{base: ready.BaseURL, auth: "Bearer " + ready.APIKey, http: &http.Client{Timeout: 30 * time.Second}}

		const want = 200
		type written struct{ id, ssn, token string }
		var (
			mu   sync.Mutex
			acks []written
			wg   sync.WaitGroup
		)
		stop := make(chan struct{})
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					ssn := fmt.Sprintf("%03d-%02d-%04d", w+100, i%100, i)
					raw, _ := json.Marshal(map[string]any{"records": []any{map[string]any{"fields": map[string]any{"ssn": ssn}}}, "tokenization": true})
					req, _ := http.NewRequest("POST", c.base+"/v1/vaults/"+ready.VaultID+"/table1", bytes.NewReader(raw))
					req.Header.Set("Authorization", c.auth)
					req.Header.Set("Content-Type", "application/json")
					resp, err := c.http.Do(req)
					if err != nil {
						return // the process is gone
					}
					var body struct {
						Records []struct {
							ID     string            `json:"skyflow_id"`
							Tokens map[string]string `json:"tokens"`
						} `json:"records"`
					}
					err = json.NewDecoder(resp.Body).Decode(&body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK {
						return
					}
					mu.Lock()
					acks = append(acks, written{body.Records[0].ID, ssn, body.Records[0].Tokens["ssn"]})
					n := len(acks)
					mu.Unlock()
					if n == want {
						Expect(cmd.Process.Kill()).To(Succeed()) // SIGKILL, writers still in flight
						close(stop)
					}
				}
			}()
		}
		wg.Wait()
		_ = cmd.Wait()
		mu.Lock()
		acked := append([]written(nil), acks...)
		mu.Unlock()
		Expect(len(acked)).To(BeNumerically(">=", want))

		cmd2, ready2 := startMock(bin, "-data", dir)
		DeferCleanup(func() { _ = cmd2.Process.Signal(os.Interrupt); _ = cmd2.Wait() })
		Expect(ready2.APIKey).To(Equal(ready.APIKey))
		c2 := &client{base: ready2.BaseURL, auth: "Bearer " + ready2.APIKey, http: &http.Client{Timeout: 30 * time.Second}}
		for start := 0; start < len(acked); start += 25 {
			chunk := acked[start:min(start+25, len(acked))]
			params := []any{}
			for _, w := range chunk {
				params = append(params, map[string]any{"token": w.token, "redaction": "PLAIN_TEXT"})
			}
			det := records(expectOK(c2.do("POST", "/v1/vaults/"+ready2.VaultID+"/detokenize", map[string]any{"detokenizationParameters": params})))
			for i, w := range chunk {
				Expect(det[i]).To(HaveKeyWithValue("value", w.ssn))
			}
			ids := url.Values{}
			for _, w := range chunk {
				ids.Add("skyflow_ids", w.id)
			}
			Expect(records(expectOK(c2.do("GET", "/v1/vaults/"+ready2.VaultID+"/table1?"+ids.Encode(), nil)))).To(HaveLen(len(chunk)))
		}
	})
})
