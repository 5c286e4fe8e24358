package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

// callTimeout bounds one SDK call of the workload, retries included; no
// call comes near it unless the SDK hangs.
const callTimeout = time.Minute

// recState is what the client was told of one record it tried to create.
type recState uint8

const (
	stPending       recState = iota // the call is in flight
	stWritten                       // acknowledged, not deleted since
	stNotWritten                    // certainly not written
	stUnknown                       // the answer was lost: maybe written
	stDeleted                       // acknowledged deleted
	stDeleteUnknown                 // the delete's answer was lost
)

// record is a record a worker created and still uses.
type record struct {
	seq    int
	upload bool // created by an upload: its key is its file name
	id     string
	card   string
	token  string
	// names are the values the name column may hold: the last one an
	// acknowledged update wrote, and those of later updates whose outcome
	// is unknown.
	names []string
}

// key is the unique marker of a record a worker creates: the marker column
// of an inserted record, the file name of one an upload created.
func key(worker, seq int, upload bool) string {
	if upload {
		return fmt.Sprintf("u%03d-%07d.txt", worker, seq)
	}
	return fmt.Sprintf("m%03d-%07d", worker, seq)
}

// parseKey is the inverse of key.
func parseKey(s string) (worker, seq int, upload, ok bool) {
	upload = strings.HasPrefix(s, "u") && strings.HasSuffix(s, ".txt")
	body := strings.TrimSuffix(s, ".txt")
	if (!upload && !strings.HasPrefix(s, "m")) || len(body) != 12 || body[4] != '-' {
		return 0, 0, false, false
	}
	w, err1 := strconv.Atoi(body[1:4])
	q, err2 := strconv.Atoi(body[5:])
	return w, q, upload, err1 == nil && err2 == nil
}

// cardOf is a record's card number: 16 digits, unique per record.
func cardOf(worker, seq int) string { return fmt.Sprintf("4%03d%012d", worker, seq) }

// clients are the handles every worker shares (one facade.Client).
type clients struct {
	vault  *facade.Vault
	detect *facade.Detect
	conn   *facade.Connection
}

// worker runs the workload of one goroutine on records of its own.
type worker struct {
	id      int
	rng     *rand.Rand
	c       clients
	live    int // records kept before deleting the oldest
	st      *stats
	states  []recState // by seq
	uploads []bool     // by seq: created by an upload
	mine    []*record  // written, usable
	// delUnknown are records whose delete's answer was lost.
	delUnknown []*record
	n          int // counter for update values, file and connection ids
}

func newWorker(id int, seed uint64, c clients, live int, failures io.Writer) *worker {
	st := newStats()
	st.failures = failures
	return &worker{id: id, rng: rand.New(rand.NewPCG(seed, uint64(id))), c: c, live: live, st: st}
}

// newSeq reserves a record sequence number.
func (w *worker) newSeq(upload bool) int {
	w.states = append(w.states, stPending)
	w.uploads = append(w.uploads, upload)
	return len(w.states) - 1
}

// op is one operation of the workload with its weight.
type op struct {
	name   string
	weight int
	run    func(w *worker, ctx context.Context) error
	// needs, when not nil, says whether the worker has records the
	// operation can work on.
	needs func(w *worker) bool
}

var (
	// opInsert is the fallback when the operation drawn needs records the
	// worker does not have.
	opInsert = op{"Insert", 12, (*worker).insert, nil}
	// opDelete also runs whenever the worker holds more records than it
	// should, so the table (and the emulator) stays bounded.
	opDelete = op{"Delete", 5, (*worker).deleteSome, (*worker).hasAny}
)

// ops is the workload's mix.
var ops = []op{
	opInsert,
	{"Insert (continue on error)", 8, (*worker).insertCOE, nil},
	{"BulkInsert", 3, (*worker).bulkInsert, nil},
	{"Detokenize", 14, (*worker).detokenize, (*worker).hasInserted},
	{"Get", 14, (*worker).get, (*worker).hasAny},
	{"Update", 12, (*worker).update, (*worker).hasAny},
	opDelete,
	{"UploadFile (existing record)", 5, (*worker).uploadExisting, (*worker).hasInserted},
	{"UploadFile (new record)", 3, (*worker).uploadNew, nil},
	{"DeidentifyText", 8, (*worker).deidentify, nil},
	{"Invoke", 8, (*worker).invoke, nil},
}

func (w *worker) hasAny() bool { return len(w.mine) > 0 }

