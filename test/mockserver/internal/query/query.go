// Package query parses the subset of SQL that the Skyflow query endpoint
// accepts from SDK users:
//
//	SELECT * | col [, col ...] FROM table
//	  [WHERE cond] [LIMIT n] [OFFSET n] [;]
//
// where cond is built from col = literal, col IN (literal, ...), AND, OR and
// parentheses. Literals are single-quoted strings (” escapes a quote),
// numbers, TRUE, FALSE and NULL. Keywords are case-insensitive; identifiers
// may be double-quoted or back-quoted. Anything else is rejected with an
// error that names what was found and where; Parse never panics.
package query

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Select is a parsed SELECT statement.
type Select struct {
	// Columns are the selected columns; empty means every column (`*`).
	Columns []string
	// Table is the table of the FROM clause.
	Table string
	// Where is the condition, or nil when there is no WHERE clause.
	Where Expr
	// Limit is the LIMIT value, or -1 when absent.
	Limit int
	// Offset is the OFFSET value, or 0 when absent.
	Offset int
}

// String renders the statement as SQL that parses back to the same
// statement.
func (s *Select) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if len(s.Columns) == 0 {
		b.WriteString("*")
	} else {
		quoted := make([]string, len(s.Columns))
		for i, c := range s.Columns {
			quoted[i] = quoteIdent(c)
		}
		b.WriteString(strings.Join(quoted, ", "))
	}
	b.WriteString(" FROM " + quoteIdent(s.Table))
	if s.Where != nil {
		b.WriteString(" WHERE " + s.Where.String())
	}
	if s.Limit >= 0 {
		b.WriteString(" LIMIT " + strconv.Itoa(s.Limit))
	}
	if s.Offset > 0 {
		b.WriteString(" OFFSET " + strconv.Itoa(s.Offset))
	}
	return b.String()
}

// quoteIdent double-quotes an identifier (always valid, even for keywords).
func quoteIdent(s string) string { return "\"" + s + "\"" }

// Expr is a condition of a WHERE clause: an *And, *Or, *Eq or *In.
type Expr interface {
	// Eval reports whether a row matches; get returns a column's value and
	// whether the row has the column.
	Eval(get func(column string) (any, bool)) bool
	String() string
}

// And is true when both sides are.
type And struct {
	Left  Expr // Left is the first operand.
	Right Expr // Right is the second operand.
}

// Or is true when either side is.
type Or struct {
	Left  Expr // Left is the first operand.
	Right Expr // Right is the second operand.
}

// Eq is column = value.
type Eq struct {
	Column string  // Column is the compared column.
	Value  Literal // Value is the constant it must equal.
}

// In is column IN (values...).
type In struct {
	Column string    // Column is the compared column.
	Values []Literal // Values are the accepted constants.
}

// Literal is a constant of the query. Kind is "string", "number", "bool" or
// "null"; Text is its canonical text (the unquoted string, the number as
// written, "true"/"false", or "").
type Literal struct {
	Kind string // Kind is "string", "number", "bool" or "null".
	Text string // Text is the canonical text of the constant.
}

// Eval implements Expr.
func (e *And) Eval(get func(string) (any, bool)) bool { return e.Left.Eval(get) && e.Right.Eval(get) }

// Eval implements Expr.
func (e *Or) Eval(get func(string) (any, bool)) bool { return e.Left.Eval(get) || e.Right.Eval(get) }

// Eval implements Expr.
func (e *Eq) Eval(get func(string) (any, bool)) bool {
	v, ok := get(e.Column)
	return ok && e.Value.Matches(v)
}

// Eval implements Expr.
func (e *In) Eval(get func(string) (any, bool)) bool {
	v, ok := get(e.Column)
	if !ok {
		return false
	}
	for _, l := range e.Values {
		if l.Matches(v) {
			return true
		}
	}
	return false
}

// String renders the condition as SQL.
func (e *And) String() string { return "(" + e.Left.String() + " AND " + e.Right.String() + ")" }

// String renders the condition as SQL.
func (e *Or) String() string { return "(" + e.Left.String() + " OR " + e.Right.String() + ")" }

