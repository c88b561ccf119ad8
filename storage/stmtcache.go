package storage

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
)

// Bounds of a stmtCache. Query texts are few (one per call site, times the IN-list lengths a
// page produces), but IN lists built from long id lists would otherwise grow the cache without
// end, and every PostgreSQL connection keeps its own copy of each prepared statement.
const (
	maxCachedStmts    = 1024
	maxCachedStmtArgs = 128
)

// stmtCache keeps one prepared statement per query text for a pool, so that a query is parsed
// (SQLite) or parsed and planned (PostgreSQL, where lib/pq otherwise spends an extra round trip
// describing every unprepared query with arguments) once per connection rather than per call.
// database/sql prepares a cached statement again on each connection it meets, lazily.
//
// A statement is never prepared inside a transaction: on SQLite the transaction holds the
// writer's only connection, so preparing on the pool would wait for itself, and on PostgreSQL a
// full pool of transactions doing so would deadlock. A query first seen inside a transaction runs
// unprepared and is remembered; the transaction's end prepares it on the pool (flushWanted).
type stmtCache struct {
	db     *sqlx.DB
	n      atomic.Int64
	stmts  sync.Map // query text → *sqlx.Stmt
	named  sync.Map // query text → *sqlx.NamedStmt
	wanted sync.Map // query text → bool (true: named) seen in a transaction, to prepare after it
	closed atomic.Bool
}

func newStmtCache(db *sqlx.DB) *stmtCache { return &stmtCache{db: db} }

// cacheable reports whether a query with nargs arguments is worth a cache slot.
func (c *stmtCache) cacheable(nargs int) bool {
	return nargs <= maxCachedStmtArgs && c.n.Load() < maxCachedStmts && !c.closed.Load()
}

// stmt returns the prepared statement for query (already rebound), preparing it when asked to and
// the cache has room; nil means "run it unprepared".
func (c *stmtCache) stmt(ctx context.Context, query string, nargs int, prepare bool) *sqlx.Stmt {
	if v, ok := c.stmts.Load(query); ok {
		return v.(*sqlx.Stmt)
	}
	if !c.cacheable(nargs) {
		return nil
	}
	if !prepare {
		c.wanted.Store(query, false)
		return nil
	}
	st, err := c.db.PreparexContext(ctx, query)
	if err != nil {
		return nil // the unprepared run reports the error, if it is one
	}
	if v, loaded := c.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return v.(*sqlx.Stmt)
	}
	c.n.Add(1)
	return st
}

// namedStmt is stmt for queries with :name parameters (query is not rebound: sqlx does it).
func (c *stmtCache) namedStmt(ctx context.Context, query string, prepare bool) *sqlx.NamedStmt {
	if v, ok := c.named.Load(query); ok {
		return v.(*sqlx.NamedStmt)
	}
	if !c.cacheable(0) {
		return nil
	}
	if !prepare {
		c.wanted.Store(query, true)
		return nil
	}
	st, err := c.db.PrepareNamedContext(ctx, query)
	if err != nil {
		return nil
	}
	if v, loaded := c.named.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return v.(*sqlx.NamedStmt)
	}
	c.n.Add(1)
	return st
}

// flushWanted prepares the queries first met inside a transaction, now that it has ended and
// its connection is back in the pool. Failures only mean the query stays unprepared.
func (c *stmtCache) flushWanted(ctx context.Context) {
	c.wanted.Range(func(k, v any) bool {
		c.wanted.Delete(k)
		if v.(bool) {
			c.namedStmt(ctx, k.(string), true)
		} else {
			c.stmt(ctx, k.(string), 0, true)
		}
		return true
	})
}

// hasWanted reports whether flushWanted has anything to do, without allocating.
func (c *stmtCache) hasWanted() bool {
	found := false
	c.wanted.Range(func(any, any) bool { found = true; return false })
	return found
}

