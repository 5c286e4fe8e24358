package mockserver

import (
	"context"
	"net/http"
)

// Roles on Flow DB vaults: the operations of a role (roles.go) apply per
// table as on v2 vaults. A call that names its table once, for the whole
// request, and may not do the operation there is refused as a whole (403,
// the error body); elements that carry their own table (records of a
// multi-table insert, update or get, tokens, tokenized values) fail one by
// one inside the 200 answer, with httpCode 403, while the others are
// served.
//
// A token group belongs to the tables with a column tokenized into it.
// Tokens made by tokenize belong to no record: what is done with them (and
// tokenize itself) needs the operation on every table of their group, as
// v2 tokenize needs it on every table of a column group, and on "*" for a
// group no table uses.

// flowCapMask is the masking style of a value that a MASKED cap hides: the
// plain value, or a redaction that keeps it whole (mask none), becomes
// every letter and digit masked. A group's own masks, when asked for, are
// already masked and stay as they are.
const flowCapMask = "full"

// styleMode ranks a Flow DB masking style as the v2 redactions do.
func styleMode(style string) string {
	switch style {
	case "", "none":
		return "PLAIN_TEXT"
	case flowRedacted:
		return "REDACTED"
	}
	return "MASKED"
}

// capStyle applies a redaction cap (PLAIN_TEXT, MASKED, REDACTED or "") to
// the masking style a Flow DB value would get.
func capStyle(style, cap string) string {
	mode := styleMode(style)
	switch capMode(mode, cap) {
	case mode:
		return style
	case "REDACTED":
		return flowRedacted
	}
	return flowCapMask
}

// flowGuard applies the roles of a request to a Flow DB call. The zero
// value allows everything.
type flowGuard struct {
	s   *Server
	ctx context.Context
}

func (a *flowdbAPI) guard(ctx context.Context) flowGuard { return flowGuard{s: a.s, ctx: ctx} }

func (g flowGuard) allows(table, op string) bool {
	return g.s == nil || g.s.allows(g.ctx, table, op)
}

// permit is the refusal of a whole request that may not do op on table
// (a 403 with the error body), or nil.
func (g flowGuard) permit(table, op string) error {
	if g.s == nil {
		return nil
	}
	return g.s.permit(g.ctx, table, op)
}

// permitWrite is permit for an insert (with upsert, update too).
func (g flowGuard) permitWrite(table string, upsert bool) error {
	if g.s == nil {
		return nil
	}
	return g.s.permitWrite(g.ctx, table, upsert)
}

// refuse is the failure of an element that may not do op on table, or nil.
func (g flowGuard) refuse(table, op string) *elemError {
	return elementOf(g.permit(table, op))
}

// refuseWrite is refuse for the insert of a record (with upsert, update
// too).
func (g flowGuard) refuseWrite(table string, upsert bool) *elemError {
	return elementOf(g.permitWrite(table, upsert))
}

// refuseGroup is the failure of an element that may not do op with a
// token of a token group (or tokenize into it): op is needed on every
// table of the group, on "*" for a group no table uses.
func (g flowGuard) refuseGroup(v *flowVault, group, op string) *elemError {
	tables := v.groupTables[group]
	if len(tables) == 0 {
		if g.allows("*", op) {
			return nil
		}
		return elemErr(http.StatusForbidden, "the token's roles (%s) may not %s in token group %s, which no table uses (that needs the operation on \"*\")",
			g.s.roleNames(g.ctx), op, group)
	}
	for _, t := range tables {
		if !g.allows(t, op) {
			return elemErr(http.StatusForbidden, "the token's roles (%s) may not %s table %s, whose columns use token group %s",
				g.s.roleNames(g.ctx), op, t, group)
		}
	}
	return nil
}

// cap is the redaction cap of a table ("" when none).
func (g flowGuard) cap(table string) string {
	if g.s == nil {
		return ""
	}
	return g.s.redactionCap(g.ctx, table)
}

// groupCap is the strictest cap of the tables of a token group ("*" for a
// group no table uses).
func (g flowGuard) groupCap(v *flowVault, group string) string {
	if g.s == nil {
		return ""
	}
	tables := v.groupTables[group]
	if len(tables) == 0 {
		tables = []string{"*"}
	}
	return g.s.strictestCap(g.ctx, tables)
}

// elementOf turns the error of a refused request into the failure of one
// element.
func elementOf(err error) *elemError {
	if err == nil {
		return nil
	}
	e := asAPIError(err)
	return &elemError{code: e.status, msg: e.message}
}

// tablesOfGroups maps each token group to the tables with a column
// tokenized into it, in table order.
func tablesOfGroups(tables []FlowDBTableConfig) map[string][]string {
	out := map[string][]string{}
	for _, t := range tables {
		for _, c := range t.Columns {
			for _, grp := range c.TokenGroups {
				if list := out[grp]; len(list) == 0 || list[len(list)-1] != t.Name {
					out[grp] = append(list, t.Name)
				}
			}
		}
	}
	return out
}
