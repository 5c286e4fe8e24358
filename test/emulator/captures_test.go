package emulator_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

// wireCapture is one recorded request of an official SDK.
type wireCapture struct {
	Host       string              `json:"host"`
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	Query      string              `json:"query"`
	Headers    map[string][]string `json:"headers"`
	Body       *string             `json:"body"`
	BodyBase64 *string             `json:"body_base64"`
}

// capturesDir is the folder of wire captures kept with the tests (override
// with SKYFLOW_WIRE_CAPTURES).
func capturesDir() string {
	if d := os.Getenv("SKYFLOW_WIRE_CAPTURES"); d != "" {
		return d
	}
	return filepath.Join("..", "testdata", "wire-captures")
}

func captureFiles() []string {
	files, _ := filepath.Glob(filepath.Join(capturesDir(), "*", "*.jsonl"))
	sort.Strings(files)
	return files
}

func readCaptures(path string) []wireCapture {
	GinkgoHelper()
	fh, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var out []wireCapture
	for sc.Scan() {
		var c wireCapture
		Expect(json.Unmarshal(sc.Bytes(), &c)).To(Succeed())
		out = append(out, c)
	}
	Expect(sc.Err()).NotTo(HaveOccurred())
	return out
}

var runPath = regexp.MustCompile(`^/v1/detect/runs/[^/]+$`)

// replay sends a captured request to the emulator, with the emulator's own
// credentials in place of the redacted ones.
func replay(srv *mockserver.Server, cp wireCapture, runID string) *response {
	GinkgoHelper()
	var body []byte
	switch {
	case cp.Body != nil:
		body = []byte(*cp.Body)
	case cp.BodyBase64 != nil:
		var err error
		body, err = base64.StdEncoding.DecodeString(*cp.BodyBase64)
		Expect(err).NotTo(HaveOccurred())
	}
	path := cp.Path
	if runID != "" && runPath.MatchString(path) {
		path = "/v1/detect/runs/" + runID
	}
	u := srv.URL() + path
	if cp.Query != "" {
		u += "?" + cp.Query
	}
	req, err := http.NewRequest(cp.Method, u, bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	for k, vs := range cp.Headers {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Accept-Encoding", "Host":
			continue
		}
		for _, v := range vs {
			if strings.Contains(v, "<redacted") {
				switch {
				case cp.Path == "/v1/auth/sa/oauth/token":
					v = "Bearer token" // Python's literal placeholder
				case http.CanonicalHeaderKey(k) == "X-Skyflow-Authorization":
					v = srv.APIKey()
				default:
					v = "Bearer " + srv.APIKey()
				}
			}
			req.Header.Add(k, v)
		}
	}
	return (&client{http: http.DefaultClient}).send(req)
}

// expectMinimumContents checks the response fields wire-format §14 says the
// SDK parsers need.
func expectMinimumContents(cp wireCapture, r *response) {
	GinkgoHelper()
	Expect(r.Status).To(BeNumerically(">=", 200), "body: %s", r.Raw)
	Expect(r.Status).To(BeNumerically("<", 300), "body: %s", r.Raw)
	expectCommonHeaders(r)
	b := r.JSON
	Expect(b).NotTo(BeNil(), "a JSON object: %s", r.Raw)
	p := cp.Path
	switch {
	case strings.HasPrefix(p, "/v1/gateway/"):
		// Any JSON object.
	case p == "/v1/detect/deidentify/string":
		Expect(b["processed_text"]).To(BeAssignableToTypeOf(""))
		for _, e := range arr(b["entities"]) {
			Expect(obj(e)["location"]).To(BeAssignableToTypeOf(map[string]any{}))
		}
	case p == "/v1/detect/reidentify/string":
		Expect(b["text"]).To(BeAssignableToTypeOf(""))
	case strings.HasPrefix(p, "/v1/detect/deidentify/file"):
		Expect(b["run_id"]).NotTo(BeEmpty())
	case runPath.MatchString(p):
		Expect(b["status"]).To(BeAssignableToTypeOf(""))
		if b["status"] == "SUCCESS" {
			out := arr(b["output"])
			Expect(out).NotTo(BeEmpty())
			first := obj(out[0])
			_, err := base64.StdEncoding.DecodeString(first["processedFile"].(string))
			Expect(err).NotTo(HaveOccurred())
			Expect(first["processedFileExtension"]).NotTo(BeEmpty())
		}
	case strings.HasPrefix(p, "/v2/vaults/"):
		Expect(b["skyflowID"]).NotTo(BeEmpty())
	case strings.HasSuffix(p, "/detokenize"):
		for _, rec := range records(b) {
			Expect(rec).To(HaveKey("token"))
			if _, failed := rec["error"]; !failed {
				Expect(rec["value"]).To(BeAssignableToTypeOf(""))
				Expect(rec["valueType"]).To(BeAssignableToTypeOf(""))
			}
		}
	case strings.HasSuffix(p, "/tokenize"):
		for _, rec := range records(b) {
			Expect(rec["token"]).NotTo(BeEmpty())
		}
	case strings.HasSuffix(p, "/query"):
		for _, rec := range records(b) {
			Expect(rec["fields"]).To(BeAssignableToTypeOf(map[string]any{}))
		}
	case cp.Method == "PUT":
		Expect(b["skyflow_id"]).NotTo(BeEmpty())
	case cp.Method == "DELETE":
		Expect(b).To(HaveKey("RecordIDResponse"))
	case cp.Method == "GET":
		for _, rec := range records(b) {
			Expect(rec["fields"]).To(BeAssignableToTypeOf(map[string]any{}))
		}
	case cp.Method == "POST" && strings.Count(p, "/") == 3: // batch
		// wire-format.md §5.2: items are wrapped in {Status, Body} only
		// with continueOnError true; otherwise each is the bare response.
		var req struct {
			ContinueOnError *bool `json:"continueOnError"`
		}
		Expect(json.Unmarshal([]byte(deref(cp.Body)), &req)).To(Succeed())
		for _, item := range arr(b["responses"]) {
			it := obj(item)
			if req.ContinueOnError == nil || !*req.ContinueOnError {
				Expect(it).NotTo(HaveKey("Status"))
				Expect(it).NotTo(HaveKey("Body"))
				for _, rec := range arr(it["records"]) {
					Expect(obj(rec)["skyflow_id"]).NotTo(BeEmpty())
				}
				continue
			}
			Expect(it["Status"]).To(BeAssignableToTypeOf(float64(0)))
			Expect(it).To(HaveKey("Body"))
			if it["Status"] == float64(200) {
				for _, rec := range arr(obj(it["Body"])["records"]) {
					Expect(obj(rec)["skyflow_id"]).NotTo(BeEmpty())
				}
			} else {
				Expect(obj(it["Body"])["error"]).To(BeAssignableToTypeOf(""))
			}
		}
	case cp.Method == "POST": // bulk insert
		for _, rec := range records(b) {
			Expect(rec["skyflow_id"]).NotTo(BeEmpty())
		}
	default:
		Fail("no expectation for " + cp.Method + " " + p)
	}
}