// hasInserted says whether the worker has a record it inserted (one that
// has a token and is not known by its file name).
func (w *worker) hasInserted() bool {
	for _, r := range w.mine {
		if !r.upload {
			return true
		}
	}
	return false
}

// pickInserted returns up to n of the worker's inserted records, at random.
func (w *worker) pickInserted(n int) []*record {
	var out []*record
	for _, r := range w.pick(len(w.mine)) {
		if !r.upload && len(out) < n {
			out = append(out, r)
		}
	}
	return out
}

// run does operations until deadline.
func (w *worker) run(ctx context.Context, deadline time.Time) {
	total := 0
	for _, o := range ops {
		total += o.weight
	}
	for time.Now().Before(deadline) && ctx.Err() == nil {
		o := opInsert
		if len(w.mine) > w.live {
			o = opDelete
		} else {
			n := w.rng.IntN(total)
			for _, cand := range ops {
				if n < cand.weight {
					o = cand
					break
				}
				n -= cand.weight
			}
			if o.needs != nil && !o.needs(w) {
				o = opInsert
			}
		}
		w.do(ctx, o)
	}
}

// do runs one operation and accounts for it.
func (w *worker) do(ctx context.Context, o op) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	ctx, t := withTrace(ctx)
	err := o.run(w, ctx)
	w.st.account(o.name, t, err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		w.st.unexplainedf("%s: the call ran past %s", o.name, callTimeout)
	}
}

// pick returns up to n of the worker's records, at random.
func (w *worker) pick(n int) []*record {
	n = min(n, len(w.mine))
	out := make([]*record, 0, n)
	for _, i := range w.rng.Perm(len(w.mine))[:n] {
		out = append(out, w.mine[i])
	}
	return out
}

// writeOutcome classifies a failed write as the SDK documents it: unknown
// when skyflow.MaybeApplied says the call may have taken effect, not
// written otherwise.
func writeOutcome(err error) recState {
	if skyflow.MaybeApplied(err) {
		return stUnknown
	}
	return stNotWritten
}

// newRecords reserves n records to insert and returns them with their
// column values.
func (w *worker) newRecords(n int) ([]*record, []map[string]any) {
	recs := make([]*record, n)
	fields := make([]map[string]any, n)
	for i := range recs {
		seq := w.newSeq(false)
		name := "n" + strconv.Itoa(seq)
		recs[i] = &record{seq: seq, card: cardOf(w.id, seq), names: []string{name}}
		fields[i] = map[string]any{"marker": key(w.id, seq, false), "card_number": recs[i].card, "name": name}
	}
	return recs, fields
}

// written records an acknowledged record.
func (w *worker) written(r *record, id string, tokens map[string]string) {
	r.id, r.token = id, tokens["card_number"]
	w.states[r.seq] = stWritten
	w.mine = append(w.mine, r)
	w.st.outcome("write", stWritten)
}

// failed records a record that was not acknowledged.
func (w *worker) failed(r *record, s recState) {
	w.states[r.seq] = s
	w.st.outcome("write", s)
}

func (w *worker) insert(ctx context.Context) error {
	recs, fields := w.newRecords(1 + w.rng.IntN(4))
	resp, err := w.c.vault.Insert(ctx, facade.InsertRequest{Table: soakTable, Records: fields, ReturnTokens: true})
	if err != nil {
		for _, r := range recs {
			w.failed(r, writeOutcome(err))
		}
		return err
	}
	for _, ins := range resp.Inserted {
		w.written(recs[ins.Index], ins.SkyflowID, ins.Tokens)
	}
	return nil
}

func (w *worker) insertCOE(ctx context.Context) error {
	recs, fields := w.newRecords(2 + w.rng.IntN(4))
	resp, err := w.c.vault.Insert(ctx, facade.InsertRequest{Table: soakTable, Records: fields, ReturnTokens: true, ContinueOnError: true})
	if err != nil {
		for _, r := range recs {
			w.failed(r, writeOutcome(err))
		}
		return err
	}
	for _, ins := range resp.Inserted {
		w.written(recs[ins.Index], ins.SkyflowID, ins.Tokens)
	}
	for _, re := range resp.Errors {
		// No record of the workload is invalid: a refusal is unexplained.
		w.failed(recs[re.Index], stNotWritten)
		w.st.unexplainedf("Insert (continue on error): record refused with status %d", re.StatusCode)
	}
	return nil
}

