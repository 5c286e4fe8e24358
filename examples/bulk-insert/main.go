// Command bulk-insert inserts 100 records streamed from an iterator, 25 per
// request with 4 requests in flight, and resumes the job from its results:
// every input record comes back Written, NotWritten or Unknown. NotWritten
// records are certainly not in the vault and are sent again; Unknown ones
// (the request was sent and its answer lost) are first looked up by a
// unique column, so none is written twice.
//
// Against the emulator the example makes two of the four requests fail:
// one refused (429, so its records are NotWritten) and one whose answer a
// gateway loses (503, so its records are Unknown).
//
// Environment: see examples/README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

const total = 100

func main() {
	ctx := context.Background()
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: os.Getenv("SKYFLOW_VAULT_ID"), BaseURL: os.Getenv("SKYFLOW_VAULT_URL")}),
		facade.WithCredentials(auth.Credentials{CredentialsJSON: os.Getenv("SKYFLOW_CREDENTIALS")}),
	)
	if err != nil {
		log.Fatal(err)
	}
	vault, err := client.Vault("")
	if err != nil {
		log.Fatal(err)
	}
	if admin := os.Getenv("SKYFLOW_EMULATOR_ADMIN_URL"); admin != "" {
		failTwoRequests(admin)
	}

	// Record i of the input; email is a unique column, which is what lets
	// us look a record up when its outcome is unknown.
	run := time.Now().UnixNano()
	email := func(i int) string { return fmt.Sprintf("user%d.%d@example.com", i, run) }
	record := func(i int) map[string]any {
		return map[string]any{"email": email(i), "cardholder_name": fmt.Sprintf("User %d", i)}
	}

	// First pass: every record, streamed from the iterator.
	ids := map[int]string{} // input index -> skyflow id
	notWritten, unknown := insert(ctx, vault, ids, total, func(k int) int { return k }, record)
	fmt.Printf("first pass: %d written, %d not written, %d unknown\n", len(ids), len(notWritten), len(unknown))

	// Unknown records may be in the vault: look them up by email.
	resend := notWritten
	if len(unknown) > 0 {
		emails := make([]string, len(unknown))
		for k, i := range unknown {
			emails[k] = email(i)
		}
		resp, err := vault.Get(ctx, facade.GetRequest{
			Table: "table1", Column: "email", ColumnValues: emails, Redaction: facade.RedactionPlainText,
		})
		if err != nil && !errors.Is(err, skyflow.ErrNotFound) {
			log.Fatal(err)
		}
		found := map[string]string{} // email -> skyflow id
		if err == nil {
			for _, r := range resp.Records {
				found[fmt.Sprint(r.Fields["email"])] = r.SkyflowID
			}
		}
		for _, i := range unknown {
			if id, ok := found[email(i)]; ok {
				ids[i] = id // written after all
			} else {
				resend = append(resend, i)
			}
		}
		fmt.Printf("unknown: %d found in the vault, %d absent\n", len(found), len(unknown)-len(found))
	}

	// Second pass: only what is certainly not in the vault.
	if len(resend) > 0 {
		notWritten, unknown = insert(ctx, vault, ids, len(resend), func(k int) int { return resend[k] }, record)
		fmt.Printf("resent %d: %d not written, %d unknown\n", len(resend), len(notWritten), len(unknown))
	}
	fmt.Printf("written: %d of %d\n", len(ids), total)

	all := slices.Collect(maps.Values(ids))
	if _, err := vault.Delete(ctx, facade.DeleteRequest{Table: "table1", IDs: all}); err != nil {
		log.Fatal(err)
	}
}

// insert bulk-inserts record(input(0)), ..., record(input(n-1)), streamed,
// adds the written ones to ids (by input index), and returns the input
// indexes not written and those whose outcome is unknown.
func insert(ctx context.Context, vault *facade.Vault, ids map[int]string, n int, input func(k int) int,
	record func(i int) map[string]any) (notWritten, unknown []int) {
	records := func(yield func(map[string]any) bool) {
		for k := range n {
			if !yield(record(input(k))) {
				return
			}
		}
	}
	results, err := vault.BulkInsert(ctx, facade.BulkInsertRequest{
		Table:       "table1",
		Records:     facade.BulkFields(records),
		ChunkSize:   25, // the defaults
		Concurrency: 4,
	})
	if err != nil {
		log.Fatal(err) // the request itself is invalid: nothing was sent
	}
	for r := range results { // one result per record, in input order
		i := input(r.Index)
		switch r.Outcome {
		case facade.Written:
			ids[i] = r.SkyflowID
		case facade.NotWritten: // r.Err says why
			notWritten = append(notWritten, i)
		case facade.Unknown:
			unknown = append(unknown, i)
		}
	}
	return notWritten, unknown
}

// failTwoRequests asks the emulator, through its admin API, to refuse the
// next insert with a 429 whose Retry-After is longer than the SDK waits,
// and to answer the one after with a 503.
func failTwoRequests(admin string) {
	for _, fault := range []string{
		`{"operation":"RecordServiceInsertRecord","status":429,"retry_after":"60"}`,
		`{"operation":"RecordServiceInsertRecord","status":503}`,
	} {
		resp, err := http.Post(admin+"/faults", "application/json", strings.NewReader(fault))
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	}
}
