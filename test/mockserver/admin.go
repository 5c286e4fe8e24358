package mockserver

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// adminFault is the JSON form of a Fault on the admin API.
type adminFault struct {
	Operation        string `json:"operation"`
	Times            int    `json:"times"`
	Status           int    `json:"status"`
	RetryAfter       string `json:"retry_after"`
	Delay            string `json:"delay"`
	DelayMS          int    `json:"delay_ms"`
	CloseConnection  bool   `json:"close_connection"`
	CloseAfterCommit bool   `json:"close_after_commit"`
	DropElements     int    `json:"drop_elements"`
	Message          string `json:"message"`
	Name             string `json:"name"`
}

// adminRunPlan is the JSON form of a RunPlan on the admin API.
type adminRunPlan struct {
	Polls   int    `json:"polls"`
	Final   string `json:"final"`
	Message string `json:"message"`
}

// operationNames lists every operation name the counters and faults know.
func (s *Server) operationNames() map[string]bool {
	names := map[string]bool{opConnection: true, "*": true}
	for _, spec := range s.specs.specs {
		for _, rt := range spec.routes {
			for _, op := range rt.item.Operations() {
				names[op.OperationID] = true
			}
		}
	}
	return names
}

// adminRefusal says why r may not use the admin API, or "" when it may.
// The admin API has no authentication, and it reads records and changes
// the server, so it guards against web pages open in the developer's
// browser: a cross-site request carries the Origin of another host, and a
// DNS-rebinding one (a page whose host name now resolves to 127.0.0.1)
// names the attacker's host. So a request whose Origin is not the host it
// is sent to is refused, and, unless the emulator listens on a
// non-loopback address (where containers and other machines reach it by
// name), so is a request to a host other than localhost or an IP address.
func (s *Server) adminRefusal(r *http.Request) string {
	if origin := r.Header.Get("Origin"); origin != "" {
		if u, err := url.Parse(origin); err != nil || !strings.EqualFold(u.Host, r.Host) {
			return "the admin API refuses requests from another origin"
		}
	}
	if !s.exposed.Load() && !localHost(r.Host) {
		return "the admin API answers requests to localhost or an IP address only"
	}
	return ""
}

// localHost reports whether hostport names localhost or an IP address.
func localHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil
}

func decodeAdmin(r *http.Request, v any) *apiError {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("invalid admin request body: %v", err)
	}
	return nil
}

// serveAdmin serves the admin API (no authentication; the server listens on
// loopback by default):
//
//	POST   /__admin/faults     {"operation","times","status","retry_after","delay","delay_ms","close_connection","close_after_commit",
//	                            "drop_elements","message","name"}
//	DELETE /__admin/faults     drop pending faults
//	GET    /__admin/counters   {"counts":{operation:n},"faults":{fault name:n}}
//	DELETE /__admin/counters   reset the counters
//	POST   /__admin/runs       {"polls","final","message"} or a list of them
//	GET    /__admin/records?table=NAME   records of a table of the first vault
//	GET    /__admin/health     {"status":"ok"}
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request, rest string) {
	route := r.Method + " " + strings.TrimSuffix(rest, "/")
	switch route {
	case "GET health":
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	case "POST faults":
		var f adminFault
		if err := decodeAdmin(r, &f); err != nil {
			writeError(w, err)
			return
		}
		if !s.operationNames()[f.Operation] {
			writeError(w, badRequest("unknown operation %q (use an operationId, InvokeConnection or *)", f.Operation))
			return
		}
		if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
			writeError(w, badRequest("status must be an HTTP error status (400-599)"))
			return
		}
		delay := time.Duration(f.DelayMS) * time.Millisecond
		if f.Delay != "" {
			d, err := time.ParseDuration(f.Delay)
			if err != nil || d < 0 {
				writeError(w, badRequest("delay must be a Go duration such as 250ms"))
				return
			}
			delay = d
		}
		s.InjectFault(f.Operation, Fault{Times: f.Times, Status: f.Status, RetryAfter: f.RetryAfter, Delay: delay,
			CloseConnection: f.CloseConnection, CloseAfterCommit: f.CloseAfterCommit, DropElements: f.DropElements, Message: f.Message, Name: f.Name})
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case "DELETE faults":
		s.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case "GET counters":
		writeJSON(w, http.StatusOK, map[string]any{"counts": s.Counts(), "faults": s.FaultCounts(), "in_flight": s.InFlight()})
	case "DELETE counters":
		s.ResetCounts()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case "POST runs":
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeError(w, badRequest("reading the body: %v", err))
			return
		}
		var plans []adminRunPlan
		if trimmed := strings.TrimSpace(string(body)); strings.HasPrefix(trimmed, "[") {
			err = json.Unmarshal(body, &plans)
		} else {
			var p adminRunPlan
			err = json.Unmarshal(body, &p)
			plans = []adminRunPlan{p}
		}
		if err != nil {
			writeError(w, badRequest("invalid run plan: %v", err))
			return
		}
		var rp []RunPlan
		for _, p := range plans {
			if !validRunFinals[p.Final] || p.Polls < 0 {
				writeError(w, badRequest("a run plan needs polls >= 0 and final SUCCESS, FAILED or UNKNOWN"))
				return
			}
			rp = append(rp, RunPlan(p))
		}
		s.PlanRuns(rp...)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "planned": len(rp)})
	case "GET records":
		name := r.URL.Query().Get("table")
		recs := s.Records(name)
		if recs == nil {
			writeError(w, notFound("table %s not found", name))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"records": recs})
	default:
		writeError(w, notFound("unknown admin route"))
	}
}
