package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func TestActorMoves(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		old, first, second := f.actor("old", "a.test"), f.actor("first", "b.test"), f.actor("second", "c.test")
		if _, err := s.MovedTo(ctx, old.ID); !activitypub.IsNotFound(err) {
			t.Fatalf("MovedTo before any move: %v, want NotFound", err)
		}
		for _, target := range []*activitypub.Actor{first, second} {
			if err := s.SetMovedTo(ctx, old.ID, target.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			got, err := s.MovedTo(ctx, old.ID)
			if err != nil || got != target.ID {
				t.Fatalf("MovedTo = %q, %v; want %s", got, err, target.ID)
			}
		}
	})
}
