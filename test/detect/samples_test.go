package detect_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// Go equivalents of the Detect samples of the Python SDK's README, run
// against the emulator.
var _ = Describe("the README's Detect samples", func() {
	var e *env
	BeforeEach(func() { e = startEnv(mockserver.WithRunPolls(2)) })

	const text = "Card 4111 1111 1111 1111, SSN 123-45-6789, DOB 1990-05-17."

	It("De-identify Text", func(ctx SpecContext) {
		detect, err := e.client.Detect(e.srv.VaultID())
		Expect(err).NotTo(HaveOccurred())
		response, err := detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
			Text:        text,
			Entities:    []facade.EntityType{facade.EntitySSN, facade.EntityCreditCard},
			TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken},
			Transformations: facade.Transformations{ShiftDates: &facade.DateShift{
				MaxDays:  30, // maximum days to shift
				MinDays:  10, // minimum days to shift
				Entities: []facade.EntityType{facade.EntityDOB},
			}},
		})
		Expect(err).NotTo(HaveOccurred())
		GinkgoWriter.Printf("De-identify Text Response: %+v\n", response)
		Expect(response.ProcessedText).NotTo(ContainSubstring("123-45-6789"))
		Expect(response.ProcessedText).NotTo(ContainSubstring("4111 1111 1111 1111"))
		Expect(response.Entities).To(HaveLen(2))
	})

	It("Re-identify Text", func(ctx SpecContext) {
		detect, err := e.client.Detect("")
		Expect(err).NotTo(HaveOccurred())
		redacted, err := detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: text, TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken}})
		Expect(err).NotTo(HaveOccurred())

		response, err := detect.ReidentifyText(ctx, facade.ReidentifyTextRequest{
			Text:              redacted.ProcessedText,
			RedactedEntities:  []facade.EntityType{facade.EntitySSN},        // keep redacted
			MaskedEntities:    []facade.EntityType{facade.EntityCreditCard}, // mask
			PlainTextEntities: []facade.EntityType{facade.EntityName},       // reveal
		})
		Expect(err).NotTo(HaveOccurred())
		GinkgoWriter.Printf("Re-identify Text Response: %+v\n", response)
		Expect(response.ProcessedText).NotTo(ContainSubstring("123-45-6789"))
		Expect(response.ProcessedText).NotTo(ContainSubstring("4111 1111 1111 1111"))
	})

	It("De-identify File, then Get Run", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "file.pdf"), samplePDF(text), 0o600)).To(Succeed())
		outputDir := filepath.Join(dir, "out")
		Expect(os.Mkdir(outputDir, 0o700)).To(Succeed())

		// Open the file; DeidentifyFile streams it.
		file, err := os.Open(filepath.Join(dir, "file.pdf"))
		Expect(err).NotTo(HaveOccurred())
		defer file.Close()
		detect, err := e.client.Detect("")
		Expect(err).NotTo(HaveOccurred())
		response, err := detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
			Reader:          file,
			FileName:        filepath.Base(file.Name()),
			Entities:        []facade.EntityType{facade.EntitySSN, facade.EntityCreditCard},
			TokenFormat:     facade.TokenFormat{Default: facade.TokenTypeEntityOnly},
			OutputDirectory: outputDir,
			WaitTime:        64e9, // 64 s
		})
		Expect(err).NotTo(HaveOccurred())
		GinkgoWriter.Printf("De-identify File Response: run %s, status %s, files %v\n", response.RunID, response.Status, response.OutputFiles)
		Expect(response.Status).To(Equal(facade.RunStatusSuccess))
		Expect(response.OutputFiles).To(HaveLen(2))
		Expect(string(response.File)).To(ContainSubstring("[SSN]"))

		run, err := detect.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: response.RunID})
		Expect(err).NotTo(HaveOccurred())
		GinkgoWriter.Printf("Get Detect Run Response: status %s\n", run.Status)
		Expect(run.File).To(Equal(response.File))
	})
})
