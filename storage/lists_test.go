package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func TestLists(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		owner, bob, carol := f.user("owner"), f.actor("bob", "remote.test"), f.user("carol")
		l := &preferences.List{ID: f.id(), OwnerID: owner.ID, Title: "Council", RepliesPolicy: preferences.RepliesList, CreatedAt: f.now}
		must(t, s.CreateList(ctx, l))
		l2 := &preferences.List{ID: f.id(), OwnerID: owner.ID, Title: "Other", RepliesPolicy: preferences.RepliesNone, Exclusive: true, CreatedAt: f.now}
		must(t, s.CreateList(ctx, l2))

		t.Run("read and update", func(t *testing.T) {
			l.Title, l.Exclusive, l.RepliesPolicy = "Council members", true, preferences.RepliesFollowed
			must(t, s.UpdateList(ctx, l))
			got, err := s.ListByID(ctx, l.ID)
			must(t, err)
			if got.Title != "Council members" || !got.Exclusive || got.RepliesPolicy != preferences.RepliesFollowed || got.OwnerID != owner.ID {
				t.Fatalf("list = %+v", got)
			}
			l.Exclusive, l.RepliesPolicy = false, preferences.RepliesList
			must(t, s.UpdateList(ctx, l))
			all, err := s.Lists(ctx, owner.ID)
			must(t, err)
			if len(all) != 2 || all[0].ID != l.ID || all[1].ID != l2.ID {
				t.Fatalf("lists = %+v", all)
			}
			_, err = s.ListByID(ctx, "nope")
			wantKind(t, err, activitypub.NotFound)
			wantKind(t, s.UpdateList(ctx, &preferences.List{ID: "nope", Title: "x", RepliesPolicy: preferences.RepliesList}), activitypub.NotFound)
		})

		t.Run("members", func(t *testing.T) {
			must(t, s.AddListMembers(ctx, l.ID, []string{bob.ID, carol.ID}, f.now))
			must(t, s.AddListMembers(ctx, l.ID, []string{bob.ID}, f.now)) // twice is harmless
			must(t, s.AddListMembers(ctx, l2.ID, []string{carol.ID}, f.now))
			wantKind(t, s.AddListMembers(ctx, l.ID, []string{"ghost"}, f.now), activitypub.Invalid)
			all, err := s.AllListMembers(ctx, l.ID)
			must(t, err)
			if len(all) != 2 {
				t.Fatalf("members = %v", all)
			}
			first, err := s.ListMembers(ctx, l.ID, activitypub.Page{Limit: 1})
			must(t, err)
			next, err := s.ListMembers(ctx, l.ID, activitypub.Page{Limit: 1, MaxID: first[0]})
			must(t, err)
			if len(first) != 1 || len(next) != 1 || first[0] <= next[0] {
				t.Fatalf("pages = %v, %v", first, next)
			}
			with, err := s.ListsWithMember(ctx, owner.ID, carol.ID)
			must(t, err)
			if len(with) != 2 {
				t.Fatalf("lists with carol = %+v", with)
			}
			excl, err := s.ExclusiveMembers(ctx, owner.ID)
			must(t, err)
			if !slices.Equal(excl, []string{carol.ID}) {
				t.Fatalf("exclusive members = %v", excl)
			}
			must(t, s.RemoveListMembers(ctx, l2.ID, []string{carol.ID, bob.ID}))
			if excl, _ = s.ExclusiveMembers(ctx, owner.ID); len(excl) != 0 {
				t.Fatalf("exclusive members after removal = %v", excl)
			}
		})

		t.Run("timeline", func(t *testing.T) {
			stranger := f.user("stranger")
			followed := f.user("followed")
			must(t, s.CreateFollow(ctx, &activitypub.Follow{ID: f.id(), FollowerID: owner.ID, FolloweeID: followed.ID,
				State: activitypub.FollowAccepted, CreatedAt: f.now}))
			byBob := f.status(bob, "from bob")
			byCarol := f.status(carol, "from carol")
			f.status(stranger, "not a member")
			reply := func(author, to *activitypub.Actor) *activitypub.Status {
				st := f.newStatus(author, "a reply")
				st.InReplyToURI, st.InReplyToActorID = to.URI+"/statuses/x", to.ID
				must(t, s.CreateStatus(ctx, st))
				return st
			}
			toMember := reply(bob, carol)
			toSelf := reply(bob, bob)
			toFollowed := reply(bob, followed)
			toStranger := reply(bob, stranger)
			priv := f.newStatus(carol, "private")
			priv.Visibility = activitypub.Private
			must(t, s.CreateStatus(ctx, priv))
			gone := f.status(carol, "deleted")
			must(t, s.MarkStatusDeleted(ctx, gone.ID, f.now))
			vis := []activitypub.Visibility{activitypub.Public, activitypub.Unlisted}
			cases := []struct {
				policy preferences.RepliesPolicy
				want   []*activitypub.Status
			}{
				{preferences.RepliesNone, []*activitypub.Status{toSelf, byCarol, byBob}},
				{preferences.RepliesList, []*activitypub.Status{toSelf, toMember, byCarol, byBob}},
				{preferences.RepliesFollowed, []*activitypub.Status{toFollowed, toSelf, byCarol, byBob}},
			}
			for _, c := range cases {
				t.Run(string(c.policy), func(t *testing.T) {
					l.RepliesPolicy = c.policy
					got, err := s.ListTimeline(ctx, l, vis, activitypub.Page{Limit: 20})
					must(t, err)
					if !slices.Equal(statusIDs(got), statusIDs(c.want)) {
						t.Fatalf("timeline = %v, want %v (stranger reply %s)", statusIDs(got), statusIDs(c.want), toStranger.ID)
					}
				})
			}
			l.RepliesPolicy = preferences.RepliesNone
			page, err := s.ListTimeline(ctx, l, vis, activitypub.Page{Limit: 1, MaxID: byCarol.ID})
			must(t, err)
			if !slices.Equal(statusIDs(page), []string{byBob.ID}) {
				t.Fatalf("max_id page = %v", statusIDs(page))
			}
			page, err = s.ListTimeline(ctx, l, vis, activitypub.Page{Limit: 1, MinID: byBob.ID})
			must(t, err)
			if !slices.Equal(statusIDs(page), []string{byCarol.ID}) {
				t.Fatalf("min_id page = %v", statusIDs(page))
			}
			withPrivate, err := s.ListTimeline(ctx, l, append(vis, activitypub.Private), activitypub.Page{Limit: 20})
			must(t, err)
			if !slices.Contains(statusIDs(withPrivate), priv.ID) {
				t.Fatalf("private status missing from %v", statusIDs(withPrivate))
			}
		})

		t.Run("delete cascades", func(t *testing.T) {
			must(t, s.DeleteList(ctx, l.ID))
			wantKind(t, s.DeleteList(ctx, l.ID), activitypub.NotFound)
			members, err := s.AllListMembers(ctx, l.ID)
			must(t, err)
			if len(members) != 0 {
				t.Fatalf("members of a deleted list = %v", members)
			}
		})
	})
}

