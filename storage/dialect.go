package storage

import "strings"

// dialect holds what cannot be written once for both engines. Everything else is portable SQL.
type dialect interface {
	name() string
	// tableExistsSQL counts the tables of the current schema named by its one argument.
	tableExistsSQL() string
	// lockMigrations serialises concurrent migrators inside their transaction.
	lockMigrationsSQL() string
	searchStatuses(query string) (join, cond string, arg any)
	// skipLocked ends a SELECT that picks rows to claim, so that concurrent claimers pass over
	// each other's rows instead of waiting or double-claiming.
	skipLocked() string
	// analyzeSQL lists the statements that refresh the planner's statistics.
	analyzeSQL() []string
}

type sqliteDialect struct{}

func (sqliteDialect) name() string { return SQLite }

func (sqliteDialect) tableExistsSQL() string {
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
}

// SQLite has no advisory locks; the writer's BEGIN IMMEDIATE already serialises migrators.
func (sqliteDialect) lockMigrationsSQL() string { return "" }

// SQLite has one writer: a claim is already alone.
func (sqliteDialect) skipLocked() string { return "" }

type postgresDialect struct{}

func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }

func (postgresDialect) name() string { return Postgres }

func (postgresDialect) tableExistsSQL() string {
	return `SELECT COUNT(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name = ?`
}

// The lock key mixes in the schema so that migrations of different schemas (parallel test runs)
// do not wait for each other.
func (postgresDialect) lockMigrationsSQL() string {
	return `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.guildhall.migrations'))`
}

// searchStatuses returns the joins and condition that match statuses (aliased s) against a
// full-text query, and the query argument to bind: FTS5 in SQLite, tsvector in PostgreSQL.
func (sqliteDialect) searchStatuses(query string) (join, cond string, arg any) {
	return ` JOIN status_search x ON x.status_id = s.id JOIN statuses_fts f ON f.rowid = x.rowid`,
		`statuses_fts MATCH ?`, ftsQuery(query)
}

func (postgresDialect) searchStatuses(query string) (join, cond string, arg any) {
	return "", `s.search @@ plainto_tsquery('simple', ?)`, query
}

// ftsQuery quotes each word of a person's query so that FTS5 reads none of it as syntax; the
// words must all match.
func ftsQuery(q string) string {
	var b strings.Builder
	for _, w := range strings.Fields(q) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + strings.ReplaceAll(w, `"`, `""`) + `"`)
	}
	return b.String()
}

// analyzeSQL refreshes the planner's statistics.
//
// SQLite keeps only sqlite_stat1 (rows per index prefix): this build of SQLite has STAT4, whose
// samples make the planner look at the bound value of every parameter compared with an indexed
// column, and SQLite then throws away and re-prepares a statement each time such a parameter is
// bound again — every execution of a cached statement. Profiled on the home timeline over HTTP:
// re-preparing took ~27% of the CPU after a plain ANALYZE. Our queries are key lookups and key
// ranges, for which stat1 picks the same plans.
func (sqliteDialect) analyzeSQL() []string {
	return []string{`ANALYZE`, `DELETE FROM sqlite_stat4`, `ANALYZE sqlite_schema`}
}

func (postgresDialect) analyzeSQL() []string { return []string{`ANALYZE`} }
