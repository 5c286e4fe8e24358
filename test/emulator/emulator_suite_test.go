package emulator_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestMockserver(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Skyflow emulator (mockserver)")
}
