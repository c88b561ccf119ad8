package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

type accountSettingsRow struct {
	DefaultVisibility string `db:"default_visibility"`
	AvatarDescription string `db:"avatar_description"`
	HeaderDescription string `db:"header_description"`
	UpdatedAt         int64  `db:"updated_at"`
}

// AccountSettings returns a user's settings; a user who never saved any gets NotFound.
func (s *Store) AccountSettings(ctx context.Context, userID string) (*preferences.AccountSettings, error) {
	var r accountSettingsRow
	if err := s.get(ctx, &r, `SELECT default_visibility, avatar_description, header_description, updated_at
		FROM account_settings WHERE user_id = ?`, userID); err != nil {
		return nil, mapErr("storage.AccountSettings", err, "account settings")
	}
	return &preferences.AccountSettings{DefaultVisibility: activitypub.Visibility(r.DefaultVisibility),
		AvatarDescription: r.AvatarDescription, HeaderDescription: r.HeaderDescription, UpdatedAt: fromMS(r.UpdatedAt)}, nil
}

// SaveAccountSettings creates or replaces a user's settings.
func (s *Store) SaveAccountSettings(ctx context.Context, userID string, a *preferences.AccountSettings) error {
	_, err := s.exec(ctx, `INSERT INTO account_settings (user_id, default_visibility, avatar_description,
			header_description, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET default_visibility = excluded.default_visibility,
			avatar_description = excluded.avatar_description, header_description = excluded.header_description,
			updated_at = excluded.updated_at`,
		userID, string(a.DefaultVisibility), a.AvatarDescription, a.HeaderDescription, ms(a.UpdatedAt))
	return mapErr("storage.SaveAccountSettings", err)
}

var _ preferences.SettingsStore = (*Store)(nil)
