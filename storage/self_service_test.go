package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// TestSelfService: a user's live sessions, most recent first, without expired ones or other
// users'; the apps holding their live tokens; revoking one app's tokens leaves the rest.
func TestSelfService(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob := f.user("alice"), f.user("bob")
		for _, se := range []*activitypub.Session{
			{IDHash: "old", UserID: alice.ID, CreatedAt: f.now, LastSeenAt: f.now, ExpiresAt: f.now.Add(time.Hour)},
			{IDHash: "new", UserID: alice.ID, CreatedAt: f.now, LastSeenAt: f.now.Add(time.Minute), ExpiresAt: f.now.Add(time.Hour), UserAgent: "Firefox"},
			{IDHash: "expired", UserID: alice.ID, CreatedAt: f.now, LastSeenAt: f.now, ExpiresAt: f.now.Add(-time.Second)},
			{IDHash: "bobs", UserID: bob.ID, CreatedAt: f.now, LastSeenAt: f.now, ExpiresAt: f.now.Add(time.Hour)},
		} {
			must(t, s.CreateSession(ctx, se))
		}
		got, err := s.UserSessions(ctx, alice.ID, f.now)
		must(t, err)
		if len(got) != 2 || got[0].IDHash != "new" || got[1].IDHash != "old" || got[0].UserAgent != "Firefox" {
			t.Errorf("UserSessions = %+v", got)
		}

		apps := []*activitypub.OAuthApp{{ID: f.id(), ClientID: "c1", Name: "Tusky", CreatedAt: f.now}, {ID: f.id(), ClientID: "c2", Name: "Ivory", Scopes: []string{"read"}, CreatedAt: f.now}}
		for _, a := range apps {
			must(t, s.CreateApp(ctx, a))
		}
		for i, tk := range []struct {
			app  *activitypub.OAuthApp
			user *activitypub.Actor
		}{{apps[0], alice}, {apps[0], alice}, {apps[1], alice}, {apps[1], bob}} {
			must(t, s.CreateToken(ctx, &activitypub.OAuthToken{ID: f.id(), TokenHash: "t" + string(rune('a'+i)), AppID: tk.app.ID,
				UserID: tk.user.ID, Scopes: []string{"read"}, CreatedAt: f.now}))
		}
		list, err := s.UserApps(ctx, alice.ID)
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("UserApps = %+v", list)
		}
		n, err := s.RevokeUserAppTokens(ctx, alice.ID, apps[0].ID, f.now)
		must(t, err)
		if n != 2 {
			t.Errorf("revoked %d tokens, want 2", n)
		}
		list, err = s.UserApps(ctx, alice.ID)
		must(t, err)
		if len(list) != 1 || list[0].Name != "Ivory" || len(list[0].Scopes) != 1 {
			t.Errorf("UserApps after revoking = %+v", list)
		}
		if bobs, _ := s.UserApps(ctx, bob.ID); len(bobs) != 1 {
			t.Errorf("bob's apps = %+v", bobs)
		}
	})
}