func (w *worker) bulkInsert(ctx context.Context) error {
	recs, fields := w.newRecords(20 + w.rng.IntN(21))
	// One chunk at a time, so that the retries of a call follow one
	// another and each is attributed to the attempt it repeats.
	seq, err := w.c.vault.BulkInsert(ctx, facade.BulkInsertRequest{
		Table: soakTable, Records: facade.BulkFields(sliceSeq(fields)), ReturnTokens: true,
		ContinueOnError: w.rng.IntN(2) == 0, ChunkSize: 10, Concurrency: 1,
	})
	if err != nil {
		for _, r := range recs {
			w.failed(r, stNotWritten)
		}
		return err
	}
	var first error
	for res := range seq {
		r := recs[res.Index]
		switch res.Outcome {
		case facade.Written:
			w.written(r, res.SkyflowID, res.Tokens)
		case facade.Unknown:
			w.failed(r, stUnknown)
		default:
			w.failed(r, stNotWritten)
		}
		if res.Err != nil && first == nil {
			first = res.Err
		}
	}
	return first
}

func sliceSeq[T any](s []T) iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

func (w *worker) detokenize(ctx context.Context) error {
	var toks []facade.DetokenizeToken
	want := map[string]string{}
	for _, r := range w.pickInserted(5) {
		toks = append(toks, facade.DetokenizeToken{Token: r.token, Redaction: facade.RedactionPlainText})
		want[r.token] = r.card
	}
	resp, err := w.c.vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: toks})
	if err != nil {
		return err
	}
	if len(resp.Records) != len(toks) || len(resp.Errors) > 0 {
		w.st.wrongf("Detokenize: %d values and %d errors for %d tokens", len(resp.Records), len(resp.Errors), len(toks))
	}
	for _, rec := range resp.Records {
		if rec.Index < 0 || rec.Index >= len(toks) || rec.Token != toks[rec.Index].Token || rec.Value != want[rec.Token] {
			w.st.wrongf("Detokenize: a value does not belong to its token")
		}
	}
	return nil
}

func (w *worker) get(ctx context.Context) error {
	recs := w.pick(5)
	byID := map[string]*record{}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i], byID[r.id] = r.id, r
	}
	resp, err := w.c.vault.Get(ctx, facade.GetRequest{Table: soakTable, IDs: ids, Redaction: facade.RedactionPlainText})
	if err != nil {
		return err
	}
	if len(resp.Records) != len(ids) {
		w.st.wrongf("Get: %d records for %d ids", len(resp.Records), len(ids))
	}
	for _, got := range resp.Records {
		r := byID[got.SkyflowID]
		switch {
		case r == nil:
			w.st.wrongf("Get: a record that was not asked for")
		case !r.upload && (got.Fields["marker"] != key(w.id, r.seq, false) || got.Fields["card_number"] != r.card):
			w.st.wrongf("Get: a record's values are not the ones written")
		}
	}
	return nil
}

func (w *worker) update(ctx context.Context) error {
	r := w.pick(1)[0]
	w.n++
	name := "n" + strconv.Itoa(r.seq) + "-" + strconv.Itoa(w.n)
	resp, err := w.c.vault.Update(ctx, facade.UpdateRequest{Table: soakTable, SkyflowID: r.id, Fields: map[string]any{"name": name}})
	switch {
	case err == nil:
		r.names = []string{name}
		if resp.SkyflowID != r.id {
			w.st.wrongf("Update: the answer names another record")
		}
	case w.retriedOutcome(ctx, "Update", err) == stUnknown:
		r.names = append(r.names, name)
	}
	return err
}

// retriedOutcome is writeOutcome for an idempotent write, which the SDK
// retries after attempts that may have been applied. A refusal (a 429, a
// 404) that ends such a call does not prove that nothing was written: the
// SDK must say so (APIError.MaybeApplied). The soak checks it against the
// attempts it saw: a call refused after such an attempt and reported as
// certainly failed is a wrong outcome.
func (w *worker) retriedOutcome(ctx context.Context, op string, err error) recState {
	out := writeOutcome(err)
	attempts := traceOf(ctx).snapshot()
	for _, a := range attempts[:max(len(attempts)-1, 0)] {
		if !maybeApplied(a) {
			continue
		}
		var ae *skyflow.APIError
		if errors.As(err, &ae) && ae.StatusCode < 500 {
			w.st.refusedAfterApplied[op]++
		}
		if out == stNotWritten {
			w.st.wrongf("%s: refused after an attempt that may have applied (attempts %v), reported as certainly failed", op, attempts)
			return stUnknown
		}
		break
	}
	return out
}

