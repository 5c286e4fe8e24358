package mockserver

import (
	"fmt"
	"sort"
)

// FlowDBVaultConfig is one Flow DB vault (the vault type Skyflow's SDKs
// call "flowvault" or "v3"), served under /v2/records, /v2/tokens,
// /v2/query and /v2/vaults/metrics, with the vault id in the request body.
type FlowDBVaultConfig struct {
	// ID is the vault id (the vaultID of every request body).
	ID string `json:"id"`
	// ClusterID is the cluster id: the first label of the vault's host,
	// {cluster}.skyvault.skyflowapis.com.
	ClusterID string `json:"cluster_id,omitempty"`
	// TokenGroups are the vault's token groups: the named tokenization
	// profiles that columns and tokenize calls use.
	TokenGroups []TokenGroupConfig `json:"token_groups,omitempty"`
	// Tables of the vault.
	Tables []FlowDBTableConfig `json:"tables"`
}

// TokenGroupConfig is one token group of a Flow DB vault.
type TokenGroupConfig struct {
	// Name of the group, e.g. "deterministic_string".
	Name string `json:"name"`
	// Deterministic groups give a value the same token every time it is
	// tokenized (tokenize); the others issue a new token per call.
	Deterministic bool `json:"deterministic,omitempty"`
	// Redactions are the named masks the group offers, name to masking
	// style (full, last4, ssn, email or none; see ColumnConfig.Mask), on
	// top of "plain_text" and "redacted", which every group offers.
	Redactions map[string]string `json:"redactions,omitempty"`
	// DefaultRedaction is the redaction of the group's values when a call
	// names none for it (default "plain_text").
	DefaultRedaction string `json:"default_redaction,omitempty"`
}

// FlowDBTableConfig is one table of a Flow DB vault.
type FlowDBTableConfig struct {
	// Name of the table.
	Name string `json:"name"`
	// Columns of the table (skyflowID is implicit).
	Columns []FlowDBColumnConfig `json:"columns"`
}

// FlowDBColumnConfig is one column of a Flow DB table.
type FlowDBColumnConfig struct {
	// Name of the column.
	Name string `json:"name"`
	// Unique columns reject duplicate values (a 409 for the record) and
	// identify records for upsert, get and delete by unique values.
	Unique bool `json:"unique,omitempty"`
	// TokenGroups are the token groups the column's values are tokenized
	// into: one token per group (none: the column is not tokenized).
	TokenGroups []string `json:"token_groups,omitempty"`
}

// Built-in redactions of every token group.
const (
	flowPlainText = "plain_text"
	flowRedacted  = "redacted"
)

// Identifiers of the demo Flow DB vault.
const (
	DemoFlowDBVaultID = "e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"
)

// DemoFlowDBVault is the demo Flow DB vault of DefaultConfig: the tables
// customers (name, email unique, card_number, ssn, age) and orders
// (order_ref unique, customer_email, amount), and the token groups
// deterministic_string (masks mask1: last four, ssn: XXX-XX-1234),
// nondeterministic_string (mask full) and deterministic_email (mask
// email).
func DemoFlowDBVault() FlowDBVaultConfig {
	return FlowDBVaultConfig{
		ID:        DemoFlowDBVaultID,
		ClusterID: DemoClusterID,
		TokenGroups: []TokenGroupConfig{
			{Name: "deterministic_string", Deterministic: true, Redactions: map[string]string{"mask1": "last4", "ssn": "ssn"}},
			{Name: "nondeterministic_string", Redactions: map[string]string{"masked": "full"}},
			{Name: "deterministic_email", Deterministic: true, Redactions: map[string]string{"masked": "email"}},
		},
		Tables: []FlowDBTableConfig{
			{Name: "customers", Columns: []FlowDBColumnConfig{
				{Name: "name", TokenGroups: []string{"nondeterministic_string"}},
				{Name: "email", Unique: true, TokenGroups: []string{"deterministic_email", "nondeterministic_string"}},
				{Name: "card_number", TokenGroups: []string{"deterministic_string"}},
				{Name: "ssn", TokenGroups: []string{"deterministic_string"}},
				{Name: "age"},
			}},
			{Name: "orders", Columns: []FlowDBColumnConfig{
				{Name: "order_ref", Unique: true},
				{Name: "customer_email", TokenGroups: []string{"deterministic_email"}},
				{Name: "amount"},
			}},
		},
	}
}

