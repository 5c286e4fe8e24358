package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Config describes what an emulator serves: vaults with their tables and seed
// records, credentials, connections and seeded Detect runs. It is read from
// JSON (see ParseConfig and the README) or built in Go. A zero Config is
// completed with defaults: when it has no vault the demo vault of
// DefaultConfig is used, and an API key and a service account are always
// added when none is configured.
type Config struct {
	// Vaults served by the emulator; the first is the one VaultID and
	// ClusterID report.
	Vaults []VaultConfig `json:"vaults,omitempty"`
	// FlowDBVaults are the Flow DB vaults served (see FlowDBVaultConfig);
	// the first is the one FlowDBVaultID reports.
	FlowDBVaults []FlowDBVaultConfig `json:"flowdb_vaults,omitempty"`
	// APIKeys accepted as bearer credentials. Each must have the real
	// format: "sky-" + 5 alphanumerics + "-" + 32 hex digits (42 characters).
	// When empty, one random key is generated.
	APIKeys []string `json:"api_keys,omitempty"`
	// ServiceAccounts whose signed assertions the token endpoint accepts.
	// When empty, one service account with a generated key is added.
	ServiceAccounts []ServiceAccountConfig `json:"service_accounts,omitempty"`
	// Connections served under /v1/gateway/outboundRoutes/{id}/...
	Connections []ConnectionConfig `json:"connections,omitempty"`
	// DetectRuns are de-identify runs that exist from the start (for
	// example a run id that a test polls without creating it).
	DetectRuns []RunSeed `json:"detect_runs,omitempty"`
	// TokenURI, when set, is the token URI written into credentials and
	// accepted as the assertion audience instead of URL()+"/v1/auth/sa/oauth/token"
	// (useful behind a TLS-terminating proxy).
	TokenURI string `json:"token_uri,omitempty"`
	// Roles limit what the tokens of a role may do, per table (see
	// RoleConfig). A role that is not defined here (the demo roles, for
	// example) allows everything.
	Roles []RoleConfig `json:"roles,omitempty"`
}

// RoleConfig says what a bearer token with this role may do, in v2 vaults
// and Flow DB vaults alike. A token acts with the roles of its scope, or
// all roles of its service account when it was issued without a scope; its
// rights are the union of its roles' (and a role that is not defined
// allows everything). API keys are not limited.
type RoleConfig struct {
	// ID is the role id, as in a service account's Roles and a token
	// scope ("role:<id>").
	ID string `json:"id"`
	// Tables maps a table name (of a v2 or a Flow DB vault: the name
	// stands for the tables of that name in every vault), or "*" for
	// every table, to what the role may do there. A table without an
	// entry (and no "*") is closed.
	Tables map[string]TablePermissions `json:"tables"`
}

// TablePermissions is what a role may do with one table.
type TablePermissions struct {
	// Operations allowed: read (get, batch GET, BIN lookup of a stored
	// card; Flow DB metrics list the tables the role may read), insert
	// (insert, batch POST; upsert also needs update), update (update,
	// batch PUT), delete (delete, batch DELETE; Flow DB token delete),
	// detokenize, tokenize, query, files (upload, file delete, scan
	// status, download URLs). Flow DB tokens made by tokenize belong to
	// the tables whose columns use their token group.
	Operations []string `json:"operations"`
	// MaxRedaction caps what the role sees of values: PLAIN_TEXT (the
	// default: no cap), MASKED (masked or redacted, whatever is asked) or
	// REDACTED. It applies to get, query and detokenize.
	MaxRedaction string `json:"max_redaction,omitempty"`
}

// VaultConfig is one vault.
type VaultConfig struct {
	// ID is the vault id (a path parameter on vault calls, vault_id on Detect).
	ID string `json:"id"`
	// ClusterID is the cluster id (the first label of the real vault host).
	ClusterID string `json:"cluster_id,omitempty"`
	// Tables of the vault.
	Tables []TableConfig `json:"tables"`
}

// TableConfig is one table of a vault.
type TableConfig struct {
	// Name of the table.
	Name string `json:"name"`
	// Columns of the table (skyflow_id is implicit).
	Columns []ColumnConfig `json:"columns"`
	// Records present from the start.
	Records []RecordSeed `json:"records,omitempty"`
}

