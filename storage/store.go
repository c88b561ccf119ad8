// Package storage keeps Guildhall's data in SQLite (embedded, the default) or PostgreSQL, and
// satisfies the storage interfaces that package activitypub declares.
//
// It is SQL and nothing else: sqlx over modernc.org/sqlite and lib/pq, one file per resource, `?`
// placeholders rebound for PostgreSQL, the few engine-specific statements kept in dialect.go.
//
// Tables (see migrations/*/0001_init.sql): actors, actor_keys, users, sessions, settings,
// rate_limits, follows, blocks, mutes, statuses, mentions, tags, status_tags, media_attachments,
// status_edits, favourites, bookmarks, pins, conversation_mutes, home_timeline, notifications,
// outbox, deliveries, seen_activities, tombstones, oauth_apps, oauth_codes, oauth_tokens, and,
// for interfaces still to come, idempotency_keys, lists, list_members, markers, filters,
// filter_keywords, polls, poll_votes, reports, domain_policies, group_roles and votes.
// 0002_search adds the full-text index (FTS5 in SQLite, tsvector + GIN in PostgreSQL).
package storage

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // registers driver "postgres"
	_ "modernc.org/sqlite" // registers driver "sqlite"

	"github.com/guildhall/guildhall/activitypub"
)

// Dialects, as returned by Store.Dialect.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Options tune Open.
type Options struct {
	// Migrate applies pending migrations before Open returns.
	Migrate bool
	// MaxConns caps the PostgreSQL pool and the SQLite reader pool; 0 picks a default.
	MaxConns int
}

// Store is Guildhall's database. It is safe for concurrent use.
type Store struct {
	dialect dialect
	// writer runs every transaction and every write outside one. For SQLite it holds a single
	// connection, because SQLite allows one writer at a time and queueing in Go beats
	// SQLITE_BUSY; for PostgreSQL it is the only pool and reader is the same pool.
	writer *sqlx.DB
	reader *sqlx.DB

	rebound sync.Map // query text → query rebound for the dialect

	// wcache and rcache hold the prepared statements of writer and reader (one cache when they
	// are the same pool).
	wcache, rcache *stmtCache

	// batch queues InBatchTx callers for group commit; nil (PostgreSQL) runs them as InTx.
	batch *groupCommit

	// dsn and channel are PostgreSQL's: the URL a Bus listens with and the NOTIFY channel of
	// this schema (notify.go). Empty for SQLite.
	dsn, channel string

	// statements counts what the get/sel/exec family ran (Statements).
	statements atomic.Int64
}

// Statements reports how many SQL statements the store's methods have run since Open (not
// counting BEGIN, COMMIT and savepoints), for the metrics and for benchmarks and tests that
// hold a use case to a number of queries.
func (s *Store) Statements() int64 { return s.statements.Load() }

// withCaches gives s its statement caches once its pools are set.
func (s *Store) withCaches() *Store {
	s.wcache = newStmtCache(s.writer)
	s.rcache = s.wcache
	if s.reader != s.writer {
		s.rcache = newStmtCache(s.reader)
	}
	return s
}

// Open connects to the database named by dsn: "sqlite:PATH" (the parent directory is created;
// "sqlite::memory:" for a throwaway database) or "postgres://..." / "postgresql://...".
// It fails when the database's schema is newer than this binary knows.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	var (
		s   *Store
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		s, err = openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"), opts)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err = openPostgres(ctx, dsn, opts)
	default:
		return nil, fmt.Errorf("storage: open: unsupported database %q (use sqlite:PATH, sqlite::memory: or a postgres:// URL)", redact(dsn))
	}
	if err != nil {
		return nil, err
	}
	if opts.Migrate {
		err = s.Migrate(ctx)
	} else {
		err = s.checkVersion(ctx)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("storage: open: empty SQLite path: use sqlite:PATH")
	}
	// The pragmas go in the DSN so that every pooled connection gets them, not just the first.
	// _txlock=immediate takes the write lock at BEGIN, so a transaction that reads and then
	// writes never fails to upgrade its lock when another process writes too.
	// cache_size: 16 MB of page cache per connection (SQLite's default is 2 MB) keeps the hot
	// index pages of timelines of a million statuses in memory; temp_store keeps sorter spills
	// of unions and ORDER BYs off the disk.
	const common = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-16000)&_pragma=temp_store(MEMORY)"
	memory := path == ":memory:"
	var writerDSN, readerDSN string
	if memory {
		writerDSN = "file::memory:?" + common + "&_txlock=immediate"
	} else {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("storage: open: create directory for %s: %w", path, err)
		}
		u := "file:" + filepath.ToSlash(path) + "?"
		writerDSN = u + common + "&_pragma=journal_mode(WAL)&_txlock=immediate"
		readerDSN = u + common + "&_pragma=query_only(1)"
	}
	w, err := sqlx.Open("sqlite", writerDSN)
	if err != nil {
		return nil, fmt.Errorf("storage: open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0) // an in-memory database lives as long as its one connection
	w.SetConnMaxIdleTime(0)
	// The writer connects first so that WAL mode is set before any reader opens the file.
	if err := pingSQLite(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("storage: open sqlite %s: %w", path, err)
	}
	s := &Store{dialect: sqliteDialect{}, writer: w, reader: w, batch: &groupCommit{}}
	if memory {
		return s.withCaches(), nil // another connection would see another, empty, database
	}
	r, err := sqlx.Open("sqlite", readerDSN)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("storage: open sqlite reader %s: %w", path, err)
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	s.reader = r
	return s.withCaches(), nil
}

// pingSQLite connects, retrying while another process holds the lock: switching a new file to
// WAL needs an exclusive lock and SQLite reports SQLITE_BUSY for it without waiting.
func pingSQLite(ctx context.Context, db *sqlx.DB) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := db.PingContext(ctx)
		if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func openPostgres(ctx context.Context, dsn string, opts Options) (*Store, error) {
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: open postgres: %w", err)
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 20
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n / 2)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: open postgres %s: %w", redact(dsn), err)
	}
	s := (&Store{dialect: postgresDialect{}, writer: db, reader: db, dsn: dsn}).withCaches()
	if s.channel, err = busChannel(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: open postgres %s: %w", redact(dsn), err)
	}
	return s, nil
}

