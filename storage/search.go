package storage

import (
	"context"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// SearchStatuses finds live public and unlisted statuses (not boosts) whose text matches every
// word of query, newest first, through each engine's full-text index (FTS5 in SQLite, a GIN
// tsvector in PostgreSQL). Remote authors who did not opt in to indexing are left out.
func (s *Store) SearchStatuses(ctx context.Context, query string, p activitypub.Page) ([]*activitypub.Status, error) {
	if strings.TrimSpace(query) == "" {
		return nil, nil
	}
	join, cond, arg := s.dialect.searchStatuses(query)
	k := pageBy("s.id", p)
	list, err := s.statuses(ctx, "storage.SearchStatuses", `SELECT `+statusCols+` FROM statuses s`+join+`
		JOIN actors a ON a.id = s.actor_id
		WHERE `+cond+` AND s.visibility IN ('public', 'unlisted') AND s.deleted_at IS NULL
			AND s.reblog_of_id IS NULL AND (a.domain = '' OR a.indexable = TRUE)`+k.cond+k.tail,
		append([]any{arg}, k.args...)...)
	return order(k, list), err
}