// deleteSome deletes the oldest of the worker's records: a few of them, or
// up to 10 when the worker keeps more than it should.
func (w *worker) deleteSome(ctx context.Context) error {
	n := min(len(w.mine), 1+w.rng.IntN(4))
	if len(w.mine) > w.live {
		n = min(len(w.mine)-w.live/2, 10)
	}
	recs := w.mine[:n]
	ids := make([]string, n)
	for i, r := range recs {
		ids[i] = r.id
	}
	resp, err := w.c.vault.Delete(ctx, facade.DeleteRequest{Table: soakTable, IDs: ids})
	switch {
	case err == nil:
		if resp.Unconfirmed {
			w.st.unconfirmedDeletes += n
		}
		for _, r := range recs {
			w.states[r.seq] = stDeleted
		}
		w.st.outcome("delete", stWritten)
	case w.retriedOutcome(ctx, "Delete", err) == stUnknown:
		for _, r := range recs {
			w.states[r.seq] = stDeleteUnknown
		}
		w.delUnknown = append(w.delUnknown, recs...)
		w.st.outcome("delete", stUnknown)
	default:
		w.st.outcome("delete", stNotWritten)
		return err // the records stay; they are deleted later
	}
	w.mine = append(w.mine[:0:0], w.mine[n:]...)
	return err
}

func (w *worker) fileContent() (*bytes.Reader, string) {
	w.n++
	return bytes.NewReader([]byte("soak file " + strconv.Itoa(w.n) + "\n")), fmt.Sprintf("a%03d-%07d.txt", w.id, w.n)
}

func (w *worker) uploadExisting(ctx context.Context) error {
	// Not a record an upload created: it is known by its file name.
	r := w.pickInserted(1)[0]
	content, name := w.fileContent()
	resp, err := w.c.vault.UploadFile(ctx, facade.UploadFileRequest{Table: soakTable, Column: "attachment", SkyflowID: r.id, Reader: content, FileName: name})
	if err == nil && resp.SkyflowID != r.id {
		w.st.wrongf("UploadFile: the answer names another record")
	}
	return err
}

func (w *worker) uploadNew(ctx context.Context) error {
	seq := w.newSeq(true)
	r := &record{seq: seq, upload: true}
	content, _ := w.fileContent()
	resp, err := w.c.vault.UploadFile(ctx, facade.UploadFileRequest{Table: soakTable, Column: "attachment", Reader: content, FileName: key(w.id, seq, true)})
	if err != nil {
		w.failed(r, writeOutcome(err))
		return err
	}
	w.written(r, resp.SkyflowID, nil)
	return nil
}

// detectText is the text the workload de-identifies (made-up values).
const detectText = "Jane Doe called from 555-010-9999 about card 4111 1111 1111 1111 and SSN 123-45-6789."

func (w *worker) deidentify(ctx context.Context) error {
	resp, err := w.c.detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{Text: detectText})
	if err == nil && (resp.ProcessedText == "" || strings.Contains(resp.ProcessedText, "123-45-6789")) {
		w.st.wrongf("DeidentifyText: the answer is empty or still holds the SSN")
	}
	return err
}

func (w *worker) invoke(ctx context.Context) error {
	w.n++
	id := fmt.Sprintf("c%03d-%d", w.id, w.n)
	resp, err := w.c.conn.Invoke(ctx, facade.InvokeRequest{Method: "POST", PathParams: map[string]string{"card_id": id}, Body: map[string]any{"ref": id}})
	if err != nil {
		return err
	}
	echo, _ := resp.Data.(map[string]any)
	params, _ := echo["path_params"].(map[string]any)
	body, _ := echo["body"].(map[string]any)
	if params["card_id"] != id || !reflect.DeepEqual(body, map[string]any{"ref": id}) {
		w.st.wrongf("Invoke: the echo does not match the request")
	}
	return nil
}

// stats are one worker's counts (merged at the end).
type stats struct {
	// failures, when not nil, receives a line per failed call: its
	// operation, error class and attempts' signatures (never a value).
	failures           io.Writer
	ops                map[string]*opStats
	sigs               map[string]int // attempts by signature
	outcomes           map[string]map[recState]int
	wrong              []string
	unexplained        []string
	unconfirmedDeletes int
	resent401          int
	// refusedAfterApplied counts, by operation, calls that failed with a
	// refusal after an earlier attempt that may have been applied.
	refusedAfterApplied map[string]int
	// stale401 counts calls that failed with a 401 answered to a retry:
	// the token aged during the backoff and the call could not be resent.
	stale401 int
	// transit401 counts calls that could not be resent and failed with a
	// 401 answered to their first attempt.
	transit401 int
	// retried401 counts 401s answered to a retry of the Doer (an attempt
	// after a failed one that was not itself a 401).
	retried401 int
}

