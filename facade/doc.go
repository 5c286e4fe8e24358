// Package facade is the Skyflow Go SDK: a client for Skyflow vaults (records,
// tokens, query, files), Detect (de-identification of text and files) and
// Connections, built as a thin, idiomatic layer over clients generated from
// Skyflow's OpenAPI specs.
//
// # Usage
//
// Create one Client per process and share it; it is safe for concurrent use.
//
//	client, err := facade.New(
//		facade.WithVault(facade.VaultConfig{
//			VaultID:   "<vault id>",
//			ClusterID: "<cluster id>",
//			Env:       facade.EnvProd,
//		}),
//		facade.WithCredentials(auth.Credentials{Path: "credentials.json"}),
//	)
//	if err != nil { ... }
//	vault, err := client.Vault("<vault id>") // or client.Vault("") for the first vault
//	resp, err := vault.Insert(ctx, facade.InsertRequest{
//		Table:        "table1",
//		Values:       []map[string]any{{"card_number": "4111111111111111"}},
//		ReturnTokens: true,
//	})
//
// Every operation takes a context first and a request struct, and returns a
// typed response (with the request id of the call) or an error. Input is
// validated before any network call.
//
// # Authentication
//
// Credentials (package auth) are an API key, a static bearer token, or
// service-account credentials (a file path or a JSON string), optionally
// with role ids and a ctx claim. They resolve per vault or connection: its
// own TokenSource, then its own Credentials, then the client's (WithCredentials
// or SetCredentials), then the SKYFLOW_CREDENTIALS environment variable.
// Service-account tokens are minted once per credentials and cached by the
// client: every handle returned by Vault shares them, they are refreshed
// before they expire with a single request however many goroutines ask, and
// a call that still meets a 401 refreshes the token and is sent once more.
//
// # Errors
//
// An API failure is an *skyflow.APIError with the HTTP status, gRPC code, status
// text, message, details and request id; use errors.As to read it, and
// errors.Is with ErrNotFound, ErrUnauthorized, ErrForbidden and
// ErrRateLimited. Input rejected before the network is a *skyflow.ValidationError
// naming the field (errors.Is(err, ErrValidation)). Network failures are a
// *TransportError wrapping the cause (errors.Is(err, context.Canceled)
// works). No error text ever contains record values, tokens or credentials.
//
// Insert with ContinueOnError and Detokenize with ContinueOnError report
// per-record failures in the response instead of failing the call; each
// failure carries the request index, its real HTTP status and message, and
// the request id.
//
// # Retries
//
// Transient failures (connection errors, 408, 429, 502, 503, 504) are
// retried with exponential backoff and full jitter, honouring Retry-After,
// twice by default (WithRetryPolicy). Writes that could be applied twice, an
// insert without upsert or an upload that creates a record, are retried only
// when the server certainly did not process them: the connection was
// refused, or the server answered 429. Reads, updates, deletes, upserts and
// Detect calls are retried in every transient case.
//
// # Use of Context
//
// The context of a call bounds the whole call: token refresh, every attempt,
// the waits between retries, and Detect polling. WithRequestTimeout bounds
// each attempt on its own; there is no default overall timeout.
//
// # Concurrency
//
// Client, its handles and the token sources are safe for concurrent use.
// Runtime configuration changes (AddVault, UpdateVault, SetCredentials,
// SetLogLevel, ...) apply to calls that start after them. Large inserts are
// split into chunks of DefaultChunkSize records sent DefaultConcurrency at a
// time (WithChunkSize, WithConcurrency).
//
// # Logging
//
// The client logs through log/slog at its own level (ERROR by default;
// WithLogLevel, SetLogLevel, WithLogger). Log records carry the operation,
// vault id, status, request id and timing — never record values, tokens,
// keys or credential paths.
//
// # Detect and Connections
//
// client.Detect(vaultID) returns a handle for de-identifying text
// (DeidentifyText, ReidentifyText) and files (DeidentifyFile, GetDetectRun,
// ReidentifyFile). Files are streamed, base64 encoded on the fly; the
// endpoint is chosen from the file's extension. DeidentifyFile polls the run
// after 1, 2, 4, ... seconds up to WaitTime (64 s at most), stopping when
// the context ends; a run still in progress is returned with its RunID, a
// FAILED run is a *RunFailedError with the API's message, and a stopped poll
// a *RunPollError with the run id. OutputDirectory files are written
// atomically and always inside the directory.
//
// client.Connection(connectionID) returns a handle whose Invoke calls the
// connection's route with escaped path parameters, typed query parameters
// and a body encoded from its Content-Type (JSON, form, multipart or XML),
// authenticated with x-skyflow-authorization. Errors are *skyflow.APIError values;
// the gateway's error-from-client header becomes the detail
// {"error_from_client": bool}.
package facade