// String renders the condition as SQL.
func (e *Eq) String() string { return quoteIdent(e.Column) + " = " + e.Value.String() }

// String renders the condition as SQL.
func (e *In) String() string {
	parts := make([]string, len(e.Values))
	for i, v := range e.Values {
		parts[i] = v.String()
	}
	return quoteIdent(e.Column) + " IN (" + strings.Join(parts, ", ") + ")"
}

// String renders the literal as SQL.
func (l Literal) String() string {
	switch l.Kind {
	case "string":
		return "'" + strings.ReplaceAll(l.Text, "'", "''") + "'"
	case "null":
		return "NULL"
	}
	return l.Text
}

// Matches compares the literal with a stored JSON value (string, float64,
// bool, nil, or anything else by its text). Numbers compare numerically,
// NULL matches only a missing or null value, everything else compares by
// text.
func (l Literal) Matches(v any) bool {
	if l.Kind == "null" {
		return v == nil
	}
	if v == nil {
		return false
	}
	switch x := v.(type) {
	case string:
		if l.Kind == "number" {
			a, err1 := strconv.ParseFloat(x, 64)
			b, err2 := strconv.ParseFloat(l.Text, 64)
			return err1 == nil && err2 == nil && a == b
		}
		return x == l.Text
	case float64:
		b, err := strconv.ParseFloat(l.Text, 64)
		return err == nil && x == b
	case bool:
		return strconv.FormatBool(x) == strings.ToLower(l.Text)
	}
	return fmt.Sprint(v) == l.Text
}

// Error is a parse error: what went wrong and the byte offset in the query.
type Error struct {
	Pos int    // Pos is the byte offset of the problem in the query.
	Msg string // Msg says what is wrong.
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("invalid query at position %d: %s", e.Pos, e.Msg) }

// maxDepth bounds the nesting of parentheses so hostile input cannot exhaust
// the stack.
const maxDepth = 64

// maxLength bounds the size of a query.
const maxLength = 64 << 10

// Parse parses one SELECT statement.
func Parse(src string) (*Select, error) {
	if len(src) > maxLength {
		return nil, &Error{Pos: maxLength, Msg: fmt.Sprintf("query longer than %d bytes", maxLength)}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	return p.statement()
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tQuotedIdent
	tString
	tNumber
	tSymbol
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tString:
		return "string '" + t.text + "'"
	case tQuotedIdent:
		return "identifier \"" + t.text + "\""
	}
	return "\"" + t.text + "\""
}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return nil, &Error{Pos: i, Msg: "invalid UTF-8"}
		case unicode.IsSpace(r):
			i += size
		case r == '-' && strings.HasPrefix(src[i:], "--"):
			return nil, &Error{Pos: i, Msg: "comments are not supported"}
		case r == '\'':
			start := i
			i++
			var b strings.Builder
			closed := false
			for i < len(src) {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(src[i])
				i++
			}
			if !closed {
				return nil, &Error{Pos: start, Msg: "unterminated string literal"}
			}
			toks = append(toks, token{kind: tString, text: b.String(), pos: start})
		case r == '"' || r == '`':
			start := i
			end := strings.IndexRune(src[i+1:], r)
			if end < 0 {
				return nil, &Error{Pos: start, Msg: "unterminated quoted identifier"}
			}
			name := src[i+1 : i+1+end]
			if !validIdent(name) {
				return nil, &Error{Pos: start, Msg: fmt.Sprintf("invalid identifier %q", name)}
			}
			toks = append(toks, token{kind: tQuotedIdent, text: name, pos: start})
			i += end + 2
		case isIdentStart(r):
			start := i
			for i < len(src) {
				r2, s2 := utf8.DecodeRuneInString(src[i:])
				if !isIdentPart(r2) {
					break
				}
				i += s2
			}
			toks = append(toks, token{kind: tIdent, text: src[start:i], pos: start})
		case r >= '0' && r <= '9' || (r == '-' || r == '+' || r == '.') && i+1 < len(src) && (isDigit(src[i+1]) || src[i+1] == '.'):
			start := i
			i++
			for i < len(src) && (isDigit(src[i]) || src[i] == '.' || src[i] == 'e' || src[i] == 'E' ||
				((src[i] == '-' || src[i] == '+') && (src[i-1] == 'e' || src[i-1] == 'E'))) {
				i++
			}
			text := src[start:i]
			if _, err := strconv.ParseFloat(text, 64); err != nil {
				return nil, &Error{Pos: start, Msg: fmt.Sprintf("invalid number %q", text)}
			}
			toks = append(toks, token{kind: tNumber, text: text, pos: start})
		default:
			start := i
			switch r {
			case '*', ',', '(', ')', '=', ';':
				toks = append(toks, token{kind: tSymbol, text: string(r), pos: start})
				i++
			case '!', '<', '>':
				op := string(r)
				if i+1 < len(src) && (src[i+1] == '=' || src[i+1] == '>') {
					op = src[i : i+2]
				}
				return nil, &Error{Pos: start, Msg: fmt.Sprintf("operator %q is not supported (only =, IN, AND, OR)", op)}
			default:
				return nil, &Error{Pos: start, Msg: fmt.Sprintf("unexpected character %q", r)}
			}
		}
	}
	toks = append(toks, token{kind: tEOF, pos: len(src)})
	return toks, nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isIdentStart(r rune) bool { return r == '_' || r < utf8.RuneSelf && unicode.IsLetter(r) }

