package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
)

// resolution counts how the client's own lookups resolved the outcomes it
// was not told, and how many of them the emulator's table contradicts.
type resolution struct {
	written, notWritten, wrong int
}

// reconciliation is the comparison of the emulator's table with the
// outcomes the client was told.
type reconciliation struct {
	rows              int
	ackedAbsent       int // acknowledged written, not in the table
	twice             int // keys present more than once
	notWrittenPresent int // reported certainly not written, yet present
	deletedPresent    int // acknowledged deleted, yet present
	strangers         int // rows no worker wrote
	updateLost        int // a name no update of the record may have left
	valueWrong        int // a marker or card that is not the record's
	pending           int // records whose call never ended (a bug of the soak)
	writes            resolution
	deletes           resolution
	resolveErrors     int
}

// reconcile resolves every unknown outcome with the SDK (Query by marker
// for writes, Get by id for deletes), then compares the emulator's table
// with what the workers were told.
func reconcile(ctx context.Context, v *facade.Vault, emu *emulator, workers []*worker) (*reconciliation, error) {
	rc := &reconciliation{}
	// The client's view: resolve the unknown writes by their markers.
	found := map[string]int{} // key -> rows the lookups found
	var markers, files []string
	for _, w := range workers {
		for seq, st := range w.states {
			if st == stUnknown {
				if w.uploads[seq] {
					files = append(files, key(w.id, seq, true))
				} else {
					markers = append(markers, key(w.id, seq, false))
				}
			}
		}
	}
	for _, group := range []struct {
		column string
		keys   []string
	}{{"marker", markers}, {"attachment", files}} {
		for lo := 0; lo < len(group.keys); lo += 10 {
			batch := group.keys[lo:min(lo+10, len(group.keys))]
			q := "SELECT skyflow_id, " + group.column + " FROM " + soakTable + " WHERE " + group.column + " IN ('" + strings.Join(batch, "', '") + "')"
			resp, err := v.Query(ctx, facade.QueryRequest{Query: q})
			if err != nil {
				rc.resolveErrors++
				continue
			}
			for _, r := range resp.Records {
				if k, ok := r.Fields[group.column].(string); ok {
					found[k]++
				}
			}
		}
	}
	// Resolve the unknown deletes by id.
	stillThere := map[string]bool{}
	for _, w := range workers {
		for _, r := range w.delUnknown {
			_, err := v.Get(ctx, facade.GetRequest{Table: soakTable, IDs: []string{r.id}})
			switch {
			case err == nil:
				stillThere[r.id] = true
			case errors.Is(err, skyflow.ErrNotFound):
			default:
				rc.resolveErrors++
			}
		}
	}

	// The truth: the emulator's table.
	rows, err := emu.records(soakTable)
	if err != nil {
		return nil, fmt.Errorf("reading the emulator's table: %w", err)
	}
	rc.rows = len(rows)
	present := map[string]int{}
	byKey := map[string]map[string]any{}
	for _, row := range rows {
		k, _ := row["marker"].(string)
		if k == "" {
			k, _ = row["attachment"].(string)
		}
		wid, seq, _, ok := parseKey(k)
		if !ok || wid >= len(workers) || seq >= len(workers[wid].states) {
			rc.strangers++
			continue
		}
		present[k]++
		byKey[k] = row
	}
	for _, n := range present {
		if n > 1 {
			rc.twice++
		}
	}
	for _, w := range workers {
		live := map[int]*record{}
		for _, r := range w.mine {
			live[r.seq] = r
		}
		for seq, st := range w.states {
			k := key(w.id, seq, w.uploads[seq])
			n := present[k]
			switch st {
			case stPending:
				rc.pending++
			case stWritten:
				if n == 0 {
					rc.ackedAbsent++
					continue
				}
				if r := live[seq]; r != nil && !r.upload {
					row := byKey[k]
					if row["skyflow_id"] != r.id || row["card_number"] != r.card {
						rc.valueWrong++
					}
					if name, _ := row["name"].(string); !slices.Contains(r.names, name) {
						rc.updateLost++
					}
				}
			case stNotWritten:
				if n > 0 {
					rc.notWrittenPresent++
				}
			case stUnknown:
				if found[k] > 0 {
					rc.writes.written++
				} else {
					rc.writes.notWritten++
				}
				if (found[k] > 0) != (n > 0) {
					rc.writes.wrong++
				}
			case stDeleted:
				if n > 0 {
					rc.deletedPresent++
				}
			}
		}
		for _, r := range w.delUnknown {
			k := key(w.id, r.seq, r.upload)
			if stillThere[r.id] {
				rc.deletes.notWritten++ // not deleted
			} else {
				rc.deletes.written++ // deleted
			}
			if stillThere[r.id] != (present[k] > 0) {
				rc.deletes.wrong++
			}
		}
	}
	return rc, nil
}
