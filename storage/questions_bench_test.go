package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/questions"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// BenchmarkSimilarAnsweredQuestions runs the duplicate finder (one lookup per pause in typing)
// over 5,000 questions, half answered, among 5,000 other posts.
func BenchmarkSimilarAnsweredQuestions(b *testing.B) {
	topics := []string{"fly-tipping reports", "bin collection days", "parking permits", "council tax bands",
		"planning applications", "street lighting faults", "pothole repairs", "library opening hours"}
	storagetest.ForEachB(b, func(b *testing.B, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(b, s)
		alice, bob := f.user("alice"), f.user("bob")
		err := s.InTx(ctx, func(ctx context.Context) error {
			for i := range 5_000 {
				title := fmt.Sprintf("How do you handle %s in ward %d?", topics[i%len(topics)], i)
				q := f.newStatus(alice, title+"\n\nWe would like to compare notes.")
				q.Kind, q.Title = activitypub.KindQuestion, title
				if err := s.CreateStatus(ctx, q); err != nil {
					return err
				}
				if err := s.CreateStatus(ctx, f.newStatus(bob, "An ordinary post about "+topics[i%len(topics)])); err != nil {
					return err
				}
				if i%2 == 0 {
					a := f.newStatus(bob, "We use a shared form.")
					a.InReplyToID, a.InReplyToURI = q.ID, q.URI
					if err := s.CreateStatus(ctx, a); err != nil {
						return err
					}
					q.AcceptedAnswerID = a.ID
					if err := s.UpdateStatus(ctx, q); err != nil {
						return err
					}
				}
			}
			return nil
		})
		must(b, err)
		must(b, s.Analyze(ctx))
		words := questions.SearchWords("What is the process for reporting fly tipping?")
		for b.Loop() {
			list, err := s.SimilarAnsweredQuestions(ctx, words, 5)
			if err != nil || len(list) != 5 {
				b.Fatalf("SimilarAnsweredQuestions = %d, %v", len(list), err)
			}
		}
	})
}