func isIdentPart(r rune) bool { return isIdentStart(r) || r >= '0' && r <= '9' }

func validIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if i == 0 && !isIdentStart(r) || !isIdentPart(r) {
			return false
		}
	}
	return true
}

// reserved words cannot be used as bare identifiers.
var reserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "IN": true,
	"LIMIT": true, "OFFSET": true, "NOT": true, "NULL": true, "TRUE": true, "FALSE": true,
	"ORDER": true, "GROUP": true, "BY": true, "JOIN": true, "UNION": true, "INSERT": true,
	"UPDATE": true, "DELETE": true, "LIKE": true, "BETWEEN": true, "IS": true, "HAVING": true,
	"AS": true, "DISTINCT": true,
}

type parser struct {
	toks  []token
	pos   int
	depth int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}

func (p *parser) expectKeyword(kw string) error {
	if !p.isKeyword(kw) {
		t := p.peek()
		return &Error{Pos: t.pos, Msg: fmt.Sprintf("expected %s, found %s", kw, t.describe())}
	}
	p.next()
	return nil
}

func (p *parser) isSymbol(s string) bool {
	t := p.peek()
	return t.kind == tSymbol && t.text == s
}

func (p *parser) expectSymbol(s string) error {
	if !p.isSymbol(s) {
		t := p.peek()
		return &Error{Pos: t.pos, Msg: fmt.Sprintf("expected %q, found %s", s, t.describe())}
	}
	p.next()
	return nil
}

func (p *parser) ident(what string) (string, error) {
	t := p.peek()
	switch t.kind {
	case tQuotedIdent:
		p.next()
		return t.text, nil
	case tIdent:
		if reserved[strings.ToUpper(t.text)] {
			return "", &Error{Pos: t.pos, Msg: fmt.Sprintf("expected %s, found keyword %s", what, strings.ToUpper(t.text))}
		}
		p.next()
		return t.text, nil
	}
	return "", &Error{Pos: t.pos, Msg: fmt.Sprintf("expected %s, found %s", what, t.describe())}
}

