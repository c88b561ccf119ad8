package activitypub

import (
	"context"
	"strings"
	"time"
)

// idempotencyWindow is how long a retried request with the same Idempotency-Key returns the first
// result (Mastodon keeps keys for an hour).
const idempotencyWindow = time.Hour

// IdempotencyStore remembers which status an Idempotency-Key created. It is separate from Store
// so stores without it still work (without retry protection).
type IdempotencyStore interface {
	// IdempotentStatus returns the id of the status userID created with key at or after since,
	// or an error of kind NotFound.
	IdempotentStatus(ctx context.Context, userID, key string, since time.Time) (string, error)
	// SaveIdempotencyKey records it; saving the same (user, key) again replaces the old entry.
	SaveIdempotencyKey(ctx context.Context, userID, key, statusID string, at time.Time) error
}

// PostOnce is Post honouring in.IdempotencyKey: a retry with the same key by the same author
// within an hour returns the status the first request created instead of posting it twice.
func (s *Service) PostOnce(ctx context.Context, author *Account, in PostInput) (*Status, error) {
	const op = "activitypub.PostOnce"
	key := strings.TrimSpace(in.IdempotencyKey)
	if len(key) > 200 {
		key = key[:200]
	}
	is, ok := s.store.(IdempotencyStore)
	if key == "" || !ok {
		return s.Post(ctx, author, in)
	}
	id, err := is.IdempotentStatus(ctx, author.Actor.ID, key, s.Now().Add(-idempotencyWindow))
	switch {
	case err == nil:
		st, err := s.store.StatusByID(ctx, id)
		if err == nil && st.DeletedAt == nil {
			return st, nil
		}
		if err != nil && !IsNotFound(err) {
			return nil, Wrap(op, err)
		}
	case !IsNotFound(err):
		return nil, Wrap(op, err)
	}
	st, err := s.Post(ctx, author, in)
	if err != nil {
		return nil, err
	}
	if err := is.SaveIdempotencyKey(ctx, author.Actor.ID, key, st.ID, s.Now()); err != nil {
		// The status exists; failing the request now would make the client retry and post twice.
		s.log.WarnContext(ctx, "idempotency key not saved", "err", err)
	}
	return st, nil
}
