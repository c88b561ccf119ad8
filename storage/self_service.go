package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// UserSessions lists a user's sessions expiring after now, most recently seen first.
func (s *Store) UserSessions(ctx context.Context, userID string, now time.Time) ([]*activitypub.Session, error) {
	var rows []sessionRow
	if err := s.sel(ctx, &rows, `SELECT `+sessionCols+` FROM sessions WHERE user_id = ? AND expires_at > ?
		ORDER BY last_seen_at DESC, id_hash`, userID, ms(now)); err != nil {
		return nil, mapErr("storage.UserSessions", err)
	}
	out := make([]*activitypub.Session, len(rows))
	for i, r := range rows {
		out[i] = &activitypub.Session{IDHash: r.IDHash, UserID: r.UserID, CSRFToken: r.CSRFToken,
			CreatedAt: fromMS(r.CreatedAt), ExpiresAt: fromMS(r.ExpiresAt), LastSeenAt: fromMS(r.LastSeenAt), UserAgent: r.UserAgent}
	}
	return out, nil
}

type userAppRow struct {
	AppID        string `db:"app_id"`
	Name         string `db:"name"`
	Website      string `db:"website"`
	Scopes       string `db:"scopes"`
	AuthorisedAt int64  `db:"authorised_at"`
	LastUsedAt   *int64 `db:"last_used_at"`
}

// UserApps lists the apps with live tokens of a user, newest authorisation first.
func (s *Store) UserApps(ctx context.Context, userID string) ([]*accounts.AuthorisedApp, error) {
	var rows []userAppRow
	if err := s.sel(ctx, &rows, `SELECT a.id AS app_id, a.name, a.website, a.scopes,
			MIN(t.created_at) AS authorised_at, MAX(t.last_used_at) AS last_used_at
		FROM oauth_tokens t JOIN oauth_apps a ON a.id = t.app_id
		WHERE t.user_id = ? AND t.revoked_at IS NULL
		GROUP BY a.id, a.name, a.website, a.scopes
		ORDER BY MIN(t.created_at) DESC, a.id`, userID); err != nil {
		return nil, mapErr("storage.UserApps", err)
	}
	out := make([]*accounts.AuthorisedApp, len(rows))
	for i, r := range rows {
		scopes, err := parseStrList(r.Scopes)
		if err != nil {
			return nil, mapErr("storage.UserApps", err)
		}
		out[i] = &accounts.AuthorisedApp{AppID: r.AppID, Name: r.Name, Website: r.Website, Scopes: scopes,
			AuthorisedAt: fromMS(r.AuthorisedAt), LastUsedAt: fromMSPtr(r.LastUsedAt)}
	}
	return out, nil
}

// RevokeUserAppTokens revokes a user's live tokens for one app.
func (s *Store) RevokeUserAppTokens(ctx context.Context, userID, appID string, at time.Time) (int64, error) {
	n, err := s.execN(ctx, `UPDATE oauth_tokens SET revoked_at = ? WHERE user_id = ? AND app_id = ? AND revoked_at IS NULL`,
		ms(at), userID, appID)
	return n, mapErr("storage.RevokeUserAppTokens", err)
}

var _ accounts.SelfServiceStore = (*Store)(nil)