var _ = Describe("Replay of the official SDKs' wire captures", func() {
	files := captureFiles()
	if len(files) == 0 {
		It("finds the wire captures", func() {
			Fail("no wire captures under " + capturesDir() + " (set SKYFLOW_WIRE_CAPTURES)")
		})
		return
	}
	for _, file := range files {
		rel, _ := filepath.Rel(capturesDir(), file)
		It("replays "+rel, func() {
			srv := startServer(mockserver.WithConfigFile(filepath.Join("..", "mockserver", "testdata", "captures.json")), mockserver.WithRunPolls(0))
			caps := readCaptures(file)
			Expect(caps).NotTo(BeEmpty())
			runID := ""
			for i, cp := range caps {
				By(cp.Method + " " + cp.Path)
				before := 0
				for _, n := range srv.Counts() {
					before += n
				}
				r := replay(srv, cp, runID)
				after := 0
				for _, n := range srv.Counts() {
					after += n
				}
				Expect(after).To(Equal(before+1), "line %d reached an operation", i+1)
				if cp.Path == "/v1/auth/sa/oauth/token" {
					// Signed by a key we do not have.
					expectError(r, http.StatusUnauthorized)
					continue
				}
				expectMinimumContents(cp, r)
				if id, ok := r.JSON["run_id"].(string); ok {
					runID = id
				}
				checkCaptureSemantics(rel, cp, r)
			}
		})
	}
})

// checkCaptureSemantics checks the values of the answers that the seed data
// determines.
func checkCaptureSemantics(file string, cp wireCapture, r *response) {
	GinkgoHelper()
	name := filepath.Base(file)
	b := r.JSON
	switch {
	case name == "detokenize.jsonl" && strings.Contains(deref(cp.Body), "tok-0000"):
		recs := records(b)
		Expect(recs[0]).To(HaveKeyWithValue("value", "John"))
		Expect(recs[1]).To(HaveKeyWithValue("value", "a@x.com"), "email masking keeps the first letter and the domain")
		Expect(recs[2]).To(HaveKeyWithValue("value", "*REDACTED*"))
	case name == "detokenize.jsonl":
		Expect(records(b)[0]).To(HaveKeyWithValue("value", "b@x.com"))
	case name == "tokenize.jsonl":
		recs := records(b)
		Expect(recs[0]).To(HaveKeyWithValue("token", "tok-0001-aaaa-bbbb"))
		Expect(recs[1]).To(HaveKeyWithValue("token", "tok-0000-aaaa-bbbb"))
	case name == "get_ids.jsonl":
		recs := records(b)
		Expect(recs).To(HaveLen(2))
		Expect(obj(recs[0]["fields"])).To(Equal(map[string]any{"skyflow_id": "id-1", "name": "John", "email": "a@x.com"}))
	case name == "get_column_values.jsonl":
		Expect(records(b)).To(HaveLen(2))
	case name == "get_return_tokens.jsonl":
		Expect(obj(records(b)[0]["fields"])).To(HaveKeyWithValue("name", "tok-0000-aaaa-bbbb"))
	case name == "query.jsonl":
		recs := records(b)
		Expect(recs).To(HaveLen(1))
		Expect(obj(recs[0]["fields"])).To(HaveKeyWithValue("skyflow_id", "id-1"))
	case name == "delete.jsonl":
		Expect(b["RecordIDResponse"]).To(Equal([]any{"id-1", "id-2"}))
	case name == "upload_file.jsonl":
		Expect(b["skyflowID"]).To(Equal("id-1"))
	case name == "insert_byot.jsonl":
		Expect(obj(records(b)[0]["tokens"])).To(HaveKeyWithValue("name", "my-token-0"))
	case name == "deidentify_text.jsonl":
		Expect(b["processed_text"]).To(Equal("My name is [NAME_1]"))
	case name == "invoke_connection.jsonl":
		Expect(obj(b["path_params"])).To(HaveKeyWithValue("card_id", "card-9"))
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
