package mockserver

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/vaultapi"
)

const (
	// opAuditList is the operation that lists audit events; it is not
	// itself recorded, so paging through the log does not move it.
	opAuditList = "AuditServiceListAuditEvents"
	// maxAuditEvents bounds the audit log; the oldest events go first.
	maxAuditEvents = 10000
	// DemoAccountID is the account id of the emulator's audit events (the
	// filterOps.accountID the audit endpoint requires).
	DemoAccountID = "e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"
)

// auditEvent is one call the emulator served. It holds no payload: record
// values, tokens and credentials never reach the audit log.
type auditEvent struct {
	seq         uint64 // the change id is the log's prefix and seq
	requestID   string
	actor       string
	actorType   string // V1MemberType
	authMode    string // V1AuthMode
	accessType  string // V1AccessType
	jwtID       string
	ipAddress   string
	origin      string
	apiName     string
	vaultID     string
	action      string // V1AuditEventActionType
	resource    string // V1AuditEventResourceType
	method      string
	uri         string // path only: query strings can carry values
	resourceIDs []string
	code        int
	received    time.Time
	answered    time.Time
}

// auditLog keeps the last maxAuditEvents calls in a ring, oldest first.
type auditLog struct {
	mu     sync.Mutex
	seq    uint64
	prefix string        // random, so change ids differ between servers
	events []*auditEvent // ring of at most maxAuditEvents
	head   int           // index of the oldest event once the ring is full
	now    func() time.Time
	// persist, with WithDataDir, keeps the events (see persistTo).
	persist *store
}

// bucketAudit holds the persisted audit events, keyed by sequence number.
const bucketAudit = "audit"

// storedAuditEvent is the persisted form of an audit event.
type storedAuditEvent struct {
	RequestID   string    `json:"request_id"`
	Actor       string    `json:"actor,omitempty"`
	ActorType   string    `json:"actor_type"`
	AuthMode    string    `json:"auth_mode"`
	AccessType  string    `json:"access_type"`
	JwtID       string    `json:"jwt_id,omitempty"`
	IPAddress   string    `json:"ip,omitempty"`
	Origin      string    `json:"origin,omitempty"`
	APIName     string    `json:"api_name"`
	VaultID     string    `json:"vault_id,omitempty"`
	Action      string    `json:"action"`
	Resource    string    `json:"resource"`
	Method      string    `json:"method"`
	URI         string    `json:"uri"`
	ResourceIDs []string  `json:"resource_ids,omitempty"`
	Code        int       `json:"code"`
	Received    time.Time `json:"received"`
	Answered    time.Time `json:"answered"`
}

func (e *auditEvent) stored() storedAuditEvent {
	return storedAuditEvent{RequestID: e.requestID, Actor: e.actor, ActorType: e.actorType, AuthMode: e.authMode,
		AccessType: e.accessType, JwtID: e.jwtID, IPAddress: e.ipAddress, Origin: e.origin, APIName: e.apiName,
		VaultID: e.vaultID, Action: e.action, Resource: e.resource, Method: e.method, URI: e.uri,
		ResourceIDs: e.resourceIDs, Code: e.code, Received: e.received, Answered: e.answered}
}

func (se *storedAuditEvent) event(seq uint64) *auditEvent {
	return &auditEvent{seq: seq, requestID: se.RequestID, actor: se.Actor, actorType: se.ActorType, authMode: se.AuthMode,
		accessType: se.AccessType, jwtID: se.JwtID, ipAddress: se.IPAddress, origin: se.Origin, apiName: se.APIName,
		vaultID: se.VaultID, action: se.Action, resource: se.Resource, method: se.Method, uri: se.URI,
		resourceIDs: se.ResourceIDs, code: se.Code, received: se.Received, answered: se.Answered}
}

// auditChange stores the event with sequence number seq (encoded as
// stored), or deletes it when stored is nil.
func auditChange(seq uint64, stored []byte) change {
	return change{raw: &op{b1: bucketAudit, key: binary.BigEndian.AppendUint64(nil, seq), val: stored, del: stored == nil}}
}