func TestMarkers(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		u := f.user("reader")
		none, err := s.Markers(ctx, u.ID, []string{"home", "notifications"})
		must(t, err)
		if len(none) != 0 {
			t.Fatalf("markers before any = %+v", none)
		}
		for i, id := range []string{"01A", "01B", "01C"} {
			m := &preferences.Marker{Timeline: "home", LastReadID: id, UpdatedAt: f.now}
			must(t, s.SetMarker(ctx, u.ID, m))
			if m.Version != i {
				t.Fatalf("version after %d saves = %d", i+1, m.Version)
			}
		}
		must(t, s.SetMarker(ctx, u.ID, &preferences.Marker{Timeline: "notifications", LastReadID: "07", UpdatedAt: f.now}))
		got, err := s.Markers(ctx, u.ID, []string{"home"})
		must(t, err)
		if len(got) != 1 || got[0].LastReadID != "01C" || got[0].Version != 2 || !got[0].UpdatedAt.Equal(f.now) {
			t.Fatalf("home marker = %+v", got)
		}
		wantKind(t, s.SetMarker(ctx, "ghost", &preferences.Marker{Timeline: "home", LastReadID: "1", UpdatedAt: f.now}), activitypub.Invalid)
	})
}

func TestFilters(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		u, other := f.user("filterer"), f.user("other")
		exp := f.now.Add(f.now.Sub(f.now.Add(-3600e9)))
		flt := &activitypub.Filter{ID: f.id(), UserID: u.ID, Title: "Spoilers",
			Contexts: []activitypub.FilterContext{activitypub.FilterHome, activitypub.FilterPublic},
			Action:   activitypub.FilterHide, ExpiresAt: &exp, CreatedAt: f.now}
		must(t, s.CreateFilter(ctx, flt))
		must(t, s.CreateFilter(ctx, &activitypub.Filter{ID: f.id(), UserID: other.ID, Title: "Theirs",
			Contexts: []activitypub.FilterContext{activitypub.FilterHome}, Action: activitypub.FilterWarn, CreatedAt: f.now}))
		k1 := &activitypub.FilterKeyword{ID: f.id(), FilterID: flt.ID, Keyword: "finale", WholeWord: true}
		k2 := &activitypub.FilterKeyword{ID: f.id(), FilterID: flt.ID, Keyword: "ending", WholeWord: false}
		must(t, s.CreateFilterKeyword(ctx, k1))
		must(t, s.CreateFilterKeyword(ctx, k2))

		got, err := s.FilterByID(ctx, flt.ID)
		must(t, err)
		if got.Title != "Spoilers" || got.Action != activitypub.FilterHide || len(got.Contexts) != 2 ||
			got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) || len(got.Keywords) != 2 ||
			got.Keywords[0] != *k1 || got.Keywords[1] != *k2 {
			t.Fatalf("filter = %+v", got)
		}
		k2.Keyword, k2.WholeWord = "epilogue", true
		must(t, s.UpdateFilterKeyword(ctx, k2))
		kw, err := s.FilterKeywordByID(ctx, k2.ID)
		must(t, err)
		if *kw != *k2 {
			t.Fatalf("keyword = %+v", kw)
		}
		got.Title, got.Action, got.ExpiresAt = "Spoilers!", activitypub.FilterWarn, nil
		got.Contexts = []activitypub.FilterContext{activitypub.FilterThread}
		must(t, s.UpdateFilter(ctx, got))
		mine, err := s.Filters(ctx, u.ID)
		must(t, err)
		if len(mine) != 1 || mine[0].Title != "Spoilers!" || mine[0].ExpiresAt != nil ||
			!slices.Equal(mine[0].Contexts, []activitypub.FilterContext{activitypub.FilterThread}) {
			t.Fatalf("filters = %+v", mine)
		}
		must(t, s.DeleteFilterKeyword(ctx, k1.ID))
		wantKind(t, s.DeleteFilterKeyword(ctx, k1.ID), activitypub.NotFound)
		must(t, s.DeleteFilter(ctx, flt.ID))
		_, err = s.FilterKeywordByID(ctx, k2.ID)
		wantKind(t, err, activitypub.NotFound)
		_, err = s.FilterByID(ctx, flt.ID)
		wantKind(t, err, activitypub.NotFound)
	})
}
