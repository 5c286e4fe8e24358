// Package install_test proves that the emulator module can be fetched and
// installed once the repository is tagged, the way users will: go install
// of the command and go get of the package, from a module proxy, outside
// this workspace, without the SDK module or a test framework.
package install_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestInstall(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Installing the emulator module")
}
