package storage

import (
	"context"
	"fmt"

	"github.com/guildhall/guildhall/activitypub"
)

// A partner-only status is a followers-only row with its partner list in status_partners: code
// that does not know partners (public timelines, search, conversations) sees a followers-only
// post and keeps it from the public, and the domain refines the rule for the rest.

// rowVisibility is the visibility column's value for a domain visibility.
func rowVisibility(v activitypub.Visibility) string {
	if v == activitypub.Partners {
		return string(activitypub.Private)
	}
	return string(v)
}

// writePartners records the partner list of a partner-only status (its earlier list, on an
// update, was deleted with the other relations).
func (s *Store) writePartners(ctx context.Context, op string, st *activitypub.Status) error {
	if st.Visibility != activitypub.Partners {
		return nil
	}
	if len(st.Partners) == 0 {
		return activitypub.E(op, activitypub.Invalid, "a partner-only status needs a partner list")
	}
	for _, d := range st.Partners {
		if _, err := s.exec(ctx, `INSERT INTO status_partners (status_id, domain) VALUES (?, ?)
			ON CONFLICT (status_id, domain) DO NOTHING`, st.ID, d); err != nil {
			return mapErr(op, err)
		}
	}
	return nil
}

// loadPartners turns the followers-only statuses of a page that have a partner list into
// partner-only ones. It queries only when the page holds a followers-only status, so public
// timelines pay nothing, and once per page otherwise.
func (s *Store) loadPartners(ctx context.Context, list []*activitypub.Status) error {
	var ids []any
	byID := map[string][]*activitypub.Status{}
	for _, st := range list {
		if st.Visibility != activitypub.Private {
			continue
		}
		if _, seen := byID[st.ID]; !seen {
			ids = append(ids, st.ID)
		}
		byID[st.ID] = append(byID[st.ID], st)
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.cachedQuery(ctx, `SELECT status_id, domain FROM status_partners
		WHERE status_id IN (`+inList(len(ids))+`) ORDER BY status_id, domain`, ids)
	if err != nil {
		return fmt.Errorf("load partner lists: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, domain string
		if err := rows.Scan(&id, &domain); err != nil {
			return fmt.Errorf("load partner lists: %w", err)
		}
		for _, st := range byID[id] {
			st.Visibility = activitypub.Partners
			st.Partners = append(st.Partners, domain)
		}
	}
	return rows.Err()
}

// RemoteFollowers lists an actor's remote accepted followers that are not deleted, for
// addressing a partner-only status to those on its partner instances.
func (s *Store) RemoteFollowers(ctx context.Context, actorID string) ([]activitypub.FollowerRef, error) {
	var rows []struct {
		ID     string `db:"id"`
		URI    string `db:"uri"`
		Domain string `db:"domain"`
	}
	err := s.sel(ctx, &rows, `SELECT a.id, a.uri, a.domain FROM follows f JOIN actors a ON a.id = f.follower_id
		WHERE f.followee_id = ? AND f.state = 'accepted' AND a.domain <> '' AND a.deleted_at IS NULL
		ORDER BY a.id`, actorID)
	if err != nil {
		return nil, mapErr("storage.RemoteFollowers", err)
	}
	out := make([]activitypub.FollowerRef, len(rows))
	for i, r := range rows {
		out[i] = activitypub.FollowerRef{ID: r.ID, URI: r.URI, Domain: r.Domain}
	}
	return out, nil
}