func (p *parser) statement() (*Select, error) {
	if !p.isKeyword("SELECT") {
		t := p.peek()
		if t.kind == tIdent {
			return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("only SELECT statements are supported, found %s", strings.ToUpper(t.text))}
		}
		return nil, &Error{Pos: t.pos, Msg: "expected SELECT, found " + t.describe()}
	}
	p.next()
	s := &Select{Limit: -1}
	if p.isSymbol("*") {
		p.next()
	} else {
		for {
			if p.isKeyword("DISTINCT") {
				return nil, &Error{Pos: p.peek().pos, Msg: "DISTINCT is not supported"}
			}
			col, err := p.ident("a column name or *")
			if err != nil {
				return nil, err
			}
			if p.isSymbol("(") {
				return nil, &Error{Pos: p.peek().pos, Msg: fmt.Sprintf("functions are not supported (%s)", col)}
			}
			s.Columns = append(s.Columns, col)
			if !p.isSymbol(",") {
				break
			}
			p.next()
		}
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	table, err := p.ident("a table name")
	if err != nil {
		return nil, err
	}
	s.Table = table
	if p.isSymbol(",") || p.isKeyword("JOIN") {
		return nil, &Error{Pos: p.peek().pos, Msg: "queries over several tables are not supported"}
	}
	if p.isKeyword("WHERE") {
		p.next()
		if s.Where, err = p.or(); err != nil {
			return nil, err
		}
	}
	for _, clause := range []string{"LIMIT", "OFFSET"} {
		if !p.isKeyword(clause) {
			continue
		}
		p.next()
		t := p.next()
		n, err := strconv.Atoi(t.text)
		if t.kind != tNumber || err != nil || n < 0 {
			return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("%s needs a non-negative integer, found %s", clause, t.describe())}
		}
		if clause == "LIMIT" {
			s.Limit = n
		} else {
			s.Offset = n
		}
	}
	if p.isSymbol(";") {
		p.next()
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tIdent {
			kw := strings.ToUpper(t.text)
			switch kw {
			case "ORDER", "GROUP", "HAVING", "UNION", "JOIN":
				return nil, &Error{Pos: t.pos, Msg: kw + " is not supported"}
			case "LIMIT", "OFFSET":
				return nil, &Error{Pos: t.pos, Msg: kw + " is out of place (write LIMIT before OFFSET, once each)"}
			}
		}
		return nil, &Error{Pos: t.pos, Msg: "unexpected " + t.describe()}
	}
	return s, nil
}

func (p *parser) or() (Expr, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("OR") {
		p.next()
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = &Or{Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) and() (Expr, error) {
	left, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("AND") {
		p.next()
		right, err := p.primary()
		if err != nil {
			return nil, err
		}
		left = &And{Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) primary() (Expr, error) {
	if p.isSymbol("(") {
		t := p.next()
		p.depth++
		if p.depth > maxDepth {
			return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("parentheses nested deeper than %d", maxDepth)}
		}
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expectSymbol(")"); err != nil {
			return nil, err
		}
		p.depth--
		return e, nil
	}
	if p.isKeyword("NOT") {
		return nil, &Error{Pos: p.peek().pos, Msg: "NOT is not supported"}
	}
	col, err := p.ident("a column name")
	if err != nil {
		return nil, err
	}
	switch {
	case p.isSymbol("="):
		p.next()
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		return &Eq{Column: col, Value: lit}, nil
	case p.isKeyword("IN"):
		p.next()
		if err := p.expectSymbol("("); err != nil {
			return nil, err
		}
		in := &In{Column: col}
		for {
			lit, err := p.literal()
			if err != nil {
				return nil, err
			}
			in.Values = append(in.Values, lit)
			if p.isSymbol(")") {
				p.next()
				return in, nil
			}
			if err := p.expectSymbol(","); err != nil {
				return nil, err
			}
		}
	}
	t := p.peek()
	if t.kind == tIdent {
		switch kw := strings.ToUpper(t.text); kw {
		case "LIKE", "BETWEEN", "IS", "NOT":
			return nil, &Error{Pos: t.pos, Msg: kw + " is not supported (only =, IN, AND, OR)"}
		}
	}
	return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("expected = or IN after %s, found %s", col, t.describe())}
}

func (p *parser) literal() (Literal, error) {
	t := p.peek()
	switch t.kind {
	case tString:
		p.next()
		return Literal{Kind: "string", Text: t.text}, nil
	case tNumber:
		p.next()
		return Literal{Kind: "number", Text: t.text}, nil
	case tIdent:
		switch strings.ToUpper(t.text) {
		case "TRUE", "FALSE":
			p.next()
			return Literal{Kind: "bool", Text: strings.ToLower(t.text)}, nil
		case "NULL":
			p.next()
			return Literal{Kind: "null"}, nil
		}
	}
	return Literal{}, &Error{Pos: t.pos, Msg: "expected a value (a 'quoted string' or a number), found " + t.describe()}
}