// validateFlowDB checks the Flow DB vaults of a configuration; vaultIDs
// are the ids of the v2 vaults, which a Flow DB vault may not reuse.
func validateFlowDB(list []FlowDBVaultConfig, vaultIDs map[string]bool) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ids := map[string]bool{}
	for vi, v := range list {
		where := fmt.Sprintf("flowdb_vaults[%d]", vi)
		switch {
		case !idPattern.MatchString(v.ID):
			add("%s: invalid vault id %q", where, v.ID)
		case ids[v.ID] || vaultIDs[v.ID]:
			add("%s: duplicate vault id %q", where, v.ID)
		}
		ids[v.ID] = true
		if v.ClusterID != "" && !idPattern.MatchString(v.ClusterID) {
			add("%s: invalid cluster id %q", where, v.ClusterID)
		}
		groups := map[string]bool{}
		for gi, g := range v.TokenGroups {
			gw := fmt.Sprintf("%s.token_groups[%d]", where, gi)
			checkName(add, groups, gw, "token group", g.Name)
			for _, name := range sortedKeys(g.Redactions) {
				switch {
				case name == flowPlainText || name == flowRedacted:
					add("%s: redaction %q is built in", gw, name)
				case !namePattern.MatchString(name):
					add("%s: invalid redaction name %q", gw, name)
				case !validMasks[g.Redactions[name]] || g.Redactions[name] == "":
					add("%s: redaction %q: unknown mask %q (full, last4, ssn, email or none)", gw, name, g.Redactions[name])
				}
			}
			if d := g.DefaultRedaction; d != "" && d != flowPlainText && d != flowRedacted && g.Redactions[d] == "" {
				add("%s: default_redaction %q is not a redaction of the group", gw, d)
			}
		}
		tables := map[string]bool{}
		for ti, t := range v.Tables {
			tw := fmt.Sprintf("%s.tables[%d]", where, ti)
			checkName(add, tables, tw, "table", t.Name)
			cols := map[string]bool{}
			for ci, c := range t.Columns {
				cw := fmt.Sprintf("%s.columns[%d]", tw, ci)
				switch {
				case !namePattern.MatchString(c.Name):
					add("%s: invalid column name %q", cw, c.Name)
				case c.Name == "skyflowID" || c.Name == "skyflow_id":
					add("%s: %s is implicit and cannot be declared", cw, c.Name)
				case cols[c.Name]:
					add("%s: duplicate column %q", cw, c.Name)
				}
				cols[c.Name] = true
				seen := map[string]bool{}
				for _, g := range c.TokenGroups {
					if !groups[g] {
						add("%s: unknown token group %q", cw, g)
					}
					if seen[g] {
						add("%s: token group %q twice", cw, g)
					}
					seen[g] = true
				}
			}
		}
	}
	return errs
}

// groupRedaction resolves a redaction name of a token group to a masking
// style: "" for plain text, "redacted", or a mask. ok is false for a name
// the group does not offer.
func (g *TokenGroupConfig) groupRedaction(name string) (style string, ok bool) {
	switch name {
	case flowPlainText:
		return "", true
	case flowRedacted:
		return flowRedacted, true
	}
	style, ok = g.Redactions[name]
	return style, ok
}

// redactionNames lists what a group offers, for error messages.
func (g *TokenGroupConfig) redactionNames() []string {
	out := []string{flowPlainText, flowRedacted}
	for name := range g.Redactions {
		out = append(out, name)
	}
	sort.Strings(out[2:])
	return out
}

// defaultStyle is the masking style of the group's default redaction.
func (g *TokenGroupConfig) defaultStyle() string {
	if g.DefaultRedaction == "" {
		return ""
	}
	style, _ := g.groupRedaction(g.DefaultRedaction)
	return style
}
