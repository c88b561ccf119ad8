package storage_test

import (
	"context"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// TestQuestionViews checks that views after acceptance reach the analytics facts, and views of
// an open question do not.
func TestQuestionViews(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		ask := func(title string) *activitypub.Status {
			st := f.newStatus(alice, title)
			st.Kind, st.Title = activitypub.KindQuestion, title
			must(t, s.CreateStatus(ctx, st))
			return st
		}
		open, done := ask("Open question"), ask("Answered question")
		must(t, s.CountQuestionView(ctx, open.ID, false))
		must(t, s.CountQuestionView(ctx, done.ID, false)) // before acceptance
		for range 3 {
			must(t, s.CountQuestionView(ctx, done.ID, true))
		}
		facts, err := s.QuestionFacts(ctx, "", 10)
		must(t, err)
		got := map[string]int{}
		for _, fa := range facts {
			got[fa.ID] = fa.ViewsAfterAccept
		}
		if got[open.ID] != 0 || got[done.ID] != 3 {
			t.Fatalf("views after acceptance %v, want open 0, answered 3", got)
		}
	})
}