// ColumnConfig is one column of a table.
type ColumnConfig struct {
	// Name of the column.
	Name string `json:"name"`
	// Type is the value type reported by detokenize (valueType) and checked
	// on writes: STRING (default), INTEGER, FLOAT, BOOL, DATE (YYYY-MM-DD),
	// DATETIME (RFC 3339), JSON (an object) or ARRAY.
	Type string `json:"type,omitempty"`
	// Unique columns reject duplicate values (409) and can be used for
	// upsert and for get by column_name/column_values.
	Unique bool `json:"unique,omitempty"`
	// Tokenized columns get a token for every stored value.
	Tokenized bool `json:"tokenized,omitempty"`
	// File columns hold files uploaded through the file endpoints.
	File bool `json:"file,omitempty"`
	// ColumnGroup names the column group through which tokenize finds the
	// existing token of a value (tokenized columns only).
	ColumnGroup string `json:"column_group,omitempty"`
	// DefaultRedaction is what redaction DEFAULT means for this column:
	// PLAIN_TEXT (default), MASKED or REDACTED.
	DefaultRedaction string `json:"default_redaction,omitempty"`
	// Mask is the masking style of MASKED: "full" (default; every letter and
	// digit becomes X), "last4" (all but the last four letters or digits
	// become X, e.g. XXXXXXXXXXXX1111), "ssn" (XXX-XX-1234), "email"
	// (first letter of the local part kept: jXXX@example.com) or "none"
	// (the value is shown as is).
	Mask string `json:"mask,omitempty"`
}

// RecordSeed is a record present from the start.
type RecordSeed struct {
	// SkyflowID is the fixed id of the record (a UUID is generated when empty).
	SkyflowID string `json:"skyflow_id,omitempty"`
	// Fields are column values.
	Fields map[string]any `json:"fields"`
	// Tokens are fixed tokens of tokenized columns; tokenized columns
	// without one get a generated token.
	Tokens map[string]string `json:"tokens,omitempty"`
}

// ServiceAccountConfig is a service account.
type ServiceAccountConfig struct {
	// ClientID is the iss and sub of its assertions.
	ClientID string `json:"client_id"`
	// KeyID is the key claim of its assertions.
	KeyID string `json:"key_id"`
	// ClientName is informational (written into the credentials JSON).
	ClientName string `json:"client_name,omitempty"`
	// PrivateKey is an RSA private key in PEM (PKCS#8 or PKCS#1). When
	// empty a 2048-bit key is generated the first time it is needed.
	PrivateKey string `json:"private_key,omitempty"`
	// Roles are the role ids a token exchange may request in its scope.
	Roles []string `json:"roles,omitempty"`
}

// ConnectionConfig is an outbound connection of the gateway.
type ConnectionConfig struct {
	// ID is the connection id.
	ID string `json:"id"`
	// Route is the route path template, e.g. "/cards/{card_id}"; {name}
	// segments match any single path segment.
	Route string `json:"route"`
}

// RunSeed is a Detect run present from the start.
type RunSeed struct {
	// ID is the run id.
	ID string `json:"id"`
	// VaultID is the vault the run belongs to (the first vault when empty).
	VaultID string `json:"vault_id,omitempty"`
	// Status is the final status: SUCCESS (default), FAILED or UNKNOWN.
	Status string `json:"status,omitempty"`
	// Polls is how many polls report IN_PROGRESS before Status.
	Polls int `json:"polls,omitempty"`
	// Message is the run message (the failure reason of a FAILED run).
	Message string `json:"message,omitempty"`
	// OutputText is the content of the processed file.
	OutputText string `json:"output_text,omitempty"`
	// OutputExtension is the extension of the processed file (default txt).
	OutputExtension string `json:"output_extension,omitempty"`
}

// Identifiers of the demo vault served when no configuration is given.
const (
	DemoVaultID        = "a3e8b1f2c4d5e6f7a8b9c0d1e2f3a4b5"
	DemoClusterID      = "b1c2d3e4f5a6"
	DemoConnectionID   = "f8d7c6b5a4e3d2c1b0a9f8e7d6c5b4a3"
	DemoClientID       = "c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6"
	DemoKeyID          = "d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9"
	demoConnectionPath = "/cards/{card_id}"
)

