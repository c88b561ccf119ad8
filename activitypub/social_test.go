package activitypub_test

import (
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestFollowLockedAndUnlocked(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		a, open, locked := w.user("alice"), w.user("open"), w.user("locked")
		locked.Actor.ManuallyApproves = true
		if err := w.store.UpdateActor(w.ctx, &locked.Actor); err != nil {
			t.Fatal(err)
		}
		rel, err := w.svc.Follow(w.ctx, a, open.Actor.ID, true, false)
		if err != nil || !rel.Following || rel.Requested {
			t.Fatalf("follow unlocked: %+v %v", rel, err)
		}
		rel, err = w.svc.Follow(w.ctx, a, locked.Actor.ID, true, false)
		if err != nil || rel.Following || !rel.Requested {
			t.Fatalf("follow locked: %+v %v", rel, err)
		}
		ns, _ := w.svc.Notifications(w.ctx, locked, ap.NotificationFilter{}, ap.Page{})
		if len(ns) != 1 || ns[0].Type != ap.NotifyFollowRequest {
			t.Fatalf("locked account notifications: %+v", ns)
		}
		st := w.post(locked, "for followers", ap.Private)
		if ok, _ := w.svc.CanSee(w.ctx, ap.Viewer{Actor: &a.Actor}, st); ok {
			t.Fatal("pending follower sees followers-only post")
		}
		if rel, err = w.svc.AuthorizeFollowRequest(w.ctx, locked, a.Actor.ID); err != nil || !rel.FollowedBy {
			t.Fatalf("authorize: %+v %v", rel, err)
		}
		if ok, _ := w.svc.CanSee(w.ctx, ap.Viewer{Actor: &a.Actor}, st); !ok {
			t.Fatal("accepted follower cannot see followers-only post")
		}
		got, _ := w.store.ActorByID(w.ctx, locked.Actor.ID)
		if got.FollowersCount != 1 {
			t.Fatalf("followers count = %d", got.FollowersCount)
		}
		if _, err := w.svc.Unfollow(w.ctx, a, locked.Actor.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = w.store.ActorByID(w.ctx, locked.Actor.ID)
		if got.FollowersCount != 0 {
			t.Fatalf("followers count after unfollow = %d", got.FollowersCount)
		}
	})
}

func TestRemoteFollowQueuesFollowAndStaysPending(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		a := w.user("alice")
		bob := w.remote("bob", "remote.test")
		rel, err := w.svc.Follow(w.ctx, a, bob.ID, true, false)
		if err != nil || !rel.Requested || rel.Following {
			t.Fatalf("remote follow: %+v %v", rel, err)
		}
		items := w.outbox()
		if len(items) != 1 || items[0].Activity.Type != "Follow" || items[0].Activity.Object != bob.URI {
			t.Fatalf("outbox: %+v", items)
		}
		if _, err := w.svc.Unfollow(w.ctx, a, bob.ID); err != nil {
			t.Fatal(err)
		}
		items = w.outbox()
		if len(items) != 2 || items[1].Activity.Type != "Undo" || items[1].Activity.Inner.Type != "Follow" {
			t.Fatalf("outbox after unfollow: %+v", items[len(items)-1].Activity)
		}
	})
}

func TestFavouriteAndReblog(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		a, b := w.user("alice"), w.user("bob")
		st := w.post(a, "boost me", ap.Public)
		for i := 0; i < 2; i++ { // twice: the second is a no-op
			if _, err := w.svc.Favourite(w.ctx, b, st.ID); err != nil {
				t.Fatal(err)
			}
		}
		boost, err := w.svc.Reblog(w.ctx, b, st.ID)
		if err != nil || boost.ReblogOfID != st.ID {
			t.Fatalf("reblog: %+v %v", boost, err)
		}
		got, _ := w.svc.GetStatus(w.ctx, ap.Viewer{}, st.ID)
		if got.FavouritesCount != 1 || got.ReblogsCount != 1 {
			t.Fatalf("counts: fav %d reblog %d", got.FavouritesCount, got.ReblogsCount)
		}
		ns, _ := w.svc.Notifications(w.ctx, a, ap.NotificationFilter{}, ap.Page{})
		types := map[ap.NotificationType]int{}
		for _, n := range ns {
			types[n.Type]++
		}
		if types[ap.NotifyFavourite] != 1 || types[ap.NotifyReblog] != 1 {
			t.Fatalf("notifications: %v", types)
		}
		private := w.post(a, "followers only", ap.Private)
		if _, err := w.svc.Reblog(w.ctx, a, private.ID); ap.KindOf(err) != ap.Forbidden {
			t.Fatalf("reblog of a private post: %v", err)
		}
		if _, err := w.svc.Unreblog(w.ctx, b, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Unfavourite(w.ctx, b, st.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = w.svc.GetStatus(w.ctx, ap.Viewer{}, st.ID)
		if got.FavouritesCount != 0 || got.ReblogsCount != 0 {
			t.Fatalf("counts after undo: fav %d reblog %d", got.FavouritesCount, got.ReblogsCount)
		}
	})
}

// TestReplyToBlockedAccountSkipsBlockerHome: a follower who blocks someone does not see, in home,
// a reply to or mention of the blocked account by a third person (ORI-19b).
func TestReplyToBlockedAccountSkipsBlockerHome(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		blocker, friend, pest := w.user("blocker"), w.user("friend"), w.user("pest")
		w.follow(blocker, friend)
		if _, err := w.svc.Block(w.ctx, blocker, pest.Actor.ID); err != nil {
			t.Fatal(err)
		}
		pestPost := w.post(pest, "provocation", ap.Public)
		reply, err := w.svc.Post(w.ctx, friend, ap.PostInput{Text: "@pest no", InReplyToID: pestPost.ID})
		if err != nil {
			t.Fatal(err)
		}
		mention := w.post(friend, "cc @pest", ap.Public)
		plain := w.post(friend, "lunch?", ap.Public)
		home := w.home(blocker)
		if contains(home, reply.ID) || contains(home, mention.ID) {
			t.Fatal("a reply to or mention of a blocked account reached the blocker's home")
		}
		if !contains(home, plain.ID) {
			t.Fatal("the friend's ordinary post is missing from home")
		}
		if !contains(w.home(friend), reply.ID) {
			t.Fatal("the author's own home lost the reply")
		}
	})
}

func TestLastStatusAtFollowsPosting(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		a := w.user("author")
		if got, _ := w.store.ActorByID(w.ctx, a.Actor.ID); got.LastStatusAt != nil {
			t.Fatal("last_status_at set before any post")
		}
		w.post(a, "first", ap.Public)
		got, err := w.store.ActorByID(w.ctx, a.Actor.ID)
		if err != nil || got.LastStatusAt == nil || got.StatusesCount != 1 {
			t.Fatalf("after a post: %+v %v", got, err)
		}
	})
}
