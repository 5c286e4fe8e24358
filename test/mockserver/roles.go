package mockserver

import (
	"context"
	"slices"
	"strings"
)

// Operations of TablePermissions.
const (
	permRead       = "read"
	permInsert     = "insert"
	permUpdate     = "update"
	permDelete     = "delete"
	permDetokenize = "detokenize"
	permTokenize   = "tokenize"
	permQuery      = "query"
	permFiles      = "files"
)

var roleOperations = map[string]bool{permRead: true, permInsert: true, permUpdate: true, permDelete: true,
	permDetokenize: true, permTokenize: true, permQuery: true, permFiles: true}

// redactionLevel orders redactions from the most to the least revealing.
var redactionLevel = map[string]int{"": 0, "PLAIN_TEXT": 0, "MASKED": 1, "REDACTED": 2}

// grants is what a request may do: nil means everything.
type grants struct {
	roles  []string
	tables map[string]tableGrant // table name or "*"
}

type tableGrant struct {
	ops map[string]bool
	cap string // max redaction: "" or PLAIN_TEXT means none
}

// grantsOf computes the rights of a principal from the configured roles.
func (s *Server) grantsOf(p *principal) *grants {
	if p == nil || p.apiKey || len(s.cfg.Roles) == 0 {
		return nil
	}
	roles := p.roles
	if len(roles) == 0 {
		// An unscoped token acts with every role of its service account.
		for _, sa := range s.auth.accounts {
			if sa.cfg.ClientID == p.subject {
				roles = sa.cfg.Roles
			}
		}
	}
	if len(roles) == 0 {
		return nil
	}
	g := &grants{roles: roles, tables: map[string]tableGrant{}}
	for _, id := range roles {
		i := slices.IndexFunc(s.cfg.Roles, func(r RoleConfig) bool { return r.ID == id })
		if i < 0 {
			return nil // a role the configuration does not limit
		}
		for table, perm := range s.cfg.Roles[i].Tables {
			tg := tableGrant{ops: map[string]bool{}, cap: perm.MaxRedaction}
			for _, op := range perm.Operations {
				tg.ops[op] = true
			}
			if prev, seen := g.tables[table]; seen {
				tg = prev.union(tg)
			}
			g.tables[table] = tg
		}
	}
	return g
}

// reveals reports whether a grant lets values be seen, so that its cap
// matters.
func (tg tableGrant) reveals() bool {
	return tg.ops[permRead] || tg.ops[permDetokenize] || tg.ops[permQuery]
}

// union is what two grants allow together: every operation of either, and
// the more revealing cap of those that let values be seen.
func (tg tableGrant) union(o tableGrant) tableGrant {
	out := tableGrant{ops: map[string]bool{}}
	for op := range tg.ops {
		out.ops[op] = true
	}
	for op := range o.ops {
		out.ops[op] = true
	}
	switch {
	case !o.reveals():
		out.cap = tg.cap
	case !tg.reveals():
		out.cap = o.cap
	case redactionLevel[o.cap] < redactionLevel[tg.cap]:
		out.cap = o.cap
	default:
		out.cap = tg.cap
	}
	return out
}

// requestGrants returns the rights of the request ctx belongs to (nil:
// everything), computed once per request.
func (s *Server) requestGrants(ctx context.Context) *grants {
	st := stateFrom(ctx)
	if st == nil {
		return nil
	}
	if !st.grantsDone {
		st.grants, st.grantsDone = s.grantsOf(st.principal), true
	}
	return st.grants
}

// table returns the grant of a table: its own joined with "*".
func (g *grants) table(name string) (tableGrant, bool) {
	own, ok1 := g.tables[name]
	all, ok2 := g.tables["*"]
	switch {
	case !ok1:
		return all, ok2
	case !ok2:
		return own, true
	}
	return own.union(all), true
}

// allows reports whether the request may do op on table ("*": what
// only a grant on every table allows).
func (s *Server) allows(ctx context.Context, table, op string) bool {
	g := s.requestGrants(ctx)
	if g == nil {
		return true
	}
	tg, ok := g.table(table)
	return ok && tg.ops[op]
}

// roleNames lists the roles of the request, for error messages.
func (s *Server) roleNames(ctx context.Context) string {
	if g := s.requestGrants(ctx); g != nil {
		return strings.Join(g.roles, ", ")
	}
	return ""
}

// permit returns a 403 unless the request may do op on table.
func (s *Server) permit(ctx context.Context, table, op string) error {
	if s.allows(ctx, table, op) {
		return nil
	}
	return forbidden("the token's roles (%s) may not %s table %s", s.roleNames(ctx), op, table)
}

// permitWrite checks an insert (and, with upsert, the update it may be:
// whether the row exists or not, so that a refusal does not tell).
func (s *Server) permitWrite(ctx context.Context, table string, upsert bool) error {
	if err := s.permit(ctx, table, permInsert); err != nil {
		return err
	}
	if upsert {
		return s.permit(ctx, table, permUpdate)
	}
	return nil
}

// redactionCap returns the most revealing redaction the request may see
// of a table ("" when not capped).
func (s *Server) redactionCap(ctx context.Context, table string) string {
	g := s.requestGrants(ctx)
	if g == nil {
		return ""
	}
	tg, _ := g.table(table)
	if redactionLevel[tg.cap] == 0 {
		return ""
	}
	return tg.cap
}

// strictestCap returns the least revealing of the caps of tables ("" when
// none is capped).
func (s *Server) strictestCap(ctx context.Context, tables []string) string {
	out := ""
	for _, t := range tables {
		if c := s.redactionCap(ctx, t); redactionLevel[c] > redactionLevel[out] {
			out = c
		}
	}
	return out
}

// capMode returns the less revealing of a redaction (PLAIN_TEXT, MASKED or
// REDACTED) and a cap.
func capMode(mode, cap string) string {
	if redactionLevel[cap] > redactionLevel[mode] {
		return cap
	}
	return mode
}

// capRedaction applies a cap to the redaction a column would get.
func capRedaction(c *column, mode, cap string) string {
	return capMode(effectiveRedaction(c, mode), cap)
}
