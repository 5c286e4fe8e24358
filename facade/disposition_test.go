package facade_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/skyflowgo/skyflow/facade"
)

// The file part's Content-Disposition is written as browsers and both
// official SDKs write it: name first, both quoted, a UTF-8 name as is (RFC
// 7578 section 4.2 forbids filename* in multipart/form-data).
func TestUploadWritesTheFilePartAsBrowsersDo(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"upload.txt", `form-data; name="file"; filename="upload.txt"`},
		{"résumé 2026.pdf", `form-data; name="file"; filename="résumé 2026.pdf"`},
		{`a"b\c.txt`, `form-data; name="file"; filename="a%22b\\c.txt"`},
	} {
		var mu sync.Mutex
		var got string
		srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
			mr, err := r.MultipartReader()
			if err != nil {
				t.Error(err)
				return
			}
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				if p.FormName() == "file" {
					mu.Lock()
					got = p.Header.Get("Content-Disposition")
					mu.Unlock()
				}
			}
			jsonAnswer(w, 200, `{"skyflowID":"id-1"}`)
		})
		v := vaultAt(t, srv.URL)
		if _, err := v.UploadFile(context.Background(), facade.UploadFileRequest{Table: "t", Column: "f",
			Reader: strings.NewReader("content"), FileName: c.name}); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		if got != c.want {
			t.Errorf("%q: Content-Disposition %q, want %q", c.name, got, c.want)
		}
		mu.Unlock()
	}
}
