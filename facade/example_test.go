package facade_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// The examples that talk to a vault are compiled but not run: they need a
// vault. The runnable programs of examples/ start an emulator instead.

func ExampleNew() {
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{
			VaultID:   "<VAULT_ID>",
			ClusterID: "<CLUSTER_ID>",
			Env:       facade.EnvProd,
		}),
		// Service-account credentials: the client mints, caches and
		// refreshes bearer tokens itself.
		facade.WithCredentials(auth.Credentials{Path: "credentials.json"}),
		facade.WithLogLevel(skyflow.LogLevelError),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = client // share one client in the whole process
}

func ExampleNew_invalidConfiguration() {
	// Configuration is validated by New, before any network call.
	_, err := facade.New(facade.WithVault(facade.VaultConfig{VaultID: "v1"}))
	fmt.Println(err)
	fmt.Println(errors.Is(err, skyflow.ErrValidation))
	// Output:
	// skyflow: invalid ClusterID: is required when BaseURL is not set
	// true
}

func ExampleNew_apiKey() {
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: "<VAULT_ID>", ClusterID: "<CLUSTER_ID>"}),
		facade.WithCredentials(auth.Credentials{APIKey: os.Getenv("SKYFLOW_API_KEY")}),
		facade.WithRequestTimeout(10*time.Second), // per attempt
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}

func ExampleClient_Vault() {
	var client *facade.Client                // from facade.New, see ExampleNew
	vault, err := client.Vault("<VAULT_ID>") // "" selects the first vault added
	if err != nil {
		log.Fatal(err)
	}
	_ = vault // cheap: obtain it once or per call
}

func ExampleVault_Insert() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Insert(ctx, facade.InsertRequest{
		Table: "table1",
		Records: []map[string]any{
			{"card_number": "4111111111111111", "cardholder_name": "John Doe"},
		},
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, rec := range resp.Inserted {
		fmt.Println(rec.SkyflowID, rec.Tokens["card_number"])
	}
}

func ExampleVault_Insert_continueOnError() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Insert(ctx, facade.InsertRequest{
		Table:           "table1",
		Records:         []map[string]any{{"cardholder_name": "John Doe"}, {"no_such_column": "x"}},
		ContinueOnError: true,
	})
	if err != nil {
		log.Fatal(err) // no record at all could be inserted
	}
	for _, e := range resp.Errors {
		fmt.Printf("record %d: %d %s (request id %s)\n", e.Index, e.StatusCode, e.Message, e.RequestID)
	}
}

func ExampleVault_Insert_upsert() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	_, err := vault.Insert(ctx, facade.InsertRequest{
		Table:   "table1",
		Records: []map[string]any{{"email": "john@example.com", "cardholder_name": "John Q. Doe"}},
		Upsert:  "email", // a unique column: an existing record is updated
	})
	if err != nil {
		log.Fatal(err)
	}
}

func ExampleVault_Insert_byot() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	_, err := vault.Insert(ctx, facade.InsertRequest{
		Table:     "table1",
		Records:   []map[string]any{{"card_number": "4111111111111111", "cardholder_name": "John Doe"}},
		Tokens:    []map[string]string{{"card_number": "my-card-token"}},
		TokenMode: facade.TokenModeEnable, // TokenModeEnableStrict: a token for every column
	})
	if err != nil {
		log.Fatal(err)
	}
}

func ExampleVault_Insert_validation() {
	// Input is checked before any network call, so this runs without a vault.
	c, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: "v1", BaseURL: "http://127.0.0.1:1"}),
		facade.WithCredentials(auth.Credentials{APIKey: "sky-ab12c-0123456789abcdef0123456789abcdef"}),
	)
	if err != nil {
		log.Fatal(err)
	}
	v, _ := c.Vault("")
	_, err = v.Insert(context.Background(), facade.InsertRequest{Table: "table1"})
	var ve *skyflow.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, "-", ve.Reason)
	}
	// Output: Records - must hold at least one record
}

