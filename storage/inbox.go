package storage

import (
	"context"
	"time"
)

// MarkActivitySeen records an inbound activity id; false means it was seen before and the caller
// should not process it again. The insert itself decides, so two deliveries racing in two
// processes cannot both win.
func (s *Store) MarkActivitySeen(ctx context.Context, uri string, at time.Time) (bool, error) {
	n, err := s.execN(ctx, `INSERT INTO seen_activities (uri, seen_at) VALUES (?, ?)
		ON CONFLICT (uri) DO NOTHING`, uri, ms(at))
	return n == 1, mapErr("storage.MarkActivitySeen", err)
}

// ForgetSeenActivities drops seen-activity records older than before, for a periodic sweep.
func (s *Store) ForgetSeenActivities(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.execN(ctx, `DELETE FROM seen_activities WHERE seen_at < ?`, ms(before))
	return n, mapErr("storage.ForgetSeenActivities", err)
}

// AddTombstone remembers that a remote object was deleted, so a late Create cannot revive it.
func (s *Store) AddTombstone(ctx context.Context, uri string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO tombstones (uri, deleted_at) VALUES (?, ?)
		ON CONFLICT (uri) DO NOTHING`, uri, ms(at))
	return mapErr("storage.AddTombstone", err)
}

// IsTombstoned reports whether a remote object was deleted.
func (s *Store) IsTombstoned(ctx context.Context, uri string) (bool, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM tombstones WHERE uri = ?`, uri)
	return n > 0, mapErr("storage.IsTombstoned", err)
}
