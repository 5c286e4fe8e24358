// Command tokenize returns the existing tokens of values already stored in
// the vault, looked up through their column group. Tokenize never creates
// tokens: a value that is not stored has none.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var cardGroup, nameGroup string
	env, err := exampleenv.Setup(ctx, "tokenize", args, stdout, exampleenv.WithFlags(func(fs *flag.FlagSet) {
		fs.StringVar(&cardGroup, "card-column-group", "card_number_group", "column group of card_number")
		fs.StringVar(&nameGroup, "name-column-group", "name_group", "column group of cardholder_name")
	}))
	if err != nil {
		return err
	}
	defer env.Close()

	person := exampleenv.Person("John Doe", exampleenv.RunID(), 0)
	env.Step("insert a record")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{Table: env.Table, Records: []map[string]any{person}, ReturnTokens: true})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	rec := ins.Inserted[0]
	env.DeleteLater(env.Table, rec.SkyflowID)
	env.Printf("insert returned card_number token %s\n", rec.Tokens["card_number"])

	env.Step("tokenize the stored values")
	resp, err := env.Vault.Tokenize(ctx, facade.TokenizeRequest{Values: []facade.TokenizeValue{
		{Value: person["card_number"].(string), ColumnGroup: cardGroup},
		{Value: person["cardholder_name"].(string), ColumnGroup: nameGroup},
	}})
	if err != nil {
		return fmt.Errorf("tokenize: %w", err)
	}
	env.Printf("card_number     -> %s (the token insert returned: %t)\n", resp.Tokens[0], resp.Tokens[0] == rec.Tokens["card_number"])
	env.Printf("cardholder_name -> %s\n", resp.Tokens[1])
	// With deterministic tokenization a value has one token; otherwise
	// another record holding the same value may contribute its token.
	if len(resp.Tokens) != 2 || resp.Tokens[0] == "" {
		return fmt.Errorf("expected 2 tokens, got %d", len(resp.Tokens))
	}
	return nil
}
