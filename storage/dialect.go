package storage

// dialect holds what cannot be written once for both engines. Everything else is portable SQL.
type dialect interface {
	name() string
	// tableExistsSQL counts the tables of the current schema named by its one argument.
	tableExistsSQL() string
	// lockMigrations serialises concurrent migrators inside their transaction.
	lockMigrationsSQL() string
}

type sqliteDialect struct{}

func (sqliteDialect) name() string { return SQLite }

func (sqliteDialect) tableExistsSQL() string {
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
}

// SQLite has no advisory locks; the writer's BEGIN IMMEDIATE already serialises migrators.
func (sqliteDialect) lockMigrationsSQL() string { return "" }

type postgresDialect struct{}

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
