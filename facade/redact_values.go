package facade

import (
	"fmt"
	"log/slog"
)

// The requests and responses print their structure, never their values
// (see redact.go).

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v InsertRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v InsertRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v InsertRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v InsertResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v InsertResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v InsertResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v InsertedRecord) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v InsertedRecord) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v InsertedRecord) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v GetRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v GetRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v GetRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v GetResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v GetResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v GetResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v Record) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v Record) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v Record) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v UpdateRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v UpdateRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v UpdateRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v UpdateResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v UpdateResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v UpdateResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v QueryRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v QueryRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v QueryRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v QueryResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v QueryResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v QueryResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DetokenizeRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DetokenizeRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DetokenizeRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DetokenizeToken) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DetokenizeToken) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DetokenizeToken) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DetokenizeResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DetokenizeResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DetokenizeResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DetokenizedRecord) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DetokenizedRecord) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DetokenizedRecord) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v TokenizeRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v TokenizeRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v TokenizeRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v TokenizeValue) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v TokenizeValue) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v TokenizeValue) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v TokenizeResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v TokenizeResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v TokenizeResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v UploadFileRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v UploadFileRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v UploadFileRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v UploadFileResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v UploadFileResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v UploadFileResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v InvokeRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v InvokeRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v InvokeRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v InvokeResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v InvokeResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v InvokeResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DeidentifyTextRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DeidentifyTextRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DeidentifyTextRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DeidentifyTextResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DeidentifyTextResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DeidentifyTextResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DetectedEntity) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DetectedEntity) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DetectedEntity) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v ReidentifyTextRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v ReidentifyTextRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v ReidentifyTextRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v ReidentifyTextResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v ReidentifyTextResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v ReidentifyTextResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v ReidentifyFileRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v ReidentifyFileRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v ReidentifyFileRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v ReidentifyFileResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v ReidentifyFileResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v ReidentifyFileResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v CheckGuardrailsRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v CheckGuardrailsRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v CheckGuardrailsRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v CheckGuardrailsResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v CheckGuardrailsResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v CheckGuardrailsResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DeidentifyFileRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DeidentifyFileRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DeidentifyFileRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v DeidentifyFileResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v DeidentifyFileResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v DeidentifyFileResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FileEntity) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FileEntity) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FileEntity) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v BINLookupRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v BINLookupRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v BINLookupRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v BINLookupResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v BINLookupResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v BINLookupResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v Card) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v Card) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v Card) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v AuditEventsRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v AuditEventsRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v AuditEventsRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v AuditEventsResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v AuditEventsResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v AuditEventsResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v AuditEvent) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v AuditEvent) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v AuditEvent) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v BulkRecord) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v BulkRecord) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v BulkRecord) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v BulkInsertRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v BulkInsertRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v BulkInsertRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v BulkInsertResult) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v BulkInsertResult) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v BulkInsertResult) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v BulkDetokenizeRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v BulkDetokenizeRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v BulkDetokenizeRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v BulkDetokenizeResult) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v BulkDetokenizeResult) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v BulkDetokenizeResult) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }
