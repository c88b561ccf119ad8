package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// txKey carries a store's transaction in a context. It holds the store so that a transaction of
// one store is never picked up by another (tests open several).
type txKey struct{ s *Store }

// InTx runs fn in one transaction carried by the context fn receives: every method called with
// that context joins it. It commits when fn returns nil and rolls back when fn returns an error or
// panics. A nested InTx joins the outer transaction, whose caller decides the outcome.
//
// On SQLite the transaction holds the single writer connection, so fn must not call the store with
// a context other than the one it was given.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if _, ok := ctx.Value(txKey{s}).(*sqlx.Tx); ok {
		return fn(ctx)
	}
	tx, err := s.writer.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", unavailable("storage: begin", err))
	}
	defer func() {
		// Statements first met inside the transaction can be prepared now that its connection
		// is free again (see stmtCache).
		if s.wcache.hasWanted() {
			s.wcache.flushWanted(context.WithoutCancel(ctx))
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(context.WithValue(ctx, txKey{s}, tx)); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapErr("storage: commit", err)
	}
	return nil
}

// w is what writes run on: the transaction in ctx, else the writer pool.
func (s *Store) w(ctx context.Context) sqlx.ExtContext {
	if tx, ok := ctx.Value(txKey{s}).(*sqlx.Tx); ok {
		return tx
	}
	return s.writer
}
