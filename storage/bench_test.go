package storage_test

import (
	"context"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// BenchmarkHomeTimeline reads the newest 20 of a 10,000-status home timeline, statuses with a
// mention and a tag each so that the relation loading is measured too.
func BenchmarkHomeTimeline(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(b, s)
		alice, bob := f.user("alice"), f.actor("bob", "x.example")
		var middle string
		err := s.InTx(ctx, func(ctx context.Context) error {
			for i := range 10_000 {
				st := f.newStatus(bob, "post")
				st.Mentions = []activitypub.Mention{{ActorID: alice.ID}}
				st.Tags = []string{"council"}
				if err := s.CreateStatus(ctx, st); err != nil {
					return err
				}
				if err := s.AddToHomes(ctx, st.ID, []string{alice.ID}); err != nil {
					return err
				}
				if i == 5_000 {
					middle = st.ID
				}
			}
			return nil
		})
		must(b, err)
		// Statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would have them.
		must(b, s.Analyze(ctx))
		pages := []struct {
			name string
			p    activitypub.Page
		}{
			{"newest", activitypub.Page{Limit: 20}},
			{"max_id", activitypub.Page{MaxID: middle, Limit: 20}},
		}
		for _, pg := range pages {
			b.Run(pg.name, func(b *testing.B) {
				for b.Loop() {
					list, err := s.HomeTimeline(ctx, alice.ID, pg.p)
					if err != nil || len(list) != 20 {
						b.Fatalf("HomeTimeline = %d, %v", len(list), err)
					}
				}
			})
		}
	})
}

// BenchmarkCreateStatus writes one status with a mention and two tags, in its own transaction.
func BenchmarkCreateStatus(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(b, s)
		alice, bob := f.user("alice"), f.actor("bob", "x.example")
		for b.Loop() {
			st := f.newStatus(alice, "hello @bob #council #budget")
			st.Mentions = []activitypub.Mention{{ActorID: bob.ID}}
			st.Tags = []string{"council", "budget"}
			if err := s.CreateStatus(ctx, st); err != nil {
				b.Fatal(err)
			}
		}
	})
}
