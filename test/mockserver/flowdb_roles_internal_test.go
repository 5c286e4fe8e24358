package mockserver

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// A cap hides a Flow DB value as much as the v2 redaction of the same
// rank: plain text (and mask none, which keeps the value whole) becomes
// the full mask under MASKED; a group's own mask already is masked; under
// REDACTED everything is redacted. Without a cap, nothing changes.
func TestCapStyleRanksFlowDBStylesAsV2Redactions(t *testing.T) {
	for _, tc := range []struct{ style, cap, want string }{
		{"", "", ""},
		{"", "PLAIN_TEXT", ""},
		{"", "MASKED", "full"},
		{"none", "MASKED", "full"},
		{"last4", "MASKED", "last4"},
		{"email", "MASKED", "email"},
		{flowRedacted, "MASKED", flowRedacted},
		{"", "REDACTED", flowRedacted},
		{"last4", "REDACTED", flowRedacted},
		{"none", "", "none"},
	} {
		if got := capStyle(tc.style, tc.cap); got != tc.want {
			t.Errorf("capStyle(%q, %q) = %q, want %q", tc.style, tc.cap, got, tc.want)
		}
	}
}

// A token group belongs to the tables whose columns use it, each once and
// in table order.
func TestTablesOfGroupsOfTheDemoVault(t *testing.T) {
	got := tablesOfGroups(DemoFlowDBVault().Tables)
	want := map[string][]string{
		"deterministic_string":    {"customers"},
		"nondeterministic_string": {"customers"},
		"deterministic_email":     {"customers", "orders"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for g, tables := range want {
		if !slices.Equal(got[g], tables) {
			t.Errorf("group %s: got %v, want %v", g, got[g], tables)
		}
	}
}

// guardFor returns the guard of a request acting as a token with roles.
func guardFor(t *testing.T, roles []RoleConfig, tokenRoles ...string) (flowGuard, *flowVault) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Roles = roles
	s, err := New(WithConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx := context.WithValue(context.Background(), stateKey{}, &reqState{principal: &principal{subject: "static-token", roles: tokenRoles}})
	return flowGuard{s: s, ctx: ctx}, s.flowdbs[DemoFlowDBVaultID]
}

// Tokens of no record need the operation on every table of their group,
// and get the strictest cap of those tables; a group no table uses needs
// the operation on "*".
func TestFlowGuardOfATokenGroup(t *testing.T) {
	g, v := guardFor(t, []RoleConfig{{ID: "r", Tables: map[string]TablePermissions{
		"customers": {Operations: []string{permDetokenize}, MaxRedaction: "MASKED"},
		"orders":    {Operations: []string{permDetokenize}, MaxRedaction: "REDACTED"},
	}}}, "r")
	if e := g.refuseGroup(v, "deterministic_email", permDetokenize); e != nil {
		t.Fatalf("refused: %v", e.msg)
	}
	if c := g.groupCap(v, "deterministic_email"); c != "REDACTED" {
		t.Errorf("cap %q, want the strictest, REDACTED", c)
	}
	if c := g.groupCap(v, "deterministic_string"); c != "MASKED" {
		t.Errorf("cap %q, want MASKED", c)
	}
	e := g.refuseGroup(v, "deterministic_email", permDelete)
	if e == nil || e.code != 403 || !strings.Contains(e.msg, "customers") || !strings.Contains(e.msg, "deterministic_email") {
		t.Errorf("refusal %+v, want a 403 naming the table and the group", e)
	}
	v.groupTables = map[string][]string{}
	if e := g.refuseGroup(v, "deterministic_email", permDetokenize); e == nil || !strings.Contains(e.msg, `"*"`) {
		t.Errorf("refusal %+v, want a 403 saying a group of no table needs \"*\"", e)
	}
	if e := (flowGuard{}).refuseGroup(v, "deterministic_email", permDelete); e != nil {
		t.Errorf("the zero guard refused: %v", e.msg)
	}
}

// Roles may name the tables of Flow DB vaults, the demo one included; a
// table of no vault is still an error.
func TestRolesNameFlowDBTables(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Roles = []RoleConfig{{ID: "r", Tables: map[string]TablePermissions{"orders": {Operations: []string{permRead}}}}}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("orders of the demo Flow DB vault: %v", err)
	}
	cfg = Config{Roles: []RoleConfig{{ID: "r", Tables: map[string]TablePermissions{"customers": {Operations: []string{permRead}}}}}}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("customers of the demo Flow DB vault, no vault configured: %v", err)
	}
	cfg.Vaults = DefaultConfig().Vaults
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `no vault has a table "customers"`) {
		t.Fatalf("got %v, want customers refused: with vaults and no flowdb_vaults, no Flow DB vault is served", err)
	}
}
