// Package storagetest gives other packages' tests real, migrated, throwaway stores: SQLite in a
// temporary directory always, and PostgreSQL when GUILDHALL_TEST_POSTGRES holds a server URL. Each
// PostgreSQL store lives in a fresh schema that is dropped when the test ends, so packages tested
// in parallel never see each other's rows.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/guildhall/guildhall/storage"
)

// EnvPostgres names the environment variable holding the PostgreSQL URL for tests.
const EnvPostgres = "GUILDHALL_TEST_POSTGRES"

// SkipPostgres is the reason PostgreSQL tests give when they are skipped.
const SkipPostgres = EnvPostgres + " not set: PostgreSQL storage tests skipped"

// Engine names an engine ("sqlite" or "postgres"), makes fresh empty databases of it (DSN) and
// opens fresh migrated stores (Open).
type Engine struct {
	Name string
	DSN  func(t testing.TB) string
	Open func(t testing.TB) *storage.Store
}

// Engines lists both engines; the PostgreSQL one skips the test when the variable is unset.
func Engines() []Engine {
	return []Engine{
		{Name: storage.SQLite, DSN: SQLiteDSN, Open: OpenSQLite},
		{Name: storage.Postgres, DSN: PostgresDSN, Open: OpenPostgres},
	}
}

// ForEach runs fn as a subtest per engine, each with a fresh migrated store.
func ForEach(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, e.Open(t))
		})
	}
}

// ForEachB is ForEach for benchmarks.
func ForEachB(b *testing.B, fn func(b *testing.B, s *storage.Store)) {
	b.Helper()
	for _, e := range Engines() {
		b.Run(e.Name, func(b *testing.B) {
			fn(b, e.Open(b))
		})
	}
}

// OpenSQLite returns a migrated store in a file under the test's temporary directory.
func OpenSQLite(t testing.TB) *storage.Store {
	t.Helper()
	return open(t, SQLiteDSN(t))
}

// OpenPostgres returns a migrated store in a fresh schema of the server named by
// GUILDHALL_TEST_POSTGRES, or skips the test when it is unset.
func OpenPostgres(t testing.TB) *storage.Store {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// SQLiteDSN names a database file, not yet created, in the test's temporary directory.
func SQLiteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "guildhall.db")
}

// PostgresDSN creates an empty schema, dropped when the test ends, and returns a URL whose
// search_path points at it. It skips the test when GUILDHALL_TEST_POSTGRES is unset.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := PostgresURL(t)
	admin, err := storage.Open(context.Background(), dsn, storage.Options{MaxConns: 2})
	if err != nil {
		t.Fatalf("storagetest: connect to PostgreSQL: %v", err)
	}
	schema := "t_" + randomHex(t)
	if _, err := admin.DB().Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("storagetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.DB().Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("storagetest: drop schema %s: %v", schema, err)
		}
	})
	return WithSchema(t, dsn, schema)
}

// PostgresURL returns the test server's URL, or skips the test when GUILDHALL_TEST_POSTGRES is
// unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		t.Skip(SkipPostgres)
	}
	return dsn
}

// WithSchema returns dsn with its search_path set to schema (lib/pq passes unknown URL
// parameters to the server as session settings).
func WithSchema(t testing.TB, dsn, schema string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("storagetest: parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), dsn, storage.Options{Migrate: true})
	if err != nil {
		t.Fatalf("storagetest: open %s: %v", dsn, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func randomHex(t testing.TB) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("storagetest: random: %v", err)
	}
	return hex.EncodeToString(b[:])
}
