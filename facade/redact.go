package facade

import (
	"fmt"
	"log/slog"
	"net/url"

	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/internal/redact"
)

// This file holds how the package's types print (see Printing in the
// package documentation).
//
// Requests and responses carry record values, tokens, text and files. They
// print their structure only, through fmt (every verb), log/slog and
// encoding/json: ids, counts, column names, enumerations, and the dynamic
// type of an interface field; every other string prints as <redacted>, a
// map as its keys, bytes as a count. MarshalJSON matters for slog's JSON
// handler, which encodes a slice or a map of them with encoding/json
// instead of asking each element for its LogValue.
//
// Configurations, the client and its handles reach credentials and cached
// tokens. They print ids, URLs without user information, query or
// fragment, the kind and fingerprint of credentials and the type of a token
// source, through String, GoString, Format, LogValue and MarshalJSON.

// shownField reports whether the strings of a request or response field
// with this name are identifiers that may be printed: ids, table and column
// names, types. Every other string is hidden.
func shownField(name string) bool {
	switch name {
	case "Table", "Column", "Columns", "ColumnGroup", "Upsert", "Fields", "Operation",
		"TokenGroup", "TokenGroups", "UniqueColumns", "Redaction",
		"SkyflowID", "IDs", "RequestID", "RunID", "AccountID", "WorkspaceID", "VaultID", "ResourceIDs",
		"NumberColumn", "LastFourColumn", "ExpiryColumn",
		"Method", "HTTPMethod", "Type", "Extension", "ValueType",
		"ActorType", "AuthMode", "AccessType", "APIName", "ActionType", "ResourceType":
		return true
	}
	return false
}

// structure describes a request or response by its structure.
func structure(v any) redact.Desc { return redact.Of(v, shownField) }

// safeURL is a URL for printing: scheme, host and path, with user
// information left out and a query or fragment hidden.
func safeURL(raw string) any {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return redact.Text(redact.Hidden)
	}
	s := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	if u.RawQuery != "" || u.Fragment != "" {
		s += "?" + redact.Hidden
	}
	return s
}

// credentials nests credentials (which print their kind and fingerprint).
func credentials(c *auth.Credentials) any {
	if c == nil {
		return nil
	}
	return *c
}

func (c VaultConfig) describe() redact.Desc {
	return redact.New("facade.VaultConfig", "VaultID", c.VaultID, "ClusterID", c.ClusterID, "Env", string(c.Env),
		"BaseURL", safeURL(c.BaseURL), "Credentials", credentials(c.Credentials),
		"TokenSource", redact.TypeOf(c.TokenSource))
}

// String describes the configuration: ids, the base URL without user
// information, query or fragment, the kind and fingerprint of Credentials
// and the type of TokenSource (whatever the source's own String prints).
func (c VaultConfig) String() string { return c.describe().String() }

