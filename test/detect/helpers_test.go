package detect_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// fastRetries keeps retry waits short so specs never wait for real seconds.
var fastRetries = facade.RetryPolicy{MaxRetries: 2, InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// env is one emulator, a client for its demo vault whose HTTP requests are
// recorded, and a Detect handle. The emulator finishes runs at their first
// poll unless a spec plans otherwise (the polling schedule itself is tested
// beside the code, with a fake clock).
type env struct {
	srv    *mockserver.Server
	client *facade.Client
	det    *facade.Detect
	rec    *recorder
}

// startEnv starts an emulator with response validation (so it cannot drift
// from the spec) and checks at cleanup that it saw no problem.
func startEnv(srvOpts ...mockserver.Option) *env {
	srv, err := mockserver.Start(append([]mockserver.Option{mockserver.WithResponseValidation(), mockserver.WithRunPolls(0)}, srvOpts...)...)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		Expect(srv.Problems()).To(BeEmpty())
		srv.Close()
	})
	rec := &recorder{next: http.DefaultTransport}
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL(), Credentials: &auth.Credentials{APIKey: srv.APIKey()}}),
		facade.WithHTTPClient(&http.Client{Transport: rec}),
		facade.WithRetryPolicy(fastRetries),
		facade.WithLogger(slog.New(slog.NewTextHandler(GinkgoWriter, nil))),
	)
	Expect(err).NotTo(HaveOccurred())
	det, err := client.Detect(srv.VaultID())
	Expect(err).NotTo(HaveOccurred())
	return &env{srv: srv, client: client, det: det, rec: rec}
}

// recorded is one request as it went on the wire.
type recorded struct {
	Method, Path, Query string
	Header              http.Header
	ContentLength       int64
	Body                []byte
}

// JSON decodes the recorded body as a JSON object.
func (r recorded) JSON() map[string]any {
	var m map[string]any
	ExpectWithOffset(1, json.Unmarshal(r.Body, &m)).To(Succeed(), "body of %s %s is not JSON", r.Method, r.Path)
	return m
}

// recorder is an http.RoundTripper that keeps a copy of every request.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := recorded{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery, Header: req.Header.Clone(), ContentLength: req.ContentLength}
	if req.Body != nil {
		data, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		rec.Body = data
		req.Body = io.NopCloser(bytes.NewReader(data))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// Requests returns the recorded requests whose path contains sub.
func (r *recorder) Requests(sub string) []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recorded
	for _, q := range r.reqs {
		if strings.Contains(q.Path, sub) {
			out = append(out, q)
		}
	}
	return out
}

// Last returns the last recorded request whose path contains sub.
func (r *recorder) Last(sub string) recorded {
	list := r.Requests(sub)
	ExpectWithOffset(1, list).NotTo(BeEmpty(), "no request to %s", sub)
	return list[len(list)-1]
}

// Sample files, one per kind.

const sampleText = "Contact John Smith at john.smith@example.com or 415-555-0134. SSN 123-45-6789."

func samplePDF(text string) []byte {
	content := "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET"
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	b.WriteString("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	b.WriteString("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	b.WriteString("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n")
	fmt.Fprintf(&b, "4 0 obj << /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(content), content)
	b.WriteString("trailer << /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

func samplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	Expect(png.Encode(&b, img)).To(Succeed())
	return b.Bytes()
}

func sampleJPEG() []byte {
	var b bytes.Buffer
	Expect(jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)), nil)).To(Succeed())
	return b.Bytes()
}

// sampleWAV is one second of 8 kHz 16-bit mono PCM.
func sampleWAV() []byte {
	const rate, bits, channels = 8000, 16, 1
	data := make([]byte, rate*bits/8*channels)
	var b bytes.Buffer
	w := func(v any) { Expect(binary.Write(&b, binary.LittleEndian, v)).To(Succeed()) }
	b.WriteString("RIFF")
	w(uint32(36 + len(data)))
	b.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1))
	w(uint16(channels))
	w(uint32(rate))
	w(uint32(rate * bits / 8 * channels))
	w(uint16(bits / 8 * channels))
	w(uint16(bits))
	b.WriteString("data")
	w(uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

// sampleZip is an OOXML-like zip with the given entries.
func sampleZip(names ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		f, err := zw.Create(n)
		Expect(err).NotTo(HaveOccurred())
		_, _ = f.Write([]byte("<xml/>"))
	}
	Expect(zw.Close()).To(Succeed())
	return b.Bytes()
}
