package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/guildhall/guildhall/storage/storagetest"
)

// typeEquivalences are the declared-type pairs (SQLite type, PostgreSQL data_type) that mean the
// same here. Anything else is a drift between the two migration sets.
var typeEquivalences = map[[2]string]string{
	{"TEXT", "text"}:             "",
	{"BIGINT", "bigint"}:         "",
	{"INTEGER", "integer"}:       "",
	{"INTEGER", "boolean"}:       "SQLite has no boolean: 0/1 in an INTEGER column",
	{"REAL", "double precision"}: "SQLite's REAL is an 8-byte IEEE float",
}

// engineOnly are tables and columns one engine has by design: full-text search is FTS5 tables
// in SQLite and a tsvector column in PostgreSQL (one Search method hides the difference).
var engineOnly = map[string]string{
	"sqlite:statuses_fts":         "FTS5 virtual table",
	"sqlite:statuses_fts_config":  "FTS5 shadow table",
	"sqlite:statuses_fts_data":    "FTS5 shadow table",
	"sqlite:statuses_fts_docsize": "FTS5 shadow table",
	"sqlite:statuses_fts_idx":     "FTS5 shadow table",
	"sqlite:status_search":        "maps FTS5 rowids to status ids",
	"postgres:statuses.search":    "tsvector for full-text search",
}

// TestSchemasMatch migrates a real SQLite and a real PostgreSQL database and compares what each
// engine reports: the same tables, the same column names, and types that differ only as
// typeEquivalences allows. It catches a migration written for one engine and forgotten (or
// written differently) for the other.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	lite, err := sqliteColumns(ctx, storagetest.OpenSQLite(t).DB())
	if err != nil {
		t.Fatal(err)
	}
	pg, err := postgresColumns(ctx, storagetest.OpenPostgres(t).DB())
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || len(pg) == 0 {
		t.Fatalf("introspection found %d SQLite and %d PostgreSQL columns", len(lite), len(pg))
	}
	for _, p := range schemaDifferences(lite, pg) {
		t.Error(p)
	}
}

// TestSchemaComparisonCatchesDrift shows the comparison is not blind.
func TestSchemaComparisonCatchesDrift(t *testing.T) {
	lite := []column{{"users", "id", "TEXT"}, {"users", "admin", "INTEGER"}, {"users", "note", "TEXT"}, {"only_lite", "x", "TEXT"}}
	pg := []column{{"users", "id", "text"}, {"users", "admin", "boolean"}, {"users", "note", "jsonb"}, {"users", "extra", "text"}}
	got := schemaDifferences(lite, pg)
	want := []string{
		"users.note: SQLite TEXT vs PostgreSQL jsonb is not a known equivalence",
		"table only_lite exists in SQLite only",
		"column users.extra exists in PostgreSQL only",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("differences:\n got %q\nwant %q", got, want)
	}
}

// schemaDifferences lists every table, column and type that does not match, SQLite's first.
func schemaDifferences(lite, pg []column) []string {
	index := func(cols []column) (tables map[string]bool, types map[string]string) {
		tables, types = map[string]bool{}, map[string]string{}
		for _, c := range cols {
			tables[c.table] = true
			types[c.table+"."+c.name] = c.typ
		}
		return tables, types
	}
	lt, lc := index(lite)
	pt, pc := index(pg)
	var out []string
	seen := map[string]bool{}
	for _, c := range lite {
		key := c.table + "." + c.name
		switch {
		case engineOnly["sqlite:"+c.table] != "" || engineOnly["sqlite:"+key] != "":
		case !pt[c.table]:
			if !seen[c.table] {
				out = append(out, "table "+c.table+" exists in SQLite only")
				seen[c.table] = true
			}
		case pc[key] == "":
			out = append(out, "column "+key+" exists in SQLite only")
		default:
			if _, ok := typeEquivalences[[2]string{c.typ, pc[key]}]; !ok {
				out = append(out, fmt.Sprintf("%s: SQLite %s vs PostgreSQL %s is not a known equivalence", key, c.typ, pc[key]))
			}
		}
	}
	for _, c := range pg {
		key := c.table + "." + c.name
		switch {
		case engineOnly["postgres:"+c.table] != "" || engineOnly["postgres:"+key] != "":
		case !lt[c.table]:
			if !seen[c.table] {
				out = append(out, "table "+c.table+" exists in PostgreSQL only")
				seen[c.table] = true
			}
		case lc[key] == "":
			out = append(out, "column "+key+" exists in PostgreSQL only")
		}
	}
	return out
}

// column is one column as an engine reports it after every migration.
type column struct{ table, name, typ string }

// sqliteColumns reads the schema from sqlite_master and pragma_table_info.
func sqliteColumns(ctx context.Context, db *sql.DB) ([]column, error) {
	rows, err := db.QueryContext(ctx, `SELECT m.name, p.name, upper(p.type)
		FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`)
	if err != nil {
		return nil, fmt.Errorf("read sqlite schema: %w", err)
	}
	return scanColumns(rows)
}

// postgresColumns reads the schema of the test's own schema from information_schema.
func postgresColumns(ctx context.Context, db *sql.DB) ([]column, error) {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("read postgres schema: %w", err)
	}
	return scanColumns(rows)
}

func scanColumns(rows *sql.Rows) ([]column, error) {
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.name, &c.typ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