// close closes every cached statement; the cache prepares nothing afterwards.
func (c *stmtCache) close() {
	c.closed.Store(true)
	c.stmts.Range(func(_, v any) bool { _ = v.(*sqlx.Stmt).Close(); return true })
	c.named.Range(func(_, v any) bool { _ = v.(*sqlx.NamedStmt).Close(); return true })
}

// run helpers: each picks the cached statement (bound to the transaction in ctx, if any) or
// falls back to running the text unprepared on target.

func (s *Store) cacheFor(ctx context.Context, write bool) (*stmtCache, *sqlx.Tx) {
	if tx, ok := ctx.Value(txKey{s}).(*sqlx.Tx); ok {
		return s.wcache, tx
	}
	if write {
		return s.wcache, nil
	}
	return s.rcache, nil
}

func (s *Store) cachedGet(ctx context.Context, write bool, dest any, query string, args []any) error {
	s.statements.Add(1)
	q := s.bind(query)
	c, tx := s.cacheFor(ctx, write)
	if st := c.stmt(ctx, q, len(args), tx == nil); st != nil {
		if tx != nil {
			st = tx.StmtxContext(ctx, st)
		}
		return st.GetContext(ctx, dest, args...)
	}
	if tx != nil {
		return sqlx.GetContext(ctx, tx, dest, q, args...)
	}
	return sqlx.GetContext(ctx, c.db, dest, q, args...)
}

func (s *Store) cachedSelect(ctx context.Context, write bool, dest any, query string, args []any) error {
	s.statements.Add(1)
	q := s.bind(query)
	c, tx := s.cacheFor(ctx, write)
	if st := c.stmt(ctx, q, len(args), tx == nil); st != nil {
		if tx != nil {
			st = tx.StmtxContext(ctx, st)
		}
		return st.SelectContext(ctx, dest, args...)
	}
	if tx != nil {
		return sqlx.SelectContext(ctx, tx, dest, q, args...)
	}
	return sqlx.SelectContext(ctx, c.db, dest, q, args...)
}

func (s *Store) cachedExec(ctx context.Context, query string, args []any) (sql.Result, error) {
	s.statements.Add(1)
	q := s.bind(query)
	c, tx := s.cacheFor(ctx, true)
	if st := c.stmt(ctx, q, len(args), tx == nil); st != nil {
		if tx != nil {
			st = tx.StmtxContext(ctx, st)
		}
		return st.ExecContext(ctx, args...)
	}
	if tx != nil {
		return tx.ExecContext(ctx, q, args...)
	}
	return c.db.ExecContext(ctx, q, args...)
}

func (s *Store) cachedNamed(ctx context.Context, query string, arg any) (sql.Result, error) {
	s.statements.Add(1)
	c, tx := s.cacheFor(ctx, true)
	if st := c.namedStmt(ctx, query, tx == nil); st != nil {
		if tx != nil {
			st = tx.NamedStmtContext(ctx, st)
		}
		return st.ExecContext(ctx, arg)
	}
	if tx != nil {
		return sqlx.NamedExecContext(ctx, tx, query, arg)
	}
	return sqlx.NamedExecContext(ctx, c.db, query, arg)
}

// cachedQuery runs a read through the cache and returns its rows, for the hot paths that scan
// columns by hand instead of through sqlx's reflection (see scanStatuses).
func (s *Store) cachedQuery(ctx context.Context, query string, args []any) (*sql.Rows, error) {
	s.statements.Add(1)
	q := s.bind(query)
	c, tx := s.cacheFor(ctx, false)
	if st := c.stmt(ctx, q, len(args), tx == nil); st != nil {
		if tx != nil {
			st = tx.StmtxContext(ctx, st)
		}
		return st.QueryContext(ctx, args...)
	}
	if tx != nil {
		return tx.QueryContext(ctx, q, args...)
	}
	return c.db.QueryContext(ctx, q, args...)
}
