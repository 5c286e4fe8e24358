package specs_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// capture is one line of a wire-capture file.
type capture struct {
	Host       string              `json:"host"`
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	Query      string              `json:"query"`
	Headers    map[string][]string `json:"headers"`
	Body       *string             `json:"body"`
	BodyBase64 *string             `json:"body_base64"`
	File       string              `json:"-"`
	Line       int                 `json:"-"`
}

func (c capture) String() string {
	return c.File + ":" + itoa(c.Line) + " " + c.Method + " " + c.Path
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + jsonNumber(i)) }

func jsonNumber(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func (c capture) body() []byte {
	switch {
	case c.Body != nil:
		return []byte(*c.Body)
	case c.BodyBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*c.BodyBase64)
		Expect(err).NotTo(HaveOccurred(), c.String())
		return b
	}
	return nil
}

// request rebuilds the captured request as an *http.Request.
func (c capture) request() *http.Request {
	u := &url.URL{Scheme: "https", Host: c.Host, Path: c.Path, RawQuery: c.Query}
	req, err := http.NewRequest(c.Method, u.String(), bytes.NewReader(c.body()))
	Expect(err).NotTo(HaveOccurred(), c.String())
	for k, vs := range c.Headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return req
}

// captureDir is where the official SDKs' recorded requests are kept
// (test/testdata/wire-captures; override with SKYFLOW_WIRE_CAPTURES).
func captureDir() string {
	if d := os.Getenv("SKYFLOW_WIRE_CAPTURES"); d != "" {
		return d
	}
	return filepath.Join(repoRoot(), "test", "testdata", "wire-captures")
}

func loadCaptures() []capture {
	var all []capture
	files, err := filepath.Glob(filepath.Join(captureDir(), "*", "*.jsonl"))
	Expect(err).NotTo(HaveOccurred())
	for _, f := range files {
		fh, err := os.Open(f)
		Expect(err).NotTo(HaveOccurred())
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		n := 0
		for sc.Scan() {
			n++
			var c capture
			Expect(json.Unmarshal(sc.Bytes(), &c)).To(Succeed(), f)
			rel, _ := filepath.Rel(captureDir(), f)
			c.File, c.Line = rel, n
			all = append(all, c)
		}
		Expect(sc.Err()).NotTo(HaveOccurred())
		Expect(fh.Close()).To(Succeed())
	}
	return all
}

// specFor names the spec that owns a captured path.
func specFor(path string) string {
	switch {
	case path == "/v1/auth/sa/oauth/token":
		return "oauth"
	case strings.HasPrefix(path, "/v1/detect/"):
		return "detect"
	case strings.HasPrefix(path, "/v1/gateway/"):
		return "connection"
	}
	return "vault"
}

const connectionRoutePrefix = "/v1/gateway/outboundRoutes/"

// findRoute locates the operation of a captured request. Connection routes
// are user-configured and span several path segments, which OpenAPI path
// templates cannot express, so the connection spec's single generic path is
// matched as a prefix here (as the emulator's router does).
func findRoute(spec loadedSpec, name string, req *http.Request) (*routers.Route, map[string]string, error) {
	if name != "connection" {
		return spec.router.FindRoute(req)
	}
	rest, ok := strings.CutPrefix(req.URL.Path, connectionRoutePrefix)
	Expect(ok).To(BeTrue(), "connection path %s", req.URL.Path)
	connID, route, ok := strings.Cut(rest, "/")
	Expect(ok).To(BeTrue())
	const template = connectionRoutePrefix + "{connectionID}/{route}"
	item := spec.doc.Paths.Value(template)
	Expect(item).NotTo(BeNil())
	op := item.GetOperation(req.Method)
	Expect(op).NotTo(BeNil(), "method %s on the connection route", req.Method)
	return &routers.Route{Spec: spec.doc, Path: template, PathItem: item, Method: req.Method, Operation: op},
		map[string]string{"connectionID": connID, "route": route}, nil
}

// expectedOperation maps each capture file to the operation its SDK call
// must reach (after the token exchange on the first line).
var expectedOperation = map[string]string{
	"bearer_token.jsonl":             "GetAuthToken", // a second, role-scoped exchange
	"deidentify_file_pdf.jsonl":      "DetectDeidentifyPdf",
	"deidentify_file_txt.jsonl":      "DetectDeidentifyText",
	"deidentify_text.jsonl":          "DetectDeidentifyString",
	"delete.jsonl":                   "RecordServiceBulkDeleteRecord",
	"detokenize.jsonl":               "TokenServiceDetokenize",
	"get_column_values.jsonl":        "RecordServiceBulkGetRecord",
	"get_detect_run.jsonl":           "DetectGetRun",
	"get_ids.jsonl":                  "RecordServiceBulkGetRecord",
	"get_return_tokens.jsonl":        "RecordServiceBulkGetRecord",
	"insert_byot.jsonl":              "RecordServiceInsertRecord",
	"insert_continue_on_error.jsonl": "RecordServiceBatchOperation",
	"insert_plain.jsonl":             "RecordServiceInsertRecord",
	"insert_return_tokens.jsonl":     "RecordServiceInsertRecord",
	"insert_upsert.jsonl":            "RecordServiceInsertRecord",
	"invoke_connection.jsonl":        "InvokeConnectionPost",
	"query.jsonl":                    "QueryServiceExecuteQuery",
	"reidentify_text.jsonl":          "DetectReidentifyString",
	"tokenize.jsonl":                 "TokenServiceTokenize",
	"update.jsonl":                   "RecordServiceUpdateRecord",
	"upload_file.jsonl":              "UploadFileV2",
}