// DefaultConfig returns the demo configuration: one vault with the tables
// table1 (card_number, cardholder_name, email, ssn, dob) and documents
// (title, attachment), the Flow DB vault of DemoFlowDBVault, a service
// account with the roles "demo-admin" and "demo-reader", and one outbound
// connection. API key and service-account key are generated per server.
func DefaultConfig() Config {
	return Config{
		Vaults: []VaultConfig{{
			ID:        DemoVaultID,
			ClusterID: DemoClusterID,
			Tables: []TableConfig{
				{
					Name: "table1",
					Columns: []ColumnConfig{
						{Name: "card_number", Tokenized: true, ColumnGroup: "card_number_group", DefaultRedaction: "MASKED", Mask: "last4"},
						{Name: "cardholder_name", Tokenized: true, ColumnGroup: "name_group", Mask: "full"},
						{Name: "email", Unique: true, Tokenized: true, ColumnGroup: "email_group", Mask: "email"},
						{Name: "ssn", Tokenized: true, ColumnGroup: "ssn_group", DefaultRedaction: "MASKED", Mask: "ssn"},
						{Name: "dob", Type: "DATE", DefaultRedaction: "REDACTED"},
					},
				},
				{
					Name: "documents",
					Columns: []ColumnConfig{
						{Name: "title"},
						{Name: "attachment", File: true},
					},
				},
			},
		}},
		FlowDBVaults: []FlowDBVaultConfig{DemoFlowDBVault()},
		ServiceAccounts: []ServiceAccountConfig{{
			ClientID:   DemoClientID,
			KeyID:      DemoKeyID,
			ClientName: "skyflow-mock demo service account",
			Roles:      []string{"demo-admin", "demo-reader"},
		}},
		Connections: []ConnectionConfig{{ID: DemoConnectionID, Route: demoConnectionPath}},
	}
}

// LoadConfig reads a JSON configuration file (see ParseConfig).
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("mockserver: read config: %w", err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("mockserver: config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig decodes and checks a JSON configuration. Unknown keys are
// errors, so typos do not go unnoticed.
func ParseConfig(data []byte) (Config, error) {
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return Config{}, errors.New("decode: trailing data after the configuration object")
	}
	for vi := range cfg.Vaults {
		for ti := range cfg.Vaults[vi].Tables {
			for ri := range cfg.Vaults[vi].Tables[ti].Records {
				rec := &cfg.Vaults[vi].Tables[ti].Records[ri]
				for k, v := range rec.Fields {
					rec.Fields[k] = normalizeJSON(v)
				}
			}
		}
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// normalizeJSON turns json.Number values into float64, as encoding/json
// decodes request bodies.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeJSON(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeJSON(e)
		}
	}
	return v
}

