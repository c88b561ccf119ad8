package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

var _ activitypub.IdempotencyStore = (*Store)(nil)

// IdempotentStatus returns the status a user created with an Idempotency-Key at or after since.
func (s *Store) IdempotentStatus(ctx context.Context, userID, key string, since time.Time) (string, error) {
	const op = "storage.IdempotentStatus"
	var id string
	err := s.get(ctx, &id, `SELECT status_id FROM idempotency_keys WHERE user_id = ? AND idem_key = ? AND created_at >= ?`,
		userID, key, ms(since))
	if err != nil {
		return "", mapErr(op, err, "idempotency key")
	}
	return id, nil
}

// SaveIdempotencyKey records the status a key created, replacing an expired entry, and drops
// entries older than a day so the table stays small without a separate sweeper.
func (s *Store) SaveIdempotencyKey(ctx context.Context, userID, key, statusID string, at time.Time) error {
	const op = "storage.SaveIdempotencyKey"
	if _, err := s.exec(ctx, `INSERT INTO idempotency_keys (user_id, idem_key, status_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, idem_key) DO UPDATE SET status_id = excluded.status_id, created_at = excluded.created_at`,
		userID, key, statusID, ms(at)); err != nil {
		return mapErr(op, err)
	}
	_, err := s.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, ms(at.Add(-24*time.Hour)))
	return mapErr(op, err)
}
