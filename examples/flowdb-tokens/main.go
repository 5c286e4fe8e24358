// Command flowdb-tokens works with the tokens of a Flow DB vault: it
// detokenizes a record's tokens with a redaction per token group,
// tokenizes values into token groups (a deterministic group gives a value
// the same token every time), and deletes tokens. Every token of a call
// comes back with its own outcome.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/examples/internal/flowdbenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	env, err := flowdbenv.Setup(ctx, "flowdb-tokens", args, stdout)
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

	env.Step("insert a customer: each tokenized column gets one token per token group")
	ins, err := db.Insert(ctx, facade.FlowInsertRequest{Table: "customers", Records: []facade.FlowRecord{
		{Data: map[string]any{"name": "John Doe", "email": "john." + run + "@example.com", "card_number": "4111111111111111"}}}})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	rec := ins.Records[0]
	if rec.Err != nil {
		return fmt.Errorf("insert: %w", rec.Err)
	}
	defer func() {
		if _, err := db.Delete(context.Background(), facade.FlowDeleteRequest{Table: "customers", IDs: []string{rec.SkyflowID}}); err != nil {
			env.Printf("clean-up: %v\n", err)
		}
	}()
	var tokens []string
	for _, col := range []string{"card_number", "email"} {
		for _, t := range rec.Tokens[col] {
			env.Printf("%s: a token in group %s\n", col, t.TokenGroup)
			tokens = append(tokens, t.Token)
		}
	}

	env.Step("detokenize with a redaction per token group, and one unknown token")
	det, err := db.Detokenize(ctx, facade.FlowDetokenizeRequest{
		Tokens: append(tokens, "no-such-token-"+run),
		TokenGroupRedactions: []facade.FlowTokenGroupRedaction{
			{TokenGroup: "deterministic_string", Redaction: "mask1"},
			{TokenGroup: "deterministic_email", Redaction: "masked"},
		},
	})
	if err != nil {
		return fmt.Errorf("detokenize: %w", err)
	}
	for _, t := range det.Tokens {
		var re *skyflow.RecordError
		switch {
		case t.Outcome == facade.FlowDone:
			env.Printf("token %d (%s): %v\n", t.Index, t.TokenGroup, t.Value)
		case errors.As(t.Err, &re):
			env.Printf("token %d: failed with status %d\n", t.Index, re.StatusCode)
		default:
			return fmt.Errorf("token %d: %w", t.Index, t.Err)
		}
	}

	env.Step("tokenize into token groups; an unknown group fails alone")
	value := "5555-" + run
	tok, err := db.Tokenize(ctx, facade.FlowTokenizeRequest{Values: []facade.FlowTokenizeValue{
		{Value: value, TokenGroups: []string{"deterministic_string", "nondeterministic_string"}},
		{Value: value, TokenGroups: []string{"deterministic_string", "no_such_group"}},
	}})
	if err != nil {
		return fmt.Errorf("tokenize: %w", err)
	}
	first, second := tok.Values[0], tok.Values[1]
	env.Printf("value 0: %s, tokens in %v\n", first.Outcome, exampleenv.SortedKeys(first.Tokens))
	env.Printf("value 1: %s, tokens in %v, failed groups %v\n", second.Outcome, exampleenv.SortedKeys(second.Tokens), exampleenv.SortedKeys(second.GroupErrors))
	env.Printf("the deterministic group gave the same token twice: %t\n",
		first.Tokens["deterministic_string"] == second.Tokens["deterministic_string"])

	env.Step("delete a token; it no longer detokenizes")
	gone := first.Tokens["nondeterministic_string"]
	del, err := db.DeleteTokens(ctx, facade.FlowDeleteTokensRequest{Tokens: []string{gone}})
	if err != nil {
		return fmt.Errorf("delete tokens: %w", err)
	}
	env.Printf("delete: %s\n", del.Tokens[0].Outcome)
	again, err := db.Detokenize(ctx, facade.FlowDetokenizeRequest{Tokens: []string{gone}})
	if err != nil {
		return fmt.Errorf("detokenize: %w", err)
	}
	env.Printf("detokenize the deleted token: %s (not found: %t)\n", again.Tokens[0].Outcome, errors.Is(again.Tokens[0].Err, skyflow.ErrNotFound))
	return nil
}
