package facade

import (
	"fmt"
	"log/slog"

	"github.com/skyflowgo/skyflow/internal/redact"
)

// How the Flow DB types print (see Printing in the package documentation
// and redact.go): requests and results show their structure, never a
// value or token; the configuration and the handle show ids, the URL
// without user information, query or fragment, and the kind and
// fingerprint of credentials.

func (c FlowDBConfig) describe() redact.Desc {
	return redact.New("facade.FlowDBConfig", "VaultID", c.VaultID, "ClusterID", c.ClusterID, "Env", string(c.Env),
		"BaseURL", safeURL(c.BaseURL), "Credentials", credentials(c.Credentials),
		"TokenSource", redact.TypeOf(c.TokenSource))
}

// String describes the configuration: ids, the base URL without user
// information, query or fragment, the kind and fingerprint of Credentials
// and the type of TokenSource (whatever the source's own String prints).
func (c FlowDBConfig) String() string { return c.describe().String() }

// GoString is String, so %#v prints no secret.
func (c FlowDBConfig) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb prints String.
func (c FlowDBConfig) Format(f fmt.State, verb rune) { c.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with what String shows.
func (c FlowDBConfig) LogValue() slog.Value { return c.describe().LogValue() }

// MarshalJSON encodes what String shows; the credentials and the token
// source do not round-trip.
func (c FlowDBConfig) MarshalJSON() ([]byte, error) { return c.describe().MarshalJSON() }

func (f *FlowDB) describe() redact.Desc { return redact.New("facade.FlowDB", "vault_id", f.id) }

// String describes the handle by its vault id.
func (f *FlowDB) String() string { return f.describe().String() }

// GoString is String, so %#v does not reach the client's secrets.
func (f *FlowDB) GoString() string { return f.String() }

// Format implements fmt.Formatter: every verb prints String.
func (f *FlowDB) Format(s fmt.State, verb rune) { f.describe().Format(s, verb) }

// LogValue implements slog.LogValuer with the vault id.
func (f *FlowDB) LogValue() slog.Value { return f.describe().LogValue() }

// MarshalJSON encodes the vault id.
func (f *FlowDB) MarshalJSON() ([]byte, error) { return f.describe().MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowRecord) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowRecord) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowRecord) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowUpsert) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowUpsert) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowUpsert) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowInsertRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowInsertRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowInsertRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowToken) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowToken) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowToken) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowRecordResult) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowRecordResult) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowRecordResult) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowInsertResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowInsertResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowInsertResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowColumnRedaction) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowColumnRedaction) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowColumnRedaction) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowGetTable) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowGetTable) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowGetTable) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowGetRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowGetRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowGetRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowGetResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowGetResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowGetResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowUpdateRecord) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowUpdateRecord) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowUpdateRecord) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowUpdateRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowUpdateRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowUpdateRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowUpdateResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowUpdateResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowUpdateResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowDeleteRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowDeleteRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowDeleteRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowDeleteResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowDeleteResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowDeleteResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowQueryRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowQueryRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowQueryRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowQueryResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowQueryResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowQueryResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowTokenGroupRedaction) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowTokenGroupRedaction) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowTokenGroupRedaction) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowDetokenizeRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowDetokenizeRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowDetokenizeRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowDetokenizeResult) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowDetokenizeResult) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowDetokenizeResult) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowDetokenizeResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowDetokenizeResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowDetokenizeResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowTokenizeValue) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowTokenizeValue) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowTokenizeValue) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowTokenizeRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowTokenizeRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowTokenizeRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowTokenizeResult) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowTokenizeResult) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowTokenizeResult) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowTokenizeResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowTokenizeResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowTokenizeResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowDeleteTokensRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowDeleteTokensRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowDeleteTokensRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowDeleteTokenResult) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowDeleteTokenResult) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowDeleteTokenResult) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowDeleteTokensResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowDeleteTokensResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowDeleteTokensResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowMetricsRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowMetricsRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowMetricsRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowMetricsResponse) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowMetricsResponse) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowMetricsResponse) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowBulkInsertRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowBulkInsertRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowBulkInsertRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowBulkDetokenizeRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowBulkDetokenizeRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowBulkDetokenizeRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowBulkTokenizeRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowBulkTokenizeRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowBulkTokenizeRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }

// Format implements fmt.Formatter: every verb prints the structure, never a
// value.
func (v FlowBulkDeleteTokensRequest) Format(f fmt.State, verb rune) { structure(v).Format(f, verb) }

// LogValue implements slog.LogValuer with the structure, never a value.
func (v FlowBulkDeleteTokensRequest) LogValue() slog.Value { return structure(v).LogValue() }

// MarshalJSON encodes the structure, never a value (see Printing).
func (v FlowBulkDeleteTokensRequest) MarshalJSON() ([]byte, error) { return structure(v).MarshalJSON() }
