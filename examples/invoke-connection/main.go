// Command invoke-connection calls a Skyflow connection (an outbound route of
// the gateway): it fills the {placeholders} of the connection URL with path
// parameters, adds query parameters and headers, and sends a JSON body that
// carries vault tokens, which the connection detokenizes on the way to the
// third party.
//
// The emulator's connection echoes what the third party would receive.
// Against a real connection give -connection-id and -connection-url, and
// -path-params name=value,... for its placeholders (each placeholder
// without a value gets the card token inserted by the example).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/examples/internal/exampleenv"
	"github.com/skyflowgo/skyflow/facade"
)

func main() { exampleenv.Main(run) }

var placeholder = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var pathParams, method string
	env, err := exampleenv.Setup(ctx, "invoke-connection", args, stdout, exampleenv.WithFlags(func(fs *flag.FlagSet) {
		fs.StringVar(&pathParams, "path-params", "", "path parameters of the connection URL: name=value,...")
		fs.StringVar(&method, "method", http.MethodPost, "HTTP method")
	}))
	if err != nil {
		return err
	}
	defer env.Close()
	if env.ConnectionID == "" || env.ConnectionURL == "" {
		return fmt.Errorf("%w: give -connection-id and -connection-url", exampleenv.ErrUsage)
	}
	conn, err := env.Client.Connection(env.ConnectionID)
	if err != nil {
		return err
	}

	env.Step("insert a record whose tokens the connection will receive")
	ins, err := env.Vault.Insert(ctx, facade.InsertRequest{
		Table:        env.Table,
		Records:      []map[string]any{exampleenv.Person("John Doe", exampleenv.RunID(), 0)},
		ReturnTokens: true,
	})
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	rec := ins.Inserted[0]
	env.DeleteLater(env.Table, rec.SkyflowID)

	params := map[string]string{}
	for _, kv := range strings.Split(pathParams, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			params[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for _, m := range placeholder.FindAllStringSubmatch(env.ConnectionURL, -1) {
		if _, ok := params[m[1]]; !ok {
			params[m[1]] = rec.Tokens["card_number"]
		}
	}

	env.Step("%s through connection %s", method, env.ConnectionID)
	resp, err := conn.Invoke(ctx, facade.InvokeRequest{
		Method:      method,
		PathParams:  params,
		QueryParams: map[string]any{"include_details": true, "limit": 10},
		Headers:     map[string]string{"Content-Type": "application/json", "X-Example": "invoke-connection"},
		Body: map[string]any{
			"card_number":     rec.Tokens["card_number"],
			"cardholder_name": rec.Tokens["cardholder_name"],
		},
	})
	if err != nil {
		return fmt.Errorf("invoke: %w", err)
	}
	env.Printf("status %d, request id %s\n", resp.StatusCode, resp.RequestID)
	data := resp.Data
	if echo, ok := data.(map[string]any); ok && env.Emulated() {
		// The emulator echoes the request; show the interesting parts.
		data = map[string]any{"method": echo["method"], "path": echo["path"], "query": echo["query"], "body": echo["body"]}
	}
	pretty, _ := json.MarshalIndent(data, "", "  ")
	env.Printf("response data:\n%s\n", pretty)

	if !env.Emulated() {
		return nil
	}
	env.Step("a form-encoded body")
	resp, err = conn.Invoke(ctx, facade.InvokeRequest{
		Method:     http.MethodPost,
		PathParams: params,
		Headers:    map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		Body:       map[string]any{"card": map[string]any{"number": rec.Tokens["card_number"], "cvv": "123"}},
	})
	if err != nil {
		return fmt.Errorf("invoke: %w", err)
	}
	echo, _ := resp.Data.(map[string]any)
	env.Printf("the route received %v as %v\n", echo["body"], echo["content_type"])

	env.Step("an error answered by the route")
	// X-Mock-Status makes the emulator's route answer with that status,
	// marking the error as coming from the client side of the call.
	_, err = conn.Invoke(ctx, facade.InvokeRequest{
		Method:     http.MethodGet,
		PathParams: params,
		Headers:    map[string]string{"X-Mock-Status": "402", "X-Mock-Error-From-Client": "true"},
	})
	var apiErr *skyflow.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("expected an API error, got %v", err)
	}
	fromClient := false
	for _, d := range apiErr.Details {
		if v, ok := d[facade.ErrorFromClientDetail].(bool); ok {
			fromClient = v
		}
	}
	env.Printf("status %d: %s (error from client: %t)\n", apiErr.StatusCode, apiErr.Message, fromClient)
	return nil
}
