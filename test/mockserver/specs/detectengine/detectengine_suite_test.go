package detectengine_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestDetectEngine(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Detect engine")
}