var _ = Describe("the official SDKs' captured requests", func() {
	var (
		specs    map[string]loadedSpec
		captures []capture
	)
	BeforeEach(func() {
		_, err := os.Stat(captureDir())
		Expect(err).NotTo(HaveOccurred(), "wire captures missing")
		specs = map[string]loadedSpec{}
		for _, n := range specNames {
			specs[n] = loadSpec(n)
		}
		captures = loadCaptures()
	})

	It("are all present (both SDKs, every operation)", func() {
		Expect(len(captures)).To(BeNumerically(">=", 90))
		seen := map[string]bool{}
		for _, c := range captures {
			seen[strings.SplitN(c.File, string(filepath.Separator), 2)[0]] = true
		}
		Expect(seen).To(HaveKey("go"))
		Expect(seen).To(HaveKey("python"))
	})

	It("each match an operation of our specs and validate against its request schema", func() {
		// Quirks of the official SDKs that the real API tolerates, and that our
		// specs therefore accept (wire-format §13):
		//   - Python sends explicit nulls for absent optional fields ("upsert":
		//     null, "tokens": null, "token_type": null, "scope": null, ...): the
		//     API's protobuf JSON decoding treats null as absent, so optional
		//     request fields are nullable.
		//   - Go sends "upsert": "" when not upserting and skyflowID="" on
		//     uploads: both are plain strings the API treats as "none".
		//   - Go prefixes each scope entry with a space (" role:a"): scope is a
		//     free string the API splits on whitespace.
		//   - Go sends a "{}" body with Content-Type: application/json on GET:
		//     the operations declare no body, and the API ignores it.
		//   - Go's upload part filename can be a full local path: a filename is
		//     free text to the API.
		// Nothing else is tolerated: a capture that needs any other leniency
		// fails here.
		ctx := context.Background()
		for _, c := range captures {
			name := specFor(c.Path)
			spec := specs[name]
			req := c.request()
			route, params, err := findRoute(spec, name, req)
			Expect(err).NotTo(HaveOccurred(), "no operation for %s", c)
			input := &openapi3filter.RequestValidationInput{
				Request:    req,
				PathParams: params,
				Route:      route,
				Options: &openapi3filter.Options{
					AuthenticationFunc: acceptAnyCredential,
					MultiError:         true,
				},
			}
			Expect(openapi3filter.ValidateRequest(ctx, input)).To(Succeed(), "validating %s", c)
			want, ok := expectedOperation[filepath.Base(c.File)]
			Expect(ok).To(BeTrue(), "unexpected capture file %s", c.File)
			if c.Line == 1 {
				want = "GetAuthToken" // each file starts with its token exchange
			} else if c.Line == 3 && strings.HasPrefix(filepath.Base(c.File), "deidentify_file") {
				want = "DetectGetRun" // the poll that follows a de-identify file call
			}
			Expect(route.Operation.OperationID).To(Equal(want), c.String())
		}
	})

	It("send the path, query and body keys our specs name", func() {
		// Spot checks that the specs are not just permissive: the captured
		// keys are exactly the wire names (camelCase vs snake_case).
		byOp := map[string][]capture{}
		for _, c := range captures {
			byOp[c.File] = append(byOp[c.File], c)
		}
		batch := byOp[filepath.Join("go", "insert_continue_on_error.jsonl")][1]
		var body map[string]any
		Expect(json.Unmarshal(batch.body(), &body)).To(Succeed())
		Expect(body).To(HaveKey("continueOnError"))
		rec := body["records"].([]any)[0].(map[string]any)
		Expect(rec).To(HaveKey("tableName"))
		Expect(rec).To(HaveKeyWithValue("method", "POST"))

		batchSchema := specs["vault"].doc.Components.Schemas["V1BatchRecord"].Value
		Expect(batchSchema.Properties).To(HaveKey("tableName"))
		Expect(batchSchema.Properties).To(HaveKey("ID"))
		detok := specs["vault"].doc.Components.Schemas["V1DetokenizePayload"].Value
		Expect(detok.Properties).To(HaveKey("detokenizationParameters"))
		Expect(detok.Properties).To(HaveKey("continueOnError"))

		get := byOp[filepath.Join("python", "get_column_values.jsonl")][1]
		q, err := url.ParseQuery(get.Query)
		Expect(err).NotTo(HaveOccurred())
		Expect(q["column_values"]).To(Equal([]string{"a@x.com", "b@x.com"}))
	})

	It("are rejected when they break the schema (the validation is real)", func() {
		vault := specs["vault"]
		bad := []struct{ method, path, body string }{
			{"POST", "/v1/vaults/v1/persons", `{"records":[{"fields":{"a":1}}],"byot":"MAYBE"}`},
			{"POST", "/v1/vaults/v1/detokenize", `{"detokenizationParameters":[{"token":"t","redaction":"SOMETIMES"}]}`},
			{"POST", "/v1/vaults/v1/persons", `{"records":{"fields":{}}}`},
			{"DELETE", "/v1/vaults/v1/persons", `{"skyflow_ids":"id-1"}`},
		}
		for _, b := range bad {
			req, err := http.NewRequest(b.method, "https://abc123.vault.skyflowapis.com"+b.path, strings.NewReader(b.body))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer some-token")
			route, params, err := vault.router.FindRoute(req)
			Expect(err).NotTo(HaveOccurred())
			err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
				Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: acceptAnyCredential},
			})
			Expect(err).To(HaveOccurred(), b.body)
		}

		req, _ := http.NewRequest("POST", "https://abc123.vault.skyflowapis.com/v1/vaults/v1/persons", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		route, params, _ := vault.router.FindRoute(req)
		err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: acceptAnyCredential},
		})
		Expect(err).To(HaveOccurred(), "a request without credentials is rejected")
		_, _ = io.Copy(io.Discard, req.Body)
	})
})
