// Package nodesdk_test drives the published Skyflow Node SDK (skyflow-node
// 1.14.3, pinned by package-lock.json and installed with npm ci by
// make node-deps) against the emulator's proxy mode: the first client in
// the test suite that nobody here wrote.
package nodesdk_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestNodeSDK(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Official Node SDK against the emulator")
}
