package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// pageCases are the paging semantics every list shares, over items whose ids are ids[0] (oldest)
// to ids[n-1] (newest). Results are always newest first.
func pageCases(ids []string) []struct {
	name string
	p    activitypub.Page
	want []string
} {
	rev := slices.Clone(ids)
	slices.Reverse(rev) // newest first
	n := len(ids)
	return []struct {
		name string
		p    activitypub.Page
		want []string
	}{
		{"first page", activitypub.Page{Limit: 3}, rev[:3]},
		{"default limit", activitypub.Page{}, rev[:min(20, n)]},
		{"max_id", activitypub.Page{MaxID: ids[n-3], Limit: 3}, rev[3:6]},
		{"since_id gives the newest", activitypub.Page{SinceID: ids[1], Limit: 3}, rev[:3]},
		{"min_id gives the next newer", activitypub.Page{MinID: ids[1], Limit: 3}, []string{ids[4], ids[3], ids[2]}},
		{"max_id and since_id", activitypub.Page{MaxID: ids[5], SinceID: ids[1], Limit: 10}, []string{ids[4], ids[3], ids[2]}},
		{"max_id past the end", activitypub.Page{MaxID: ids[0], Limit: 3}, nil},
		{"min_id at the newest", activitypub.Page{MinID: ids[n-1]}, nil},
	}
}

func checkPages(t *testing.T, ids []string, list func(activitypub.Page) ([]string, error)) {
	t.Helper()
	for _, c := range pageCases(ids) {
		got, err := list(c.p)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestFollows(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		var followIDs []string
		var remote []*activitypub.Actor
		for i := range 8 {
			domain := []string{"a.example", "b.example", ""}[i%3]
			a := f.actor("follower"+string(rune('a'+i)), domain)
			if domain != "" {
				remote = append(remote, a)
			}
			fl := &activitypub.Follow{ID: f.id(), URI: a.URI + "/follows/1", FollowerID: a.ID, FolloweeID: alice.ID,
				State: activitypub.FollowAccepted, ShowReblogs: true, CreatedAt: f.now}
			if domain == "" {
				fl.URI = ""
			}
			must(t, s.CreateFollow(ctx, fl))
			followIDs = append(followIDs, fl.ID)
		}
		// A pending request is not a follower.
		pendingActor := f.actor("pending", "c.example")
		req := &activitypub.Follow{ID: f.id(), URI: "https://c.example/follows/9", FollowerID: pendingActor.ID,
			FolloweeID: alice.ID, State: activitypub.FollowPending, CreatedAt: f.now}
		must(t, s.CreateFollow(ctx, req))

		checkPages(t, followIDs, func(p activitypub.Page) ([]string, error) {
			list, err := s.Followers(ctx, alice.ID, p)
			var ids []string
			for _, fl := range list {
				ids = append(ids, fl.ID)
			}
			return ids, err
		})

		reqs, err := s.FollowRequests(ctx, alice.ID, activitypub.Page{})
		if err != nil || len(reqs) != 1 || reqs[0].ID != req.ID || reqs[0].State != activitypub.FollowPending {
			t.Errorf("FollowRequests = %v, %v", reqs, err)
		}
		if n, err := s.CountFollowRequests(ctx, alice.ID); err != nil || n != 1 {
			t.Errorf("CountFollowRequests = %d, %v; want 1 (accepted follows are not requests)", n, err)
		}
		following, err := s.Following(ctx, remote[0].ID, activitypub.Page{})
		if err != nil || len(following) != 1 || following[0].FolloweeID != alice.ID {
			t.Errorf("Following = %v, %v", following, err)
		}

		inboxes, err := s.FollowerInboxes(ctx, alice.ID)
		must(t, err)
		if want := []string{"https://a.example/inbox", "https://b.example/inbox"}; !slices.Equal(inboxes, want) {
			t.Errorf("FollowerInboxes = %v, want %v (shared, distinct, accepted, remote)", inboxes, want)
		}
		locals, err := s.LocalFollowerIDs(ctx, alice.ID)
		if err != nil || len(locals) != 2 {
			t.Errorf("LocalFollowerIDs = %v, %v", locals, err)
		}

		must(t, s.AcceptFollow(ctx, req.ID))
		got, err := s.FollowByURI(ctx, req.URI)
		if err != nil || got.State != activitypub.FollowAccepted {
			t.Errorf("after accept FollowByURI = %+v, %v", got, err)
		}
		if got, err := s.FollowBetween(ctx, pendingActor.ID, alice.ID); err != nil || got.ID != req.ID {
			t.Errorf("FollowBetween = %v, %v", got, err)
		}
		if got, err := s.FollowByID(ctx, followIDs[2]); err != nil || got.URI != "" || !got.ShowReblogs {
			t.Errorf("FollowByID (local) = %+v, %v", got, err)
		}

		dup := *req
		dup.ID, dup.URI = f.id(), "https://c.example/follows/10"
		wantKind(t, s.CreateFollow(ctx, &dup), activitypub.Conflict)
		must(t, s.DeleteFollow(ctx, req.ID))
		wantKind(t, s.DeleteFollow(ctx, req.ID), activitypub.NotFound)
		wantKind(t, s.AcceptFollow(ctx, req.ID), activitypub.NotFound)
		_, err = s.FollowByURI(ctx, "")
		wantKind(t, err, activitypub.NotFound)
		_, err = s.FollowBetween(ctx, alice.ID, pendingActor.ID)
		wantKind(t, err, activitypub.NotFound)
	})
}

