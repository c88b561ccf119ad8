package storage_test

import (
	"context"
	"testing"
	"time"

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
		done.AcceptedAnswerID = open.ID // any id will do for the facts
		must(t, s.UpdateStatus(ctx, done))
		acceptedAt := done.CreatedAt.Add(90 * time.Minute)
		must(t, s.SetQuestionAccepted(ctx, open.ID, &acceptedAt))
		must(t, s.SetQuestionAccepted(ctx, open.ID, nil)) // cleared again
		must(t, s.SetQuestionAccepted(ctx, done.ID, &acceptedAt))
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
			if fa.ID == done.ID && (fa.AcceptedAt == nil || !fa.AcceptedAt.Equal(acceptedAt)) {
				t.Fatalf("accepted at %v, want the recorded %v", fa.AcceptedAt, acceptedAt)
			}
		}
		if got[open.ID] != 0 || got[done.ID] != 3 {
			t.Fatalf("views after acceptance %v, want open 0, answered 3", got)
		}
	})
}
