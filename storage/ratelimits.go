package storage

import (
	"context"
	"time"
)

// Hit counts one attempt for key in the fixed window starting at windowStart and returns the
// attempts in that window so far, this one included. One upsert does it, so concurrent hits from
// several processes are all counted: a row from an earlier window starts again at 1.
//
// On PostgreSQL the counter is committed without waiting for the WAL flush (synchronous_commit
// off for this transaction only): the client API counts every request here, and a crash that
// forgets the last few hits of a window costs nothing, while the flush would add milliseconds to
// every request.
func (s *Store) Hit(ctx context.Context, key string, windowStart time.Time) (int, error) {
	// One statement, so one round trip: set_config(…, true) lasts until the end of the
	// statement's own transaction, whose commit is what it affects.
	values := `VALUES (?, ?, 1)`
	if s.dialect.name() == Postgres {
		values = `SELECT ?, ?, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async`
	}
	var n int
	err := s.getW(ctx, &n, `INSERT INTO rate_limits (bucket, window_start, hits) `+values+`
		ON CONFLICT (bucket) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_start = excluded.window_start
				THEN rate_limits.hits + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING hits`, key, windowStart.UnixMilli())
	return n, mapErr("storage.Hit", err)
}

// ResetHits forgets the attempts for key (after a successful sign-in).
func (s *Store) ResetHits(ctx context.Context, key string) error {
	_, err := s.exec(ctx, `DELETE FROM rate_limits WHERE bucket = ?`, key)
	return mapErr("storage.ResetHits", err)
}

// DeleteOldHits removes counters whose window started before t, for a periodic sweep.
func (s *Store) DeleteOldHits(ctx context.Context, before time.Time) error {
	_, err := s.exec(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, before.UnixMilli())
	return mapErr("storage.DeleteOldHits", err)
}
