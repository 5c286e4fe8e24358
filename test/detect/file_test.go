package detect_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// fileCase is one file kind sent end to end.
type fileCase struct {
	name     string
	data     func() []byte
	endpoint string
	format   string
	outType  string
	outExt   string
	check    func(*facade.DeidentifyFileResponse)
}

var _ = Describe("DeidentifyFile", func() {
	var e *env
	BeforeEach(func() { e = startEnv() })

	const base = "/v1/detect/deidentify/file"
	notSSN := func(r *facade.DeidentifyFileResponse) {
		Expect(string(r.File)).NotTo(ContainSubstring("123-45-6789"))
		Expect(r.WordCount).To(BeNumerically(">", 0))
		Expect(r.CharacterCount).To(BeNumerically(">", 0))
	}
	text := func(s string) func() []byte { return func() []byte { return []byte(s) } }
	opaque := text("opaque binary content \x00\x01\x02")

	DescribeTable("sends each file kind to its endpoint with a lower-case data_format, streamed with a known length, and polls the run to SUCCESS",
		func(ctx SpecContext, c fileCase) {
			data := c.data()
			path := filepath.Join(GinkgoT().TempDir(), c.name)
			Expect(os.WriteFile(path, data, 0o600)).To(Succeed())

			resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Path: path})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Status).To(Equal(facade.RunStatusSuccess))
			Expect(resp.RunID).NotTo(BeEmpty())
			Expect(resp.RequestID).NotTo(BeEmpty())
			Expect(resp.Type).To(Equal(c.outType))
			Expect(resp.Extension).To(Equal(c.outExt))
			Expect(resp.File).NotTo(BeEmpty())
			Expect(resp.SizeKB).To(BeNumerically("~", float64(len(data))/1024, 0.001))
			Expect(resp.Entities).NotTo(BeEmpty())
			Expect(resp.Entities[0].Type).To(Equal("entities"))
			Expect(resp.Entities[0].Extension).To(Equal("json"))
			Expect(resp.OutputFiles).To(BeEmpty())
			if c.check != nil {
				c.check(resp)
			}

			start := e.rec.Last(base)
			Expect(start.Method).To(Equal("POST"))
			Expect(start.Path).To(Equal(c.endpoint))
			Expect(start.ContentLength).To(Equal(int64(len(start.Body))), "length known up front")
			body := start.JSON()
			Expect(body["vault_id"]).To(Equal(e.srv.VaultID()))
			file := body["file"].(map[string]any)
			Expect(file["data_format"]).To(Equal(c.format))
			Expect(base64.StdEncoding.DecodeString(file["base64"].(string))).To(Equal(data))

			Expect(e.srv.Count("DetectGetRun")).To(Equal(1), "polled at once; the run is done")
			for _, r := range e.rec.Requests("/v1/detect/runs/") {
				Expect(r.Query).To(Equal("vault_id=" + e.srv.VaultID()))
			}
		},
		Entry("txt", fileCase{"report.txt", text(sampleText), base + "/text", "txt", "redacted_text", "txt", notSSN}),
		Entry("mp3", fileCase{"call.mp3", opaque, base + "/audio", "mp3", "redacted_audio", "mp3", nil}),
		Entry("wav", fileCase{"call.wav", sampleWAV, base + "/audio", "wav", "redacted_audio", "wav", func(r *facade.DeidentifyFileResponse) {
			Expect(r.DurationSeconds).To(BeNumerically("~", 1, 0.01))
		}}),
		Entry("pdf", fileCase{"scan.pdf", func() []byte { return samplePDF(sampleText) }, base + "/document/pdf", "pdf", "redacted_file", "pdf", func(r *facade.DeidentifyFileResponse) {
			notSSN(r)
			Expect(r.Pages).To(Equal(1))
		}}),
		Entry("upper-case PDF", fileCase{"SCAN.PDF", func() []byte { return samplePDF(sampleText) }, base + "/document/pdf", "pdf", "redacted_file", "pdf", nil}),
		Entry("jpg", fileCase{"photo.jpg", sampleJPEG, base + "/image", "jpg", "redacted_image", "jpg", nil}),
		Entry("jpeg", fileCase{"photo.jpeg", sampleJPEG, base + "/image", "jpeg", "redacted_image", "jpeg", nil}),
		Entry("png", fileCase{"photo.png", samplePNG, base + "/image", "png", "redacted_image", "png", func(r *facade.DeidentifyFileResponse) {
			Expect(r.File).To(Equal(samplePNG()))
		}}),
		Entry("bmp", fileCase{"photo.bmp", opaque, base + "/image", "bmp", "redacted_image", "bmp", nil}),
		Entry("tif", fileCase{"photo.tif", opaque, base + "/image", "tif", "redacted_image", "tif", nil}),
		Entry("tiff", fileCase{"photo.tiff", opaque, base + "/image", "tiff", "redacted_image", "tiff", nil}),
		Entry("ppt", fileCase{"deck.ppt", opaque, base + "/presentation", "ppt", "redacted_file", "ppt", nil}),
		Entry("pptx", fileCase{"deck.pptx", func() []byte { return sampleZip("ppt/slides/slide1.xml", "ppt/slides/slide2.xml") }, base + "/presentation", "pptx", "redacted_file", "pptx", func(r *facade.DeidentifyFileResponse) {
			Expect(r.Slides).To(Equal(2))
		}}),
		Entry("csv", fileCase{"sheet.csv", text("name,ssn\nJohn Smith,123-45-6789\n"), base + "/spreadsheet", "csv", "redacted_file", "csv", notSSN}),
		Entry("xls", fileCase{"sheet.xls", opaque, base + "/spreadsheet", "xls", "redacted_file", "xls", nil}),
		Entry("xlsx", fileCase{"sheet.xlsx", func() []byte { return sampleZip("xl/workbook.xml") }, base + "/spreadsheet", "xlsx", "redacted_file", "xlsx", nil}),
		Entry("doc", fileCase{"letter.doc", opaque, base + "/document", "doc", "redacted_file", "doc", nil}),
		Entry("docx", fileCase{"letter.docx", func() []byte { return sampleZip("word/document.xml") }, base + "/document", "docx", "redacted_file", "docx", nil}),
		Entry("json", fileCase{"data.json", text(`{"note":"SSN 123-45-6789"}`), base + "/structured_text", "json", "redacted_file", "json", notSSN}),
		Entry("xml", fileCase{"data.xml", text(`<r><n>SSN 123-45-6789</n></r>`), base + "/structured_text", "xml", "redacted_file", "xml", notSSN}),
		Entry("dcm (generic endpoint)", fileCase{"scan.dcm", opaque, base, "dcm", "redacted_file", "dcm", nil}),
		Entry("jsonl (generic endpoint)", fileCase{"lines.jsonl", text("{\"n\":\"SSN 123-45-6789\"}\n"), base, "jsonl", "redacted_file", "json", notSSN}),
	)

	It("sends only the options that are set", func(ctx SpecContext) {
		_, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader(sampleText), FileName: "a.txt"})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.rec.Last(base).JSON()).To(HaveLen(2), "file and vault_id only")
		for _, name := range []string{"a.png", "a.pdf", "a.wav"} {
			data := map[string][]byte{"a.png": samplePNG(), "a.pdf": samplePDF("x"), "a.wav": sampleWAV()}[name]
			_, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: bytes.NewReader(data), FileName: name})
			Expect(err).NotTo(HaveOccurred())
			Expect(e.rec.Last(base).JSON()).To(HaveLen(2), name)
		}
	})

	It("sends the image options", func(ctx SpecContext) {
		_, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
			Reader: bytes.NewReader(samplePNG()), FileName: "id-card.png",
			OutputProcessedImage: true, OutputOCRText: true, MaskingMethod: facade.MaskingMethodBlur,
		})
		Expect(err).NotTo(HaveOccurred())
		body := e.rec.Last(base + "/image").JSON()
		Expect(body).To(HaveKeyWithValue("output_processed_image", true))
		Expect(body).To(HaveKeyWithValue("output_ocr_text", true))
		Expect(body).To(HaveKeyWithValue("masking_method", "blur"))

		_, err = e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: bytes.NewReader(samplePNG()), FileName: "b.png", MaskingMethod: facade.MaskingMethodBlackbox})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.rec.Last(base + "/image").JSON()).To(And(HaveKeyWithValue("masking_method", "blackbox"), Not(HaveKey("output_ocr_text"))))
	})

	It("sends the PDF options", func(ctx SpecContext) {
		_, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: bytes.NewReader(samplePDF(sampleText)), FileName: "a.pdf", PixelDensity: 300, MaxResolution: 2000})
		Expect(err).NotTo(HaveOccurred())
		body := e.rec.Last(base + "/document/pdf").JSON()
		Expect(body).To(HaveKeyWithValue("density", 300.0))
		Expect(body).To(HaveKeyWithValue("max_resolution", 2000.0))
	})

	DescribeTable("sends the audio options and returns the transcription output",
		func(ctx SpecContext, tr facade.Transcription, outType, outExt string) {
			resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
				Reader: bytes.NewReader(sampleWAV()), FileName: "call.wav",
				OutputProcessedAudio: true, OutputTranscription: tr,
				Bleep: &facade.Bleep{Gain: -3, Frequency: 1000, StartPadding: 0.25, StopPadding: 0.5},
			})
			Expect(err).NotTo(HaveOccurred())
			body := e.rec.Last(base + "/audio").JSON()
			Expect(body).To(HaveKeyWithValue("output_processed_audio", true))
			Expect(body).To(HaveKeyWithValue("output_transcription", string(tr)))
			Expect(body).To(HaveKeyWithValue("bleep_gain", -3.0))
			Expect(body).To(HaveKeyWithValue("bleep_frequency", 1000.0))
			Expect(body).To(HaveKeyWithValue("bleep_start_padding", 0.25))
			Expect(body).To(HaveKeyWithValue("bleep_stop_padding", 0.5))
			Expect(resp.Entities).To(HaveLen(2))
			Expect(resp.Entities[1].Type).To(Equal(outType))
			Expect(resp.Entities[1].Extension).To(Equal(outExt))
		},
		Entry("transcription", facade.TranscriptionStandard, "redacted_transcription", "txt"),
		Entry("medical transcription", facade.TranscriptionMedical, "redacted_transcription", "txt"),
		Entry("diarized transcription", facade.TranscriptionDiarized, "redacted_transcription_diarize_json", "json"),
		Entry("medical diarized transcription", facade.TranscriptionMedicalDiarized, "redacted_transcription_diarize_json", "json"),
	)

	It("sends entities, all three token lists, regex lists and transformations where the endpoint takes them", func(ctx SpecContext) {
		req := facade.DeidentifyFileRequest{
			Entities: []facade.EntityType{facade.EntitySSN, facade.EntityEmailAddress, facade.EntityDate},
			TokenFormat: facade.TokenFormat{
				Default:             facade.TokenTypeEntityUniqueCounter,
				VaultToken:          []facade.EntityType{facade.EntitySSN},
				EntityUniqueCounter: []facade.EntityType{facade.EntityEmailAddress},
				EntityOnly:          []facade.EntityType{facade.EntityDate},
			},
			AllowRegex:      []string{`^none$`},
			RestrictRegex:   []string{`.+`},
			Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 1, MaxDays: 3, Entities: []facade.EntityType{facade.EntityDate}}},
		}
		for _, name := range []string{"a.txt", "a.json", "a.jsonl", "a.wav"} {
			r := req
			r.Reader, r.FileName = bytes.NewReader(map[string][]byte{"a.txt": []byte(sampleText), "a.json": []byte(`{"a":"x"}`), "a.jsonl": []byte(`{"a":"x"}`), "a.wav": sampleWAV()}[name]), name
			resp, err := e.det.DeidentifyFile(ctx, r)
			Expect(err).NotTo(HaveOccurred(), name)
			Expect(resp.Status).To(Equal(facade.RunStatusSuccess))
			body := e.rec.Last(base).JSON()
			Expect(body["entity_types"]).To(Equal([]any{"ssn", "email_address", "date"}))
			Expect(body["token_type"]).To(Equal(map[string]any{
				"default": "entity_unq_counter", "vault_token": []any{"ssn"}, "entity_unq_counter": []any{"email_address"}, "entity_only": []any{"date"},
			}))
			Expect(body["allow_regex"]).To(Equal([]any{`^none$`}))
			Expect(body["restrict_regex"]).To(Equal([]any{`.+`}))
			Expect(body["transformations"]).To(Equal(map[string]any{"shift_dates": map[string]any{"min_days": 1.0, "max_days": 3.0, "entity_types": []any{"date"}}}))
		}
		r := req
		r.Transformations = facade.Transformations{}
		r.Reader, r.FileName = bytes.NewReader(samplePNG()), "a.png"
		_, err := e.det.DeidentifyFile(ctx, r)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.rec.Last(base + "/image").JSON()).To(And(HaveKey("token_type"), HaveKey("entity_types"), HaveKey("allow_regex"), Not(HaveKey("transformations"))))
	})

	DescribeTable("rejects bad input before any call, naming the field",
		func(ctx SpecContext, mk func(dir string) facade.DeidentifyFileRequest, field string) {
			dir := GinkgoT().TempDir()
			_, err := e.det.DeidentifyFile(ctx, mk(dir))
			var ve *skyflow.ValidationError
			Expect(errors.As(err, &ve)).To(BeTrue(), "%v", err)
			Expect(ve.Field).To(Equal(field))
			Expect(e.rec.Requests("/v1/detect")).To(BeEmpty())
		},
		Entry("no source", func(string) facade.DeidentifyFileRequest { return facade.DeidentifyFileRequest{} }, "Reader/Path"),
		Entry("both sources", func(d string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.txt", Path: writeTemp(d, "a.txt", "x")}
		}, "Reader/Path"),
		Entry("reader without a name", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x")}
		}, "FileName"),
		Entry("missing path", func(d string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Path: filepath.Join(d, "nope.txt")}
		}, "Path"),
		Entry("a directory as path", func(d string) facade.DeidentifyFileRequest { return facade.DeidentifyFileRequest{Path: d} }, "Path"),
		Entry("empty file", func(d string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Path: writeTemp(d, "a.txt", "")}
		}, "Path"),
		Entry("empty reader", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader(""), FileName: "a.txt"}
		}, "Reader"),
		Entry("no extension", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "README"}
		}, "FileName"),
		Entry("unsupported extension", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "tool.exe"}
		}, "FileName"),
		Entry("image option on a PDF", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.pdf", OutputOCRText: true}
		}, "OutputOCRText"),
		Entry("PDF option on an image", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.png", PixelDensity: 72}
		}, "PixelDensity"),
		Entry("audio option on a text file", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.txt", Bleep: &facade.Bleep{Frequency: 1}}
		}, "Bleep"),
		Entry("transformations on a PDF", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.pdf",
				Transformations: facade.Transformations{ShiftDates: &facade.DateShift{MinDays: 1, MaxDays: 2}}}
		}, "Transformations"),
		Entry("unknown masking method", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.png", MaskingMethod: "pixelate"}
		}, "MaskingMethod"),
		Entry("a transcription outside the wire enum", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.mp3", OutputTranscription: "plaintext_transcription"}
		}, "OutputTranscription"),
		Entry("negative max resolution", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.pdf", MaxResolution: -1}
		}, "MaxResolution"),
		Entry("bleep without frequency", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.wav", Bleep: &facade.Bleep{Gain: 2}}
		}, "Bleep.Frequency"),
		Entry("negative bleep padding", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.wav", Bleep: &facade.Bleep{Frequency: 1000, StopPadding: -1}}
		}, "Bleep.StopPadding"),
		Entry("bad regex", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.txt", RestrictRegex: []string{"a", "b", "*"}}
		}, "RestrictRegex[2]"),
		Entry("negative wait time", func(string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.txt", WaitTime: -1}
		}, "WaitTime"),
		Entry("missing output directory", func(d string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.txt", OutputDirectory: filepath.Join(d, "nope")}
		}, "OutputDirectory"),
		Entry("a file as output directory", func(d string) facade.DeidentifyFileRequest {
			return facade.DeidentifyFileRequest{Reader: strings.NewReader("x"), FileName: "a.txt", OutputDirectory: writeTemp(d, "f", "x")}
		}, "OutputDirectory"),
	)

	Context("file sources", func() {
		It("streams a plain io.Reader without a length, once", func(ctx SpecContext) {
			resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: onlyReader{strings.NewReader(sampleText)}, FileName: "a.txt"})
			Expect(err).NotTo(HaveOccurred())
			Expect(string(resp.File)).To(ContainSubstring("[SSN_1]"))
			start := e.rec.Last(base)
			Expect(start.ContentLength).To(BeNumerically("<=", 0), "unknown length: chunked")
			Expect(start.JSON()["file"].(map[string]any)["base64"]).To(Equal(base64.StdEncoding.EncodeToString([]byte(sampleText))))
		})

		It("sends a path or a seekable reader again after a transient failure", func(ctx SpecContext) {
			e.srv.InjectFault("DetectDeidentifyText", mockserver.Fault{Status: 503})
			_, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader(sampleText), FileName: "a.txt"})
			Expect(err).NotTo(HaveOccurred())
			Expect(e.srv.Count("DetectDeidentifyText")).To(Equal(2))

			e.srv.InjectFault("DetectDeidentifyText", mockserver.Fault{Status: 503})
			path := writeTemp(GinkgoT().TempDir(), "b.txt", sampleText)
			_, err = e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Path: path})
			Expect(err).NotTo(HaveOccurred())
			Expect(e.srv.Count("DetectDeidentifyText")).To(Equal(4))
			starts := e.rec.Requests(base)
			Expect(starts[len(starts)-1].Body).To(Equal(starts[len(starts)-2].Body), "the same body, re-read from the start")
		})

		It("does not resend a one-shot reader, and reports the API error", func(ctx SpecContext) {
			e.srv.InjectFault("DetectDeidentifyText", mockserver.Fault{Status: 503})
			_, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: onlyReader{strings.NewReader(sampleText)}, FileName: "a.txt"})
			var apiErr *skyflow.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue(), "%v", err)
			Expect(apiErr.StatusCode).To(Equal(503))
			Expect(e.srv.Count("DetectDeidentifyText")).To(Equal(1))
		})
	})

	It("uses the vault's base URL for files and runs too", func(ctx SpecContext) {
		e := startEnv(mockserver.WithBasePath("/skyflow"))
		resp, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: strings.NewReader(sampleText), FileName: "a.txt"})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(facade.RunStatusSuccess))
		Expect(e.rec.Last("/detect/deidentify/file").Path).To(Equal("/skyflow/v1/detect/deidentify/file/text"))
		Expect(e.rec.Last("/detect/runs/").Path).To(HavePrefix("/skyflow/v1/detect/runs/"))
		_, err = e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: resp.RunID})
		Expect(err).NotTo(HaveOccurred())
	})
})

// onlyReader hides every method but Read (no Seek, no WriteTo).
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func writeTemp(dir, name, content string) string {
	p := filepath.Join(dir, name)
	Expect(os.WriteFile(p, []byte(content), 0o600)).To(Succeed())
	return p
}
