package emulator_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// part is one multipart part; a non-empty filename makes it a file part.
type part struct {
	name, filename, content string
}

func multipartBody(parts ...part) (string, []byte) {
	GinkgoHelper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.filename+`"`)
			w, err = mw.CreatePart(h)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		Expect(err).NotTo(HaveOccurred())
		_, err = io.WriteString(w, p.content)
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(mw.Close()).To(Succeed())
	return mw.FormDataContentType(), buf.Bytes()
}

func (c *client) multipart(path string, parts ...part) *response {
	GinkgoHelper()
	ctype, body := multipartBody(parts...)
	req, err := http.NewRequest("POST", c.base+path, bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", c.auth)
	return c.send(req)
}

var _ = Describe("Files", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
	})

	upload := func(parts ...part) *response {
		return c.multipart("/v2/vaults/"+srv.VaultID()+"/files/upload", parts...)
	}

	It("creates a record when skyflowID is absent or empty, keeping the file's base name", func() {
		for _, extra := range [][]part{nil, {{name: "skyflowID", content: ""}}} {
			parts := append([]part{
				{name: "tableName", content: "documents"},
				{name: "columnName", content: "attachment"},
				{name: "file", filename: `/srv/files/report.txt`, content: "hello file"},
			}, extra...)
			body := expectOK(upload(parts...))
			Expect(body["skyflowID"]).NotTo(BeEmpty())
		}
		recs := srv.Records("documents")
		Expect(recs).To(HaveLen(2))
		Expect(recs[0]).To(HaveKeyWithValue("attachment", "report.txt"))
	})

	It("stores into an existing record and serves the bytes at the download URL", func() {
		id, _ := insertOne(c, srv, "documents", map[string]any{"title": "t1"})
		body := expectOK(upload(
			part{name: "tableName", content: "documents"}, part{name: "columnName", content: "attachment"},
			part{name: "skyflowID", content: id}, part{name: "returnFileMetadata", content: "true"},
			part{name: "file", filename: `C:\Users\me\photo.png`, content: "\x89PNG fake"},
		))
		Expect(body).To(HaveKeyWithValue("skyflowID", id))
		Expect(obj(body["fileMetadata"])).To(HaveKeyWithValue("name", "photo.png"))

		got := records(expectOK(c.do("GET", vaultPath(srv, "/documents")+"?"+url.Values{"skyflow_ids": {id}, "downloadURL": {"true"}}.Encode(), nil)))
		link := obj(got[0]["fields"])["attachment"].(string)
		Expect(link).To(HavePrefix(srv.URL() + "/__files/"))
		resp, err := http.Get(link)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(string(data)).To(Equal("\x89PNG fake"))
		Expect(resp.Header.Get("Content-Type")).To(Equal("image/png"))
		Expect(resp.Header.Get("X-Request-Id")).NotTo(BeEmpty())

		plain := records(expectOK(c.do("GET", vaultPath(srv, "/documents")+"?skyflow_ids="+id, nil)))
		Expect(obj(plain[0]["fields"])).To(HaveKeyWithValue("attachment", "photo.png"))
	})

	It("validates the multipart form before the handler", func() {
		msg := expectError(upload(part{name: "tableName", content: "documents"}, part{name: "file", filename: "a.txt", content: "x"}), http.StatusBadRequest)
		Expect(msg).To(ContainSubstring("columnName"))
		msg = expectError(upload(
			part{name: "tableName", content: "documents"}, part{name: "columnName", content: "attachment"},
			part{name: "returnFileMetadata", content: "maybe"}, part{name: "file", filename: "a.txt", content: "x"},
		), http.StatusBadRequest)
		Expect(msg).To(ContainSubstring("returnFileMetadata"))
		Expect(srv.Count("UploadFileV2")).To(Equal(2))
		Expect(srv.Records("documents")).To(BeEmpty())
		r := c.do("POST", "/v2/vaults/"+srv.VaultID()+"/files/upload", map[string]any{"file": "x"})
		Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("multipart"))
	})

	It("rejects non-file columns, unknown tables and unknown records", func() {
		base := []part{{name: "file", filename: "a.txt", content: "x"}}
		expectError(upload(append(base, part{name: "tableName", content: "documents"}, part{name: "columnName", content: "title"})...), http.StatusBadRequest)
		expectError(upload(append(base, part{name: "tableName", content: "nope"}, part{name: "columnName", content: "attachment"})...), http.StatusNotFound)
		expectError(upload(append(base, part{name: "tableName", content: "documents"}, part{name: "columnName", content: "attachment"}, part{name: "skyflowID", content: "nope"})...), http.StatusNotFound)
		Expect(srv.Records("documents")).To(BeEmpty())
	})

	It("uploads with v1, reports the scan status and deletes the file", func() {
		id, _ := insertOne(c, srv, "documents", map[string]any{"title": "t1"})
		body := expectOK(c.multipart(vaultPath(srv, "/documents/"+id+"/files"), part{name: "columnName", content: "attachment"}, part{name: "file", filename: "a.txt", content: "abc"}))
		Expect(body).To(HaveKeyWithValue("skyflow_id", id))
		scan := expectOK(c.do("GET", vaultPath(srv, "/documents/"+id+"/files/attachment/scan-status"), nil))
		Expect(scan).To(HaveKeyWithValue("av_scan_status", "SCAN_CLEAN"))
		del := expectOK(c.do("DELETE", vaultPath(srv, "/documents/"+id+"/files/attachment"), nil))
		Expect(del).To(Equal(map[string]any{"skyflow_id": id, "deleted": true}))
		scan = expectOK(c.do("GET", vaultPath(srv, "/documents/"+id+"/files/attachment/scan-status"), nil))
		Expect(scan).To(HaveKeyWithValue("av_scan_status", "SCAN_FILE_NOT_FOUND"))
		expectError(c.do("DELETE", vaultPath(srv, "/documents/"+id+"/files/attachment"), nil), http.StatusNotFound)
	})

	It("flags the EICAR test file as infected", func() {
		eicar := `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`
		id := expectOK(upload(part{name: "tableName", content: "documents"}, part{name: "columnName", content: "attachment"},
			part{name: "file", filename: "eicar.com", content: "prefix " + eicar}))["skyflowID"].(string)
		scan := expectOK(c.do("GET", vaultPath(srv, "/documents/"+id+"/files/attachment/scan-status"), nil))
		Expect(scan).To(HaveKeyWithValue("av_scan_status", "SCAN_INFECTED"))
	})

	It("stops serving a file once its record is deleted", func() {
		id := expectOK(upload(part{name: "tableName", content: "documents"}, part{name: "columnName", content: "attachment"},
			part{name: "file", filename: "a.txt", content: "abc"}))["skyflowID"].(string)
		got := records(expectOK(c.do("GET", vaultPath(srv, "/documents?downloadURL=true&skyflow_ids="+id), nil)))
		link := obj(got[0]["fields"])["attachment"].(string)
		expectOK(c.do("DELETE", vaultPath(srv, "/documents/"+id), nil))
		resp, err := http.Get(link)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	})

	It("streams a 50 MB upload without holding it in memory", func() {
		const size = 50 << 20
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			defer GinkgoRecover()
			_ = mw.WriteField("tableName", "documents")
			_ = mw.WriteField("columnName", "attachment")
			w, _ := mw.CreateFormFile("file", "big.bin")
			chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
			for written := 0; written < size; written += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			pw.CloseWithError(mw.Close())
		}()
		req, err := http.NewRequest("POST", srv.URL()+"/v2/vaults/"+srv.VaultID()+"/files/upload", pr)
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", c.auth)

		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		body := expectOK(c.send(req))
		runtime.ReadMemStats(&after)
		Expect(body["skyflowID"]).NotTo(BeEmpty())
		allocated := after.TotalAlloc - before.TotalAlloc
		GinkgoWriter.Printf("ALLOC %d\n", allocated)
		Expect(allocated).To(BeNumerically("<", 16<<20), "the upload allocated %d bytes in this process", allocated)
		Expect(srv.Records("documents")).To(HaveLen(1))
	})
})
