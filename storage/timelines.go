package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
)

// homeChunk bounds the users per INSERT when fanning out, well under every engine's parameter cap.
const homeChunk = 500

// AddToHomes puts a status in the home timelines of the given users. The status's author and
// boosted status are copied into each row so that unfollowing and deleting need no join. Adding
// twice is harmless; ids that are not users are skipped.
func (s *Store) AddToHomes(ctx context.Context, statusID string, userIDs []string) error {
	const op = "storage.AddToHomes"
	return s.InTx(ctx, func(ctx context.Context) error {
		for len(userIDs) > 0 {
			n := min(len(userIDs), homeChunk)
			chunk := userIDs[:n]
			userIDs = userIDs[n:]
			if _, err := s.exec(ctx, `INSERT INTO home_timeline (user_id, status_id, actor_id, reblog_of_id)
				SELECT u.actor_id, s.id, s.actor_id, s.reblog_of_id
				FROM statuses s JOIN users u ON u.actor_id IN (`+inList(len(chunk))+`)
				WHERE s.id = ? AND s.deleted_at IS NULL
				ON CONFLICT (user_id, status_id) DO NOTHING`, append(anys(chunk), statusID)...); err != nil {
				return mapErr(op, err)
			}
		}
		return nil
	})
}

// RemoveFromHome takes one status out of one user's home timeline.
func (s *Store) RemoveFromHome(ctx context.Context, userID, statusID string) error {
	_, err := s.exec(ctx, `DELETE FROM home_timeline WHERE user_id = ? AND status_id = ?`, userID, statusID)
	return mapErr("storage.RemoveFromHome", err)
}

// RemoveActorFromHome takes every status and boost by an actor out of one user's home timeline.
func (s *Store) RemoveActorFromHome(ctx context.Context, userID, actorID string) error {
	_, err := s.exec(ctx, `DELETE FROM home_timeline WHERE user_id = ? AND actor_id = ?`, userID, actorID)
	return mapErr("storage.RemoveActorFromHome", err)
}

// HomeTimeline lists a user's home timeline newest first, paged by status id, leaving out deleted
// statuses.
func (s *Store) HomeTimeline(ctx context.Context, userID string, p activitypub.Page) ([]*activitypub.Status, error) {
	k := pageBy("h.status_id", p)
	list, err := s.statuses(ctx, "storage.HomeTimeline", `SELECT `+statusCols+`
		FROM home_timeline h JOIN statuses s ON s.id = h.status_id
		WHERE h.user_id = ? AND s.deleted_at IS NULL`+k.cond+k.tail,
		append([]any{userID}, k.args...)...)
	return order(k, list), err
}
