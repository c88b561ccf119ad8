package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxBatch caps how many callers share one group-commit transaction, so that the last of them
// does not wait behind an unbounded amount of others' work.
const maxBatch = 64

// groupCommit lets independent callers of InBatchTx share one SQLite transaction. SQLite has one
// writer and every COMMIT pays for the WAL write (and, with synchronous=NORMAL, the lock and
// index bookkeeping) whatever the transaction's size; under concurrency callers queue behind the
// writer anyway, so the queue is committed as one transaction instead of one each.
//
// There is no timer: a caller that finds the writer idle leads at once (a lone client pays
// nothing), and whoever arrives while a batch runs waits for the next one, whose size is then
// whatever piled up meanwhile. Leadership passes to the first waiter, so a leader's caller gets
// its answer as soon as its own batch commits.
type groupCommit struct {
	mu      sync.Mutex
	queue   []*batchCall
	running bool
}

type batchCall struct {
	ctx  context.Context
	fn   func(ctx context.Context) error
	done chan batchResult // buffered: the leader never blocks on a caller
}

type batchResult struct {
	lead  bool // the caller becomes the leader of the next batch instead of getting a result
	err   error
	panic any
}

// InBatchTx is InTx for writes that are independent of other callers' and may wait a little:
// on SQLite, callers arriving while the writer is busy share one transaction. Each caller's fn
// runs in its own SAVEPOINT, so an error (or panic) undoes only that caller's writes; the
// transaction commits once, and every caller returns only after that commit, so success still
// means durable. fn must not depend on seeing its writes isolated from other callers of the same
// batch, which are ordered before it as if they had committed first.
//
// fn's context keeps ctx's values but not its cancellation: a statement interrupted on SQLite can
// roll back the whole transaction, which would fail the batch's other callers. A caller whose ctx
// ends before its turn is not run. Inside a transaction, and on PostgreSQL (which has many
// connections and no single writer to queue on), it is InTx.
func (s *Store) InBatchTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{s}).(*sqlx.Tx); ok || s.batch == nil {
		return s.InTx(ctx, fn)
	}
	c := &batchCall{ctx: ctx, fn: fn, done: make(chan batchResult, 1)}
	g := s.batch
	g.mu.Lock()
	g.queue = append(g.queue, c)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if !lead {
		r := <-c.done
		if !r.lead {
			return r.result()
		}
	}
	g.mu.Lock()
	n := min(len(g.queue), maxBatch)
	calls := make([]*batchCall, n)
	copy(calls, g.queue)
	g.queue = append(g.queue[:0], g.queue[n:]...)
	g.mu.Unlock()

	func() {
		// Deferred so that a panic outside the callers' fns still hands on the lead instead of
		// leaving every later caller waiting.
		defer func() {
			g.mu.Lock()
			if len(g.queue) > 0 {
				g.queue[0].done <- batchResult{lead: true}
			} else {
				g.running = false
			}
			g.mu.Unlock()
		}()
		s.runBatch(context.WithoutCancel(ctx), calls)
	}()
	// The leader is always the first of its own batch.
	return (<-c.done).result()
}

func (r batchResult) result() error {
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}

// runBatch runs calls in one transaction and sends each its result.
func (s *Store) runBatch(ctx context.Context, calls []*batchCall) {
	results := make([]batchResult, len(calls))
	defer func() {
		for i, c := range calls {
			c.done <- results[i]
		}
		if s.wcache.hasWanted() {
			s.wcache.flushWanted(ctx)
		}
	}()
	failAll := func(err error) {
		for i := range results {
			if results[i].err == nil && results[i].panic == nil {
				results[i].err = err
			}
		}
	}
	tx, err := s.writer.BeginTxx(ctx, nil)
	if err != nil {
		failAll(fmt.Errorf("storage: begin: %w", unavailable("storage: begin", err)))
		return
	}
	for i, c := range calls {
		if err := c.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		r, err := s.runSavepoint(tx, c)
		if err != nil {
			// The savepoint could not be rolled back or released: the transaction is in an
			// unknown state, so nothing of it may commit.
			_ = tx.Rollback()
			failAll(err)
			return
		}
		results[i] = r
	}
	if err := tx.Commit(); err != nil {
		// Callers whose own work failed keep their error; the others lose theirs to the commit.
		for i := range results {
			if results[i].err == nil && results[i].panic == nil {
				results[i].err = mapErr("storage: commit", err)
			}
		}
	}
}

// runSavepoint runs one caller's fn inside a savepoint of tx. The returned batchResult is the
// caller's; the error is the transaction's, when undoing or keeping the caller's work failed.
func (s *Store) runSavepoint(tx *sqlx.Tx, c *batchCall) (r batchResult, err error) {
	ctx := context.WithValue(context.WithoutCancel(c.ctx), txKey{s}, tx)
	if _, err := tx.ExecContext(ctx, "SAVEPOINT batch_call"); err != nil {
		return r, fmt.Errorf("storage: savepoint: %w", err)
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.panic = p
			}
		}()
		r.err = c.fn(ctx)
	}()
	if r.err != nil || r.panic != nil {
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO batch_call"); err != nil {
			return r, errors.Join(fmt.Errorf("storage: rollback to savepoint: %w", err), r.err)
		}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE batch_call"); err != nil {
		return r, errors.Join(fmt.Errorf("storage: release savepoint: %w", err), r.err)
	}
	return r, nil
}
