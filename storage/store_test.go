package storage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func TestOpenRejectsUnknownDSN(t *testing.T) {
	for _, dsn := range []string{"", "mysql://x", "/tmp/x.db", "file:x.db"} {
		_, err := storage.Open(context.Background(), dsn, storage.Options{})
		if err == nil || !strings.Contains(err.Error(), "sqlite:PATH") {
			t.Errorf("Open(%q) = %v, want an error naming the accepted forms", dsn, err)
		}
	}
}

func TestOpenSQLiteCreatesDirAndMemory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a", "b", "g.db")
	s, err := storage.Open(ctx, "sqlite:"+path, storage.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Dialect() != storage.SQLite {
		t.Errorf("Dialect = %q", s.Dialect())
	}
	m, err := storage.Open(ctx, "sqlite::memory:", storage.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	must(t, m.SetSetting(ctx, "k", "v"))
	if v, err := m.Setting(ctx, "k"); err != nil || v != "v" {
		t.Fatalf("memory Setting = %q, %v", v, err)
	}
}

func TestMigrations(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := e.DSN(t)

			s, err := storage.Open(ctx, dsn, storage.Options{})
			must(t, err)
			defer s.Close()
			if v, err := s.SchemaVersion(ctx); err != nil || v != 0 {
				t.Fatalf("fresh SchemaVersion = %d, %v; want 0", v, err)
			}
			must(t, s.Migrate(ctx))
			v, err := s.SchemaVersion(ctx)
			must(t, err)
			if v != s.LatestVersion() || v < 1 {
				t.Fatalf("SchemaVersion = %d, LatestVersion = %d", v, s.LatestVersion())
			}
			must(t, s.Migrate(ctx)) // again: a no-op
			must(t, s.Ping(ctx))

			// A schema that a newer binary migrated is refused, by Migrate and by Open.
			if _, err := s.DB().ExecContext(ctx,
				`INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`); err != nil {
				t.Fatal(err)
			}
			want := "database schema version 999 is newer than this binary"
			if err := s.Migrate(ctx); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Migrate on newer schema = %v, want %q", err, want)
			}
			if s2, err := storage.Open(ctx, dsn, storage.Options{}); err == nil {
				s2.Close()
				t.Errorf("Open on newer schema succeeded")
			} else if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "upgrade guildhall") {
				t.Errorf("Open on newer schema = %v, want %q", err, want)
			}
		})
	}
}

// TestConcurrentMigrate starts several migrators on one empty database at once: the advisory
// lock (PostgreSQL) or the single writer (SQLite) must let exactly one apply each step.
func TestConcurrentMigrate(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := e.DSN(t)
			const n = 3
			errs := make(chan error, n)
			for range n {
				go func() {
					s, err := storage.Open(ctx, dsn, storage.Options{Migrate: true})
					if err == nil {
						s.Close()
					}
					errs <- err
				}()
			}
			for range n {
				if err := <-errs; err != nil {
					t.Error(err)
				}
			}
		})
	}
}
