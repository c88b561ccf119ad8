package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The migrations ship inside the binary, one directory per engine, numbered alike
// (0001_init.sql, 0002_search.sql...): a number means the same schema in both.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migration is one numbered step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the ordered steps for a dialect.
func migrations(dialect string) ([]migration, error) {
	dir := "migrations/" + dialect
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("storage: read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("storage: migration %s/%s: name must start with a number and _", dir, e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("storage: read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("storage: migrations of %s skip from %d to %d", dialect, i, m.version)
		}
	}
	return out, nil
}

// LatestVersion is the schema version this binary brings its database to.
func (s *Store) LatestVersion() int {
	ms, err := migrations(s.dialect.name())
	if err != nil {
		return 0
	}
	return len(ms)
}

// SchemaVersion returns the version the database is at: 0 for an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var n int
	if err := s.get(ctx, &n, s.dialect.tableExistsSQL(), "schema_migrations"); err != nil {
		return 0, fmt.Errorf("storage: schema version: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v int
	if err := s.get(ctx, &v, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`); err != nil {
		return 0, fmt.Errorf("storage: schema version: %w", err)
	}
	return v, nil
}

// checkVersion refuses a database that a newer binary has migrated: running old code on a newer
// schema would corrupt it.
func (s *Store) checkVersion(ctx context.Context) error {
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	return s.tooNew(v)
}

func (s *Store) tooNew(v int) error {
	if latest := s.LatestVersion(); v > latest {
		return fmt.Errorf("storage: database schema version %d is newer than this binary (%d); upgrade guildhall", v, latest)
	}
	return nil
}

// Migrate brings the schema up to date. Each migration runs in its own transaction together with
// its row in schema_migrations, so a failure leaves the database at the last good version. On
// PostgreSQL an advisory lock taken in each transaction lets several processes start at once:
// the first applies a step, the others then see it applied.
func (s *Store) Migrate(ctx context.Context) error {
	steps, err := migrations(s.dialect.name())
	if err != nil {
		return err
	}
	for {
		done := false
		err := s.InTx(ctx, func(ctx context.Context) error {
			if lock := s.dialect.lockMigrationsSQL(); lock != "" {
				if _, err := s.exec(ctx, lock); err != nil {
					return fmt.Errorf("lock: %w", err)
				}
			}
			if _, err := s.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    INTEGER PRIMARY KEY,
				applied_at BIGINT NOT NULL)`); err != nil {
				return fmt.Errorf("create schema_migrations: %w", err)
			}
			v, err := s.SchemaVersion(ctx)
			if err != nil {
				return err
			}
			if err := s.tooNew(v); err != nil {
				return err
			}
			if v == len(steps) {
				done = true
				return nil
			}
			m := steps[v]
			// Raw, not rebound: a migration is a script of several statements without parameters.
			if _, err := s.w(ctx).ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply %s: %w", m.name, err)
			}
			if _, err := s.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				m.version, time.Now().UnixMilli()); err != nil {
				return fmt.Errorf("record %s: %w", m.name, err)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("storage: migrate %s: %w", s.dialect.name(), err)
		}
		if done {
			return nil
		}
	}
}
