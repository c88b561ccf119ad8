package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub/preferences"
)

type markerRow struct {
	Timeline   string `db:"timeline"`
	LastReadID string `db:"last_read_id"`
	Version    int    `db:"version"`
	UpdatedAt  int64  `db:"updated_at"`
}

// Markers returns a user's markers of the given timelines; unset ones are absent.
func (s *Store) Markers(ctx context.Context, userID string, timelines []string) ([]*preferences.Marker, error) {
	if len(timelines) == 0 {
		return []*preferences.Marker{}, nil
	}
	var rows []markerRow
	if err := s.sel(ctx, &rows, `SELECT timeline, last_read_id, version, updated_at FROM markers
		WHERE user_id = ? AND timeline IN (`+inList(len(timelines))+`) ORDER BY timeline`,
		append([]any{userID}, anys(timelines)...)...); err != nil {
		return nil, mapErr("storage.Markers", err)
	}
	out := make([]*preferences.Marker, len(rows))
	for i, r := range rows {
		out[i] = &preferences.Marker{Timeline: r.Timeline, LastReadID: r.LastReadID, Version: r.Version,
			UpdatedAt: fromMS(r.UpdatedAt)}
	}
	return out, nil
}

// SetMarker creates a marker at version 0 or moves it, adding one to its version, in one
// statement (so two apps saving at once both count), and reads the stored version back into m.
func (s *Store) SetMarker(ctx context.Context, userID string, m *preferences.Marker) error {
	err := s.getW(ctx, &m.Version, `INSERT INTO markers (user_id, timeline, last_read_id, version, updated_at)
		VALUES (?, ?, ?, 0, ?)
		ON CONFLICT (user_id, timeline) DO UPDATE SET last_read_id = excluded.last_read_id,
			version = markers.version + 1, updated_at = excluded.updated_at
		RETURNING version`, userID, m.Timeline, m.LastReadID, ms(m.UpdatedAt))
	return mapErr("storage.SetMarker", err)
}

var _ preferences.MarkerStore = (*Store)(nil)
