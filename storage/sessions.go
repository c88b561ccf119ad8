package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

type sessionRow struct {
	IDHash     string `db:"id_hash"`
	UserID     string `db:"user_id"`
	CSRFToken  string `db:"csrf_token"`
	CreatedAt  int64  `db:"created_at"`
	ExpiresAt  int64  `db:"expires_at"`
	LastSeenAt int64  `db:"last_seen_at"`
	UserAgent  string `db:"user_agent"`
}

const sessionCols = `id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, user_agent`

// CreateSession records a signed-in browser; only the hash of its id is stored.
func (s *Store) CreateSession(ctx context.Context, ss *activitypub.Session) error {
	_, err := s.named(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES (:id_hash, :user_id,
		:csrf_token, :created_at, :expires_at, :last_seen_at, :user_agent)`, &sessionRow{
		IDHash: ss.IDHash, UserID: ss.UserID, CSRFToken: ss.CSRFToken, CreatedAt: ms(ss.CreatedAt),
		ExpiresAt: ms(ss.ExpiresAt), LastSeenAt: ms(ss.LastSeenAt), UserAgent: ss.UserAgent,
	})
	return mapErr("storage.CreateSession", err)
}

// SessionByHash finds a session, expired or not: the caller compares ExpiresAt with its clock.
func (s *Store) SessionByHash(ctx context.Context, idHash string) (*activitypub.Session, error) {
	var r sessionRow
	if err := s.get(ctx, &r, `SELECT `+sessionCols+` FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return nil, mapErr("storage.SessionByHash", err, "session")
	}
	return &activitypub.Session{
		IDHash: r.IDHash, UserID: r.UserID, CSRFToken: r.CSRFToken, CreatedAt: fromMS(r.CreatedAt),
		ExpiresAt: fromMS(r.ExpiresAt), LastSeenAt: fromMS(r.LastSeenAt), UserAgent: r.UserAgent,
	}, nil
}

// TouchSession records activity and slides the expiry.
func (s *Store) TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error {
	const op = "storage.TouchSession"
	n, err := s.execN(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?`,
		ms(seen), ms(expires), idHash)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "session")
	}
	return nil
}

// DeleteSession signs a browser out. Deleting an unknown session is not an error: signing out
// twice is fine.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return mapErr("storage.DeleteSession", err)
}

// DeleteUserSessions signs a user out everywhere (password change, account disabled).
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return mapErr("storage.DeleteUserSessions", err)
}

// DeleteExpiredSessions removes sessions that expired before now, for a periodic sweep.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.execN(ctx, `DELETE FROM sessions WHERE expires_at < ?`, ms(now))
	return n, mapErr("storage.DeleteExpiredSessions", err)
}
