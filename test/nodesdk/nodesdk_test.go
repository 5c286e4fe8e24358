package nodesdk_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// proxyVars are the proxy settings a CI machine might have; the flow must
// use the emulator's proxy only.
var proxyVars = []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"}

// environ is the process environment without proxy settings, plus extra.
func environ(extra map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, p := range proxyVars {
			drop = drop || strings.EqualFold(name, p)
		}
		if !drop {
			out = append(out, kv)
		}
	}
	for k, v := range extra {
		out = append(out, k+"="+v)
	}
	return out
}

var _ = Describe("skyflow-node 1.14.3, unmodified, through the emulator's proxy", func() {
	It("inserts with tokens, detokenizes, gets by id, updates, invokes a connection and deletes", func() {
		node, err := exec.LookPath("node")
		Expect(err).NotTo(HaveOccurred(), "Node.js is required (the CI machine has it)")
		Expect(filepath.Join("node_modules", "skyflow-node", "package.json")).To(BeAnExistingFile(),
			"the Node SDK is not installed: run make node-deps (npm ci in test/nodesdk)")

		srv, err := mockserver.Start(mockserver.WithProxy("127.0.0.1:0"), mockserver.WithResponseValidation())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		creds := filepath.Join(GinkgoT().TempDir(), "credentials.json")
		Expect(srv.WriteCredentials(creds)).To(Succeed())
		cfg, err := json.Marshal(map[string]string{
			"vault_id": srv.VaultID(), "vault_url": srv.VaultURL(),
			"credentials_path": creds, "connection_url": srv.ConnectionURL(),
		})
		Expect(err).NotTo(HaveOccurred())

		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, "flow.js")
		cmd.Env = environ(map[string]string{
			"HTTPS_PROXY":         srv.ProxyURL(),
			"NODE_EXTRA_CA_CERTS": srv.CAFile(),
			"SKYFLOW_MOCK":        string(cfg),
		})
		out, err := cmd.CombinedOutput()
		GinkgoWriter.Printf("%s", out)
		Expect(err).NotTo(HaveOccurred(), "the Node SDK flow failed:\n%s", out)
		Expect(string(out)).To(ContainSubstring("ok: skyflow-node flow passed"))

		// The SDK really went through the proxy to every surface.
		counts := srv.Counts()
		for _, op := range []string{"GetAuthToken", "RecordServiceBatchOperation", "TokenServiceDetokenize", "RecordServiceBulkGetRecord",
			"RecordServiceUpdateRecord", "RecordServiceDeleteRecord", "InvokeConnection"} {
			Expect(counts).To(HaveKeyWithValue(op, BeNumerically(">=", 1)), op)
		}
		Expect(srv.Records("table1")).To(BeEmpty())
		Expect(srv.Problems()).To(BeEmpty())
	})
})