// opStats are the counts of one operation.
type opStats struct {
	calls, ok, attempts int
	errs                map[string]int
}

func newStats() *stats {
	return &stats{ops: map[string]*opStats{}, sigs: map[string]int{}, outcomes: map[string]map[recState]int{},
		refusedAfterApplied: map[string]int{}}
}

func (s *stats) op(name string) *opStats {
	o := s.ops[name]
	if o == nil {
		o = &opStats{errs: map[string]int{}}
		s.ops[name] = o
	}
	return o
}

func (s *stats) outcome(kind string, st recState) {
	if s.outcomes[kind] == nil {
		s.outcomes[kind] = map[recState]int{}
	}
	s.outcomes[kind][st]++
}

// wrongf records an answer that does not match its request (no values).
func (s *stats) wrongf(format string, args ...any) {
	s.wrong = append(s.wrong, fmt.Sprintf(format, args...))
}

// unexplainedf records an error the fault plan does not explain.
func (s *stats) unexplainedf(format string, args ...any) {
	s.unexplained = append(s.unexplained, fmt.Sprintf(format, args...))
}

// account counts one call: its attempts, and its error's class.
func (s *stats) account(name string, t *trace, err error) {
	o := s.op(name)
	o.calls++
	attempts := t.snapshot()
	o.attempts += len(attempts)
	for i, a := range attempts {
		s.sigs[a]++
		if i > 0 && attempts[i-1] == sig401 {
			s.resent401++
		}
		if a == sig401 && i > 0 && attempts[i-1] != sig401 {
			s.retried401++
		}
	}
	if err == nil {
		o.ok++
		return
	}
	class, explained := errClass(err)
	if class == "status 401" && name == "Invoke" {
		// A POST through a connection is never sent again after a 401 (the
		// route may have seen it), so token expiry, a fault of the plan,
		// can end it: its token expired on the way, or while the SDK
		// waited to retry it. Counted apart: see RELIABILITY.md.
		if n := len(attempts); n > 1 && attempts[n-1] == sig401 && attempts[n-2] != sig401 {
			class = "401 on a retry (token aged in the backoff)"
			s.stale401++
		} else {
			class = "401 (token expired on the way)"
			s.transit401++
		}
		explained = true
	}
	if s.failures != nil {
		fmt.Fprintf(s.failures, "failed call: %s: %s; attempts %v\n", name, class, attempts)
	}
	o.errs[class]++
	if !explained {
		s.unexplainedf("%s: %s", name, class)
	}
}

// errClass names the class of an error, and whether the fault plan
// explains it: a transport failure, a 429, a 500 or a 503. The name holds
// the error's type, status and sentinel, never its text (a server message
// may echo a value).
func errClass(err error) (string, bool) {
	var (
		te *skyflow.TransportError
		ae *skyflow.APIError
	)
	switch {
	case errors.As(err, &te):
		if te.Sent {
			return "transport error (sent)", true
		}
		return "transport error (not sent)", true
	case errors.As(err, &ae):
		switch {
		case errors.Is(err, skyflow.ErrUnexpectedResponse):
			return "unexpected response: " + ae.Message, false
		case ae.StatusCode == 429 && ae.RetryAfter > 0:
			return "429", true
		case ae.StatusCode == 500 || ae.StatusCode == 503:
			return strconv.Itoa(ae.StatusCode), true
		}
		return "status " + strconv.Itoa(ae.StatusCode), false
	}
	return fmt.Sprintf("%T", err), false
}

// merge adds o's counts to s.
func (s *stats) merge(o *stats) {
	for name, x := range o.ops {
		y := s.op(name)
		y.calls += x.calls
		y.ok += x.ok
		y.attempts += x.attempts
		for k, v := range x.errs {
			y.errs[k] += v
		}
	}
	for kind, m := range o.outcomes {
		for st, n := range m {
			if s.outcomes[kind] == nil {
				s.outcomes[kind] = map[recState]int{}
			}
			s.outcomes[kind][st] += n
		}
	}
	for k, v := range o.sigs {
		s.sigs[k] += v
	}
	s.wrong = append(s.wrong, o.wrong...)
	s.unexplained = append(s.unexplained, o.unexplained...)
	s.unconfirmedDeletes += o.unconfirmedDeletes
	s.resent401 += o.resent401
	s.stale401 += o.stale401
	s.transit401 += o.transit401
	for k, v := range o.refusedAfterApplied {
		s.refusedAfterApplied[k] += v
	}
	s.retried401 += o.retried401
}