func TestBlocksAndMutes(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob, carol := f.user("alice"), f.actor("bob", "x.example"), f.actor("carol", "")

		b := &activitypub.Block{ID: f.id(), URI: "https://local.test/blocks/1", ActorID: alice.ID, TargetID: bob.ID, CreatedAt: f.now}
		must(t, s.CreateBlock(ctx, b))
		wantKind(t, s.CreateBlock(ctx, &activitypub.Block{ID: f.id(), ActorID: alice.ID, TargetID: bob.ID, CreatedAt: f.now}), activitypub.Conflict)
		for _, pair := range [][2]string{{alice.ID, bob.ID}, {bob.ID, alice.ID}} {
			if ok, err := s.Blocked(ctx, pair[0], pair[1]); err != nil || !ok {
				t.Errorf("Blocked(%v) = %v, %v", pair, ok, err)
			}
		}
		if ok, _ := s.Blocked(ctx, alice.ID, carol.ID); ok {
			t.Error("Blocked(alice, carol) = true")
		}
		if got, err := s.BlockBetween(ctx, alice.ID, bob.ID); err != nil || got.ID != b.ID {
			t.Errorf("BlockBetween = %v, %v", got, err)
		}
		_, err := s.BlockBetween(ctx, bob.ID, alice.ID)
		wantKind(t, err, activitypub.NotFound)
		if got, err := s.BlockByURI(ctx, b.URI); err != nil || got.TargetID != bob.ID {
			t.Errorf("BlockByURI = %v, %v", got, err)
		}
		if list, err := s.Blocks(ctx, alice.ID, activitypub.Page{}); err != nil || len(list) != 1 {
			t.Errorf("Blocks = %v, %v", list, err)
		}
		must(t, s.DeleteBlock(ctx, b.ID))
		wantKind(t, s.DeleteBlock(ctx, b.ID), activitypub.NotFound)

		past := f.now.Add(-1e9 * 3600 * 24 * 365 * 10)
		must(t, s.SetMute(ctx, &activitypub.Mute{ActorID: alice.ID, TargetID: bob.ID, Notifications: true, CreatedAt: f.now}))
		must(t, s.SetMute(ctx, &activitypub.Mute{ActorID: alice.ID, TargetID: carol.ID, ExpiresAt: &past, CreatedAt: f.now}))
		if ok, err := s.Muted(ctx, alice.ID, bob.ID); err != nil || !ok {
			t.Errorf("Muted(bob) = %v, %v", ok, err)
		}
		if ok, _ := s.Muted(ctx, alice.ID, carol.ID); ok {
			t.Error("an expired mute still counts")
		}
		must(t, s.SetMute(ctx, &activitypub.Mute{ActorID: alice.ID, TargetID: carol.ID, CreatedAt: f.now}))
		if ok, _ := s.Muted(ctx, alice.ID, carol.ID); !ok {
			t.Error("SetMute did not update the existing mute")
		}
		mutes, err := s.Mutes(ctx, alice.ID, activitypub.Page{Limit: 1})
		if err != nil || len(mutes) != 1 || mutes[0].TargetID != carol.ID {
			t.Errorf("Mutes(limit 1) = %v, %v; want carol, the newer actor id", mutes, err)
		}
		must(t, s.DeleteMute(ctx, alice.ID, bob.ID))
		must(t, s.DeleteMute(ctx, alice.ID, bob.ID))
		if ok, _ := s.Muted(ctx, alice.ID, bob.ID); ok {
			t.Error("Muted after DeleteMute")
		}
	})
}

