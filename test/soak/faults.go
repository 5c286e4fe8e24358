package main

import (
	"context"
	"math/rand/v2"
	"time"
)

// attemptTimeout is the client's per-attempt timeout in the soak: the
// stall fault holds an answer longer than it.
const attemptTimeout = 2 * time.Second

// faultKind is one kind of fault of the plan: the emulator counts it under
// name, and the client sees an attempt it hits as sig.
type faultKind struct {
	name   string
	sig    string
	weight int
	fault  adminFault
}

// faultKinds is the fault plan: each injected fault is one of these, drawn
// by weight. The retry policy is the SDK's default (MaxBackoff 8 s), so a
// Retry-After of 1 s is waited for and one of 60 s is not.
var faultKinds = []faultKind{
	{"429, Retry-After 1s (within the cap)", sig429Short, 18, adminFault{Status: 429, RetryAfter: "1"}},
	{"429, Retry-After 60s (above the cap)", sig429Long, 4, adminFault{Status: 429, RetryAfter: "60"}},
	{"500", sig500, 8, adminFault{Status: 500}},
	{"503", sig503, 16, adminFault{Status: 503}},
	{"cut before the vault commits", sigCut, 16, adminFault{CloseConnection: true}},
	{"cut after the vault commits", sigDropped, 16, adminFault{CloseAfterCommit: true}},
	{"slow answer (400 ms)", sigSlow, 14, adminFault{Delay: "400ms"}},
	{"no answer within the attempt timeout (3 s)", sigStalled, 4, adminFault{Delay: "3s"}},
}

// faultedOps are the emulator operations the plan injects faults into: every
// operation of the workload but the token exchange (token expiry is a fault
// of its own: short lifetimes) and Query (the reconciliation's lookups).
var faultedOps = []string{
	"RecordServiceInsertRecord",
	"RecordServiceBatchOperation",
	"RecordServiceBulkGetRecord",
	"RecordServiceUpdateRecord",
	"RecordServiceBulkDeleteRecord",
	"TokenServiceDetokenize",
	"UploadFileV2",
	"DetectDeidentifyString",
	"InvokeConnection",
}

// driveFaults injects one fault into each faulted operation after every
// `every` requests it received, until ctx ends. It returns the number of
// faults injected per kind.
func driveFaults(ctx context.Context, emu *emulator, every int, rng *rand.Rand) (map[string]int, error) {
	injected := map[string]int{}
	total := 0
	for _, k := range faultKinds {
		total += k.weight
	}
	pick := func() faultKind {
		n := rng.IntN(total)
		for _, k := range faultKinds {
			if n < k.weight {
				return k
			}
			n -= k.weight
		}
		panic("unreachable")
	}
	marks, _, err := emu.counters()
	if err != nil {
		return injected, err
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return injected, nil
		case <-tick.C:
		}
		counts, _, err := emu.counters()
		if err != nil {
			return injected, err
		}
		for _, op := range faultedOps {
			if counts[op]-marks[op] < every {
				continue
			}
			k := pick()
			f := k.fault
			f.Operation, f.Times, f.Name = op, 1, k.name
			if err := emu.inject(f); err != nil {
				return injected, err
			}
			injected[k.name]++
			marks[op] = counts[op]
		}
	}
}
