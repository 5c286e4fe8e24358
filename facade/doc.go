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
//		Records:      []map[string]any{{"card_number": "4111111111111111"}},
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
// a call that still meets a 401 refreshes the token and is sent once more
// (refusals back off, so a storm of 401s mints few tokens: see
// auth.ServiceAccountSource).
//
// # Errors
//
// Every error is one of the types of package skyflow (the module root),
// classified by where it arose: a *skyflow.ValidationError for input
// rejected before any network call (errors.Is(err, skyflow.ErrValidation));
// a *skyflow.AuthError when no token could be had; a *skyflow.FileError for
// a local file; a *skyflow.TransportError when no usable answer arrived (its
// Sent field says whether the request may have reached Skyflow); a
// *skyflow.APIError for an error answer, or a success answer the SDK cannot
// use (errors.Is(err, skyflow.ErrUnexpectedResponse)), matching
// skyflow.ErrNotFound, ErrUnauthorized, ErrForbidden and ErrRateLimited by
// status; and *skyflow.RecordError for one element of an answer that
// succeeded as a whole. Error texts hold operations, fields, statuses,
// request ids and the server's message, never a value or token the SDK
// sent; a server that echoes the request in its message can put it there.
//
// # Retries and timeouts
//
// Transient failures (connection errors, 408, 429, 502, 503, 504) are
// retried with exponential backoff and full jitter, honouring Retry-After up
// to the policy's MaxBackoff, twice by default (WithRetryPolicy). Writes that
// could be applied twice, an insert without upsert, an upload that creates a
// record or a POST through a connection, are retried only when the server
// certainly did not process them: the connection was refused, or the server
// answered 429. Each attempt is bounded (DefaultRequestTimeout,
// DefaultFileRequestTimeout; WithRequestTimeout), and answers are read
// within a size limit (WithMaxResponseSize).
//
// # Use of Context
//
// The context of a call bounds the whole call: token refresh, every attempt,
// the waits between retries, and Detect polling. When it ends, the
// context's error wins: errors.Is(err, context.Canceled) holds, and the
// last attempt's error stays reachable with errors.As.
//
// # Concurrency and bulk work
//
// Client, its handles and the token sources are safe for concurrent use.
// Runtime configuration changes (AddVault, UpdateVault, SetCredentials,
// SetLogLevel, ...) apply to calls that start after them. Every call sends
// what it is given in one request; BulkInsert and BulkDetokenize take their
// input as an iterator, send it in chunks with bounded concurrency, and
// report every input record: Written, NotWritten or Unknown.
//
// # Logging
//
// By default the client logs nothing. WithLogger sends records to a
// *slog.Logger whose handler decides the level; WithLogLevel alone writes
// text to stderr from that level up (and filters a logger's records when
// both are given). Records carry the operation, vault id, status, request id
// and timing, never record values, tokens, keys or credential paths.
//
// # Printing
//
// Printing a value never shows a credential or a record value. Requests and
// responses (InsertRequest, GetResponse, DetokenizeResponse, InvokeRequest,
// DeidentifyTextRequest, ...) print their structure through fmt (every
// verb) and log/slog: ids, counts, column names and enumerations; every
// other string prints as <redacted>, a map as its keys, bytes as a count
// and an interface field as its type. json.Marshal encodes the same
// structure (MarshalJSON), so that slog's JSON handler, which encodes a
// slice or a map of them (resp.Records, results gathered from a bulk
// call) with encoding/json, shows no value either; to serialize data,
// encode the data itself (a record's Fields or Data, a token's Value).
// VaultConfig, ConnectionConfig, FlowDBConfig, Client, the Vault, FlowDB,
// Detect and Connection handles and the Coalescer (never its batches)
// print ids, URLs without their query, the kind and fingerprint of
// credentials and the type of a token source (never what a caller's source
// prints itself), and also implement MarshalJSON that way.
//
// # Flow DB vaults
//
// client.FlowDB(vaultID) returns a handle on a Flow DB vault (configured
// with WithFlowDB; host https://{cluster}.skyvault.skyflowapis.com), with
// the same credentials, token cache, retries and logging: Insert (several
// tables, upsert, your own tokens), Get, Update, Delete, Query,
// Detokenize and Tokenize with token groups, DeleteTokens, Metrics, and
// bulk calls that read iterators. Every record or token of a call comes
// back with its index and one FlowOutcome. See FlowDB for what of that API
// is inferred.
//
// # Detect and Connections
//
// client.Detect(vaultID) returns a handle for de-identifying text
// (DeidentifyText, ReidentifyText) and files (DeidentifyFile, GetDetectRun,
// ReidentifyFile). Files are streamed, base64 encoded on the fly; the
// endpoint is chosen from the file's extension. DeidentifyFile polls the run
// after 1, 2, 4, ... seconds for up to WaitTime (see its documentation for
// how WaitTime and the context end the wait). OutputDirectory files are
// written atomically and always inside the directory.
//
// client.Connection(connectionID) returns a handle whose Invoke calls the
// connection's route with escaped path parameters, typed query parameters
// and a body encoded from its Content-Type (JSON, form, multipart or XML),
// authenticated with x-skyflow-authorization. Errors are *skyflow.APIError
// values; the gateway's error-from-client header becomes the detail
// {"error_from_client": bool}.
package facade
