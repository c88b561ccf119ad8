package storage_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func statusIDs(list []*activitypub.Status) []string {
	var ids []string
	for _, st := range list {
		ids = append(ids, st.ID)
	}
	return ids
}

func TestStatuses(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob := f.user("alice"), f.actor("bob", "x.example")

		media := &activitypub.Attachment{ID: f.id(), ActorID: alice.ID, Type: "image", URL: "https://local.test/m/1.jpg", CreatedAt: f.now}
		must(t, s.CreateAttachment(ctx, media))
		st := f.newStatus(alice, "hello #Council @bob")
		st.Mentions = []activitypub.Mention{{ActorID: bob.ID}}
		st.Tags = []string{"Council", "#budget"}
		st.Attachments = []activitypub.Attachment{{ID: media.ID}}
		st.ContextURI = "https://local.test/contexts/1"
		must(t, s.CreateStatus(ctx, st))
		wantKind(t, s.CreateStatus(ctx, st), activitypub.Conflict)

		got, err := s.StatusByID(ctx, st.ID)
		must(t, err)
		if got.URI != st.URI || got.Content != st.Content || !got.Local || got.Visibility != activitypub.Public ||
			got.Kind != activitypub.KindPost || !got.CreatedAt.Equal(st.CreatedAt) || got.EditedAt != nil {
			t.Errorf("StatusByID = %+v", got)
		}
		if len(got.Mentions) != 1 || got.Mentions[0].URI != bob.URI || got.Mentions[0].Username != "bob" || got.Mentions[0].Domain != "x.example" {
			t.Errorf("Mentions = %+v", got.Mentions)
		}
		if !slices.Equal(got.Tags, []string{"council", "budget"}) {
			t.Errorf("Tags = %v", got.Tags)
		}
		if len(got.Attachments) != 1 || got.Attachments[0].ID != media.ID || got.Attachments[0].StatusID != st.ID {
			t.Errorf("Attachments = %+v", got.Attachments)
		}

		// Someone else's media cannot be attached; remote media arrives with its status.
		bobMedia := &activitypub.Attachment{ID: f.id(), ActorID: bob.ID, Type: "image", RemoteURL: "https://x.example/1.png", CreatedAt: f.now}
		must(t, s.CreateAttachment(ctx, bobMedia))
		bad := f.newStatus(alice, "theft")
		bad.Attachments = []activitypub.Attachment{{ID: bobMedia.ID}}
		wantKind(t, s.CreateStatus(ctx, bad), activitypub.Invalid)
		if _, err := s.StatusByID(ctx, bad.ID); !activitypub.IsNotFound(err) {
			t.Errorf("a failed CreateStatus left its row: %v", err)
		}
		remote := f.newStatus(bob, "remote post")
		remote.Attachments = []activitypub.Attachment{{ID: f.id(), Type: "image", RemoteURL: "https://x.example/2.png"}}
		must(t, s.CreateStatus(ctx, remote))
		if got, _ := s.StatusByURI(ctx, remote.URI); len(got.Attachments) != 1 || got.Attachments[0].ActorID != bob.ID {
			t.Errorf("remote attachments = %+v", got.Attachments)
		}

		// Update replaces the relations.
		edited := f.now.Add(time.Minute)
		st.Content, st.EditedAt, st.Tags, st.Mentions, st.Attachments = "<p>edited</p>", &edited, []string{"budget"}, nil, nil
		must(t, s.UpdateStatus(ctx, st))
		got, _ = s.StatusByID(ctx, st.ID)
		if got.Content != "<p>edited</p>" || got.EditedAt == nil || !slices.Equal(got.Tags, []string{"budget"}) ||
			len(got.Mentions) != 0 || len(got.Attachments) != 0 {
			t.Errorf("after update = %+v", got)
		}
		wantKind(t, s.UpdateStatus(ctx, &activitypub.Status{ID: "nope", Visibility: activitypub.Public}), activitypub.NotFound)
		must(t, s.AddStatusEdit(ctx, &activitypub.StatusEdit{ID: f.id(), StatusID: st.ID, Content: "<p>hello</p>", CreatedAt: f.now}))
		if edits, err := s.StatusEdits(ctx, st.ID); err != nil || len(edits) != 1 || edits[0].Content != "<p>hello</p>" {
			t.Errorf("StatusEdits = %v, %v", edits, err)
		}

		// Replies, boosts and counters.
		reply := f.newStatus(bob, "reply")
		reply.InReplyToID, reply.InReplyToURI, reply.InReplyToActorID = st.ID, st.URI, alice.ID
		must(t, s.CreateStatus(ctx, reply))
		nested := f.newStatus(alice, "nested")
		nested.InReplyToID, nested.InReplyToURI, nested.InReplyToActorID = reply.ID, reply.URI, bob.ID
		must(t, s.CreateStatus(ctx, nested))
		desc, err := s.Descendants(ctx, st.ID, 10)
		if err != nil || !slices.Equal(statusIDs(desc), []string{reply.ID, nested.ID}) {
			t.Errorf("Descendants = %v, %v", statusIDs(desc), err)
		}
		boost := f.newStatus(bob, "")
		boost.ReblogOfID, boost.Content = st.ID, ""
		must(t, s.CreateStatus(ctx, boost))
		if got, err := s.ReblogOf(ctx, bob.ID, st.ID); err != nil || got.ID != boost.ID {
			t.Errorf("ReblogOf = %v, %v", got, err)
		}
		if list, err := s.RebloggedBy(ctx, st.ID, activitypub.Page{}); err != nil || len(list) != 1 {
			t.Errorf("RebloggedBy = %v, %v", list, err)
		}
		must(t, s.AdjustStatusCounts(ctx, st.ID, 1, 1, 2))
		must(t, s.AdjustStatusCounts(ctx, st.ID, 0, -3, 0))
		got, _ = s.StatusByID(ctx, st.ID)
		if got.RepliesCount != 1 || got.ReblogsCount != 0 || got.FavouritesCount != 2 {
			t.Errorf("counts = %d %d %d", got.RepliesCount, got.ReblogsCount, got.FavouritesCount)
		}

		list, err := s.StatusesByIDs(ctx, []string{nested.ID, "nope", st.ID, nested.ID})
		if err != nil || !slices.Equal(statusIDs(list), []string{nested.ID, st.ID}) {
			t.Errorf("StatusesByIDs = %v, %v", statusIDs(list), err)
		}

		// Actor statuses and their filters.
		private := f.newStatus(alice, "followers only")
		private.Visibility = activitypub.Private
		must(t, s.CreateStatus(ctx, private))
		must(t, s.SetPin(ctx, alice.ID, st.ID, f.now))
		must(t, s.SetPin(ctx, alice.ID, st.ID, f.now))
		filters := []struct {
			name   string
			actor  string
			filter activitypub.StatusFilter
			want   []string
		}{
			{"all", alice.ID, activitypub.StatusFilter{}, []string{private.ID, nested.ID, st.ID}},
			{"public only", alice.ID, activitypub.StatusFilter{MaxVisibility: []activitypub.Visibility{activitypub.Public, activitypub.Unlisted}}, []string{nested.ID, st.ID}},
			{"no replies", alice.ID, activitypub.StatusFilter{ExcludeReplies: true}, []string{private.ID, st.ID}},
			{"pinned", alice.ID, activitypub.StatusFilter{Pinned: true}, []string{st.ID}},
			{"no reblogs", bob.ID, activitypub.StatusFilter{ExcludeReblogs: true}, []string{reply.ID, remote.ID}},
			{"media", bob.ID, activitypub.StatusFilter{OnlyMedia: true}, []string{remote.ID}},
		}
		for _, c := range filters {
			got, err := s.ActorStatuses(ctx, c.actor, c.filter, activitypub.Page{})
			if err != nil || !slices.Equal(statusIDs(got), c.want) {
				t.Errorf("ActorStatuses %s = %v, %v; want %v", c.name, statusIDs(got), err, c.want)
			}
		}
		must(t, s.DeletePin(ctx, alice.ID, st.ID))

		// Public, tag and search timelines.
		timelines := []struct {
			name string
			list func() ([]*activitypub.Status, error)
			want []string
		}{
			{"public", func() ([]*activitypub.Status, error) { return s.PublicTimeline(ctx, false, false, activitypub.Page{}) },
				[]string{nested.ID, reply.ID, remote.ID, st.ID}},
			{"local", func() ([]*activitypub.Status, error) { return s.PublicTimeline(ctx, true, false, activitypub.Page{}) },
				[]string{nested.ID, st.ID}},
			{"remote", func() ([]*activitypub.Status, error) { return s.PublicTimeline(ctx, false, true, activitypub.Page{}) },
				[]string{reply.ID, remote.ID}},
			{"tag", func() ([]*activitypub.Status, error) { return s.TagTimeline(ctx, "#BUDGET", false, activitypub.Page{}) },
				[]string{st.ID}},
			{"tag local", func() ([]*activitypub.Status, error) { return s.TagTimeline(ctx, "budget", true, activitypub.Page{}) },
				[]string{st.ID}},
			{"search", func() ([]*activitypub.Status, error) { return s.SearchStatuses(ctx, "nested", activitypub.Page{}) },
				[]string{nested.ID}},
			{"search syntax", func() ([]*activitypub.Status, error) {
				return s.SearchStatuses(ctx, `"edited" OR (`, activitypub.Page{})
			},
				nil},
		}
		for _, c := range timelines {
			got, err := c.list()
			if err != nil || !slices.Equal(statusIDs(got), c.want) {
				t.Errorf("%s = %v, %v; want %v", c.name, statusIDs(got), err, c.want)
			}
		}
		if n, err := s.CountLocalStatuses(ctx); err != nil || n != 3 {
			t.Errorf("CountLocalStatuses = %d, %v", n, err)
		}

		// Deleting tombstones: the row stays, its text and its tags go, timelines drop it.
		must(t, s.MarkStatusDeleted(ctx, nested.ID, f.now))
		got, err = s.StatusByID(ctx, nested.ID)
		if err != nil || got.DeletedAt == nil || got.Content != "" || got.Source != "" {
			t.Errorf("deleted status = %+v, %v", got, err)
		}
		if got, _ := s.SearchStatuses(ctx, "nested", activitypub.Page{}); len(got) != 0 {
			t.Errorf("search finds a deleted status")
		}
		if got, _ := s.Descendants(ctx, st.ID, 10); !slices.Equal(statusIDs(got), []string{reply.ID}) {
			t.Errorf("Descendants after delete = %v", statusIDs(got))
		}
		wantKind(t, s.MarkStatusDeleted(ctx, "nope", f.now), activitypub.NotFound)
	})
}

