package query

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	s, err := Parse("select a, \"b\" from t where (a = 'x''y' or b in (1, 2.5, TRUE, null)) and c = -3 limit 5 offset 2;")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Columns, []string{"a", "b"}) || s.Table != "t" || s.Limit != 5 || s.Offset != 2 {
		t.Fatalf("unexpected parse: %+v", s)
	}
	want := `(("a" = 'x''y' OR "b" IN (1, 2.5, true, NULL)) AND "c" = -3)`
	if got := s.Where.String(); got != want {
		t.Fatalf("where = %s, want %s", got, want)
	}
	row := map[string]any{"a": "x'y", "c": -3.0}
	get := func(col string) (any, bool) { v, ok := row[col]; return v, ok }
	if !s.Where.Eval(get) {
		t.Error("row should match")
	}
	row["c"] = "-3"
	if !s.Where.Eval(get) {
		t.Error("numbers compare numerically with numeric strings")
	}
	row["a"] = "x"
	if s.Where.Eval(get) {
		t.Error("row should not match")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ sql, want string }{
		{"", "expected SELECT"},
		{"UPDATE t SET a = 1", "only SELECT"},
		{"SELECT FROM t", "expected a column name"},
		{"SELECT * t", "expected FROM"},
		{"SELECT * FROM", "expected a table name"},
		{"SELECT * FROM t WHERE", "expected a column name"},
		{"SELECT * FROM t WHERE a", "expected = or IN"},
		{"SELECT * FROM t WHERE a = ", "expected a value"},
		{"SELECT * FROM t WHERE a != 1", "not supported"},
		{"SELECT * FROM t WHERE a IN ()", "expected a value"},
		{"SELECT * FROM t WHERE a IN (1", "expected \",\""},
		{"SELECT * FROM t WHERE (a = 1", "expected \")\""},
		{"SELECT * FROM t LIMIT -1", "non-negative"},
		{"SELECT * FROM t LIMIT x", "non-negative"},
		{"SELECT * FROM t OFFSET 1 LIMIT 1", "out of place"},
		{"SELECT * FROM t; SELECT 1", "unexpected"},
		{"SELECT count(a) FROM t", "functions"},
		{"SELECT * FROM t -- x", "comments"},
		{"SELECT * FROM t WHERE a = 'x", "unterminated"},
		{"SELECT * FROM t WHERE NOT a = 1", "NOT is not supported"},
		{"SELECT * FROM \"t", "unterminated"},
		{"SELECT * FROM t WHERE a = 1.2.3", "invalid number"},
		{"SELECT * FROM select", "keyword SELECT"},
		{"SELECT * FROM t WHERE a = \xff", "UTF-8"},
		{"SELECT * FROM t WHERE " + strings.Repeat("(", 100) + "a = 1" + strings.Repeat(")", 100), "nested deeper"},
	} {
		_, err := Parse(tc.sql)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: want a *Error, got %v", tc.sql, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %q does not contain %q", tc.sql, err, tc.want)
		}
	}
}

// FuzzQueryParser checks that Parse never panics, that every failure is a
// *Error with a position inside the query, and that a parsed statement
// renders to SQL that parses back to the same statement.
func FuzzQueryParser(f *testing.F) {
	for _, seed := range []string{
		"SELECT * FROM persons WHERE skyflow_id='id-1'",
		"select a,b from t where a in ('x','y') or (b = 1 and c = 'z') limit 3 offset 1",
		"SELECT * FROM t WHERE a = 'it''s'",
		"SELECT \"select\" FROM `t` WHERE `a` = -1.5e3;",
		"DELETE FROM t",
		"SELECT * FROM t WHERE ((((a = 1))))",
		"",
		"'",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		s, err := Parse(sql)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if pe.Pos < 0 || pe.Pos > len(sql) {
				t.Fatalf("position %d outside the query of %d bytes", pe.Pos, len(sql))
			}
			return
		}
		again, err := Parse(s.String())
		if err != nil {
			t.Fatalf("rendered %q does not parse: %v", s.String(), err)
		}
		if again.String() != s.String() {
			t.Fatalf("round trip changed %q into %q", s.String(), again.String())
		}
	})
}