// persistTo keeps the log in st from now on, after loading what st holds:
// the last maxAuditEvents events, their sequence numbers and the log's
// prefix (kept through secret), so change ids and afterOps cursors stay
// valid across restarts. Events are stored without waiting for the disk,
// with the next acknowledged write or within checkpointInterval: the calls
// served in the last second before a crash may be missing from the log.
func (l *auditLog) persistTo(st *store, secret func(string, func() ([]byte, error)) ([]byte, error)) error {
	prefix, err := secret("audit_prefix", func() ([]byte, error) { return []byte(l.prefix), nil })
	if err != nil {
		return err
	}
	events, err := st.loadAudit()
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prefix, l.persist = string(prefix), st
	if n := len(events); n > maxAuditEvents {
		var stale []change
		for _, e := range events[:n-maxAuditEvents] {
			stale = append(stale, auditChange(e.seq, nil))
		}
		st.enqueueLater(stale)
		events = events[n-maxAuditEvents:]
	}
	l.events, l.head = events, 0
	if len(events) > 0 {
		l.seq = events[len(events)-1].seq
	}
	return nil
}

// loadAudit returns the stored audit events, oldest first.
func (st *store) loadAudit() ([]*auditEvent, error) {
	var out []*auditEvent
	err := st.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketAudit))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, data []byte) error {
			var se storedAuditEvent
			if len(k) != 8 || json.Unmarshal(data, &se) != nil {
				return fmt.Errorf("a stored audit event does not decode")
			}
			out = append(out, se.event(binary.BigEndian.Uint64(k)))
			return nil
		})
	})
	return out, err
}

func newAuditLog(now func() time.Time) *auditLog {
	return &auditLog{now: now, prefix: uuid.NewString()[:24]}
}

// at returns the i-th oldest event (the caller holds mu).
func (l *auditLog) at(i int) *auditEvent { return l.events[(l.head+i)%len(l.events)] }

// auditKinds maps operations to their audit action and resource type.
var auditKinds = map[string][2]string{
	"RecordServiceInsertRecord":     {"CREATE", "RECORD"},
	"RecordServiceBatchOperation":   {"EXECUTE", "RECORD"},
	"RecordServiceBulkGetRecord":    {"READ", "RECORD"},
	"RecordServiceGetRecord":        {"READ", "RECORD"},
	"RecordServiceUpdateRecord":     {"UPDATE", "RECORD"},
	"RecordServiceBulkDeleteRecord": {"DELETE", "RECORD"},
	"RecordServiceDeleteRecord":     {"DELETE", "RECORD"},
	"QueryServiceExecuteQuery":      {"READ", "RECORD"},
	"TokenServiceDetokenize":        {"READ", "TOKEN"},
	"TokenServiceTokenize":          {"READ", "TOKEN"},
	"UploadFileV2":                  {"CREATE", "FILE"},
	"FileServiceUploadFile":         {"CREATE", "FILE"},
	"FileServiceDeleteFile":         {"DELETE", "FILE"},
	"FileServiceGetFileScanStatus":  {"READ", "FILE"},
	"BINListServiceListCardsOfBIN":  {"READ", "NONE_API"},
	"GetAuthToken":                  {"LOGIN", "SERVICE_ACCOUNT"},
	opConnection:                    {"EXECUTE", "CONNECTION"},
}