func TestHomeTimeline(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, carol, bob := f.user("alice"), f.user("carol"), f.actor("bob", "x.example")
		var ids []string
		for i := range 10 {
			author := bob
			if i%2 == 0 {
				author = carol
			}
			st := f.status(author, "post")
			must(t, s.AddToHomes(ctx, st.ID, []string{alice.ID, carol.ID, bob.ID /* not a user: skipped */}))
			ids = append(ids, st.ID)
		}
		must(t, s.AddToHomes(ctx, ids[0], []string{alice.ID})) // twice is harmless
		home := func(user string) func(activitypub.Page) ([]string, error) {
			return func(p activitypub.Page) ([]string, error) {
				list, err := s.HomeTimeline(ctx, user, p)
				return statusIDs(list), err
			}
		}
		checkPages(t, ids, home(alice.ID))

		// A boost of a status, then deleting the status: both leave the timeline.
		boost := f.newStatus(carol, "")
		boost.ReblogOfID, boost.Content = ids[9], ""
		must(t, s.CreateStatus(ctx, boost))
		must(t, s.AddToHomes(ctx, boost.ID, []string{alice.ID}))
		if got, _ := home(alice.ID)(activitypub.Page{Limit: 1}); !slices.Equal(got, []string{boost.ID}) {
			t.Errorf("newest = %v, want the boost", got)
		}
		must(t, s.MarkStatusDeleted(ctx, ids[9], f.now))
		if got, _ := home(alice.ID)(activitypub.Page{Limit: 1}); !slices.Equal(got, []string{ids[8]}) {
			t.Errorf("after delete newest = %v, want %s", got, ids[8])
		}

		must(t, s.RemoveFromHome(ctx, alice.ID, ids[8]))
		must(t, s.RemoveActorFromHome(ctx, alice.ID, bob.ID))
		got, _ := home(alice.ID)(activitypub.Page{})
		if want := []string{ids[6], ids[4], ids[2], ids[0]}; !slices.Equal(got, want) {
			t.Errorf("after removals = %v, want %v", got, want)
		}
		if got, _ := home(carol.ID)(activitypub.Page{}); len(got) != 9 {
			t.Errorf("carol's home has %d, want 9 (untouched but for the deleted status)", len(got))
		}
	})
}

