package storage

import (
	"context"
	"time"
)

// SetMovedTo records that actorID moved to targetID; a second Move replaces the first.
func (s *Store) SetMovedTo(ctx context.Context, actorID, targetID string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO actor_moves (actor_id, target_id, moved_at) VALUES (?, ?, ?)
		ON CONFLICT (actor_id) DO UPDATE SET target_id = excluded.target_id, moved_at = excluded.moved_at`,
		actorID, targetID, ms(at))
	return mapErr("storage.SetMovedTo", err)
}

// MovedTo returns the id of the actor actorID moved to; NotFound when it never moved.
func (s *Store) MovedTo(ctx context.Context, actorID string) (string, error) {
	var target string
	err := s.get(ctx, &target, `SELECT target_id FROM actor_moves WHERE actor_id = ?`, actorID)
	return target, mapErr("storage.MovedTo", err, "move")
}
