package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// SetBookmark bookmarks a status for an actor; bookmarking twice keeps the first bookmark.
func (s *Store) SetBookmark(ctx context.Context, actorID, statusID, id string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO bookmarks (id, actor_id, status_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (actor_id, status_id) DO NOTHING`, id, actorID, statusID, ms(at))
	return mapErr("storage.SetBookmark", err)
}

// DeleteBookmark removes a bookmark; removing an absent one is not an error.
func (s *Store) DeleteBookmark(ctx context.Context, actorID, statusID string) error {
	_, err := s.exec(ctx, `DELETE FROM bookmarks WHERE actor_id = ? AND status_id = ?`, actorID, statusID)
	return mapErr("storage.DeleteBookmark", err)
}

// Bookmarks lists an actor's bookmarks newest first, paged by bookmark id: the bookmark ids (for
// the page links) and the status ids, in the same order.
func (s *Store) Bookmarks(ctx context.Context, actorID string, p activitypub.Page) (ids []string, statusIDs []string, err error) {
	k := pageBy("id", p)
	var rows []struct {
		ID       string `db:"id"`
		StatusID string `db:"status_id"`
	}
	if err := s.sel(ctx, &rows, `SELECT id, status_id FROM bookmarks WHERE actor_id = ?`+k.cond+k.tail,
		append([]any{actorID}, k.args...)...); err != nil {
		return nil, nil, mapErr("storage.Bookmarks", err)
	}
	rows = order(k, rows)
	ids, statusIDs = make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		ids[i], statusIDs[i] = r.ID, r.StatusID
	}
	return ids, statusIDs, nil
}

// SetPin pins a status to its author's profile; pinning twice is harmless.
func (s *Store) SetPin(ctx context.Context, actorID, statusID string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO pins (actor_id, status_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (actor_id, status_id) DO NOTHING`, actorID, statusID, ms(at))
	return mapErr("storage.SetPin", err)
}

// DeletePin unpins; unpinning what is not pinned is not an error.
func (s *Store) DeletePin(ctx context.Context, actorID, statusID string) error {
	_, err := s.exec(ctx, `DELETE FROM pins WHERE actor_id = ? AND status_id = ?`, actorID, statusID)
	return mapErr("storage.DeletePin", err)
}

// ViewerState reports, for each status id, whether the viewer favourited, reblogged, bookmarked
// or pinned it, or muted its conversation: one query, a UNION of five index lookups. Statuses
// with no flag set are absent from the map.
func (s *Store) ViewerState(ctx context.Context, viewerID string, statusIDs []string) (map[string]activitypub.ViewerFlags, error) {
	out := make(map[string]activitypub.ViewerFlags, len(statusIDs))
	if len(statusIDs) == 0 || viewerID == "" {
		return out, nil
	}
	in := inList(len(statusIDs))
	ids := anys(statusIDs)
	var args []any
	for range 5 {
		args = append(append(args, viewerID), ids...)
	}
	var rows []struct {
		Flag     string `db:"flag"`
		StatusID string `db:"status_id"`
	}
	err := s.sel(ctx, &rows, `
		SELECT 'f' AS flag, status_id FROM favourites WHERE actor_id = ? AND status_id IN (`+in+`)
		UNION ALL
		SELECT 'r', reblog_of_id FROM statuses
			WHERE actor_id = ? AND reblog_of_id IN (`+in+`) AND deleted_at IS NULL
		UNION ALL
		SELECT 'b', status_id FROM bookmarks WHERE actor_id = ? AND status_id IN (`+in+`)
		UNION ALL
		SELECT 'p', status_id FROM pins WHERE actor_id = ? AND status_id IN (`+in+`)
		UNION ALL
		SELECT 'm', s.id FROM statuses s JOIN conversation_mutes c
			ON c.context_uri = s.context_uri AND c.actor_id = ?
			WHERE s.context_uri <> '' AND s.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, mapErr("storage.ViewerState", err)
	}
	for _, r := range rows {
		f := out[r.StatusID]
		switch r.Flag {
		case "f":
			f.Favourited = true
		case "r":
			f.Reblogged = true
		case "b":
			f.Bookmarked = true
		case "p":
			f.Pinned = true
		case "m":
			f.Muted = true
		}
		out[r.StatusID] = f
	}
	return out, nil
}
