package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// heapSlack is how much the live heap may grow over the run and still count
// as flat: lazily built state of the runtime and the HTTP stack, far below
// what one leaked record or connection per call would add.
const heapSlack = 1 << 20

// print writes the report and returns whether every invariant holds.
func (r *report) print(out io.Writer) bool {
	rc, st := r.rc, r.st
	calls := 0
	for _, o := range st.ops {
		calls += o.calls
	}
	fmt.Fprintf(out, "soak: %d workers sharing one client, %s (ran %s), %d calls (%.0f/s); token lifetime %s; one fault per %d requests of each faulted operation; seed %d\n\n",
		r.cfg.workers, r.cfg.duration, r.took.Round(10e6), calls, float64(calls)/r.took.Seconds(), r.cfg.tokenLifetime, r.cfg.faultEvery, r.cfg.seed)

	ok := true
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	row := func(cols ...string) { fmt.Fprintln(tw, strings.Join(cols, "\t")+"\t") }
	check := func(name string, got int) {
		verdict := "ok"
		if got != 0 {
			verdict, ok = "BROKEN", false
		}
		row(name, strconv.Itoa(got), "0", verdict)
	}
	row("invariant", "value", "must be", "")
	check("records acknowledged but absent", rc.ackedAbsent)
	check("records present twice", rc.twice)
	check("records reported not written but present", rc.notWrittenPresent)
	check("records acknowledged deleted but present", rc.deletedPresent)
	check("rows no worker wrote", rc.strangers)
	check("records whose value is not the one written", rc.valueWrong)
	check("updates lost (a value no update may have left)", rc.updateLost)
	check("answers that do not match their request", len(st.wrong))
	check("unknown outcomes the table contradicts", rc.writes.wrong+rc.deletes.wrong)
	check("lookups that failed while resolving", rc.resolveErrors)
	check("errors the fault plan does not explain", len(st.unexplained))
	check("records whose call never ended", rc.pending)
	check("emulator answers off the spec", r.problems)
	gVerdict := "ok"
	if r.after.goroutines > r.before.goroutines {
		gVerdict, ok = "BROKEN", false
	}
	row("goroutines before / after", fmt.Sprintf("%d / %d", r.before.goroutines, r.after.goroutines), "equal", gVerdict)
	hVerdict := "ok"
	if r.after.heap > r.before.heap+heapSlack {
		hVerdict, ok = "BROKEN", false
	}
	row("live heap before / after (after GC)", mib(r.before.heap)+" / "+mib(r.after.heap), "flat (+1 MiB)", hVerdict)
	row("live heap, highest sample during the run", mib(r.peakHeap), "", "")
	tw.Flush()
	for _, s := range first(st.wrong, 5) {
		fmt.Fprintln(out, "  wrong answer:", s)
	}
	for _, s := range first(st.unexplained, 5) {
		fmt.Fprintln(out, "  unexplained error:", s)
	}

	fmt.Fprintln(out)
	w := st.outcomes["write"]
	d := st.outcomes["delete"]
	row("outcome", "written", "not written", "unknown", "resolved written", "resolved not written", "resolved by")
	row("records created (insert, bulk, upload)", strconv.Itoa(w[stWritten]), strconv.Itoa(w[stNotWritten]), strconv.Itoa(w[stUnknown]),
		strconv.Itoa(rc.writes.written), strconv.Itoa(rc.writes.notWritten), "Query by the marker")
	row("delete calls (resolutions count records)", strconv.Itoa(d[stWritten]), strconv.Itoa(d[stNotWritten]), strconv.Itoa(d[stUnknown]),
		strconv.Itoa(rc.deletes.written), strconv.Itoa(rc.deletes.notWritten), "Get by id (records)")
	row("deletes reported with Unconfirmed (records)", strconv.Itoa(st.unconfirmedDeletes), "", "", "", "", "")
	for _, op := range []string{"Update", "Delete"} {
		row(op+" calls refused after an attempt that may have applied", strconv.Itoa(st.refusedAfterApplied[op]), "", "", "", "", "")
	}
	row("rows in the table at the end", strconv.Itoa(rc.rows), "", "", "", "", "")
	tw.Flush()

	fmt.Fprintln(out)
	row("fault", "injected", "applied", "attempts seen", "retries")
	for _, k := range faultKinds {
		row(k.name, strconv.Itoa(r.injected[k.name]), strconv.Itoa(r.applied[k.name]), strconv.Itoa(st.sigs[k.sig]), strconv.Itoa(r.retries[k.sig]))
	}
	total := 0
	for _, n := range r.retries {
		total += n
	}
	row("retries logged by the SDK (all causes)", "", "", "", strconv.Itoa(total))
	tw.Flush()
	fmt.Fprintf(out, "(attempts seen: attempts the client saw answered so; a slow one is any answer after %s, whatever the cause)\n", slowAfter)
	fmt.Fprintf(out, "token expiry (lifetime %s): %d token exchanges (the emulator counted %d); %d answers 401, %d of them sent again with a new token;\n"+
		"  %d of the 401s answered a retry (the token aged during the backoff); Invoke POSTs, never sent again after a 401, ended by one: %d on a retry, %d on a first attempt\n",
		r.cfg.tokenLifetime, r.exchanges, r.counts["GetAuthToken"], st.sigs[sig401], st.resent401, st.retried401, st.stale401, st.transit401)

	fmt.Fprintln(out)
	row("operation", "calls", "ok", "attempts", "errors by class")
	names := slices.Sorted(maps.Keys(st.ops))
	for _, name := range names {
		o := st.ops[name]
		var errs []string
		for _, cls := range slices.Sorted(maps.Keys(o.errs)) {
			errs = append(errs, fmt.Sprintf("%s %d", cls, o.errs[cls]))
		}
		row(name, strconv.Itoa(o.calls), strconv.Itoa(o.ok), strconv.Itoa(o.attempts), strings.Join(errs, ", "))
	}
	tw.Flush()
	var reqs []string
	for _, op := range slices.Sorted(maps.Keys(r.counts)) {
		reqs = append(reqs, fmt.Sprintf("%s %d", op, r.counts[op]))
	}
	fmt.Fprintf(out, "\nrequests the emulator received: %s\n", strings.Join(reqs, ", "))
	if ok {
		fmt.Fprintln(out, "\nsoak: PASS")
	} else {
		fmt.Fprintln(out, "\nsoak: FAIL (an invariant is broken)")
	}
	return ok
}

func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func first(list []string, n int) []string { return list[:min(n, len(list))] }
