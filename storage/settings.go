package storage

import (
	"context"
)

// Setting returns an instance-wide value; NotFound when it was never set.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.get(ctx, &v, `SELECT value FROM settings WHERE name = ?`, key)
	return v, mapErr("storage.Setting", err, "setting "+key)
}

// SetSetting stores a value, replacing any earlier one.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, key, value)
	if err == nil {
		err = s.announce(ctx, TopicSetting, key)
	}
	return mapErr("storage.SetSetting", err)
}

// TakeSetting deletes key and returns its value in one statement, so of two concurrent callers
// only one gets it (the one-time setup token); the other gets NotFound.
func (s *Store) TakeSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.getW(ctx, &v, `DELETE FROM settings WHERE name = ? RETURNING value`, key)
	return v, mapErr("storage.TakeSetting", err, "setting "+key)
}

// DeleteSetting removes a value; removing an absent one is not an error.
func (s *Store) DeleteSetting(ctx context.Context, key string) error {
	_, err := s.exec(ctx, `DELETE FROM settings WHERE name = ?`, key)
	if err == nil {
		err = s.announce(ctx, TopicSetting, key)
	}
	return mapErr("storage.DeleteSetting", err)
}
