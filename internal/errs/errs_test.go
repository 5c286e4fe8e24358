package errs

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/skyflowgo/skyflow"
)

func TestDecodeStandardErrorObject(t *testing.T) {
	hdr := http.Header{"X-Request-Id": {"req-7"}}
	e := Decode(403, hdr, []byte(`{"error":{"grpc_code":7,"http_code":403,"http_status":"Forbidden","message":"no access","details":[{"k":"v"}]}}`))
	want := &skyflow.APIError{
		StatusCode: 403,
		HTTPStatus: "Forbidden",
		GRPCCode:   7,
		Message:    "no access",
		Details:    []map[string]any{{"k": "v"}},
		RequestID:  "req-7",
		Header:     hdr,
	}
	if !reflect.DeepEqual(e, want) {
		t.Fatalf("got %#v\nwant %#v", e, want)
	}
	if !errors.Is(e, skyflow.ErrForbidden) || errors.Is(e, skyflow.ErrNotFound) {
		t.Error("a 403 matches ErrForbidden and nothing else")
	}
	if got := e.Error(); got != "skyflow: 403 Forbidden: no access (request id req-7)" {
		t.Errorf("Error() = %q", got)
	}
}

func TestDecodeKeepsTheHTTPStatusAsStatus(t *testing.T) {
	e := Decode(500, nil, []byte(`{"error":{"grpc_code":3,"http_code":400,"http_status":"Bad Request","message":"m"}}`))
	if e.StatusCode != 500 || e.HTTPStatus != "Bad Request" || e.GRPCCode != 3 {
		t.Fatalf("got status %d, %q, grpc %d", e.StatusCode, e.HTTPStatus, e.GRPCCode)
	}
}

func TestDecodePlainStringError(t *testing.T) {
	e := Decode(404, http.Header{"X-Request-Id": {"r1"}}, []byte(`{"error":"record not found"}`))
	if e.Message != "record not found" || e.HTTPStatus != "Not Found" || e.RequestID != "r1" {
		t.Fatalf("got %#v", e)
	}
	if !errors.Is(e, skyflow.ErrNotFound) {
		t.Error("a 404 matches ErrNotFound")
	}
}

func TestDecodeBatchBody(t *testing.T) {
	e := Decode(400, nil, []byte(`{"responses":[{"Status":200,"Body":{}},{"Status":400,"Body":{"error":"bad a"}},`+
		`{"Status":409,"Body":{"error":{"message":"dup b"}}},{"Status":"x"},"junk",{"Status":500,"Body":[]},{"Status":500,"Body":{}}]}`))
	if e.Message != "bad a; dup b" {
		t.Fatalf("Message = %q, want the failed items joined", e.Message)
	}
	e = Decode(400, nil, []byte(`{"responses":[{"Status":200,"Body":{}}]}`))
	if e.Message != "bad request" {
		t.Fatalf("a batch body without failures: Message = %q, want the status text", e.Message)
	}
}

func TestDecodeMixedDetails(t *testing.T) {
	e := Decode(400, nil, []byte(`{"error":{"message":"m","grpc_code":"x","details":[{"a":1},"text",null,{"b":true}]}}`))
	want := []map[string]any{{"a": 1.0}, {"b": true}}
	if !reflect.DeepEqual(e.Details, want) {
		t.Fatalf("Details = %#v, want the objects %#v", e.Details, want)
	}
	if e.GRPCCode != 0 {
		t.Errorf("a grpc_code that is not a number is ignored, got %d", e.GRPCCode)
	}
}

func TestDecodeSurvivesBodiesOfOtherShapes(t *testing.T) {
	long := strings.Repeat("x", maxPlainMessage+10)
	for _, c := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"empty", 502, "", "bad gateway"},
		{"html from a proxy", 503, "<html><body>down</body></html>", "service unavailable"},
		{"plain text", 500, "upstream timed out\n", "upstream timed out"},
		{"truncated JSON", 400, `{"error":{"message":"x"`, `{"error":{"message":"x"`},
		{"error of the wrong type", 400, `{"error":42}`, "bad request"},
		{"null error", 400, `{"error":null}`, "bad request"},
		{"another JSON object", 409, `{"status":"conflict"}`, "conflict"},
		{"a JSON array", 400, `[1,2]`, "[1,2]"},
		{"binary", 500, "\x00\x01\x02", "internal server error"},
		{"invalid UTF-8", 500, "\xff\xfe", "internal server error"},
		{"unknown status", 599, "", "unexpected status 599"},
		{"long text", 500, long, long[:maxPlainMessage] + "…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := Decode(c.status, nil, []byte(c.body))
			if e.StatusCode != c.status || e.Message != c.want {
				t.Fatalf("got %d %q, want %d %q", e.StatusCode, e.Message, c.status, c.want)
			}
		})
	}
}

func TestDecodeRetryAfter(t *testing.T) {
	e := Decode(429, http.Header{"Retry-After": {"7"}}, nil)
	if e.RetryAfter != 7*time.Second {
		t.Fatalf("RetryAfter = %v", e.RetryAfter)
	}
	if !errors.Is(e, skyflow.ErrRateLimited) || !e.Retryable() {
		t.Fatal("a 429 is rate limited and retryable")
	}
}

func TestRetryAfter(t *testing.T) {
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	for _, c := range []struct {
		value string
		ok    bool
		atLeast,
		atMost time.Duration
	}{
		{"", false, 0, 0},
		{"3", true, 3 * time.Second, 3 * time.Second},
		{"0", true, 0, 0},
		{"-5", true, 0, 0},
		{"soon", false, 0, 0},
		{past, true, 0, 0},
		{future, true, 58 * time.Minute, time.Hour},
	} {
		h := http.Header{}
		if c.value != "" {
			h.Set("Retry-After", c.value)
		}
		got, ok := RetryAfter(h)
		if ok != c.ok || got < c.atLeast || got > c.atMost {
			t.Errorf("Retry-After %q: got %v %v, want %v in [%v, %v]", c.value, got, ok, c.ok, c.atLeast, c.atMost)
		}
	}
}

func TestSentinelsAndRetryability(t *testing.T) {
	if !errors.Is(Decode(401, nil, nil), skyflow.ErrUnauthorized) {
		t.Error("401 matches ErrUnauthorized")
	}
	for _, code := range []int{408, 429, 502, 503, 504} {
		if !Decode(code, nil, nil).Retryable() || !skyflow.IsRetryable(Decode(code, nil, nil)) {
			t.Errorf("%d is retryable", code)
		}
	}
	for _, code := range []int{400, 401, 404, 409, 500, 501} {
		if Decode(code, nil, nil).Retryable() {
			t.Errorf("%d is not retryable", code)
		}
	}
	if skyflow.IsRetryable(errors.New("other")) {
		t.Error("only API errors are retryable")
	}
}

func TestInvalid(t *testing.T) {
	err := error(Invalid("Values[2]", "has %d problems", 3))
	if !errors.Is(err, skyflow.ErrValidation) {
		t.Fatal("a validation error matches ErrValidation")
	}
	if got := err.Error(); got != "skyflow: invalid Values[2]: has 3 problems" {
		t.Fatalf("Error() = %q", got)
	}
	if got := Invalid("", "no field").Error(); got != "skyflow: invalid input: no field" {
		t.Fatalf("without a field: %q", got)
	}
}
