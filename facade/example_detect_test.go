package facade_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

// newDetectExampleClient builds the client the examples use.
func newDetectExampleClient() *facade.Client {
	client, err := facade.New(
		facade.WithVault(facade.VaultConfig{VaultID: "<vault id>", ClusterID: "<cluster id>"}),
		facade.WithConnection(facade.ConnectionConfig{
			ConnectionID: "<connection id>",
			URL:          "https://<cluster id>.gateway.skyflowapis.com/v1/gateway/outboundRoutes/<connection id>/cards/{card_id}",
		}),
		facade.WithCredentials(auth.Credentials{Path: "credentials.json"}),
	)
	if err != nil {
		log.Fatal(err)
	}
	return client
}

func ExampleDetect_DeidentifyText() {
	ctx := context.Background()
	detect, err := newDetectExampleClient().Detect("") // the first vault
	if err != nil {
		log.Fatal(err)
	}
	resp, err := detect.DeidentifyText(ctx, facade.DeidentifyTextRequest{
		Text:        "My SSN is 123-45-6789 and my card is 4111 1111 1111 1111.",
		Entities:    []facade.EntityType{facade.EntitySSN, facade.EntityCreditCard},
		TokenFormat: facade.TokenFormat{Default: facade.TokenTypeVaultToken},
		Transformations: facade.Transformations{ShiftDates: &facade.DateShift{
			MinDays: 10, MaxDays: 30, Entities: []facade.EntityType{facade.EntityDOB},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.ProcessedText)
	for _, e := range resp.Entities {
		fmt.Println(e.EntityType, e.Token, e.TextIndex.Start, e.TextIndex.End)
	}
}

func ExampleDetect_ReidentifyText() {
	ctx := context.Background()
	detect, err := newDetectExampleClient().Detect("")
	if err != nil {
		log.Fatal(err)
	}
	resp, err := detect.ReidentifyText(ctx, facade.ReidentifyTextRequest{
		Text:              "<de-identified text>",
		RedactedEntities:  []facade.EntityType{facade.EntitySSN},        // keep redacted
		MaskedEntities:    []facade.EntityType{facade.EntityCreditCard}, // mask
		PlainTextEntities: []facade.EntityType{facade.EntityName},       // reveal
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.ProcessedText)
}

func ExampleDetect_DeidentifyFile() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	detect, err := newDetectExampleClient().Detect("")
	if err != nil {
		log.Fatal(err)
	}
	resp, err := detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Path:            "path/to/file.pdf", // streamed, never loaded whole
		Entities:        []facade.EntityType{facade.EntitySSN, facade.EntityCreditCard},
		TokenFormat:     facade.TokenFormat{Default: facade.TokenTypeEntityOnly},
		OutputDirectory: "<output dir>",
		WaitTime:        64 * time.Second,
	})
	var failed *skyflow.RunFailedError
	var stopped *skyflow.RunPollError
	switch {
	case errors.As(err, &failed):
		log.Fatalf("run %s failed: %s", failed.RunID, failed.Message)
	case errors.As(err, &stopped):
		log.Fatalf("stopped polling run %s (resume with GetDetectRun): %v", stopped.RunID, stopped.Err)
	case err != nil:
		log.Fatal(err)
	}
	if resp.Status == facade.RunStatusInProgress {
		fmt.Println("still running; resume with GetDetectRun, run id", resp.RunID)
		return
	}
	fmt.Println(resp.Type, resp.Extension, len(resp.File), resp.OutputFiles)
}

func ExampleDetect_DeidentifyFile_reader() {
	ctx := context.Background()
	detect, err := newDetectExampleClient().Detect("")
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open("recording.wav")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	resp, err := detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{
		Reader:               f, // an *os.File is seekable: it can be re-sent after a 401
		FileName:             "recording.wav",
		OutputProcessedAudio: true,
		OutputTranscription:  facade.TranscriptionDiarized,
		Bleep:                &facade.Bleep{Gain: -3, Frequency: 1000, StartPadding: 0.1, StopPadding: 0.1},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, out := range resp.Entities {
		fmt.Println(out.Type, out.Extension, len(out.File))
	}
}

func ExampleDetect_GetDetectRun() {
	ctx := context.Background()
	detect, err := newDetectExampleClient().Detect("")
	if err != nil {
		log.Fatal(err)
	}
	resp, err := detect.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: "<run id from DeidentifyFile>"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status, len(resp.File))
}

func ExampleConnection_Invoke() {
	ctx := context.Background()
	conn, err := newDetectExampleClient().Connection("") // the first connection
	if err != nil {
		log.Fatal(err)
	}
	resp, err := conn.Invoke(ctx, facade.InvokeRequest{
		Method:      "POST",
		PathParams:  map[string]string{"card_id": "<card id>"},
		QueryParams: map[string]any{"amount": 10.5, "capture": true},
		Headers:     map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		Body:        map[string]any{"card": map[string]any{"number": "<token>", "cvv": "<token>"}},
	})
	var apiErr *skyflow.APIError
	if errors.As(err, &apiErr) {
		for _, d := range apiErr.Details {
			if fromClient, ok := d[facade.ErrorFromClientDetail].(bool); ok {
				log.Fatalf("status %d, error from client: %v", apiErr.StatusCode, fromClient)
			}
		}
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, resp.RequestID, resp.Data)
}

func ExampleAllEntityTypes() {
	fmt.Println(len(facade.AllEntityTypes()), facade.AllEntityTypes()[0], facade.EntitySSN)
	// Output: 70 account_number ssn
}
