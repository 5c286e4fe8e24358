package detectengine_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectengine"
)

// deidFile de-identifies a file and checks what every output must satisfy.
func deidFile(data []byte, format string, opts detectengine.FileOptions) detectengine.FileResult {
	r, err := engine().DeidentifyFile(data, format, opts)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	ExpectWithOffset(1, len(r.Outputs)).To(BeNumerically(">=", 2))
	types := []detectengine.OutputType{
		detectengine.OutputRedactedAudio, detectengine.OutputRedactedImage, detectengine.OutputRedactedTranscription,
		detectengine.OutputRedactedFile, detectengine.OutputRedactedText, detectengine.OutputEntities,
		detectengine.OutputRedactedTranscriptionDiarizeJSON,
	}
	for _, o := range r.Outputs {
		ExpectWithOffset(1, detectengine.OutputExtensions()).To(ContainElement(o.Extension))
		ExpectWithOffset(1, types).To(ContainElement(o.Type))
	}
	ents := r.Outputs[1]
	ExpectWithOffset(1, ents.Type).To(Equal(detectengine.OutputEntities))
	ExpectWithOffset(1, ents.Extension).To(Equal("json"))
	var listed []map[string]any
	ExpectWithOffset(1, json.Unmarshal(ents.Data, &listed)).To(Succeed())
	ExpectWithOffset(1, listed).To(HaveLen(len(r.Entities)))
	ExpectWithOffset(1, r.SizeKB).To(BeNumerically("~", float64(len(data))/1024, 1e-9))
	return r
}

// tokensOf returns the tokens of entities.
func tokensOf(es []detectengine.Entity) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Token)
	}
	return out
}

