package facade

import (
	"context"
	"iter"
	"net/http"
	"reflect"
	"strings"
	"time"

	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// AuditEventsRequest selects the audit events of the handle's vault.
type AuditEventsRequest struct {
	// AccountID is the account whose events to list (required).
	AccountID string
	// Actor keeps the events of one member (a user or service account id).
	Actor string
	// RequestID keeps the events of one request.
	RequestID string
	// ActionType keeps one action, for example "READ" or "CREATE".
	ActionType string
	// ResourceType keeps one kind of resource, for example "RECORD".
	ResourceType string
	// Since and Until bound the events' time (zero: unbounded).
	Since, Until time.Time
	// Descending lists the newest events first.
	Descending bool
	// PageSize is how many events one request returns (0: the API's
	// default).
	PageSize int
	// After continues a listing where a previous page ended (its Next).
	After *AuditCursor
}

// AuditCursor is where a page of audit events ended.
type AuditCursor struct {
	// Timestamp and ChangeID are the API's cursor.
	Timestamp, ChangeID string
}

// AuditEvent is one audited call. Request and response payloads are not
// returned (they can hold record values), nor the query of the called URI.
type AuditEvent struct {
	// Time is when the request arrived (zero when the API sent none).
	Time time.Time
	// RequestID is the id of the audited request.
	RequestID string
	// Actor is the member who made it, ActorType its kind (USER,
	// SERVICE_ACCOUNT), AuthMode how it authenticated.
	Actor, ActorType, AuthMode string
	// AccessType says how the resource was accessed (API, SQL).
	AccessType string
	// IPAddress and Origin say where the call came from.
	IPAddress, Origin string
	// AccountID, WorkspaceID and VaultID locate the resource.
	AccountID, WorkspaceID, VaultID string
	// APIName, ActionType and ResourceType say what was done.
	APIName, ActionType, ResourceType string
	// ResourceIDs are the ids of the resources acted on.
	ResourceIDs []string
	// Tags are the event's tags.
	Tags []string
	// HTTPMethod and HTTPPath are the method and the path (without the
	// query) of the audited request.
	HTTPMethod, HTTPPath string
	// ResponseCode is the audited call's status.
	ResponseCode int
}

// AuditEventsResponse is one page of audit events.
type AuditEventsResponse struct {
	// Events are the page's events.
	Events []AuditEvent
	// Next continues the listing (AuditEventsRequest.After); nil when the
	// API gave no cursor.
	Next *AuditCursor
	// RequestID is the id of the request.
	RequestID string
}

// ListAuditEvents returns one page of the audit events of the handle's
// vault (GET /v1/audit/events, operation AuditServiceListAuditEvents).
func (v *Vault) ListAuditEvents(ctx context.Context, req AuditEventsRequest) (*AuditEventsResponse, error) {
	return v.listAuditEvents(ctx, req, 0)
}

func (v *Vault) listAuditEvents(ctx context.Context, req AuditEventsRequest, offset int64) (*AuditEventsResponse, error) {
	if strings.TrimSpace(req.AccountID) == "" {
		return nil, errs.Invalid("AccountID", "is required")
	}
	if req.PageSize < 0 {
		return nil, errs.Invalid("PageSize", "must not be negative")
	}
	if !req.Since.IsZero() && !req.Until.IsZero() && req.Until.Before(req.Since) {
		return nil, errs.Invalid("Until", "is before Since")
	}
	const op = "ListAuditEvents"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	params := req.params(s.id, offset)
	r, err := v.c.run(ctx, s.op(v.c, op, reads), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.AuditServiceListAuditEvents(ctx, params, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gvault.V1AuditResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	out := &AuditEventsResponse{Events: make([]AuditEvent, len(parsed.Event)), RequestID: r.requestID}
	for i := range parsed.Event {
		out.Events[i] = auditEventFromWire(&parsed.Event[i])
	}
	if n := parsed.NextOps; n != nil && (deref(n.Timestamp) != "" || deref(n.ChangeID) != "") {
		out.Next = &AuditCursor{Timestamp: deref(n.Timestamp), ChangeID: deref(n.ChangeID)}
	}
	return out, nil
}

// AuditEvents iterates over every audit event the request selects, page
// after page: it follows the API's cursor when pages carry one, and the
// offset otherwise. It stops at the first error, which it yields; a page
// that repeats the previous page (a server that ignores the offset or the
// cursor), or a cursor met before, is an error
// (skyflow.ErrUnexpectedResponse) rather than an endless loop.
func (v *Vault) AuditEvents(ctx context.Context, req AuditEventsRequest) iter.Seq2[AuditEvent, error] {
	return func(yield func(AuditEvent, error) bool) {
		var (
			offset int64
			prev   []AuditEvent
			seen   = map[AuditCursor]bool{}
		)
		if req.After != nil {
			seen[*req.After] = true
		}
		for {
			page, err := v.listAuditEvents(ctx, req, offset)
			if err != nil {
				yield(AuditEvent{}, err)
				return
			}
			if len(page.Events) > 0 && reflect.DeepEqual(page.Events, prev) {
				yield(AuditEvent{}, noProgress("ListAuditEvents", page.RequestID))
				return
			}
			for _, e := range page.Events {
				if !yield(e, nil) {
					return
				}
			}
			if len(page.Events) == 0 {
				return
			}
			prev = page.Events
			switch {
			case page.Next != nil:
				if seen[*page.Next] {
					yield(AuditEvent{}, noProgress("ListAuditEvents", page.RequestID))
					return
				}
				seen[*page.Next] = true
				req.After, offset = page.Next, 0
			case req.PageSize > 0 && len(page.Events) < req.PageSize:
				return
			default:
				offset += int64(len(page.Events))
			}
		}
	}
}

func (r *AuditEventsRequest) params(vaultID string, offset int64) *gvault.AuditServiceListAuditEventsParams {
	p := &gvault.AuditServiceListAuditEventsParams{
		FilterOpsAccountID:        r.AccountID,
		FilterOpsVaultID:          &vaultID,
		FilterOpsContextActor:     optional(r.Actor),
		FilterOpsContextRequestID: optional(r.RequestID),
	}
	if r.ActionType != "" {
		a := gvault.V1AuditEventActionType(r.ActionType)
		p.FilterOpsActionType = &a
	}
	if r.ResourceType != "" {
		t := gvault.V1AuditEventResourceType(r.ResourceType)
		p.FilterOpsResourceType = &t
	}
	if !r.Since.IsZero() {
		p.FilterOpsStartTime = optional(r.Since.UTC().Format(time.RFC3339))
	}
	if !r.Until.IsZero() {
		p.FilterOpsEndTime = optional(r.Until.UTC().Format(time.RFC3339))
	}
	if r.Descending {
		d := gvault.V1SortOrderDESCENDING
		p.SortOpsOrderBy = &d
	}
	if r.PageSize > 0 {
		n := int64(r.PageSize)
		p.Limit = &n
	}
	if offset > 0 {
		p.Offset = &offset
	}
	if r.After != nil {
		p.AfterOpsTimestamp = optional(r.After.Timestamp)
		p.AfterOpsChangeID = optional(r.After.ChangeID)
	}
	return p
}

func auditEventFromWire(w *gvault.V1AuditResponseEvent) AuditEvent {
	e := AuditEvent{AccountID: deref(w.AccountID), ResourceIDs: w.ResourceIDs}
	if c := w.Context; c != nil {
		e.RequestID, e.Actor, e.IPAddress, e.Origin = deref(c.RequestID), deref(c.Actor), deref(c.IpAddress), deref(c.Origin)
		e.ActorType, e.AuthMode, e.AccessType = string(deref(c.ActorType)), string(deref(c.AuthMode)), string(deref(c.AccessType))
	}
	if q := w.Request; q != nil {
		e.WorkspaceID, e.VaultID, e.APIName, e.Tags = deref(q.WorkspaceID), deref(q.VaultID), deref(q.ApiName), q.Tags
		e.ActionType, e.ResourceType = string(deref(q.ActionType)), string(deref(q.ResourceType))
		e.Time, _ = time.Parse(time.RFC3339Nano, deref(q.Timestamp))
		if h := q.HttpInfo; h != nil {
			e.HTTPMethod = deref(h.Method)
			e.HTTPPath, _, _ = strings.Cut(deref(h.URI), "?")
		}
	}
	if a := w.Response; a != nil {
		e.ResponseCode = int(deref(a.Code))
	}
	return e
}

// optional returns a pointer to s, or nil when s is empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// noProgress is the error of a paged listing whose next page would repeat
// the one just read.
func noProgress(op, requestID string) error {
	h := http.Header{}
	h.Set(errs.RequestIDHeader, requestID)
	return unexpected(op, http.StatusOK, h, "the listing makes no progress: the next page would repeat the previous one", nil)
}