func TestNotificationsAndInbox(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob := f.user("alice"), f.actor("bob", "x.example")
		st := f.status(alice, "hello")

		like := &activitypub.Notification{ID: f.id(), RecipientID: alice.ID, Type: activitypub.NotifyFavourite,
			FromActorID: bob.ID, StatusID: st.ID, CreatedAt: f.now}
		must(t, s.CreateNotification(ctx, like))
		again := *like
		again.ID = f.id()
		must(t, s.CreateNotification(ctx, &again)) // the same event: a no-op
		follow := &activitypub.Notification{ID: f.id(), RecipientID: alice.ID, Type: activitypub.NotifyFollow,
			FromActorID: bob.ID, CreatedAt: f.now}
		must(t, s.CreateNotification(ctx, follow))
		followAgain := *follow
		followAgain.ID = f.id()
		must(t, s.CreateNotification(ctx, &followAgain)) // no status: still deduplicated

		all, err := s.Notifications(ctx, alice.ID, activitypub.NotificationFilter{}, activitypub.Page{})
		if err != nil || len(all) != 2 || all[0].ID != follow.ID || all[1].StatusID != st.ID {
			t.Fatalf("Notifications = %v, %v", all, err)
		}
		filters := []struct {
			name string
			f    activitypub.NotificationFilter
			want int
		}{
			{"types", activitypub.NotificationFilter{Types: []activitypub.NotificationType{activitypub.NotifyFollow}}, 1},
			{"exclude", activitypub.NotificationFilter{ExcludeTypes: []activitypub.NotificationType{activitypub.NotifyFollow, activitypub.NotifyFavourite}}, 0},
			{"from", activitypub.NotificationFilter{FromActorID: bob.ID}, 2},
			{"from other", activitypub.NotificationFilter{FromActorID: alice.ID}, 0},
		}
		for _, c := range filters {
			if got, err := s.Notifications(ctx, alice.ID, c.f, activitypub.Page{}); err != nil || len(got) != c.want {
				t.Errorf("%s: %d, %v; want %d", c.name, len(got), err, c.want)
			}
		}
		if got, err := s.NotificationByID(ctx, alice.ID, like.ID); err != nil || got.Type != activitypub.NotifyFavourite {
			t.Errorf("NotificationByID = %v, %v", got, err)
		}
		_, err = s.NotificationByID(ctx, bob.ID, like.ID)
		wantKind(t, err, activitypub.NotFound)
		must(t, s.DeleteNotification(ctx, alice.ID, like.ID))
		wantKind(t, s.DeleteNotification(ctx, alice.ID, like.ID), activitypub.NotFound)
		must(t, s.ClearNotifications(ctx, alice.ID))
		if got, _ := s.Notifications(ctx, alice.ID, activitypub.NotificationFilter{}, activitypub.Page{}); len(got) != 0 {
			t.Errorf("after Clear: %d", len(got))
		}

		first, err := s.MarkActivitySeen(ctx, "https://x.example/activities/1", f.now)
		must(t, err)
		second, err := s.MarkActivitySeen(ctx, "https://x.example/activities/1", f.now)
		must(t, err)
		if !first || second {
			t.Errorf("MarkActivitySeen = %v then %v, want true then false", first, second)
		}
		if ok, _ := s.IsTombstoned(ctx, "https://x.example/notes/1"); ok {
			t.Error("tombstoned before AddTombstone")
		}
		must(t, s.AddTombstone(ctx, "https://x.example/notes/1", f.now))
		must(t, s.AddTombstone(ctx, "https://x.example/notes/1", f.now))
		if ok, err := s.IsTombstoned(ctx, "https://x.example/notes/1"); err != nil || !ok {
			t.Errorf("IsTombstoned = %v, %v", ok, err)
		}
	})
}

