// Command flowdb-bulk sends large inputs to a Flow DB vault: a bulk insert
// read from an iterator (records are generated as the batches go, never
// held all at once), then bulk tokenize, bulk detokenize and bulk delete
// tokens. Every input element is reported with its index and one outcome:
// done, failed (with the vault's reason) or unknown (the answer was lost).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/examples/internal/flowdbenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

// customers yields n customer records, one of them a duplicate (its email
// is already used by the first) and one invalid (no columns).
func customers(run string, n int) iter.Seq[facade.FlowRecord] {
	return func(yield func(facade.FlowRecord) bool) {
		for i := range n {
			data := map[string]any{"name": "Customer " + strconv.Itoa(i), "email": "c" + strconv.Itoa(i) + "." + run + "@example.com",
				"card_number": fmt.Sprintf("4111%012d", i)}
			switch i {
			case 70:
				data["email"] = "c0." + run + "@example.com"
			case 130:
				data = map[string]any{}
			}
			if !yield(facade.FlowRecord{Data: data}) {
				return
			}
		}
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := flowdbenv.Setup(ctx, "flowdb-bulk", args, stdout)
	if err != nil {
		return err
	}
	defer env.Close()
	client, err := facade.New(facade.WithFlowDB(env.Config), facade.WithLogLevel(facade.LogLevelError))
	if err != nil {
		return err
	}
	db, err := client.FlowDB("")
	if err != nil {
		return err
	}
	run := exampleenv.RunID()

	env.Step("bulk insert 250 records from an iterator: batches of %d, %d request at a time", facade.DefaultFlowBatchSize, facade.DefaultFlowConcurrency)
	results, err := db.BulkInsert(ctx, facade.FlowBulkInsertRequest{Table: "customers", Records: customers(run, 250)})
	if err != nil {
		return fmt.Errorf("bulk insert: %w", err)
	}
	counts := map[facade.FlowOutcome]int{}
	var ids []string
	for r := range results {
		counts[r.Outcome]++
		switch r.Outcome {
		case facade.FlowDone:
			ids = append(ids, r.SkyflowID)
		case facade.FlowFailed:
			var re *skyflow.RecordError
			if errors.As(r.Err, &re) {
				env.Printf("record %d: refused by the vault, status %d\n", r.Index, re.StatusCode)
			} else {
				env.Printf("record %d: not sent: invalid: %t\n", r.Index, errors.Is(r.Err, skyflow.ErrValidation))
			}
		case facade.FlowUnknown:
			env.Printf("record %d: outcome unknown (%v): look it up before sending it again\n", r.Index, r.Err)
		}
	}
	env.Printf("done %d, failed %d, unknown %d\n", counts[facade.FlowDone], counts[facade.FlowFailed], counts[facade.FlowUnknown])
	defer func() {
		for lo := 0; lo < len(ids); lo += 100 {
			if _, err := db.Delete(context.Background(), facade.FlowDeleteRequest{Table: "customers", IDs: ids[lo:min(lo+100, len(ids))]}); err != nil {
				env.Printf("clean-up: %v\n", err)
			}
		}
	}()

	env.Step("bulk tokenize 120 values, 40 a request, 3 requests at a time")
	values := func(yield func(facade.FlowTokenizeValue) bool) {
		for i := range 120 {
			if !yield(facade.FlowTokenizeValue{Value: "secret-" + strconv.Itoa(i) + "-" + run, TokenGroups: []string{"nondeterministic_string"}}) {
				return
			}
		}
	}
	tokenized, err := db.BulkTokenize(ctx, facade.FlowBulkTokenizeRequest{Values: values, BatchSize: 40, Concurrency: 3})
	if err != nil {
		return fmt.Errorf("bulk tokenize: %w", err)
	}
	var tokens []string
	for r := range tokenized {
		if r.Outcome != facade.FlowDone {
			return fmt.Errorf("value %d: %w", r.Index, r.Err)
		}
		tokens = append(tokens, r.Tokens["nondeterministic_string"])
	}
	env.Printf("%d tokens\n", len(tokens))

	env.Step("bulk detokenize them, masked, and one unknown token")
	detokenized, err := db.BulkDetokenize(ctx, facade.FlowBulkDetokenizeRequest{
		Tokens: func(yield func(string) bool) {
			_ = yield(tokens[0]) && yield(tokens[119]) && yield("no-such-token-"+run)
		},
		TokenGroupRedactions: []facade.FlowTokenGroupRedaction{{TokenGroup: "nondeterministic_string", Redaction: "masked"}},
	})
	if err != nil {
		return fmt.Errorf("bulk detokenize: %w", err)
	}
	for r := range detokenized {
		if r.Outcome == facade.FlowDone {
			env.Printf("token %d: %v\n", r.Index, r.Value)
		} else {
			env.Printf("token %d: %s (not found: %t)\n", r.Index, r.Outcome, errors.Is(r.Err, skyflow.ErrNotFound))
		}
	}

	env.Step("bulk delete the tokens")
	deleted, err := db.BulkDeleteTokens(ctx, facade.FlowBulkDeleteTokensRequest{Tokens: func(yield func(string) bool) {
		for _, t := range tokens {
			if !yield(t) {
				return
			}
		}
	}})
	if err != nil {
		return fmt.Errorf("bulk delete tokens: %w", err)
	}
	n := 0
	for r := range deleted {
		if r.Outcome != facade.FlowDone {
			return fmt.Errorf("token %d: %w", r.Index, r.Err)
		}
		n++
	}
	env.Printf("%d tokens deleted\n", n)
	return nil
}
