package storage_test

import (
	"context"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// BenchmarkHomeTimelineVisibility reads a page of a home timeline holding only public posts (no
// partner lists are loaded: the store skips the query), and one of followers-only posts, every
// other one partner-only (one query more per page, whatever its size).
func BenchmarkHomeTimelineVisibility(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(b, s)
		for _, vis := range []activitypub.Visibility{activitypub.Public, activitypub.Private} {
			reader, bob := f.user("reader"+string(vis)), f.actor("bob"+string(vis), "x.example")
			err := s.InTx(ctx, func(ctx context.Context) error {
				for i := range 2_000 {
					st := f.newStatus(bob, "post")
					st.Visibility = vis
					if vis == activitypub.Private && i%2 == 0 {
						st.Visibility, st.Partners = activitypub.Partners, []string{"b.example", "c.example"}
					}
					if err := s.CreateStatus(ctx, st); err != nil {
						return err
					}
					if err := s.AddToHomes(ctx, st.ID, []string{reader.ID}); err != nil {
						return err
					}
				}
				return nil
			})
			must(b, err)
			must(b, s.Analyze(ctx))
			b.Run(string(vis), func(b *testing.B) {
				for b.Loop() {
					list, err := s.HomeTimeline(ctx, reader.ID, activitypub.Page{Limit: 20})
					if err != nil || len(list) != 20 {
						b.Fatalf("HomeTimeline = %d, %v", len(list), err)
					}
				}
			})
		}
	})
}
