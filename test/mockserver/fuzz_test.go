package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// FuzzRequestPath sends random methods, paths, bodies and content types
// through the emulator's handler (with response validation on): nothing may
// panic, and every answer must be either the Skyflow error body or a valid
// JSON response, with a request id and a JSON content type.
func FuzzRequestPath(f *testing.F) {
	srv, err := mockserver.New(mockserver.WithResponseValidation(), mockserver.WithRunPolls(0))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	h := srv.Handler()
	vault := srv.VaultID()
	key := srv.APIKey()
	methods := []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}

	seeds := []struct {
		method       int
		path, body   string
		ctype        string
		authenticate bool
	}{
		{1, "/v1/vaults/" + vault + "/table1", `{"records":[{"fields":{"email":"a@b.c"}}],"tokenization":true}`, "application/json", true},
		{0, "/v1/vaults/" + vault + "/table1?skyflow_ids=x&redaction=MASKED", "", "", true},
		{1, "/v1/vaults/" + vault + "/query", `{"query":"SELECT * FROM table1 WHERE email IN ('a', 'b')"}`, "application/json", true},
		{1, "/v1/vaults/" + vault + "/detokenize", `{"detokenizationParameters":[{"token":"signed_token_a.b.c"}],"continueOnError":true}`, "application/json", true},
		{1, "/v1/vaults/" + vault, `{"records":[{"tableName":"table1","method":"GET","ID":"x"}],"continueOnError":true}`, "application/json", true},
		{1, "/v2/vaults/" + vault + "/files/upload", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b", true},
		{1, "/v1/detect/deidentify/string", `{"text":"John 123-45-6789","vault_id":"` + vault + `"}`, "application/json", true},
		{1, "/v1/detect/deidentify/file/text", `{"file":{"base64":"eA==","data_format":"txt"},"vault_id":"` + vault + `"}`, "application/json", true},
		{0, "/v1/detect/runs/x?vault_id=" + vault, "", "", true},
		{1, "/v1/auth/sa/oauth/token", `{"grant_type":"urn:ietf:params:oauth:grant-type:jwt-bearer","assertion":"a.b.c"}`, "application/json", false},
		{1, "/v1/gateway/outboundRoutes/" + srv.ConnectionID() + "/cards/1", "<a><b>1</b></a>", "text/xml", true},
		{1, "/v1/gateway/outboundRoutes/" + srv.ConnectionID() + "/cards/1", "a[b][0]=1&a[b][1]=2", "application/x-www-form-urlencoded", true},
		{2, "/v1/vaults/" + vault + "/table1/%zz", "{}", "application/json", true},
		{4, "/__admin/faults", `{"operation":"Nope"}`, "application/json", false},
		{0, "/__files/../../etc/passwd", "", "", false},
		{3, "//v1/vaults/./x", "", "", true},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body, s.ctype, s.authenticate)
	}

	f.Fuzz(func(t *testing.T, method int, path, body, ctype string, authenticate bool) {
		if method < 0 {
			method = -method
		}
		m := methods[method%len(methods)]
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(m, "http://mock.test"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		if strings.HasPrefix(req.URL.Path, "/__admin/") && m != "GET" {
			return // admin writes (faults, plans) would change the server for later inputs
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if authenticate {
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("X-Skyflow-Authorization", key)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req = req.WithContext(ctx)
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			h.ServeHTTP(rec, req)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s %s: no answer within 10s (ctype %q, body %q)", m, path, ctype, body)
		}

		res := rec.Result()
		if _, err := uuid.Parse(res.Header.Get("X-Request-Id")); err != nil {
			t.Fatalf("%s %s: no request id", m, path)
		}
		if problems := srv.Problems(); len(problems) > 0 {
			t.Fatalf("%s %s: %s", m, path, problems[0])
		}
		isDownload := strings.HasPrefix(req.URL.Path, "/__files/") && res.StatusCode < 300
		if m == "HEAD" || isDownload {
			return
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("%s %s: content type %q", m, path, ct)
		}
		var decoded map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &decoded); err != nil {
			t.Fatalf("%s %s: status %d, body is not a JSON object: %q", m, path, res.StatusCode, rec.Body.String())
		}
		if res.StatusCode >= 400 {
			e, ok := decoded["error"].(map[string]any)
			if !ok {
				t.Fatalf("%s %s: status %d without the error body: %s", m, path, res.StatusCode, rec.Body.String())
			}
			if code, _ := e["http_code"].(float64); int(code) != res.StatusCode {
				t.Fatalf("%s %s: http_code %v for status %d", m, path, e["http_code"], res.StatusCode)
			}
			if msg, _ := e["message"].(string); msg == "" || e["http_status"] != http.StatusText(res.StatusCode) {
				t.Fatalf("%s %s: incomplete error body %s", m, path, rec.Body.String())
			}
		}
	})
}