// record appends the event of a served call.
func (l *auditLog) record(st *reqState, op string, r *http.Request, status int, received time.Time) {
	kind, ok := auditKinds[op]
	if !ok {
		kind = [2]string{"EXECUTE", "NONE_API"} // Detect
	}
	e := &auditEvent{
		requestID:  st.rid,
		actorType:  "NONE",
		authMode:   "AUTH_NONE",
		accessType: "API",
		apiName:    op,
		vaultID:    st.vaultID,
		action:     kind[0],
		resource:   kind[1],
		method:     r.Method,
		uri:        r.URL.EscapedPath(),
		code:       status,
		received:   received.UTC(),
		answered:   l.now().UTC(),
		origin:     r.Header.Get("Origin"),
	}
	if op == "QueryServiceExecuteQuery" {
		e.accessType = "SQL"
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		e.ipAddress = host
	}
	if id := r.PathValue("ID"); id != "" {
		e.resourceIDs = []string{id}
	}
	if e.vaultID == "" {
		e.vaultID = r.PathValue("vaultID")
	}
	if p := st.principal; p != nil {
		e.actor = p.subject
		if !p.apiKey {
			e.actorType, e.authMode, e.jwtID = "SERVICE_ACCOUNT", "SERVICE_ACCOUNT_JWT", p.jti
		}
	}
	var stored []byte
	if l.persist != nil {
		stored, _ = json.Marshal(e.stored())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	e.seq = l.seq
	var dropped *auditEvent
	if len(l.events) < maxAuditEvents {
		l.events = append(l.events, e)
	} else {
		dropped = l.events[l.head]
		l.events[l.head] = e
		l.head = (l.head + 1) % len(l.events)
	}
	if l.persist != nil {
		// Queued under l.mu, so the store sees puts and deletes in
		// sequence order; nobody waits for the disk, and a read causes
		// no sync of its own (see enqueueLater).
		changes := []change{auditChange(e.seq, stored)}
		if dropped != nil {
			changes = append(changes, auditChange(dropped.seq, nil))
		}
		l.persist.enqueueLater(changes)
	}
}

// AuditServiceListAuditEvents pages through the calls the emulator served,
// like the paged get: limit (at most 25, default 25) and offset, or the
// afterOps cursor of the previous page's nextOps. Events are oldest first
// (sortOps.orderBy DESCENDING: newest first). accountID must be the
// emulator's (DemoAccountID); the other filters narrow the page.
func (a *vaultAPI) AuditServiceListAuditEvents(ctx context.Context, req vaultapi.AuditServiceListAuditEventsRequestObject) (vaultapi.AuditServiceListAuditEventsResponseObject, error) {
	p := req.Params
	if p.FilterOpsAccountID == "" {
		return nil, badRequest("filterOps.accountID is required")
	}
	limit, offset := int64(maxPageSize), int64(0)
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > maxPageSize {
			return nil, badRequest("limit must be between 1 and %d", maxPageSize)
		}
		limit = *p.Limit
	}
	if p.Offset != nil {
		if *p.Offset < 0 {
			return nil, badRequest("offset must not be negative")
		}
		offset = *p.Offset
	}
	var start, end time.Time
	var err error
	if v := deref(p.FilterOpsStartTime); v != "" {
		if start, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return nil, badRequest("filterOps.startTime must be an RFC 3339 time")
		}
	}
	if v := deref(p.FilterOpsEndTime); v != "" {
		if end, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return nil, badRequest("filterOps.endTime must be an RFC 3339 time")
		}
	}
	l := a.s.audit
	match := func(e *auditEvent) bool {
		eq := func(f *string, v string) bool { return f == nil || *f == "" || *f == v }
		return p.FilterOpsAccountID == DemoAccountID &&
			eq(p.FilterOpsVaultID, e.vaultID) && eq(p.FilterOpsApiName, e.apiName) &&
			eq(p.FilterOpsContextRequestID, e.requestID) && eq(p.FilterOpsContextChangeID, l.changeID(e)) &&
			eq(p.FilterOpsContextActor, e.actor) && eq(p.FilterOpsContextJwtID, e.jwtID) &&
			eq(p.FilterOpsContextIpAddress, e.ipAddress) && eq(p.FilterOpsHttpURI, e.uri) &&
			(p.FilterOpsHttpMethod == nil || *p.FilterOpsHttpMethod == "" || strings.EqualFold(*p.FilterOpsHttpMethod, e.method)) &&
			(p.FilterOpsActionType == nil || string(*p.FilterOpsActionType) == e.action) &&
			(p.FilterOpsResourceType == nil || string(*p.FilterOpsResourceType) == e.resource) &&
			(p.FilterOpsContextActorType == nil || string(*p.FilterOpsContextActorType) == e.actorType) &&
			(p.FilterOpsContextAuthMode == nil || string(*p.FilterOpsContextAuthMode) == e.authMode) &&
			(p.FilterOpsContextAccessType == nil || string(*p.FilterOpsContextAccessType) == e.accessType) &&
			(p.FilterOpsResponseCode == nil || *p.FilterOpsResponseCode == e.code) &&
			(p.FilterOpsResourceIDs == nil || *p.FilterOpsResourceIDs == "" || overlaps(strings.Split(*p.FilterOpsResourceIDs, ","), e.resourceIDs)) &&
			(start.IsZero() || !e.received.Before(start)) && (end.IsZero() || e.received.Before(end))
	}
	var after time.Time // afterOps.timestamp alone: events after it
	if v := deref(p.AfterOpsTimestamp); v != "" && deref(p.AfterOpsChangeID) == "" {
		if after, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return nil, badRequest("afterOps.timestamp must be an RFC 3339 time")
		}
	}
	desc := p.SortOpsOrderBy != nil && *p.SortOpsOrderBy == vaultapi.V1SortOrderDESCENDING
	l.mu.Lock()
	var page []*auditEvent
	afterID := deref(p.AfterOpsChangeID)
	skipped, more, afterFound := int64(0), false, afterID == ""
	n := len(l.events)
	for i := 0; i < n; i++ {
		e := l.at(i)
		if desc {
			e = l.at(n - 1 - i)
		}
		if !afterFound {
			afterFound = l.changeID(e) == afterID
			continue
		}
		if !after.IsZero() && (desc && !e.received.Before(after) || !desc && !e.received.After(after)) {
			continue
		}
		if !match(e) {
			continue
		}
		if skipped < offset {
			skipped++
			continue
		}
		if int64(len(page)) == limit {
			more = true
			break
		}
		page = append(page, e)
	}
	l.mu.Unlock()
	if !afterFound {
		return nil, badRequest("afterOps.changeID names no event of the audit log")
	}
	out := struct {
		Event   []vaultapi.V1AuditResponseEvent `json:"event"`
		NextOps *vaultapi.V1AuditAfterOptions   `json:"nextOps,omitempty"`
	}{Event: make([]vaultapi.V1AuditResponseEvent, len(page))}
	for i, e := range page {
		out.Event[i] = e.wire(l.changeID(e))
	}
	if more && len(page) > 0 {
		last := page[len(page)-1]
		out.NextOps = &vaultapi.V1AuditAfterOptions{Timestamp: ptr(last.received.Format(time.RFC3339Nano)), ChangeID: ptr(l.changeID(last))}
	}
	// "event" is always present, empty on an empty page.
	return jsonBody{body: out}, nil
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, strings.TrimSpace(x)) {
			return true
		}
	}
	return false
}