func TestInteractions(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob := f.user("alice"), f.actor("bob", "x.example")
		var ids, favIDs []string
		for range 8 {
			st := f.status(bob, "post")
			ids = append(ids, st.ID)
			fav := &activitypub.Favourite{ID: f.id(), ActorID: alice.ID, StatusID: st.ID, CreatedAt: f.now}
			must(t, s.CreateFavourite(ctx, fav))
			favIDs = append(favIDs, fav.ID)
		}
		checkPages(t, favIDs, func(p activitypub.Page) ([]string, error) {
			list, err := s.Favourites(ctx, alice.ID, p)
			var out []string
			for _, fv := range list {
				out = append(out, fv.ID)
			}
			return out, err
		})
		wantKind(t, s.CreateFavourite(ctx, &activitypub.Favourite{ID: f.id(), ActorID: alice.ID, StatusID: ids[0], CreatedAt: f.now}), activitypub.Conflict)
		remoteLike := &activitypub.Favourite{ID: f.id(), URI: "https://x.example/likes/1", ActorID: bob.ID, StatusID: ids[0], CreatedAt: f.now}
		must(t, s.CreateFavourite(ctx, remoteLike))
		if got, err := s.FavouriteByURI(ctx, remoteLike.URI); err != nil || got.ID != remoteLike.ID {
			t.Errorf("FavouriteByURI = %v, %v", got, err)
		}
		if got, err := s.FavouritedBy(ctx, ids[0], activitypub.Page{}); err != nil || len(got) != 2 || got[0].ID != remoteLike.ID {
			t.Errorf("FavouritedBy = %v, %v", got, err)
		}
		fav, err := s.FavouriteBetween(ctx, alice.ID, ids[1])
		must(t, err)
		must(t, s.DeleteFavourite(ctx, fav.ID))
		wantKind(t, s.DeleteFavourite(ctx, fav.ID), activitypub.NotFound)

		var bookmarkIDs []string
		for _, id := range ids {
			bid := f.id()
			must(t, s.SetBookmark(ctx, alice.ID, id, bid, f.now))
			bookmarkIDs = append(bookmarkIDs, bid)
		}
		must(t, s.SetBookmark(ctx, alice.ID, ids[0], f.id(), f.now)) // kept once
		checkPages(t, bookmarkIDs, func(p activitypub.Page) ([]string, error) {
			bids, sids, err := s.Bookmarks(ctx, alice.ID, p)
			for i := range bids {
				if sids[i] != ids[slices.Index(bookmarkIDs, bids[i])] {
					t.Errorf("bookmark %s points at %s", bids[i], sids[i])
				}
			}
			return bids, err
		})
		must(t, s.DeleteBookmark(ctx, alice.ID, ids[2]))

		boost := f.newStatus(alice, "")
		boost.ReblogOfID, boost.Content = ids[3], ""
		must(t, s.CreateStatus(ctx, boost))
		must(t, s.SetPin(ctx, bob.ID, ids[4], f.now))
		state, err := s.ViewerState(ctx, alice.ID, []string{ids[0], ids[1], ids[2], ids[3], "nope"})
		must(t, err)
		want := map[string]activitypub.ViewerFlags{
			ids[0]: {Favourited: true, Bookmarked: true},
			ids[1]: {Bookmarked: true},
			ids[2]: {Favourited: true},
			ids[3]: {Favourited: true, Bookmarked: true, Reblogged: true},
		}
		if len(state) != len(want) {
			t.Errorf("ViewerState = %v, want %v", state, want)
		}
		for id, w := range want {
			if state[id] != w {
				t.Errorf("ViewerState[%s] = %+v, want %+v", id, state[id], w)
			}
		}
		if state, _ := s.ViewerState(ctx, bob.ID, []string{ids[4]}); !state[ids[4]].Pinned {
			t.Errorf("bob's pin not reported: %v", state)
		}
	})
}

