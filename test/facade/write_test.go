package facade_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

var _ = Describe("writing", func() {
	var (
		e  *env
		id string
	)
	BeforeEach(func(ctx SpecContext) {
		e = startEnv(nil)
		resp, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(1)}})
		Expect(err).NotTo(HaveOccurred())
		id = resp.Inserted[0].SkyflowID
	})

	Describe("Update", func() {
		It("updates values, returns tokens when asked, and never mutates the caller's map", func(ctx SpecContext) {
			values := map[string]any{"skyflow_id": id, "cardholder_name": "Jane Doe"}
			before := maps.Clone(values)
			resp, err := e.vault.Update(ctx, facade.UpdateRequest{Table: "table1", Fields: values, ReturnTokens: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(values).To(Equal(before))
			Expect(resp.SkyflowID).To(Equal(id))
			Expect(resp.Tokens).To(HaveKey("cardholder_name"))
			got, err := e.vault.Get(ctx, facade.GetRequest{Table: "table1", IDs: []string{id}, Redaction: facade.RedactionPlainText})
			Expect(err).NotTo(HaveOccurred())
			Expect(got.Records[0].Fields).To(HaveKeyWithValue("cardholder_name", "Jane Doe"))
		})

		It("clears a column with a nil value", func(ctx SpecContext) {
			_, err := e.vault.Update(ctx, facade.UpdateRequest{Table: "table1", SkyflowID: id, Fields: map[string]any{"dob": nil}})
			Expect(err).NotTo(HaveOccurred())
		})

		It("stores supplied tokens with token mode ENABLE", func(ctx SpecContext) {
			_, err := e.vault.Update(ctx, facade.UpdateRequest{Table: "table1", SkyflowID: id,
				Fields: map[string]any{"cardholder_name": "Tok Name"}, Tokens: map[string]string{"cardholder_name": "name-token-77"},
				TokenMode: facade.TokenModeEnable})
			Expect(err).NotTo(HaveOccurred())
			d, err := e.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: "name-token-77", Redaction: facade.RedactionPlainText}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(d.Records[0].Value).To(Equal("Tok Name"))
		})

		It("validates", func(ctx SpecContext) {
			for _, req := range []facade.UpdateRequest{
				{Fields: map[string]any{"a": 1}, SkyflowID: "x"},
				{Table: "table1", Fields: map[string]any{"a": 1}},
				{Table: "table1", SkyflowID: "x"},
				{Table: "table1", SkyflowID: "x", Fields: map[string]any{"skyflow_id": "y", "a": 1}},
				{Table: "table1", SkyflowID: "x", Fields: map[string]any{"a": 1}, Tokens: map[string]string{"a": "t"}},
				{Table: "table1", SkyflowID: "x", Fields: map[string]any{"a": 1, "b": 2}, Tokens: map[string]string{"a": "t"}, TokenMode: facade.TokenModeEnableStrict},
			} {
				_, err := e.vault.Update(ctx, req)
				Expect(err).To(MatchError(skyflow.ErrValidation), "%+v", req)
			}
			Expect(e.srv.Count("RecordServiceUpdateRecord")).To(Equal(0))
		})
	})

	Describe("Delete", func() {
		It("deletes records by id", func(ctx SpecContext) {
			resp, err := e.vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{id}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.DeletedIDs).To(Equal([]string{id}))
			Expect(e.srv.Records("table1")).To(BeEmpty())
		})

		It("deletes every record with \"*\"", func(ctx SpecContext) {
			_, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(2), card(3)}})
			Expect(err).NotTo(HaveOccurred())
			resp, err := e.vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{"*"}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.DeletedIDs).To(Equal([]string{"*"}))
			Expect(e.srv.Records("table1")).To(BeEmpty())
		})

		It("validates", func(ctx SpecContext) {
			_, err := e.vault.Delete(ctx, facade.DeleteRequest{Table: "table1"})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			_, err = e.vault.Delete(ctx, facade.DeleteRequest{IDs: []string{"x"}})
			Expect(err).To(MatchError(skyflow.ErrValidation))
			_, err = e.vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{""}})
			Expect(err).To(MatchError(skyflow.ErrValidation))
		})
	})

	Describe("UploadFile", func() {
		download := func(ctx SpecContext, recordID string) []byte {
			resp, err := e.vault.Get(ctx, facade.GetRequest{Table: "documents", IDs: []string{recordID}, DownloadURL: true, Redaction: facade.RedactionPlainText})
			Expect(err).NotTo(HaveOccurred())
			link := resp.Records[0].Fields["attachment"].(string)
			r, err := http.Get(link)
			Expect(err).NotTo(HaveOccurred())
			defer r.Body.Close()
			b, err := io.ReadAll(r.Body)
			Expect(err).NotTo(HaveOccurred())
			return b
		}

		It("uploads from a path into a new record", func(ctx SpecContext) {
			path := filepath.Join(GinkgoT().TempDir(), "scan.pdf")
			Expect(os.WriteFile(path, []byte("%PDF-1.4 fake"), 0o600)).To(Succeed())
			resp, err := e.vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment", Path: path})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.SkyflowID).NotTo(BeEmpty())
			Expect(download(ctx, resp.SkyflowID)).To(Equal([]byte("%PDF-1.4 fake")))
		})

		It("uploads base64 content into an existing record", func(ctx SpecContext) {
			doc, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "documents", Records: []map[string]any{{"title": "T"}}})
			Expect(err).NotTo(HaveOccurred())
			docID := doc.Inserted[0].SkyflowID
			resp, err := e.vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment", SkyflowID: docID,
				Base64: base64.StdEncoding.EncodeToString([]byte("hello")), FileName: "h.txt"})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.SkyflowID).To(Equal(docID))
			Expect(download(ctx, docID)).To(Equal([]byte("hello")))
		})

		It("uploads from a plain reader", func(ctx SpecContext) {
			resp, err := e.vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment",
				Reader: io.MultiReader(bytes.NewReader([]byte("part1-")), bytes.NewReader([]byte("part2"))), FileName: "r.bin"})
			Expect(err).NotTo(HaveOccurred())
			Expect(download(ctx, resp.SkyflowID)).To(Equal([]byte("part1-part2")))
		})

		It("resends a seekable source after a transient failure", func(ctx SpecContext) {
			doc, _ := e.vault.Insert(ctx, facade.InsertRequest{Table: "documents", Records: []map[string]any{{"title": "T"}}})
			docID := doc.Inserted[0].SkyflowID
			e.srv.InjectFault("UploadFileV2", faultStatus(503, 1))
			resp, err := e.vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment", SkyflowID: docID,
				Reader: bytes.NewReader([]byte("retry me")), FileName: "x.txt"})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.SkyflowID).To(Equal(docID))
			Expect(e.srv.Count("UploadFileV2")).To(Equal(2))
			Expect(download(ctx, docID)).To(Equal([]byte("retry me")))
		})

		It("streams a 50 MB file without holding it in memory", func(ctx SpecContext) {
			const size = 50 << 20
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			resp, err := e.vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment",
				Reader: io.LimitReader(zeroReader{}, size), FileName: "big.bin"})
			Expect(err).NotTo(HaveOccurred())
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			// TotalAlloc counts every byte allocated during the upload, in this
			// process, client and in-process emulator together.
			Expect(after.TotalAlloc - before.TotalAlloc).To(BeNumerically("<", size/4))
			Expect(resp.SkyflowID).NotTo(BeEmpty())
		})

		It("validates the source", func(ctx SpecContext) {
			for _, req := range []facade.UploadFileRequest{
				{Column: "attachment", Base64: "aGk=", FileName: "a"},
				{Table: "documents", Base64: "aGk=", FileName: "a"},
				{Table: "documents", Column: "attachment"},
				{Table: "documents", Column: "attachment", Base64: "aGk=", Path: "/x"},
				{Table: "documents", Column: "attachment", Base64: "aGk="},
				{Table: "documents", Column: "attachment", Base64: "!!!", FileName: "a"},
				{Table: "documents", Column: "attachment", Path: "/no/such/file"},
				{Table: "documents", Column: "attachment", Path: GinkgoT().TempDir()},
				{Table: "documents", Column: "attachment", Reader: bytes.NewReader(nil)},
			} {
				_, err := e.vault.UploadFile(ctx, req)
				var ve *skyflow.ValidationError
				Expect(errors.As(err, &ve)).To(BeTrue(), "%+v: %v", req, err)
			}
			Expect(e.srv.Count("UploadFileV2")).To(Equal(0))
		})
	})
})

// zeroReader yields zeros forever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
