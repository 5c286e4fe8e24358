package mockserver

import (
	"encoding/json"
	"maps"
	"strconv"
	"sync"
	"time"
)

// Fault describes how the next requests to an operation misbehave. See
// (*Server).InjectFault.
type Fault struct {
	// Times is how many requests the fault applies to: 0 means once, a
	// negative value means every request until ClearFaults.
	Times int
	// Status, when not 0, is the HTTP status answered (with the Skyflow
	// error body) instead of handling the request, e.g. 429, 500 or 503.
	Status int
	// RetryAfter, when not empty, is sent as the Retry-After header of the
	// error response (e.g. "1" or an HTTP date).
	RetryAfter string
	// Delay holds the request this long before answering (the fault status,
	// or the normal response when Status is 0). The request's context ends
	// the wait early.
	Delay time.Duration
	// CloseConnection answers with a status line, headers and part of a
	// body, then closes the TCP connection mid-response. The request is
	// not handled: nothing is written.
	CloseConnection bool
	// CloseAfterCommit handles the request (a write is committed, as it
	// would be when the answer is lost on its way back), then closes the
	// TCP connection without sending any of the answer. The client cannot
	// tell this from CloseConnection, but here the write happened.
	CloseAfterCommit bool
	// Message is the error message of the fault response (a default one
	// naming the fault is used when empty).
	Message string
	// DropElements handles the request, then leaves the last DropElements
	// elements out of the list of a Flow DB answer (records, response or
	// tokens): a short answer.
	DropElements int
	// Name labels the fault in FaultCounts. When empty, a name is derived
	// from what the fault does: "close connection", "close after commit",
	// "status 503", "drop elements" or "delay".
	Name string
}

// name is the label FaultCounts counts f under.
func (f Fault) name() string {
	switch {
	case f.Name != "":
		return f.Name
	case f.CloseConnection:
		return "close connection"
	case f.Status != 0:
		return "status " + strconv.Itoa(f.Status)
	case f.CloseAfterCommit:
		return "close after commit"
	case f.DropElements > 0:
		return "drop elements"
	case f.Delay > 0:
		return "delay"
	}
	return "none"
}

// faultState holds pending faults, per-operation request counters and
// per-fault counters of the faults applied.
type faultState struct {
	mu      sync.Mutex
	faults  map[string][]*pendingFault
	counts  map[string]int
	applied map[string]int
}

type pendingFault struct {
	f    Fault
	left int // < 0: unlimited
}

func newFaultState() *faultState {
	return &faultState{faults: map[string][]*pendingFault{}, counts: map[string]int{}, applied: map[string]int{}}
}

func (s *faultState) inject(op string, f Fault) {
	left := f.Times
	if left == 0 {
		left = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = append(s.faults[op], &pendingFault{f: f, left: left})
}

func (s *faultState) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]*pendingFault{}
}

// take counts a request to op and returns the fault that applies to it, if
// any: faults of the operation first, then "*" faults, oldest first.
func (s *faultState) take(op string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[op]++
	for _, key := range []string{op, "*"} {
		list := s.faults[key]
		for len(list) > 0 {
			p := list[0]
			if p.left == 0 {
				list = list[1:]
				continue
			}
			if p.left > 0 {
				p.left--
			}
			if p.left == 0 {
				list = list[1:]
			}
			s.faults[key] = list
			s.applied[p.f.name()]++
			return p.f, true
		}
		s.faults[key] = list
	}
	return Fault{}, false
}

func (s *faultState) count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

func (s *faultState) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

func (s *faultState) appliedSnapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.applied)
}

func (s *faultState) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.applied = map[string]int{}
}

// afterFault applies a fault to the answer of a handled request, buffered
// in rec: it shortens the answer's list of elements (DropElements).
func (s *Server) afterFault(st *reqState, rec *recorder) {
	f := st.after
	if f == nil || rec == nil || f.DropElements <= 0 || rec.status/100 != 2 {
		return
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(rec.body.Bytes(), &body); err != nil {
		return
	}
	for _, key := range []string{"records", "response", "tokens"} {
		var list []json.RawMessage
		if err := json.Unmarshal(body[key], &list); err != nil || list == nil {
			continue
		}
		list = list[:max(0, len(list)-f.DropElements)]
		body[key], _ = json.Marshal(list)
		out, err := marshal(body)
		if err != nil {
			return
		}
		rec.body.Reset()
		rec.body.Write(out)
		return
	}
}
