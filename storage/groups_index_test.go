package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// LocalGroupRefs lists the local groups that have settings: not people, not remote groups, not a
// Group actor whose settings were never written.
func TestLocalGroupRefs(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		web := f.groupActor("web_managers", "", "")
		half := f.groupActor("unfinished", "", "")
		remote := f.groupActor("drainage", "lemmy.example", "")
		f.user("ann")
		for _, a := range []string{web.ID, remote.ID} {
			must(t, s.CreateGroupSettings(ctx, &groups.Settings{ActorID: a, Membership: groups.Open,
				Reach: groups.Federated, CreatedAt: f.now, UpdatedAt: f.now}))
		}
		refs, err := s.LocalGroupRefs(ctx)
		must(t, err)
		want := []groups.Ref{{ID: web.ID, URI: web.URI}}
		if !slices.Equal(refs, want) {
			t.Fatalf("LocalGroupRefs = %+v, want %+v (not %s)", refs, want, half.URI)
		}
	})
}
