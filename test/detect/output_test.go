package detect_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// listDir returns the names in dir, sorted.
func listDir(dir string) []string {
	entries, err := os.ReadDir(dir)
	Expect(err).NotTo(HaveOccurred())
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

var _ = Describe("DeidentifyFile with an output directory", func() {
	var (
		e   *env
		out string
	)
	BeforeEach(func() {
		e = startEnv()
		out = GinkgoT().TempDir()
	})

	It("writes the processed file and the entity file, named from the input", func(ctx SpecContext) {
		resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
			Reader: strings.NewReader(sampleText), FileName: "Patient Notes.TXT", OutputDirectory: out,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(listDir(out)).To(Equal([]string{"processed-Patient_Notes.entities.json", "processed-Patient_Notes.txt"}))
		Expect(resp.OutputFiles).To(Equal([]string{
			filepath.Join(out, "processed-Patient_Notes.txt"),
			filepath.Join(out, "processed-Patient_Notes.entities.json"),
		}))
		Expect(os.ReadFile(resp.OutputFiles[0])).To(Equal(resp.File))
		Expect(os.ReadFile(resp.OutputFiles[1])).To(Equal(resp.Entities[0].File))
		fi, err := os.Stat(resp.OutputFiles[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(fi.Mode().Perm()).To(Equal(os.FileMode(0o600)))
	})

	It("uses the processed file's extension and names every other output by its type", func(ctx SpecContext) {
		resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
			Reader: bytes.NewReader(sampleWAV()), FileName: "call.wav", OutputDirectory: out,
			OutputTranscription: facade.TranscriptionDiarized,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(listDir(out)).To(ConsistOf("processed-call.wav", "processed-call.entities.json", "processed-call.redacted_transcription_diarize_json.json"))
		Expect(resp.OutputFiles).To(HaveLen(3))

		resp, err = e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
			Reader: strings.NewReader("{\"a\":\"x\"}\n"), FileName: "events.jsonl", OutputDirectory: out,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.OutputFiles[0]).To(Equal(filepath.Join(out, "processed-events.json")), "the processed file's extension, not the input's")
	})

	DescribeTable("keeps every file inside the directory whatever the file name",
		func(ctx SpecContext, name, want string) {
			parent := GinkgoT().TempDir()
			dir := filepath.Join(parent, "a", "b")
			Expect(os.MkdirAll(dir, 0o700)).To(Succeed())
			resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader(sampleText), FileName: name, OutputDirectory: dir})
			Expect(err).NotTo(HaveOccurred())
			for _, p := range resp.OutputFiles {
				Expect(filepath.Dir(p)).To(Equal(dir))
			}
			Expect(resp.OutputFiles[0]).To(Equal(filepath.Join(dir, want)))
			Expect(listDir(parent)).To(Equal([]string{"a"}))
			Expect(listDir(filepath.Join(parent, "a"))).To(Equal([]string{"b"}))
		},
		Entry("parent traversal", "../../evil.txt", "processed-evil.txt"),
		Entry("backslash traversal", `..\..\evil.txt`, "processed-evil.txt"),
		Entry("absolute path", "/etc/passwd.txt", "processed-passwd.txt"),
		Entry("only dots", "...txt", "processed-file.txt"),
		Entry("hidden file", ".secret.txt", "processed-secret.txt"),
		Entry("odd characters", "we<i>rd|na:me*?.txt", "processed-we_i_rd_na_me__.txt"),
	)

	It("writes nothing while the run is in progress", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 100})
		resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader(sampleText), FileName: "a.txt", OutputDirectory: out, WaitTime: 1e9})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(facade.RunStatusInProgress))
		Expect(listDir(out)).To(BeEmpty())
	})

	It("reports a write failure with the response, leaves no partial or temporary file, and never names the path", func(ctx SpecContext) {
		Expect(os.MkdirAll(filepath.Join(out, "processed-secret-patient.txt", "x"), 0o700)).To(Succeed())
		resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader(sampleText), FileName: "secret-patient.txt", OutputDirectory: out})
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(ContainSubstring("cannot write output 0"))
		Expect(err.Error()).NotTo(ContainSubstring("secret-patient"))
		Expect(err.Error()).NotTo(ContainSubstring(out))
		var errno syscall.Errno
		Expect(errors.As(err, &errno)).To(BeTrue(), "the cause is kept: %v", err)
		Expect(resp).NotTo(BeNil(), "the processed data is not lost")
		Expect(resp.Status).To(Equal(facade.RunStatusSuccess))
		Expect(string(resp.File)).To(ContainSubstring("[SSN_1]"))
		Expect(resp.OutputFiles).To(BeEmpty())
		Expect(listDir(out)).To(Equal([]string{"processed-secret-patient.txt"}), "no temporary file left")
	})

	It("replaces an existing output atomically", func(ctx SpecContext) {
		target := filepath.Join(out, "processed-a.txt")
		Expect(os.WriteFile(target, []byte("old content"), 0o600)).To(Succeed())
		resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader(sampleText), FileName: "a.txt", OutputDirectory: out})
		Expect(err).NotTo(HaveOccurred())
		Expect(os.ReadFile(target)).To(Equal(resp.File))
		Expect(listDir(out)).To(HaveLen(2))
	})
})