func TestDeliveries(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		item := &activitypub.OutboxItem{ID: f.id(), ActorID: alice.ID, CreatedAt: f.now, Activity: activitypub.Activity{
			ID: "https://local.test/activities/1", Type: "Create", ActorID: alice.ID, Actor: alice.URI,
			Object: "https://local.test/notes/1", To: []string{"https://www.w3.org/ns/activitystreams#Public"}, Published: f.now}}
		must(t, s.Enqueue(ctx, item))
		pending, err := s.PendingOutbox(ctx, 10)
		if err != nil || len(pending) != 1 || pending[0].Activity.Type != "Create" || !pending[0].Activity.Published.Equal(f.now) {
			t.Fatalf("PendingOutbox = %v, %v", pending, err)
		}

		const n = 60
		var ds []*activitypub.Delivery
		for i := range n {
			host := []string{"a.example", "b.example", "c.example"}[i%3]
			ds = append(ds, &activitypub.Delivery{ID: f.id(), Inbox: "https://" + host + "/inbox/" + string(rune('A'+i)),
				Host: host, NextAttemptAt: f.now, CreatedAt: f.now})
		}
		must(t, s.ExpandOutbox(ctx, item.ID, ds))
		must(t, s.ExpandOutbox(ctx, item.ID, ds[:1])) // again: the same inbox is not queued twice
		if pending, _ := s.PendingOutbox(ctx, 10); len(pending) != 0 {
			t.Errorf("expanded item still pending")
		}
		if got, err := s.OutboxItem(ctx, item.ID); err != nil || got.Activity.ID != item.Activity.ID {
			t.Errorf("OutboxItem = %v, %v", got, err)
		}
		wantKind(t, s.ExpandOutbox(ctx, "nope", nil), activitypub.NotFound)
		if c, _ := s.CountDeliveries(ctx, activitypub.DeliveryPending); c != n {
			t.Fatalf("pending deliveries = %d, want %d", c, n)
		}

		// Busy hosts are skipped; nothing is due before its time.
		early, err := s.ClaimDeliveries(ctx, f.now.Add(-time.Second), f.now.Add(time.Minute), 100, nil)
		if err != nil || len(early) != 0 {
			t.Errorf("claim before due = %d, %v", len(early), err)
		}
		now := f.now.Add(time.Second)
		lease := now.Add(time.Minute)
		some, err := s.ClaimDeliveries(ctx, now, lease, 5, []string{"a.example", "b.example"})
		must(t, err)
		if len(some) != 5 {
			t.Errorf("claimed %d, want 5", len(some))
		}
		for _, d := range some {
			if d.Host != "c.example" {
				t.Errorf("claimed a delivery to busy host %s", d.Host)
			}
		}

		// Concurrent claimers never share a delivery.
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			seen = map[string]int{}
		)
		for _, d := range some {
			seen[d.ID]++
		}
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := s.ClaimDeliveries(ctx, now, lease, 3, nil)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						seen[d.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("claimed %d distinct deliveries, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("delivery %s claimed %d times", id, c)
			}
		}

		// Released leases (a restart after a crash) are claimable at once, before they run out.
		if none, _ := s.ClaimDeliveries(ctx, now, lease, 100, nil); len(none) != 0 {
			t.Fatalf("claimed %d deliveries that are all leased", len(none))
		}
		released, err := s.ReleaseDeliveryLeases(ctx)
		if err != nil || released != n {
			t.Fatalf("ReleaseDeliveryLeases = %d, %v; want %d", released, err, n)
		}
		if back, _ := s.ClaimDeliveries(ctx, now, lease, 100, nil); len(back) != n {
			t.Fatalf("after release claimed %d, want %d", len(back), n)
		}

		// After the lease runs out, an unfinished delivery is claimable again.
		must(t, s.CompleteDelivery(ctx, ds[0].ID))
		must(t, s.FailDelivery(ctx, ds[1].ID, "410 Gone"))
		must(t, s.RetryDelivery(ctx, ds[2].ID, lease.Add(time.Hour), "timeout"))
		again, err := s.ClaimDeliveries(ctx, lease.Add(time.Second), lease.Add(time.Hour), 100, nil)
		must(t, err)
		if len(again) != n-3 {
			t.Errorf("reclaimed %d after the lease, want %d", len(again), n-3)
		}
		// Once due, the retried one comes back (with the others, whose leases ran out too).
		retry, err := s.ClaimDeliveries(ctx, lease.Add(2*time.Hour), lease.Add(3*time.Hour), 100, nil)
		must(t, err)
		i := slices.IndexFunc(retry, func(d *activitypub.Delivery) bool { return d.ID == ds[2].ID })
		if len(retry) != n-2 || i < 0 || retry[i].Attempts != 1 || retry[i].LastError != "timeout" {
			t.Errorf("retry claim: %d deliveries, retried one at %d", len(retry), i)
		}
		counts := map[string]int{activitypub.DeliveryPending: n - 2, activitypub.DeliveryDone: 1, activitypub.DeliveryFailed: 1}
		for state, want := range counts {
			if c, err := s.CountDeliveries(ctx, state); err != nil || c != want {
				t.Errorf("CountDeliveries(%s) = %d, %v; want %d", state, c, err, want)
			}
		}
		wantKind(t, s.CompleteDelivery(ctx, "nope"), activitypub.NotFound)
	})
}
