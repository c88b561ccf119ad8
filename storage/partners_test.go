package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// A partner-only status keeps its partner list through create, read, edit and page loads; it is a
// followers-only row underneath, so the public timeline never holds it.
func TestPartnerStatuses(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob, carol := f.user("alice"), f.actor("bob", "b.example:8443"), f.actor("carol", "c.example")
		for _, who := range []*activitypub.Actor{bob, carol} {
			must(t, s.CreateFollow(ctx, &activitypub.Follow{ID: f.id(), URI: who.URI + "#follow", FollowerID: who.ID,
				FolloweeID: alice.ID, State: activitypub.FollowAccepted, CreatedAt: f.now}))
		}
		st := f.newStatus(alice, "partners only")
		st.Visibility, st.Partners = activitypub.Partners, []string{"b.example", "d.example"}
		must(t, s.CreateStatus(ctx, st))
		plain := f.newStatus(alice, "followers only")
		plain.Visibility = activitypub.Private
		must(t, s.CreateStatus(ctx, plain))

		got, err := s.StatusByID(ctx, st.ID)
		must(t, err)
		if got.Visibility != activitypub.Partners || !slices.Equal(got.Partners, st.Partners) {
			t.Errorf("read back %s %v", got.Visibility, got.Partners)
		}
		got.Partners = []string{"b.example"}
		got.Content = "edited"
		must(t, s.UpdateStatus(ctx, got))
		list, err := s.StatusesByIDs(ctx, []string{plain.ID, st.ID})
		must(t, err)
		if len(list) != 2 || list[0].Visibility != activitypub.Private || list[0].Partners != nil ||
			list[1].Visibility != activitypub.Partners || !slices.Equal(list[1].Partners, []string{"b.example"}) {
			t.Errorf("page load: %s %v, %s %v", list[0].Visibility, list[0].Partners, list[1].Visibility, list[1].Partners)
		}
		pub, err := s.PublicTimeline(ctx, true, true, activitypub.Page{Limit: 40})
		must(t, err)
		if slices.Contains(statusIDs(pub), st.ID) {
			t.Error("the public timeline holds a partner-only status")
		}
		bad := f.newStatus(alice, "no list")
		bad.Visibility = activitypub.Partners
		wantKind(t, s.CreateStatus(ctx, bad), activitypub.Invalid)
		if _, err := s.StatusByID(ctx, bad.ID); !activitypub.IsNotFound(err) {
			t.Errorf("a refused partner-only status was half-written: %v", err)
		}

		refs, err := s.RemoteFollowers(ctx, alice.ID)
		must(t, err)
		if len(refs) != 2 || refs[0].Domain == "" || refs[1].Domain == "" {
			t.Errorf("RemoteFollowers = %+v", refs)
		}
	})
}
