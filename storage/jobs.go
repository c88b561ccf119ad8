package storage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"
)

// ClaimRun claims the run of the periodic job name that falls due at now, for whoever calls
// first: it succeeds when no run was claimed yet or the last claim's next run is at or before
// now, and then records next as the next run. Of several processes calling at once exactly one
// gets true, so housekeeping runs once per period however many processes share the database
// (one conditional upsert; PostgreSQL's row lock and SQLite's single writer decide the race).
// The claim lives in the settings table under "job:"+name, without announcing a setting change.
func (s *Store) ClaimRun(ctx context.Context, name string, now, next time.Time) (bool, error) {
	var got string
	err := s.getW(ctx, &got, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value
		WHERE CAST(settings.value AS BIGINT) <= ?
		RETURNING name`, "job:"+name, strconv.FormatInt(next.UnixMilli(), 10), now.UnixMilli())
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("storage.ClaimRun", err)
	}
	return true, nil
}
