package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// TestCouncilTimeline checks that the local timeline for local viewers holds this instance's
// public and internal posts, and nothing else: not unlisted, followers-only, direct, remote,
// deleted posts or boosts; and that the public timeline still leaves internal posts out.
func TestCouncilTimeline(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob := f.user("alice"), f.actor("bob", "x.example")
		create := func(author *activitypub.Actor, v activitypub.Visibility) *activitypub.Status {
			st := f.newStatus(author, string(v))
			st.Visibility = v
			must(t, s.CreateStatus(ctx, st))
			return st
		}
		public := create(alice, activitypub.Public)
		internal := create(alice, activitypub.LocalOnly)
		create(alice, activitypub.Unlisted)
		create(alice, activitypub.Private)
		create(alice, activitypub.Direct)
		create(bob, activitypub.Public)
		gone := create(alice, activitypub.LocalOnly)
		must(t, s.MarkStatusDeleted(ctx, gone.ID, f.now.Add(time.Minute)))
		boost := f.newStatus(alice, "")
		boost.ReblogOfID = public.ID
		must(t, s.CreateStatus(ctx, boost))
		newer := create(alice, activitypub.LocalOnly)

		cases := []struct {
			name string
			page activitypub.Page
			want []string
		}{
			{"all", activitypub.Page{}, []string{newer.ID, internal.ID, public.ID}},
			{"older than newest", activitypub.Page{MaxID: newer.ID}, []string{internal.ID, public.ID}},
			{"limit", activitypub.Page{Limit: 1}, []string{newer.ID}},
		}
		for _, c := range cases {
			got, err := s.CouncilTimeline(ctx, c.page)
			if err != nil || !slices.Equal(statusIDs(got), c.want) {
				t.Errorf("CouncilTimeline %s = %v, %v; want %v", c.name, statusIDs(got), err, c.want)
			}
		}
		got, err := s.PublicTimeline(ctx, true, false, activitypub.Page{})
		if err != nil || !slices.Equal(statusIDs(got), []string{public.ID}) {
			t.Errorf("PublicTimeline local = %v, %v; want only the public post", statusIDs(got), err)
		}
	})
}