// redact hides a password in a URL-shaped DSN before it goes into an error message.
func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return dsn[:scheme+3] + userinfo[:i] + ":xxxxx" + dsn[at:]
	}
	return dsn
}

// Close closes every connection.
func (s *Store) Close() error {
	s.wcache.close()
	s.rcache.close()
	err := s.writer.Close()
	if s.reader != s.writer {
		if rerr := s.reader.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Ping checks that the database answers, for health checks.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("storage: ping: %w", err)
	}
	return nil
}

// Analyze refreshes the query planner's statistics; run it after bulk changes and now and then
// (as autovacuum does for PostgreSQL). See analyzeSQL for what SQLite keeps.
func (s *Store) Analyze(ctx context.Context) error {
	for _, q := range s.dialect.analyzeSQL() {
		if _, err := s.writer.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("storage: analyze: %w", err)
		}
	}
	return nil
}

// Dialect names the engine: SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect.name() }

// Stats reports the connection pools' statistics for metrics: the writer's and the reader's
// (the same pool for PostgreSQL).
func (s *Store) Stats() (writer, reader sql.DBStats) {
	return s.writer.Stats(), s.reader.Stats()
}

// DB exposes the writer pool, for metrics and one-off administration; the store's methods are the
// way to change data.
func (s *Store) DB() *sql.DB { return s.writer.DB }

// bind rewrites ? placeholders for the dialect, once per distinct query text.
func (s *Store) bind(query string) string {
	if s.dialect.name() == SQLite {
		return query
	}
	if q, ok := s.rebound.Load(query); ok {
		return q.(string)
	}
	q := s.writer.Rebind(query)
	s.rebound.Store(query, q)
	return q
}

// get, sel and exec run one statement on the transaction in ctx, or else on the reader (get,
// sel) or the writer (exec, getW, selW), through the pool's prepared-statement cache.
// Connection failures become the Unavailable kind here, where every statement passes.
func (s *Store) get(ctx context.Context, dest any, query string, args ...any) error {
	return unavailable("storage.get", s.cachedGet(ctx, false, dest, query, args))
}

func (s *Store) sel(ctx context.Context, dest any, query string, args ...any) error {
	return unavailable("storage.select", s.cachedSelect(ctx, false, dest, query, args))
}

func (s *Store) getW(ctx context.Context, dest any, query string, args ...any) error {
	return unavailable("storage.get", s.cachedGet(ctx, true, dest, query, args))
}

func (s *Store) selW(ctx context.Context, dest any, query string, args ...any) error {
	return unavailable("storage.select", s.cachedSelect(ctx, true, dest, query, args))
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := s.cachedExec(ctx, query, args)
	return res, unavailable("storage.exec", err)
}

// execN runs a write and reports how many rows it touched.
func (s *Store) execN(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// named runs a write with :name parameters taken from a row struct's db tags.
func (s *Store) named(ctx context.Context, query string, arg any) (sql.Result, error) {
	res, err := s.cachedNamed(ctx, query, arg)
	return res, unavailable("storage.exec", err)
}

var _ activitypub.Store = (*Store)(nil)
