package storage_test

import (
	"context"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// TestAccountSettings: settings are absent until saved, saving twice replaces them, and the
// engine refuses a visibility that is not one of the five.
func TestAccountSettings(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		_, err := s.AccountSettings(ctx, alice.ID)
		wantKind(t, err, activitypub.NotFound)
		for _, want := range []preferences.AccountSettings{
			{DefaultVisibility: activitypub.LocalOnly, AvatarDescription: "Alice smiling", UpdatedAt: f.now},
			{DefaultVisibility: activitypub.Private, HeaderDescription: "The town hall at dusk", UpdatedAt: f.now},
		} {
			must(t, s.SaveAccountSettings(ctx, alice.ID, &want))
			got, err := s.AccountSettings(ctx, alice.ID)
			must(t, err)
			if got.DefaultVisibility != want.DefaultVisibility || got.AvatarDescription != want.AvatarDescription ||
				got.HeaderDescription != want.HeaderDescription || !got.UpdatedAt.Equal(want.UpdatedAt) {
				t.Errorf("AccountSettings = %+v, want %+v", got, want)
			}
		}
		if err := s.SaveAccountSettings(ctx, alice.ID, &preferences.AccountSettings{DefaultVisibility: "everyone", UpdatedAt: f.now}); err == nil {
			t.Error("an unknown visibility was stored")
		}
	})
}