// GoString is String, so %#v prints no secret.
func (c VaultConfig) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb prints String.
func (c VaultConfig) Format(f fmt.State, verb rune) { c.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with what String shows.
func (c VaultConfig) LogValue() slog.Value { return c.describe().LogValue() }

// MarshalJSON encodes what String shows; the credentials and the token
// source do not round-trip.
func (c VaultConfig) MarshalJSON() ([]byte, error) { return c.describe().MarshalJSON() }

func (c ConnectionConfig) describe() redact.Desc {
	return redact.New("facade.ConnectionConfig", "ConnectionID", c.ConnectionID, "URL", safeURL(c.URL),
		"Credentials", credentials(c.Credentials), "TokenSource", redact.TypeOf(c.TokenSource))
}

// String describes the configuration: the id, the URL without user
// information, query or fragment, the kind and fingerprint of Credentials
// and the type of TokenSource.
func (c ConnectionConfig) String() string { return c.describe().String() }

// GoString is String, so %#v prints no secret.
func (c ConnectionConfig) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb prints String.
func (c ConnectionConfig) Format(f fmt.State, verb rune) { c.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with what String shows.
func (c ConnectionConfig) LogValue() slog.Value { return c.describe().LogValue() }

// MarshalJSON encodes what String shows; the credentials and the token
// source do not round-trip.
func (c ConnectionConfig) MarshalJSON() ([]byte, error) { return c.describe().MarshalJSON() }

func (c *Client) describe() redact.Desc {
	if c == nil {
		return redact.New("facade.Client(nil)")
	}
	vaults, conns := c.VaultIDs(), c.ConnectionIDs()
	var common any
	if creds, ok := c.Credentials(); ok {
		common = credentials(&creds)
	}
	return redact.New("facade.Client", "vaults", idList(vaults), "flowdb_vaults", idList(c.FlowDBIDs()), "connections", idList(conns),
		"credentials", common, "log_level", string(c.LogLevel()))
}

// idList is a list of ids for printing, nil when empty.
func idList(ids []string) any {
	if len(ids) == 0 {
		return nil
	}
	l := make(redact.List, len(ids))
	for i, id := range ids {
		l[i] = id
	}
	return l
}

// String describes the client by its vault and connection ids, the kind
// and fingerprint of its common credentials and its log level. Cached
// tokens and credentials are never printed.
func (c *Client) String() string { return c.describe().String() }

// GoString is String, so %#v prints no secret.
func (c *Client) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb prints String.
func (c *Client) Format(f fmt.State, verb rune) { c.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with what String shows.
func (c *Client) LogValue() slog.Value { return c.describe().LogValue() }

// MarshalJSON encodes what String shows.
func (c *Client) MarshalJSON() ([]byte, error) { return c.describe().MarshalJSON() }

func (v *Vault) describe() redact.Desc { return redact.New("facade.Vault", "vault_id", v.id) }

// String describes the handle by its vault id.
func (v *Vault) String() string { return v.describe().String() }

// GoString is String, so %#v does not reach the client's secrets.
func (v *Vault) GoString() string { return v.String() }

// Format implements fmt.Formatter: every verb prints String.
func (v *Vault) Format(f fmt.State, verb rune) { v.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the vault id.
func (v *Vault) LogValue() slog.Value { return v.describe().LogValue() }

// MarshalJSON encodes the vault id.
func (v *Vault) MarshalJSON() ([]byte, error) { return v.describe().MarshalJSON() }

func (d *Detect) describe() redact.Desc { return redact.New("facade.Detect", "vault_id", d.id) }

// String describes the handle by its vault id.
func (d *Detect) String() string { return d.describe().String() }

// GoString is String, so %#v does not reach the client's secrets.
func (d *Detect) GoString() string { return d.String() }

// Format implements fmt.Formatter: every verb prints String.
func (d *Detect) Format(f fmt.State, verb rune) { d.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the vault id.
func (d *Detect) LogValue() slog.Value { return d.describe().LogValue() }

// MarshalJSON encodes the vault id.
func (d *Detect) MarshalJSON() ([]byte, error) { return d.describe().MarshalJSON() }

func (cn *Connection) describe() redact.Desc {
	return redact.New("facade.Connection", "connection_id", cn.id)
}

// String describes the handle by its connection id.
func (cn *Connection) String() string { return cn.describe().String() }

// GoString is String, so %#v does not reach the client's secrets.
func (cn *Connection) GoString() string { return cn.String() }

// Format implements fmt.Formatter: every verb prints String.
func (cn *Connection) Format(f fmt.State, verb rune) { cn.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with the connection id.
func (cn *Connection) LogValue() slog.Value { return cn.describe().LogValue() }

// MarshalJSON encodes the connection id.
func (cn *Connection) MarshalJSON() ([]byte, error) { return cn.describe().MarshalJSON() }

func (c *Coalescer) describe() redact.Desc {
	return redact.New("facade.Coalescer", "vault_id", c.v.id, "window", c.window, "max_tokens", c.max)
}

// String describes the Coalescer by its vault id and options; the tokens
// and values of its open batches are never printed.
func (c *Coalescer) String() string { return c.describe().String() }

// GoString is String, so %#v does not reach the batches.
func (c *Coalescer) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb prints String.
func (c *Coalescer) Format(f fmt.State, verb rune) { c.describe().Format(f, verb) }

// LogValue implements slog.LogValuer with what String shows.
func (c *Coalescer) LogValue() slog.Value { return c.describe().LogValue() }

// MarshalJSON encodes what String shows.
func (c *Coalescer) MarshalJSON() ([]byte, error) { return c.describe().MarshalJSON() }