var (
	namePattern   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	idPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~-]*$`)
	apiKeyPattern = regexp.MustCompile(`^sky-[a-zA-Z0-9]{5}-[a-fA-F0-9]{32}$`)
)

var (
	validTypes      = map[string]bool{"": true, "STRING": true, "INTEGER": true, "FLOAT": true, "BOOL": true, "DATE": true, "DATETIME": true, "JSON": true, "ARRAY": true}
	validRedactions = map[string]bool{"": true, "PLAIN_TEXT": true, "MASKED": true, "REDACTED": true}
	validMasks      = map[string]bool{"": true, "full": true, "last4": true, "ssn": true, "email": true, "none": true}
	validRunFinals  = map[string]bool{"": true, "SUCCESS": true, "FAILED": true, "UNKNOWN": true}
)

// checkName reports (through add) a name of a kind ("table", "token
// group") at where that is invalid or already in seen, and adds it to seen.
func checkName(add func(string, ...any), seen map[string]bool, where, kind, name string) {
	if !namePattern.MatchString(name) {
		add("%s: invalid %s name %q", where, kind, name)
	}
	if seen[name] {
		add("%s: duplicate %s %q", where, kind, name)
	}
	seen[name] = true
}

// Validate checks the configuration: names, formats, references of seeds and
// uniqueness of ids, tokens and unique values. It returns all problems found.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	vaultIDs := map[string]bool{}
	for vi, v := range c.Vaults {
		where := fmt.Sprintf("vaults[%d]", vi)
		if !idPattern.MatchString(v.ID) {
			add("%s: invalid vault id %q", where, v.ID)
		}
		if vaultIDs[v.ID] {
			add("%s: duplicate vault id %q", where, v.ID)
		}
		vaultIDs[v.ID] = true
		if v.ClusterID != "" && !idPattern.MatchString(v.ClusterID) {
			add("%s: invalid cluster id %q", where, v.ClusterID)
		}
		tables := map[string]bool{}
		tokens := map[string]string{}
		for ti, t := range v.Tables {
			tw := fmt.Sprintf("%s.tables[%d]", where, ti)
			checkName(add, tables, tw, "table", t.Name)
			cols := map[string]ColumnConfig{}
			for ci, col := range t.Columns {
				cw := fmt.Sprintf("%s.columns[%d]", tw, ci)
				switch {
				case !namePattern.MatchString(col.Name):
					add("%s: invalid column name %q", cw, col.Name)
				case col.Name == "skyflow_id":
					add("%s: skyflow_id is implicit and cannot be declared", cw)
				case cols[col.Name].Name != "":
					add("%s: duplicate column %q", cw, col.Name)
				}
				cols[col.Name] = col
				if !validTypes[col.Type] {
					add("%s: unknown type %q", cw, col.Type)
				}
				if !validRedactions[col.DefaultRedaction] {
					add("%s: unknown default_redaction %q (PLAIN_TEXT, MASKED or REDACTED)", cw, col.DefaultRedaction)
				}
				if !validMasks[col.Mask] {
					add("%s: unknown mask %q (full, last4, ssn, email or none)", cw, col.Mask)
				}
				if col.File && (col.Unique || col.Tokenized || col.ColumnGroup != "") {
					add("%s: a file column cannot be unique, tokenized or in a column group", cw)
				}
				if col.ColumnGroup != "" && !col.Tokenized {
					add("%s: column group %q needs a tokenized column", cw, col.ColumnGroup)
				}
				if col.ColumnGroup != "" && !namePattern.MatchString(col.ColumnGroup) {
					add("%s: invalid column group %q", cw, col.ColumnGroup)
				}
			}
			ids := map[string]bool{}
			uniques := map[string]map[string]bool{}
			for ri, r := range t.Records {
				rw := fmt.Sprintf("%s.records[%d]", tw, ri)
				if r.SkyflowID != "" {
					if !idPattern.MatchString(r.SkyflowID) {
						add("%s: invalid skyflow_id %q", rw, r.SkyflowID)
					}
					if ids[r.SkyflowID] {
						add("%s: duplicate skyflow_id %q", rw, r.SkyflowID)
					}
					ids[r.SkyflowID] = true
				}
				for name, val := range r.Fields {
					col, ok := cols[name]
					if !ok {
						add("%s: unknown column %q", rw, name)
						continue
					}
					if col.File {
						add("%s: file column %q cannot be seeded", rw, name)
						continue
					}
					if err := checkType(col.Type, val); err != nil {
						add("%s: column %q: %v", rw, name, err)
					}
					if col.Unique && val != nil {
						if uniques[name] == nil {
							uniques[name] = map[string]bool{}
						}
						k := valueKey(val)
						if uniques[name][k] {
							add("%s: duplicate value for unique column %q", rw, name)
						}
						uniques[name][k] = true
					}
				}
				for name, tok := range r.Tokens {
					col, ok := cols[name]
					switch {
					case !ok:
						add("%s: token for unknown column %q", rw, name)
					case !col.Tokenized:
						add("%s: token for column %q, which is not tokenized", rw, name)
					case r.Fields[name] == nil:
						add("%s: token for column %q, which has no value", rw, name)
					case tok == "":
						add("%s: empty token for column %q", rw, name)
					case tokens[tok] != "":
						add("%s: token of column %q already used by %s", rw, name, tokens[tok])
					}
					tokens[tok] = rw + "." + name
				}
			}
		}
	}
	for i, k := range c.APIKeys {
		if !apiKeyPattern.MatchString(k) {
			add("api_keys[%d]: not of the form sky-XXXXX-<32 hex digits> (42 characters)", i)
		}
	}
	clients, keys := map[string]bool{}, map[string]bool{}
	for i, sa := range c.ServiceAccounts {
		where := fmt.Sprintf("service_accounts[%d]", i)
		if sa.ClientID == "" || sa.KeyID == "" {
			add("%s: client_id and key_id are required", where)
		}
		if clients[sa.ClientID] {
			add("%s: duplicate client_id %q", where, sa.ClientID)
		}
		if keys[sa.KeyID] {
			add("%s: duplicate key_id %q", where, sa.KeyID)
		}
		clients[sa.ClientID], keys[sa.KeyID] = true, true
		if sa.PrivateKey != "" {
			if _, err := parseRSAPrivateKey(sa.PrivateKey); err != nil {
				add("%s: private_key: %v", where, err)
			}
		}
		for _, r := range sa.Roles {
			if r == "" || strings.ContainsAny(r, " \t\r\n") {
				add("%s: invalid role %q", where, r)
			}
		}
	}
	conns := map[string]bool{}
	for i, cn := range c.Connections {
		where := fmt.Sprintf("connections[%d]", i)
		if !idPattern.MatchString(cn.ID) {
			add("%s: invalid connection id %q", where, cn.ID)
		}
		if conns[cn.ID] {
			add("%s: duplicate connection id %q", where, cn.ID)
		}
		conns[cn.ID] = true
		if _, err := parseRoute(cn.Route); err != nil {
			add("%s: %v", where, err)
		}
	}
	roles := map[string]bool{}
	for i, r := range c.Roles {
		where := fmt.Sprintf("roles[%d]", i)
		if r.ID == "" || strings.ContainsAny(r.ID, " \t\r\n") {
			add("%s: invalid role id %q", where, r.ID)
		}
		if roles[r.ID] {
			add("%s: duplicate role %q", where, r.ID)
		}
		roles[r.ID] = true
		for _, name := range sortedKeys(r.Tables) {
			perm := r.Tables[name]
			if name != "*" && !tableNamed(c, name) {
				add("%s.tables[%s]: no vault has a table %q", where, name, name)
			}
			for _, op := range perm.Operations {
				if !roleOperations[op] {
					add("%s.tables[%s]: unknown operation %q (read, insert, update, delete, detokenize, tokenize, query or files)", where, name, op)
				}
			}
			if !validRedactions[perm.MaxRedaction] {
				add("%s.tables[%s]: unknown max_redaction %q (PLAIN_TEXT, MASKED or REDACTED)", where, name, perm.MaxRedaction)
			}
		}
	}
	errs = append(errs, validateFlowDB(c.FlowDBVaults, vaultIDs)...)
	runs := map[string]bool{}
	for i, r := range c.DetectRuns {
		where := fmt.Sprintf("detect_runs[%d]", i)
		if !idPattern.MatchString(r.ID) {
			add("%s: invalid run id %q", where, r.ID)
		}
		if runs[r.ID] {
			add("%s: duplicate run id %q", where, r.ID)
		}
		runs[r.ID] = true
		if !validRunFinals[r.Status] {
			add("%s: status %q is not SUCCESS, FAILED or UNKNOWN", where, r.Status)
		}
		if r.Polls < 0 {
			add("%s: polls must not be negative", where)
		}
		if r.VaultID != "" && !vaultIDs[r.VaultID] && len(c.Vaults) > 0 {
			add("%s: unknown vault %q", where, r.VaultID)
		}
		if r.OutputExtension != "" && !validExtensions[r.OutputExtension] {
			add("%s: unknown output_extension %q", where, r.OutputExtension)
		}
	}
	return errors.Join(errs...)
}

// tableNamed reports whether a vault or a Flow DB vault served with the
// configuration c (the demo ones when none is configured) has a table of
// that name.
func tableNamed(c Config, name string) bool {
	vaults, flows := c.Vaults, c.FlowDBVaults
	if len(vaults) == 0 {
		d := DefaultConfig()
		vaults = d.Vaults
		if len(flows) == 0 {
			flows = d.FlowDBVaults
		}
	}
	for _, v := range vaults {
		for _, t := range v.Tables {
			if t.Name == name {
				return true
			}
		}
	}
	for _, v := range flows {
		for _, t := range v.Tables {
			if t.Name == name {
				return true
			}
		}
	}
	return false
}

// validExtensions are the processedFileExtension values of the Detect spec.
var validExtensions = map[string]bool{
	"mp3": true, "wav": true, "pdf": true, "txt": true, "csv": true, "json": true, "jpg": true, "jpeg": true,
	"tif": true, "tiff": true, "png": true, "bmp": true, "xls": true, "xlsx": true, "doc": true, "docx": true,
	"ppt": true, "pptx": true, "xml": true, "dcm": true,
}

// completed returns a copy of the configuration with defaults filled in.
func (c Config) completed() Config {
	if len(c.Vaults) == 0 {
		d := DefaultConfig()
		c.Vaults = d.Vaults
		if len(c.FlowDBVaults) == 0 {
			c.FlowDBVaults = d.FlowDBVaults
		}
		if len(c.ServiceAccounts) == 0 {
			c.ServiceAccounts = d.ServiceAccounts
		}
		if len(c.Connections) == 0 {
			c.Connections = d.Connections
		}
	}
	for i := range c.Vaults {
		if c.Vaults[i].ClusterID == "" {
			c.Vaults[i].ClusterID = DemoClusterID
		}
	}
	c.FlowDBVaults = append([]FlowDBVaultConfig(nil), c.FlowDBVaults...)
	for i := range c.FlowDBVaults {
		if c.FlowDBVaults[i].ClusterID == "" {
			c.FlowDBVaults[i].ClusterID = DemoClusterID
		}
	}
	if len(c.ServiceAccounts) == 0 {
		c.ServiceAccounts = DefaultConfig().ServiceAccounts
	}
	return c
}
