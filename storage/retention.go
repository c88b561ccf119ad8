package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// RetentionCandidates lists local statuses created before before, not deleted, whose author has
// no legal hold, oldest first. A question with an accepted answer, and a live question's accepted
// answer, are kept: the answer is the record people come back for.
func (s *Store) RetentionCandidates(ctx context.Context, before time.Time, limit int) ([]*activitypub.Status, error) {
	return s.statuses(ctx, "storage.RetentionCandidates", `SELECT `+statusCols+` FROM statuses s
		WHERE s.local = TRUE AND s.deleted_at IS NULL AND s.created_at < ?
		AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.actor_id = s.actor_id)
		AND s.accepted_answer_id IS NULL
		AND NOT EXISTS (SELECT 1 FROM statuses q WHERE q.accepted_answer_id = s.id AND q.deleted_at IS NULL)
		ORDER BY s.id LIMIT ?`, ms(before), limitOr(limit))
}

// SetLegalHold places a hold on an actor; a second hold is a Conflict.
func (s *Store) SetLegalHold(ctx context.Context, actorID, reason, by string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO legal_holds (actor_id, reason, created_by, created_at) VALUES (?, ?, ?, ?)`,
		actorID, reason, by, ms(at))
	return mapErr("storage.SetLegalHold", err)
}

// DeleteLegalHold lifts a hold; NotFound when there is none.
func (s *Store) DeleteLegalHold(ctx context.Context, actorID string) error {
	const op = "storage.DeleteLegalHold"
	n, err := s.execN(ctx, `DELETE FROM legal_holds WHERE actor_id = ?`, actorID)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "legal hold")
	}
	return nil
}

// HasLegalHold reports whether an actor is held.
func (s *Store) HasLegalHold(ctx context.Context, actorID string) (bool, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM legal_holds WHERE actor_id = ?`, actorID)
	return n > 0, mapErr("storage.HasLegalHold", err)
}
