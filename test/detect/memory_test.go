package detect_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

const largeSize = 64 << 20

// sink is a minimal Detect endpoint that discards de-identify bodies
// (counting them) and reports every run as done with a tiny output.
type sink struct {
	received      atomic.Int64
	contentLength atomic.Int64
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost {
		n, _ := io.Copy(io.Discard, r.Body)
		s.received.Store(n)
		s.contentLength.Store(r.ContentLength)
		_, _ = io.WriteString(w, `{"run_id":"run-large"}`)
		return
	}
	_, _ = io.WriteString(w, `{"status":"SUCCESS","output":[{"processedFile":"b2s=","processedFileType":"redacted_text","processedFileExtension":"txt"}]}`)
}

// block is what pattern repeats.
var block = func() []byte {
	b := make([]byte, 32<<10)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}()

// pattern is an endless reader of printable bytes that allocates nothing.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) { return copy(p, block), nil }

// heapPeak samples HeapAlloc until stopped and returns the largest value.
func heapPeak() (stop func() uint64) {
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak }
}

var _ = Describe("DeidentifyFile memory use", Serial, func() {
	var (
		det *facade.Detect
		s   *sink
	)
	BeforeEach(func() {
		s = &sink{}
		srv := httptest.NewServer(s)
		DeferCleanup(srv.Close)
		client, err := facade.New(facade.WithVault(facade.VaultConfig{
			VaultID: "v1", BaseURL: srv.URL, Credentials: &auth.Credentials{APIKey: "sky-ab1c2-0123456789abcdef0123456789abcdef"},
		}))
		Expect(err).NotTo(HaveOccurred())
		det, err = client.Detect("")
		Expect(err).NotTo(HaveOccurred())
	})

	measure := func(call func()) (allocated, peakGrowth uint64) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := heapPeak()
		call()
		peak := stop()
		runtime.ReadMemStats(&after)
		growth := uint64(0)
		if peak > before.HeapAlloc {
			growth = peak - before.HeapAlloc
		}
		return after.TotalAlloc - before.TotalAlloc, growth
	}

	It("streams a 64 MB file from a path with a known length, allocating a small fraction of it", func(ctx SpecContext) {
		path := filepath.Join(GinkgoT().TempDir(), "large.txt")
		f, err := os.Create(path)
		Expect(err).NotTo(HaveOccurred())
		_, err = io.Copy(f, io.LimitReader(pattern{}, largeSize))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Close()).To(Succeed())

		var resp *facade.DeidentifyFileResponse
		allocated, peak := measure(func() {
			resp, err = det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Path: path})
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(resp.File)).To(Equal("ok"))
		Expect(s.received.Load()).To(BeNumerically(">", largeSize*4/3))
		Expect(s.contentLength.Load()).To(Equal(s.received.Load()), "sent with its Content-Length")
		GinkgoWriter.Printf("64 MB from a path: %d KB allocated, heap peak +%d KB\n", allocated>>10, peak>>10)
		Expect(allocated).To(BeNumerically("<", 8<<20), "allocated "+strconv.FormatUint(allocated>>10, 10)+" KB")
		Expect(peak).To(BeNumerically("<", 8<<20))
	})

	It("streams a 64 MB reader of unknown length the same way", func(ctx SpecContext) {
		var (
			resp *facade.DeidentifyFileResponse
			err  error
		)
		allocated, peak := measure(func() {
			resp, err = det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Reader: io.LimitReader(pattern{}, largeSize), FileName: "large.txt"})
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(facade.RunStatusSuccess))
		Expect(s.received.Load()).To(BeNumerically(">", largeSize*4/3))
		Expect(s.contentLength.Load()).To(Equal(int64(-1)), "chunked")
		GinkgoWriter.Printf("64 MB from a reader: %d KB allocated, heap peak +%d KB\n", allocated>>10, peak>>10)
		Expect(allocated).To(BeNumerically("<", 8<<20))
		Expect(peak).To(BeNumerically("<", 8<<20))
	})
})