func TestOAuth(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		app := &activitypub.OAuthApp{ID: f.id(), ClientID: "client", ClientSecretHash: "secret", Name: "Tusky",
			RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob", "https://app/cb"}, Scopes: []string{"read", "write"}, CreatedAt: f.now}
		must(t, s.CreateApp(ctx, app))
		wantKind(t, s.CreateApp(ctx, &activitypub.OAuthApp{ID: f.id(), ClientID: "client", Name: "x", CreatedAt: f.now}), activitypub.Conflict)
		for _, get := range []func() (*activitypub.OAuthApp, error){
			func() (*activitypub.OAuthApp, error) { return s.AppByClientID(ctx, "client") },
			func() (*activitypub.OAuthApp, error) { return s.AppByID(ctx, app.ID) },
		} {
			got, err := get()
			if err != nil || got.Name != "Tusky" || !slices.Equal(got.RedirectURIs, app.RedirectURIs) || !slices.Equal(got.Scopes, app.Scopes) {
				t.Errorf("app = %+v, %v", got, err)
			}
		}
		_, err := s.AppByClientID(ctx, "nope")
		wantKind(t, err, activitypub.NotFound)

		code := &activitypub.OAuthCode{CodeHash: "ch", AppID: app.ID, UserID: alice.ID, RedirectURI: "https://app/cb",
			Scopes: []string{"read"}, CodeChallenge: "cc", CodeChallengeMethod: "S256", ExpiresAt: f.now, CreatedAt: f.now}
		must(t, s.CreateCode(ctx, code))
		got, err := s.TakeCode(ctx, "ch")
		if err != nil || got.UserID != alice.ID || got.CodeChallenge != "cc" || !got.ExpiresAt.Equal(f.now) || !slices.Equal(got.Scopes, []string{"read"}) {
			t.Errorf("TakeCode = %+v, %v", got, err)
		}
		_, err = s.TakeCode(ctx, "ch")
		wantKind(t, err, activitypub.NotFound)

		tok := &activitypub.OAuthToken{ID: f.id(), TokenHash: "th", AppID: app.ID, UserID: alice.ID, Scopes: []string{"read"}, CreatedAt: f.now}
		must(t, s.CreateToken(ctx, tok))
		cli := &activitypub.OAuthToken{ID: f.id(), TokenHash: "th2", Scopes: []string{"admin"}, CreatedAt: f.now}
		must(t, s.CreateToken(ctx, cli)) // a command-line token: no app, no user
		wantKind(t, s.CreateToken(ctx, &activitypub.OAuthToken{ID: f.id(), TokenHash: "th", CreatedAt: f.now}), activitypub.Conflict)
		must(t, s.RevokeToken(ctx, "th", f.now))
		gt, err := s.TokenByHash(ctx, "th")
		if err != nil || gt.RevokedAt == nil || gt.AppID != app.ID || gt.UserID != alice.ID {
			t.Errorf("TokenByHash = %+v, %v", gt, err)
		}
		if gt, err := s.TokenByHash(ctx, "th2"); err != nil || gt.AppID != "" || gt.UserID != "" || gt.RevokedAt != nil {
			t.Errorf("TokenByHash(cli) = %+v, %v", gt, err)
		}
		wantKind(t, s.RevokeToken(ctx, "nope", f.now), activitypub.NotFound)
	})
}