func ExampleVault_Detokenize() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Detokenize(ctx, facade.DetokenizeRequest{
		Tokens: []facade.DetokenizeToken{
			{Token: "<TOKEN_1>", Redaction: facade.RedactionPlainText},
			{Token: "<TOKEN_2>", Redaction: facade.RedactionMasked},
		},
		ContinueOnError: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Records {
		fmt.Println(r.Index, r.Value)
	}
	for _, e := range resp.Errors {
		fmt.Println(e.Index, e.Message)
	}
}

// A web service that detokenizes one token per incoming request shares
// one Coalescer between its handlers: calls made within the window go
// out together, up to MaxTokens per request, and each caller gets its own
// values and errors.
func ExampleVault_Coalescer() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	// Zero options: DefaultCoalesceWindow, DefaultCoalesceMaxTokens.
	co, err := vault.Coalescer(facade.CoalescerOptions{})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /card", func(w http.ResponseWriter, r *http.Request) {
		resp, err := co.Detokenize(r.Context(), facade.DetokenizeRequest{
			Tokens: []facade.DetokenizeToken{{Token: r.URL.Query().Get("token"), Redaction: facade.RedactionMasked}},
		})
		if err != nil {
			http.Error(w, "cannot read the card", http.StatusBadGateway)
			return
		}
		fmt.Fprintln(w, resp.Records[0].Value)
	})
	go func() { log.Fatal(http.ListenAndServe("localhost:8080", mux)) }()

	// Tokenize calls coalesce the same way.
	resp, err := co.Tokenize(context.Background(), facade.TokenizeRequest{
		Values: []facade.TokenizeValue{{Value: "4111111111111111", ColumnGroup: "card_number_group"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Tokens)
}

func ExampleVault_Get() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Get(ctx, facade.GetRequest{
		Table:     "table1",
		IDs:       []string{"<SKYFLOW_ID_1>", "<SKYFLOW_ID_2>"},
		Redaction: facade.RedactionPlainText,
	})
	if errors.Is(err, skyflow.ErrNotFound) {
		fmt.Println("no such records")
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Records {
		fmt.Println(r.SkyflowID, r.Fields["cardholder_name"])
	}
}

func ExampleVault_Get_byColumnValues() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Get(ctx, facade.GetRequest{
		Table:        "table1",
		Column:       "email", // a unique column
		ColumnValues: []string{"john@example.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resp.Records))
}

func ExampleVault_Get_tokens() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Get(ctx, facade.GetRequest{
		Table:        "table1",
		IDs:          []string{"<SKYFLOW_ID>"},
		ReturnTokens: true, // not with Redaction, not with ColumnName
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Records[0].Fields["card_number"])
}

func ExampleVault_DeleteFile() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	resp, err := vault.DeleteFile(context.Background(), facade.FileRef{
		Table: "documents", SkyflowID: "<SKYFLOW_ID>", Column: "attachment",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Deleted) // the record stays; only its file is gone
}

func ExampleVault_FileScanStatus() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	resp, err := vault.FileScanStatus(context.Background(), facade.FileRef{
		Table: "documents", SkyflowID: "<SKYFLOW_ID>", Column: "attachment",
	})
	if err != nil {
		log.Fatal(err)
	}
	if resp.Status == facade.ScanInfected {
		fmt.Println("quarantine the record")
	}
}

func ExampleVault_LookupBIN() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	resp, err := vault.LookupBIN(context.Background(), facade.BINLookupRequest{BIN: "411111"})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range resp.Cards {
		fmt.Println(c.Scheme, c.IssuerName, c.CountryCode)
	}
}

func ExampleVault_AuditEvents() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	// Every read of the last day, page after page.
	for event, err := range vault.AuditEvents(ctx, facade.AuditEventsRequest{
		AccountID:  "<ACCOUNT_ID>",
		ActionType: "READ",
		Since:      time.Now().Add(-24 * time.Hour),
	}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(event.Time, event.Actor, event.APIName, event.ResponseCode)
	}
}

func ExampleVault_Records() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	for rec, err := range vault.Records(ctx, facade.GetRequest{Table: "table1", Redaction: facade.RedactionMasked}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.SkyflowID)
	}
}

func ExampleVault_Update() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Update(ctx, facade.UpdateRequest{
		Table:        "table1",
		SkyflowID:    "<SKYFLOW_ID>",
		Fields:       map[string]any{"cardholder_name": "John Q. Doe"},
		ReturnTokens: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Tokens["cardholder_name"])
}

func ExampleVault_Delete() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: []string{"<SKYFLOW_ID>"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.DeletedIDs)
}

func ExampleVault_Query() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Query(ctx, facade.QueryRequest{
		Query: "SELECT * FROM table1 WHERE skyflow_id = '<SKYFLOW_ID>'",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Records {
		fmt.Println(r.Fields)
	}
}

func ExampleVault_Tokenize() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	resp, err := vault.Tokenize(ctx, facade.TokenizeRequest{Values: []facade.TokenizeValue{
		{Value: "4111111111111111", ColumnGroup: "card_number_group"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Tokens)
}

func ExampleVault_UploadFile() {
	var vault *facade.Vault // from client.Vault, see ExampleClient_Vault
	ctx := context.Background()
	f, err := os.Open("receipt.pdf")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	resp, err := vault.UploadFile(ctx, facade.UploadFileRequest{
		Table:     "documents",
		Column:    "attachment",
		SkyflowID: "<SKYFLOW_ID>", // empty: a new record is created
		Reader:    f,              // an io.Seeker, so the upload can be retried
		FileName:  "receipt.pdf",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.SkyflowID)
}

func ExampleClient_SetLogLevel() {
	var client *facade.Client // from facade.New, see ExampleNew
	if err := client.SetLogLevel(skyflow.LogLevelDebug); err != nil {
		log.Fatal(err)
	}
}

func ExampleClient_AddVault() {
	var client *facade.Client // from facade.New, see ExampleNew
	err := client.AddVault(facade.VaultConfig{
		VaultID:   "<OTHER_VAULT_ID>",
		ClusterID: "<CLUSTER_ID>",
		Env:       facade.EnvSandbox,
	})
	if err != nil {
		log.Fatal(err)
	}
	other, _ := client.Vault("<OTHER_VAULT_ID>")
	_ = other
}