// checkPDF asserts the PDF framing and that every xref entry points at its
// object.
func checkPDF(b []byte) {
	ExpectWithOffset(1, b).To(HavePrefix("%PDF-"))
	ExpectWithOffset(1, bytes.TrimRight(b, "\r\n")).To(HaveSuffix("%%EOF"))
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF$`).FindSubmatch(b)
	ExpectWithOffset(1, m).NotTo(BeNil())
	xref, _ := strconv.Atoi(string(m[1]))
	ExpectWithOffset(1, b[xref:]).To(HavePrefix("xref\n0 "))
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(b[xref:], -1)
	ExpectWithOffset(1, entries).NotTo(BeEmpty())
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		ExpectWithOffset(1, string(b[off:])).To(HavePrefix(strconv.Itoa(i+1) + " 0 obj"))
	}
}

// wavInfo reads the fmt and data chunk of a WAV produced by the engine.
func wavInfo(b []byte) (channels, bits uint16, rate uint32, dataLen int) {
	le := binary.LittleEndian
	ExpectWithOffset(1, string(b[:4])).To(Equal("RIFF"))
	ExpectWithOffset(1, int(le.Uint32(b[4:]))).To(Equal(len(b) - 8))
	ExpectWithOffset(1, string(b[8:12])).To(Equal("WAVE"))
	ExpectWithOffset(1, string(b[12:16])).To(Equal("fmt "))
	fl := int(le.Uint32(b[16:]))
	f := b[20 : 20+fl]
	channels, rate, bits = le.Uint16(f[2:]), le.Uint32(f[4:]), le.Uint16(f[14:])
	ExpectWithOffset(1, le.Uint32(f[8:])).To(Equal(rate * uint32(le.Uint16(f[12:]))))
	d := 20 + fl + fl%2
	ExpectWithOffset(1, string(b[d:d+4])).To(Equal("data"))
	dataLen = int(le.Uint32(b[d+4:]))
	ExpectWithOffset(1, d+8+dataLen+dataLen%2).To(Equal(len(b)))
	return
}

// makeWAV builds a 16-bit PCM WAV of n frames of a non-silent signal.
func makeWAV(channels uint16, rate uint32, frames int) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	data := make([]byte, frames*int(channels)*2)
	for i := range data {
		data[i] = byte(i)
	}
	b.WriteString("RIFF")
	_ = binary.Write(&b, le, uint32(4+8+16+8+len(data)))
	b.WriteString("WAVEfmt ")
	_ = binary.Write(&b, le, []uint32{16})
	_ = binary.Write(&b, le, []uint16{1, channels})
	_ = binary.Write(&b, le, []uint32{rate, rate * uint32(channels) * 2})
	_ = binary.Write(&b, le, []uint16{channels * 2, 16})
	b.WriteString("data")
	_ = binary.Write(&b, le, uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

var _ = Describe("DeidentifyFile", func() {
	It("processes txt as text", func() {
		r := deidFile([]byte("Patient John Smith\nSSN 123-45-6789\n"), "txt", detectengine.FileOptions{})
		Expect(string(r.Outputs[0].Data)).To(Equal("Patient [NAME_1]\nSSN [SSN_1]\n"))
		Expect(r.Outputs[0].Type).To(Equal(detectengine.OutputRedactedText))
		Expect(r.Outputs[0].Extension).To(Equal("txt"))
		Expect(r.WordCount).To(Equal(5))
		Expect(r.CharacterCount).To(Equal(35))
		var listed []map[string]any
		Expect(json.Unmarshal(r.Outputs[1].Data, &listed)).To(Succeed())
		Expect(listed[1]).To(HaveKeyWithValue("token", "[SSN_1]"))
		Expect(listed[1]).To(HaveKeyWithValue("entity_type", "ssn"))
		Expect(listed[1]).To(HaveKey("location"))
	})

	It("accepts the format in any case", func() {
		r := deidFile([]byte("a@b.io"), "TXT", detectengine.FileOptions{})
		Expect(string(r.Outputs[0].Data)).To(Equal("[EMAIL_ADDRESS_1]"))
	})

	It("rejects an unknown format", func() {
		_, err := engine().DeidentifyFile([]byte("x"), "exe", detectengine.FileOptions{})
		var oe *detectengine.OptionError
		Expect(errors.As(err, &oe)).To(BeTrue())
		Expect(oe.Field).To(Equal("data_format"))
	})

	It("validates the options", func() {
		_, err := engine().DeidentifyFile([]byte("x"), "txt", detectengine.FileOptions{Options: detectengine.Options{AllowRegex: []string{"("}}})
		Expect(err).To(BeAssignableToTypeOf(&detectengine.RegexError{}))
	})

	It("uses one counter across the whole file", func() {
		r := deidFile([]byte("ssn,other\n123-45-6789,234-56-7890\n234-56-7890,123-45-6789\n"), "csv", detectengine.FileOptions{})
		Expect(string(r.Outputs[0].Data)).To(Equal("ssn,other\n[SSN_1],[SSN_2]\n[SSN_2],[SSN_1]\n"))
	})

	Describe("csv", func() {
		const in = "name,ssn,note\r\nJohn Smith,123-45-6789,\"says \"\"hi\"\", call 415-555-1234\"\r\n\"Mary Jones\",n/a,\"multi\nline a@b.io\"\r\nshort\r\n"

		It("keeps the shape and processes every cell", func() {
			r := deidFile([]byte(in), "csv", detectengine.FileOptions{})
			Expect(r.Outputs[0].Type).To(Equal(detectengine.OutputRedactedFile))
			Expect(r.Outputs[0].Extension).To(Equal("csv"))
			rd := csv.NewReader(bytes.NewReader(r.Outputs[0].Data))
			rd.FieldsPerRecord = -1
			got, err := rd.ReadAll()
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal([][]string{
				{"name", "ssn", "note"},
				{"[NAME_1]", "[SSN_1]", `says "hi", call [PHONE_NUMBER_1]`},
				{"[NAME_2]", "n/a", "multi\nline [EMAIL_ADDRESS_1]"},
				{"short"},
			}))
			Expect(r.Outputs[0].Data).To(ContainSubstring("\r\n"))
			Expect(r.Entities[1].Path).To(Equal("R2C2"))
			Expect(r.Entities[1].Location.StartIndex).To(Equal(0))
		})

		It("rejects a malformed file without quoting it", func() {
			_, err := engine().DeidentifyFile([]byte("a,b\n123-45-6789 \"x\",y\n"), "csv", detectengine.FileOptions{})
			var fe *detectengine.FileError
			Expect(errors.As(err, &fe)).To(BeTrue())
			Expect(fe.Format).To(Equal("csv"))
			Expect(fe.Line).To(Equal(2))
			Expect(err.Error()).NotTo(ContainSubstring("123"))
		})
	})

	Describe("json", func() {
		const in = `{
  "z_name": "John Smith <jsmith@example.com>",
  "a": [1, 2.50, -3e2, true, false, null, "SSN 123-45-6789"],
  "123-45-6789": {"nested/key~": "call 415-555-1234", "n": 12345678901234567890},
  "empty": {}, "list": []
}
`
		It("processes string values only and keeps keys, numbers and order", func() {
			r := deidFile([]byte(in), "json", detectengine.FileOptions{})
			out := r.Outputs[0].Data
			Expect(r.Outputs[0].Extension).To(Equal("json"))
			Expect(json.Valid(out)).To(BeTrue())
			Expect(out).To(MatchJSON(`{"z_name":"[NAME_1] <[EMAIL_ADDRESS_1]>","a":[1,2.50,-3e2,true,false,null,"SSN [SSN_1]"],
				"123-45-6789":{"nested/key~":"call [PHONE_NUMBER_1]","n":12345678901234567890},"empty":{},"list":[]}`))
			s := string(out)
			Expect(strings.Index(s, `"z_name"`)).To(BeNumerically("<", strings.Index(s, `"a"`)), "key order kept")
			Expect(s).To(ContainSubstring("2.50"))
			Expect(s).To(ContainSubstring("12345678901234567890"))
			Expect(s).To(ContainSubstring("<[EMAIL"), "no HTML escaping")
			Expect(s).To(HaveSuffix("}\n"))
			Expect(tokensOf(r.Entities)).To(Equal([]string{"[NAME_1]", "[EMAIL_ADDRESS_1]", "[SSN_1]", "[PHONE_NUMBER_1]"}))
			Expect(r.Entities[3].Path).To(Equal("/123-45-6789/nested~1key~0"))
			Expect(r.Entities[2].Path).To(Equal("/a/6"))
		})

		It("handles a top-level string and compact input", func() {
			r := deidFile([]byte(`"a@b.io"`), "json", detectengine.FileOptions{})
			Expect(string(r.Outputs[0].Data)).To(Equal(`"[EMAIL_ADDRESS_1]"`))
		})

		It("rejects invalid JSON and trailing data", func() {
			for _, bad := range []string{`{"a":`, `{"a":1} {"b":2}`, ``, `{'a':1}`} {
				_, err := engine().DeidentifyFile([]byte(bad), "json", detectengine.FileOptions{})
				Expect(err).To(BeAssignableToTypeOf(&detectengine.FileError{}), bad)
			}
		})
	})

	Describe("jsonl", func() {
		It("processes every line, keeps the layout and answers with the json extension", func() {
			in := "{\"n\":\"John Smith\",\"k\":1}\n\n[\"123-45-6789\"]\n\"a@b.io\"\n"
			r := deidFile([]byte(in), "jsonl", detectengine.FileOptions{})
			Expect(r.Outputs[0].Extension).To(Equal("json"))
			Expect(string(r.Outputs[0].Data)).To(Equal("{\"n\":\"[NAME_1]\",\"k\":1}\n\n[\"[SSN_1]\"]\n\"[EMAIL_ADDRESS_1]\"\n"))
			for _, line := range strings.Split(string(r.Outputs[0].Data), "\n") {
				if line != "" {
					Expect(json.Valid([]byte(line))).To(BeTrue(), line)
				}
			}
			Expect(r.Entities[1].Path).To(Equal("3:/0"))
		})

		It("names the bad line", func() {
			_, err := engine().DeidentifyFile([]byte("{}\n{bad\n"), "jsonl", detectengine.FileOptions{})
			var fe *detectengine.FileError
			Expect(errors.As(err, &fe)).To(BeTrue())
			Expect(fe.Line).To(Equal(2))
		})
	})

	Describe("xml", func() {
		const in = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE patients>
<!-- owner: Mary Jones -->
<p:patients xmlns:p="urn:example:patients" xmlns="urn:default">
  <p:patient id="123-45-6789" note="mail a@b.io &amp; co">
    <name>John Smith</name>
    <bio><![CDATA[born 1990-05-17 <b>]]></bio>
    <empty/>
  </p:patient>
</p:patients>
`
		It("processes text nodes and attributes and stays valid XML", func() {
			r := deidFile([]byte(in), "xml", detectengine.FileOptions{})
			out := r.Outputs[0].Data
			Expect(r.Outputs[0].Extension).To(Equal("xml"))

			dec := xml.NewDecoder(bytes.NewReader(out))
			var texts, attrs []string
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				Expect(err).NotTo(HaveOccurred())
				switch t := tok.(type) {
				case xml.StartElement:
					for _, a := range t.Attr {
						attrs = append(attrs, a.Name.Local+"="+a.Value)
					}
				case xml.CharData:
					if s := strings.TrimSpace(string(t)); s != "" {
						texts = append(texts, s)
					}
				}
			}
			Expect(texts).To(Equal([]string{"[NAME_1]", "born [DOB_1] <b>"}))
			Expect(attrs).To(ContainElements("p=urn:example:patients", "xmlns=urn:default", "id=[SSN_1]", "note=mail [EMAIL_ADDRESS_1] & co"))
			s := string(out)
			Expect(s).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>`))
			Expect(s).To(ContainSubstring("<!-- owner: Mary Jones -->"), "comments are kept as written")
			Expect(s).To(ContainSubstring("<p:patient "), "prefixes are kept")
			Expect(r.Entities[0].Path).To(Equal("/p:patients/p:patient/@id"))
			Expect(r.Entities[2].Path).To(Equal("/p:patients/p:patient/name"))
		})

		It("rejects malformed XML", func() {
			for _, bad := range []string{`<a><b></a>`, `<a>`, `text`, `<a/><b/>`, ``} {
				_, err := engine().DeidentifyFile([]byte(bad), "xml", detectengine.FileOptions{})
				Expect(err).To(BeAssignableToTypeOf(&detectengine.FileError{}), bad)
			}
		})
	})

	Describe("pdf", func() {
		It("reads literal strings of uncompressed streams and writes a valid PDF", func() {
			in := "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
				"2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n" +
				"3 0 obj << /Type /Page /Parent 2 0 R /Contents 5 0 R >> endobj\n" +
				"4 0 obj << /Type/Page /Parent 2 0 R >> endobj\n" +
				"5 0 obj << /Length 99 >>\nstream\nBT /F1 12 Tf 72 700 Td (Patient: John) Tj 40 0 Td (Smith) Tj 0 -14 Td " +
				"[(SSN 123-4) 20 (5-6789)] TJ T* <4D61696C20613F622E696F> Tj (\\(paren\\) caf\\351) ' ET\nendstream\nendobj\n" +
				"6 0 obj << /Length 10 /Filter /FlateDecode >>\nstream\n(Jane Doe 234-56-7890) Tj\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
			r := deidFile([]byte(in), "pdf", detectengine.FileOptions{})
			out := r.Outputs[0].Data
			checkPDF(out)
			Expect(r.Outputs[0].Extension).To(Equal("pdf"))
			Expect(r.Pages).To(Equal(2))
			Expect(tokensOf(r.Entities)).To(Equal([]string{"[NAME_1]", "[SSN_1]"}))
			Expect(string(out)).To(ContainSubstring("(Patient: [NAME_1]) Tj"))
			Expect(string(out)).To(ContainSubstring("(SSN [SSN_1]) Tj"))
			Expect(string(out)).To(ContainSubstring(`(\(paren\) caf\351) Tj`))
			Expect(string(out)).NotTo(ContainSubstring("123-45-6789"))
			Expect(string(out)).NotTo(ContainSubstring("234-56-7890"), "compressed streams are not copied")
		})

		It("says how many entities were found when there is no readable text", func() {
			r := deidFile([]byte("%PDF-1.7\n garbage \x00\x01"), "pdf", detectengine.FileOptions{})
			checkPDF(r.Outputs[0].Data)
			Expect(string(r.Outputs[0].Data)).To(ContainSubstring("(Entities found: 0) Tj"))
			Expect(r.Pages).To(BeZero())
		})

		It("spreads long text over pages", func() {
			var b strings.Builder
			b.WriteString("%PDF-1.4\n1 0 obj << /Length 1 >>\nstream\nBT\n")
			for range 120 {
				b.WriteString("(line) Tj T*\n")
			}
			b.WriteString("ET\nendstream\nendobj\n%%EOF")
			r := deidFile([]byte(b.String()), "pdf", detectengine.FileOptions{})
			checkPDF(r.Outputs[0].Data)
			Expect(regexp.MustCompile(`/Type /Page\b`).FindAll(r.Outputs[0].Data, -1)).To(HaveLen(3))
			Expect(string(r.Outputs[0].Data)).To(ContainSubstring("/Count 3"))
		})
	})

	Describe("images", func() {
		img := image.NewRGBA(image.Rect(0, 0, 3, 2))
		img.Set(1, 1, color.RGBA{R: 200, A: 255})

		It("echoes a valid png and jpeg", func() {
			var p, j bytes.Buffer
			Expect(png.Encode(&p, img)).To(Succeed())
			Expect(jpeg.Encode(&j, img, nil)).To(Succeed())
			r := deidFile(p.Bytes(), "png", detectengine.FileOptions{})
			Expect(r.Outputs[0].Data).To(Equal(p.Bytes()))
			Expect(r.Outputs[0].Type).To(Equal(detectengine.OutputRedactedImage))
			for _, f := range []string{"jpg", "jpeg"} {
				r = deidFile(j.Bytes(), f, detectengine.FileOptions{})
				Expect(r.Outputs[0].Data).To(Equal(j.Bytes()))
				Expect(r.Outputs[0].Extension).To(Equal(f))
			}
		})

		It("replaces an unreadable png or jpeg by a valid image of the format", func() {
			r := deidFile([]byte("not a png"), "png", detectengine.FileOptions{})
			_, err := png.Decode(bytes.NewReader(r.Outputs[0].Data))
			Expect(err).NotTo(HaveOccurred())
			for _, f := range []string{"jpg", "jpeg"} {
				r = deidFile([]byte("\xff\xd8 broken"), f, detectengine.FileOptions{})
				_, err = jpeg.Decode(bytes.NewReader(r.Outputs[0].Data))
				Expect(err).NotTo(HaveOccurred())
				Expect(r.Outputs[0].Extension).To(Equal(f))
			}
		})

		It("writes a valid BMP for unreadable input and echoes a valid one", func() {
			r := deidFile([]byte("BMnope"), "bmp", detectengine.FileOptions{})
			b := r.Outputs[0].Data
			le := binary.LittleEndian
			Expect(string(b[:2])).To(Equal("BM"))
			Expect(int(le.Uint32(b[2:]))).To(Equal(len(b)))
			Expect(le.Uint32(b[10:])).To(BeEquivalentTo(54))
			Expect(le.Uint32(b[14:])).To(BeEquivalentTo(40))
			w, h := int(le.Uint32(b[18:])), int(le.Uint32(b[22:]))
			Expect(le.Uint16(b[26:])).To(BeEquivalentTo(1))
			Expect(le.Uint16(b[28:])).To(BeEquivalentTo(24))
			Expect(len(b)).To(Equal(54 + h*((w*3+3)&^3)))
			Expect(deidFile(b, "bmp", detectengine.FileOptions{}).Outputs[0].Data).To(Equal(b))
		})

		It("writes a valid TIFF for unreadable input and echoes a valid one", func() {
			for _, f := range []string{"tif", "tiff"} {
				r := deidFile([]byte("II*"), f, detectengine.FileOptions{})
				b := r.Outputs[0].Data
				Expect(r.Outputs[0].Extension).To(Equal(f))
				le := binary.LittleEndian
				Expect(string(b[:2])).To(Equal("II"))
				Expect(le.Uint16(b[2:])).To(BeEquivalentTo(42))
				ifd := int(le.Uint32(b[4:]))
				n := int(le.Uint16(b[ifd:]))
				tags := map[uint16]uint32{}
				prev := uint16(0)
				for i := range n {
					e := b[ifd+2+12*i:]
					tag := le.Uint16(e)
					Expect(tag).To(BeNumerically(">", prev), "tags ascend")
					prev = tag
					if le.Uint16(e[2:]) == 3 {
						tags[tag] = uint32(le.Uint16(e[8:]))
					} else {
						tags[tag] = le.Uint32(e[8:])
					}
				}
				Expect(tags).To(HaveKey(uint16(282)))
				Expect(tags[258]).To(BeEquivalentTo(8))
				Expect(tags[279]).To(Equal(tags[256] * tags[257]))
				Expect(int(tags[273] + tags[279])).To(Equal(len(b)))
				Expect(deidFile(b, f, detectengine.FileOptions{}).Outputs[0].Data).To(Equal(b))
			}
		})
	})

	Describe("audio", func() {
		It("returns WAV silence of the input's format and duration", func() {
			in := makeWAV(2, 8000, 12000)
			r := deidFile(in, "wav", detectengine.FileOptions{})
			Expect(r.Outputs[0].Type).To(Equal(detectengine.OutputRedactedAudio))
			Expect(r.Outputs[0].Extension).To(Equal("wav"))
			ch, bits, rate, n := wavInfo(r.Outputs[0].Data)
			Expect([]any{ch, bits, rate, n}).To(Equal([]any{uint16(2), uint16(16), uint32(8000), 12000 * 4}))
			Expect(r.DurationSeconds).To(BeNumerically("~", 1.5, 1e-9))
			Expect(bytes.Count(r.Outputs[0].Data[len(r.Outputs[0].Data)-n:], []byte{0})).To(Equal(n), "silence")
			Expect(r.Outputs).To(HaveLen(2))
		})

		It("reads only the data the file really holds", func() {
			in := makeWAV(1, 16000, 8000)
			binary.LittleEndian.PutUint32(in[40:], 1<<30) // the header lies about the data size
			r := deidFile(in, "wav", detectengine.FileOptions{})
			_, _, _, n := wavInfo(r.Outputs[0].Data)
			Expect(n).To(Equal(16000))
			Expect(r.DurationSeconds).To(BeNumerically("~", 0.5, 1e-9))
		})

		It("returns an empty valid WAV for unreadable input", func() {
			r := deidFile([]byte("RIFF????WAVEjunk"), "wav", detectengine.FileOptions{})
			_, _, _, n := wavInfo(r.Outputs[0].Data)
			Expect(n).To(BeZero())
			Expect(r.DurationSeconds).To(BeZero())
		})

		It("adds a transcription output when asked", func() {
			r := deidFile(makeWAV(1, 8000, 10), "wav", detectengine.FileOptions{Transcription: "transcription"})
			Expect(r.Outputs).To(HaveLen(3))
			Expect(r.Outputs[2].Type).To(Equal(detectengine.OutputRedactedTranscription))
			Expect(r.Outputs[2].Extension).To(Equal("txt"))
			r = deidFile(makeWAV(1, 8000, 10), "wav", detectengine.FileOptions{Transcription: "medical_diarized_transcription"})
			Expect(r.Outputs[2].Type).To(Equal(detectengine.OutputRedactedTranscriptionDiarizeJSON))
			Expect(json.Valid(r.Outputs[2].Data)).To(BeTrue())
		})

		It("echoes an mp3 and estimates its duration", func() {
			frame := []byte{0xFF, 0xFB, 0x90, 0x64} // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
			in := append([]byte("ID3\x04\x00\x00\x00\x00\x00\x0a0123456789"), frame...)
			in = append(in, make([]byte, 16000-len(frame))...)
			r := deidFile(in, "mp3", detectengine.FileOptions{Transcription: "transcription"})
			Expect(r.Outputs[0].Data).To(Equal(in))
			Expect(r.Outputs[0].Extension).To(Equal("mp3"))
			Expect(r.DurationSeconds).To(BeNumerically("~", 1.0, 1e-9))
			Expect(r.Outputs).To(HaveLen(3))
			Expect(deidFile([]byte("no frames"), "mp3", detectengine.FileOptions{}).DurationSeconds).To(BeZero())
		})
	})

	Describe("office and DICOM files", func() {
		DescribeTable("are echoed",
			func(format string) {
				in := []byte("\xd0\xcf\x11\xe0 opaque " + format)
				r := deidFile(in, format, detectengine.FileOptions{})
				Expect(r.Outputs[0].Data).To(Equal(in))
				Expect(r.Outputs[0].Extension).To(Equal(format))
				Expect(r.Outputs[0].Type).To(Equal(detectengine.OutputRedactedFile))
				Expect(r.Entities).To(BeEmpty())
			},
			Entry(nil, "doc"), Entry(nil, "docx"), Entry(nil, "xls"), Entry(nil, "xlsx"),
			Entry(nil, "ppt"), Entry(nil, "pptx"), Entry(nil, "dcm"),
		)

		It("counts the slides of a pptx and says 1 otherwise", func() {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			for _, name := range []string{"ppt/presentation.xml", "ppt/slides/slide1.xml", "ppt/slides/slide2.xml",
				"ppt/slides/slide3.xml", "ppt/slides/_rels/slide1.xml.rels"} {
				w, err := zw.Create(name)
				Expect(err).NotTo(HaveOccurred())
				_, _ = w.Write([]byte("<x/>"))
			}
			Expect(zw.Close()).To(Succeed())
			Expect(deidFile(b.Bytes(), "pptx", detectengine.FileOptions{}).Slides).To(Equal(3))
			Expect(deidFile([]byte("not a zip"), "pptx", detectengine.FileOptions{}).Slides).To(Equal(1))
			Expect(deidFile([]byte("ole"), "ppt", detectengine.FileOptions{}).Slides).To(Equal(1))
		})
	})

	It("handles every data format of the spec", func() {
		samples := map[string]string{"csv": "a,b\n", "json": "{}", "jsonl": "{}\n", "xml": "<a/>"}
		Expect(detectengine.FileFormats()).To(HaveLen(21))
		for _, f := range detectengine.FileFormats() {
			in, ok := samples[f]
			if !ok {
				in = "John Smith 123-45-6789"
			}
			r := deidFile([]byte(in), f, detectengine.FileOptions{})
			Expect(r.Outputs[0].Data).NotTo(BeNil(), f)
		}
	})
})