// changeID is the change id of an event: the log's prefix and its
// sequence number.
func (l *auditLog) changeID(e *auditEvent) string { return fmt.Sprintf("%s%012x", l.prefix, e.seq) }

// wire renders an event in the API's shape.
func (e *auditEvent) wire(changeID string) vaultapi.V1AuditResponseEvent {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return vaultapi.V1AuditResponseEvent{
		AccountID:   ptr(DemoAccountID),
		ResourceIDs: e.resourceIDs,
		Context: &vaultapi.V1AuditEventContext{
			ChangeID:   ptr(changeID),
			RequestID:  ptr(e.requestID),
			Actor:      opt(e.actor),
			ActorType:  ptr(vaultapi.V1MemberType(e.actorType)),
			AccessType: ptr(vaultapi.V1AccessType(e.accessType)),
			AuthMode:   ptr(vaultapi.V1AuthMode(e.authMode)),
			JwtID:      opt(e.jwtID),
			IpAddress:  opt(e.ipAddress),
			Origin:     opt(e.origin),
		},
		Request: &vaultapi.V1AuditEventRequest{
			ApiName:      ptr(e.apiName),
			VaultID:      opt(e.vaultID),
			Timestamp:    ptr(e.received.Format(time.RFC3339Nano)),
			ActionType:   ptr(vaultapi.V1AuditEventActionType(e.action)),
			ResourceType: ptr(vaultapi.V1AuditEventResourceType(e.resource)),
			HttpInfo:     &vaultapi.V1AuditEventHTTPInfo{URI: ptr(e.uri), Method: ptr(e.method)},
		},
		Response: &vaultapi.V1AuditEventResponse{
			Code:      ptr(int32(e.code)),
			Message:   ptr(http.StatusText(e.code)),
			Timestamp: ptr(e.answered.Format(time.RFC3339Nano)),
		},
	}
}
