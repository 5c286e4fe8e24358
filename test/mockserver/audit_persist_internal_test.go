package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// auditPage lists the audit log through the server's handler and returns
// its events as decoded JSON.
func auditPage(t *testing.T, s *Server, limit int) []map[string]any {
	t.Helper()
	req := httptest.NewRequest("GET", "/v1/audit/events?filterOps.accountID="+DemoAccountID+"&limit="+strconv.Itoa(limit)+
		"&sortOps.orderBy=DESCENDING", nil)
	req.Header.Set("Authorization", "Bearer "+s.APIKey())
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("audit list: %d %s", w.Code, w.Body)
	}
	var out struct {
		Event []map[string]any `json:"event"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out.Event
}

func serveInsert(t *testing.T, s *Server) {
	t.Helper()
	req := httptest.NewRequest("POST", "/v1/vaults/"+DemoVaultID+"/table1",
		strings.NewReader(`{"records":[{"fields":{"cardholder_name":"Ann Lee"}}],"tokenization":true}`))
	req.Header.Set("Authorization", "Bearer "+s.APIKey())
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("insert: %d %s", w.Code, w.Body)
	}
}

func changeID(t *testing.T, e map[string]any) string {
	t.Helper()
	ctx, _ := e["context"].(map[string]any)
	id, _ := ctx["changeID"].(string)
	if id == "" {
		t.Fatalf("event without changeID: %v", e)
	}
	return id
}

// With WithDataDir, the audit log outlives a restart: the same events with
// the same change ids, and the sequence goes on after them.
func TestAuditLogSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := New(WithDataDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		serveInsert(t, s1)
	}
	before := auditPage(t, s1, 25)
	s1.Close()
	if len(before) != 3 {
		t.Fatalf("%d events before the restart, want 3", len(before))
	}

	s2, err := New(WithDataDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	after := auditPage(t, s2, 25)
	b1, _ := json.Marshal(before)
	b2, _ := json.Marshal(after)
	if string(b1) != string(b2) {
		t.Fatalf("the audit log changed across the restart:\nbefore %s\nafter  %s", b1, b2)
	}
	serveInsert(t, s2)
	now := auditPage(t, s2, 25)
	if len(now) != 4 {
		t.Fatalf("%d events, want 4", len(now))
	}
	last, prev := changeID(t, now[0]), changeID(t, before[0])
	if last <= prev || last[:24] != prev[:24] {
		t.Errorf("the new event's change id %s does not follow %s in the same log", last, prev)
	}
}

// The stored log keeps the last maxAuditEvents events, as the log in memory
// does: events pushed out of the ring are deleted from the store too.
func TestStoredAuditLogKeepsTheLastEvents(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	l := newAuditLog(time.Now)
	secret := func(_ string, gen func() ([]byte, error)) ([]byte, error) { return gen() }
	if err := l.persistTo(st, secret); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/v1/vaults/v/t", nil)
	const extra = 5
	for i := range maxAuditEvents + extra {
		l.record(&reqState{rid: "r" + strconv.Itoa(i)}, "RecordServiceBulkGetRecord", r, 200, time.Now())
	}
	st.close()

	st, err = openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	events, err := st.loadAudit()
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != maxAuditEvents || events[0].seq != extra+1 || events[0].requestID != "r"+strconv.Itoa(extra) ||
		events[len(events)-1].seq != maxAuditEvents+extra {
		t.Fatalf("stored %d events from seq %d (%s) to %d; want %d from %d to %d", len(events), events[0].seq,
			events[0].requestID, events[len(events)-1].seq, maxAuditEvents, extra+1, maxAuditEvents+extra)
	}
}
