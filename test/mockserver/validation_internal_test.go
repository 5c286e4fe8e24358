package mockserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// serveDrifted serves the emulator with its handlers replaced by one that
// answers every records read with a body the spec forbids ("records" must
// be an array), as a handler that drifted from the spec would.
func serveDrifted(t *testing.T, opts ...Option) (*Server, *http.Response, string) {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.ops["RecordServiceBulkGetRecord"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"records":"not a list"}`)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/v1/vaults/"+s.VaultID()+"/table1", nil)
	req.Header.Set("Authorization", "Bearer "+s.APIKey())
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return s, resp, string(body)
}

// With WithResponseValidation, a response that does not match the spec is
// never sent: the client gets a 500 and the drift is one of Problems, which
// every suite checks is empty.
func TestResponseValidationReportsADriftedResponse(t *testing.T) {
	s, resp, body := serveDrifted(t, WithResponseValidation())
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "emulator response does not match the spec") {
		t.Fatalf("got %d %s, want the drift refused", resp.StatusCode, body)
	}
	problems := s.Problems()
	if len(problems) != 1 || !strings.Contains(problems[0], "RecordServiceBulkGetRecord") || !strings.Contains(problems[0], "records") {
		t.Fatalf("problems %q, want the drifted records read", problems)
	}
}

// Without the option the same response passes untouched: the check above
// is what the option adds.
func TestWithoutResponseValidationADriftPasses(t *testing.T) {
	s, resp, body := serveDrifted(t)
	if resp.StatusCode != http.StatusOK || body != `{"records":"not a list"}` || len(s.Problems()) != 0 {
		t.Fatalf("got %d %s, problems %q", resp.StatusCode, body, s.Problems())
	}
}
