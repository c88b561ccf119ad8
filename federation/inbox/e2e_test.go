package inbox_test

import (
	"net/http"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
)

// A fake remote with a real RSA key POSTs signed activities over real HTTP; the store shows the
// result of each.
func TestInboxEndToEnd(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test")
		alice := e.localUser("alice", false)
		dora := e.localUser("dora", true)
		bob := e.remote("remote.test").addActor(t, "bob")
		ctx := ctxb()

		// Follow of an unlocked account: accepted, an Accept queued, alice notified.
		e.expect(http.StatusAccepted, "/users/alice/inbox", bob, follow(bob, bob.ID+"#follows/1", alice.Actor.URI))
		bobRow := must(s.ActorByURI(ctx, bob.ID))
		if strings.Contains(bobRow.DisplayName, "<") || strings.Contains(bobRow.Summary, "onerror") {
			t.Fatalf("remote profile not sanitised: %q %q", bobRow.DisplayName, bobRow.Summary)
		}
		f := must(s.FollowBetween(ctx, bobRow.ID, alice.Actor.ID))
		if f.State != ap.FollowAccepted {
			t.Fatalf("follow state %s, want accepted", f.State)
		}
		if !hasOutbox(e.pendingOutbox(), "Accept", bob.ID+"#follows/1") {
			t.Fatal("no Accept queued")
		}
		if e.notifications(alice, ap.NotifyFollow) != 1 {
			t.Fatal("alice not notified of the follow")
		}
		// The same Follow again is processed once; a new id for the same follow re-sends Accept.
		e.expect(http.StatusAccepted, "/users/alice/inbox", bob, follow(bob, bob.ID+"#follows/1", alice.Actor.URI))
		e.expect(http.StatusAccepted, "/users/alice/inbox", bob, follow(bob, bob.ID+"#follows/2", alice.Actor.URI))
		if !hasOutbox(e.pendingOutbox(), "Accept", bob.ID+"#follows/2") {
			t.Fatal("duplicate Follow with a new id did not re-send Accept")
		}

		// Follow of a locked account: pending and a follow request.
		e.expect(http.StatusAccepted, "/users/dora/inbox", bob, follow(bob, bob.ID+"#follows/3", dora.Actor.URI))
		if f := must(s.FollowBetween(ctx, bobRow.ID, dora.Actor.ID)); f.State != ap.FollowPending {
			t.Fatalf("locked follow state %s", f.State)
		}
		if e.notifications(dora, ap.NotifyFollowRequest) != 1 {
			t.Fatal("dora not told of the follow request")
		}

		// alice follows bob; bob accepts.
		must(e.svc.Follow(ctx, alice, bobRow.ID, true, false))
		af := must(s.FollowBetween(ctx, alice.Actor.ID, bobRow.ID))
		accept := activity("Accept", bob.ID+"#accepts/1", bob, map[string]any{"id": af.URI, "type": "Follow",
			"actor": alice.Actor.URI, "object": bob.ID})
		e.expect(http.StatusAccepted, "/users/alice/inbox", bob, accept)
		if af = must(s.FollowBetween(ctx, alice.Actor.ID, bobRow.ID)); af.State != ap.FollowAccepted {
			t.Fatal("Accept did not accept alice's follow")
		}

		// Create{Note} mentioning alice: stored, in alice's home, mention notification; twice → once.
		n := note(bob.ID+"/statuses/1", bob.ID, `<p>Hi <a href="http://local.test/@alice">@alice</a> <script>x</script></p>`,
			[]string{public}, []string{bob.ID + "/followers"}, map[string]any{
				"tag": []any{map[string]any{"type": "Mention", "href": alice.Actor.URI, "name": "@alice@local.test"},
					map[string]any{"type": "Hashtag", "href": "http://remote.test/tags/parks", "name": "#Parks"}},
				"sensitive": true, "summary": "cw",
			})
		e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
		e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
		st := must(s.StatusByURI(ctx, bob.ID+"/statuses/1"))
		if strings.Contains(st.Content, "script") || st.SpoilerText != "cw" || !st.Sensitive || st.Visibility != ap.Public {
			t.Fatalf("stored status wrong: %+v", st)
		}
		if len(st.Mentions) != 1 || st.Mentions[0].ActorID != alice.Actor.ID || len(st.Tags) != 1 || st.Tags[0] != "parks" {
			t.Fatalf("mentions/tags wrong: %+v %v", st.Mentions, st.Tags)
		}
		home := must(s.HomeTimeline(ctx, alice.Actor.ID, ap.Page{Limit: 40}))
		if len(home) != 1 || home[0].ID != st.ID {
			t.Fatalf("status not in alice's home exactly once: %d", len(home))
		}
		if e.notifications(alice, ap.NotifyMention) != 1 {
			t.Fatal("mention not notified")
		}

		// Like and Announce of alice's own post.
		mine := must(e.svc.Post(ctx, alice, ap.PostInput{Text: "Bins collected Tuesday"}))
		like := activity("Like", bob.ID+"#likes/1", bob, mine.URI)
		e.expect(http.StatusAccepted, "/inbox", bob, like)
		e.expect(http.StatusAccepted, "/inbox", bob, like)
		if got := must(s.StatusByID(ctx, mine.ID)); got.FavouritesCount != 1 {
			t.Fatalf("favourites %d, want 1", got.FavouritesCount)
		}
		ann := activity("Announce", bob.ID+"/statuses/2/activity", bob, mine.URI)
		ann["to"] = []string{public}
		e.expect(http.StatusAccepted, "/inbox", bob, ann)
		if got := must(s.StatusByID(ctx, mine.ID)); got.ReblogsCount != 1 {
			t.Fatalf("reblogs %d, want 1", got.ReblogsCount)
		}
		if e.notifications(alice, ap.NotifyReblog) != 1 || e.notifications(alice, ap.NotifyFavourite) != 1 {
			t.Fatal("reblog/favourite not notified")
		}

		// Update of bob's note.
		upd := note(n["id"].(string), bob.ID, "<p>edited</p>", []string{public}, nil, map[string]any{"updated": "2099-01-01T00:00:00Z"})
		e.expect(http.StatusAccepted, "/inbox", bob, activity("Update", bob.ID+"/statuses/1#updates/1", bob, upd))
		if st := must(s.StatusByURI(ctx, n["id"].(string))); !strings.Contains(st.Content, "edited") {
			t.Fatalf("update not applied: %q", st.Content)
		}

		// Undo Like, Undo Announce.
		e.expect(http.StatusAccepted, "/inbox", bob, activity("Undo", bob.ID+"#likes/1/undo", bob, like))
		e.expect(http.StatusAccepted, "/inbox", bob, activity("Undo", bob.ID+"/statuses/2/undo", bob, ann))
		if got := must(s.StatusByID(ctx, mine.ID)); got.FavouritesCount != 0 || got.ReblogsCount != 0 {
			t.Fatalf("undo left counts %d/%d", got.FavouritesCount, got.ReblogsCount)
		}

		// Delete: tombstone; a late Create cannot bring it back.
		e.expect(http.StatusAccepted, "/inbox", bob, activity("Delete", bob.ID+"/statuses/1#delete", bob,
			map[string]any{"id": n["id"], "type": "Tombstone"}))
		if st := must(s.StatusByURI(ctx, n["id"].(string))); st.DeletedAt == nil {
			t.Fatal("status not deleted")
		}
		if tomb := must(s.IsTombstoned(ctx, n["id"].(string))); !tomb {
			t.Fatal("no tombstone")
		}

		// Undo Follow.
		e.expect(http.StatusAccepted, "/users/alice/inbox", bob, activity("Undo", bob.ID+"#follows/1/undo", bob,
			follow(bob, bob.ID+"#follows/1", alice.Actor.URI)))
		if _, err := s.FollowBetween(ctx, bobRow.ID, alice.Actor.ID); !ap.IsNotFound(err) {
			t.Fatalf("follow not undone: %v", err)
		}
	})
}

func hasOutbox(items []*ap.OutboxItem, typ, object string) bool {
	for _, it := range items {
		if it.Activity.Type == typ && it.Activity.Object == object {
			return true
		}
	}
	return false
}
