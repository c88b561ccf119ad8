package activitypub_test

import (
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

// TestWhoSeesWhat is the visibility table: for each kind of post, which viewers may read it.
func TestWhoSeesWhat(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		author, follower, mentioned, stranger := w.user("author"), w.user("follower"), w.user("mentioned"), w.user("stranger")
		remoteFollower := w.remote("rf", "remote.test")
		w.follow(follower, author)
		// A remote follow becomes accepted when the remote side accepts; store it directly here.
		if err := w.store.CreateFollow(w.ctx, &ap.Follow{ID: w.svc.NewID(), URI: "https://remote.test/f/1", FollowerID: remoteFollower.ID, FolloweeID: author.Actor.ID, State: ap.FollowAccepted, CreatedAt: w.svc.Now()}); err != nil {
			t.Fatal(err)
		}
		viewers := map[string]ap.Viewer{
			"author": {Actor: &author.Actor}, "follower": {Actor: &follower.Actor}, "mentioned": {Actor: &mentioned.Actor},
			"stranger": {Actor: &stranger.Actor}, "anonymous": {}, "remote follower": {Actor: remoteFollower},
		}
		tests := []struct {
			vis  ap.Visibility
			sees map[string]bool
		}{
			{ap.Public, map[string]bool{"author": true, "follower": true, "mentioned": true, "stranger": true, "anonymous": true, "remote follower": true}},
			{ap.Unlisted, map[string]bool{"author": true, "follower": true, "mentioned": true, "stranger": true, "anonymous": true, "remote follower": true}},
			{ap.Private, map[string]bool{"author": true, "follower": true, "mentioned": true, "remote follower": true}},
			{ap.Direct, map[string]bool{"author": true, "mentioned": true}},
			{ap.LocalOnly, map[string]bool{"author": true, "follower": true, "mentioned": true, "stranger": true}},
		}
		for _, tc := range tests {
			st := w.post(author, "hello @mentioned", tc.vis)
			for name, v := range viewers {
				got, err := w.svc.CanSee(w.ctx, v, st)
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.sees[name] {
					t.Errorf("%s post: %s sees it = %v, want %v", tc.vis, name, got, tc.sees[name])
				}
				_, err = w.svc.GetStatus(w.ctx, v, st.ID)
				if (err == nil) != tc.sees[name] || (err != nil && !ap.IsNotFound(err)) {
					t.Errorf("%s post: GetStatus for %s = %v", tc.vis, name, err)
				}
			}
		}
	})
}

func TestBlockHidesPosts(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		a, b := w.user("alice"), w.user("bob")
		st := w.post(a, "public words", ap.Public)
		if _, err := w.svc.Block(w.ctx, a, b.Actor.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := w.svc.CanSee(w.ctx, ap.Viewer{Actor: &b.Actor}, st); ok {
			t.Fatal("a blocked account can still see the blocker's public post")
		}
		if _, err := w.svc.Follow(w.ctx, b, a.Actor.ID, true, false); ap.KindOf(err) != ap.Forbidden {
			t.Fatalf("blocked account followed: %v", err)
		}
	})
}

// TestCanSeeCoversAuthorsAndBoosts: a suspended or deleted author's posts are visible to nobody,
// and so is a boost of them, which would otherwise bring them back (Mastodon CVE-2026-23961).
func TestCanSeeCoversAuthorsAndBoosts(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		alice, bob, carol := w.user("alice"), w.user("bob"), w.user("carol")
		st := w.post(alice, "public words", ap.Public)
		boost, err := w.svc.Reblog(w.ctx, bob, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		own := w.post(bob, "bob's own words", ap.Public)
		viewers := map[string]ap.Viewer{"carol": {Actor: &carol.Actor}, "anonymous": {}}
		check := func(when string, want map[*ap.Status]bool) {
			t.Helper()
			for name, v := range viewers {
				for s, sees := range want {
					got, err := w.svc.CanSee(w.ctx, v, s)
					if err != nil {
						t.Fatal(err)
					}
					if got != sees {
						t.Errorf("%s: %s sees %q (boost: %v) = %v, want %v", when, name, s.Content, s.ReblogOfID != "", got, sees)
					}
				}
			}
		}
		check("before", map[*ap.Status]bool{st: true, boost: true, own: true})

		now := w.svc.Now()
		alice.Actor.SuspendedAt = &now
		if err := w.store.UpdateActor(w.ctx, &alice.Actor); err != nil {
			t.Fatal(err)
		}
		check("author suspended", map[*ap.Status]bool{st: false, boost: false, own: true})

		bob.Actor.DeletedAt = &now
		alice.Actor.SuspendedAt = nil
		for _, a := range []*ap.Actor{&alice.Actor, &bob.Actor} {
			if err := w.store.UpdateActor(w.ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		check("booster deleted", map[*ap.Status]bool{st: true, boost: false, own: false})
	})
}
