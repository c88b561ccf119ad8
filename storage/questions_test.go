package storage_test

import (
	"context"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/questions"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func TestQuestionsStorage(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob := f.user("alice"), f.actor("bob", "x.example")
		bob.Indexable = true
		must(t, s.UpdateActor(ctx, bob))
		ask := func(author *activitypub.Actor, title, body string) *activitypub.Status {
			st := f.newStatus(author, title+"\n\n"+body)
			st.Kind, st.Title = activitypub.KindQuestion, title
			if !st.Local {
				st.Source = "" // remote statuses are indexed by their HTML
				st.Content = "<p>" + title + "</p><p>" + body + "</p>"
			}
			must(t, s.CreateStatus(ctx, st))
			return st
		}
		answer := func(q *activitypub.Status, by *activitypub.Actor, text string, accept bool) *activitypub.Status {
			a := f.newStatus(by, text)
			a.InReplyToID, a.InReplyToURI, a.InReplyToActorID = q.ID, q.URI, q.ActorID
			must(t, s.CreateStatus(ctx, a))
			if accept {
				q.AcceptedAnswerID = a.ID
				must(t, s.UpdateStatus(ctx, q))
			}
			return a
		}
		fly := ask(alice, "How do you handle fly-tipping reports?", "We triage them by hand.")
		flyAns := answer(fly, bob, "A shared map with street cleansing.", true)
		bins := ask(bob, "Bin collection schedule changes over the holidays", "How do you tell residents?")
		answer(bins, alice, "A banner on the website and a text message.", true)
		open := ask(alice, "Fly-tipping enforcement fines", "What do you charge?")
		answer(open, bob, "It varies.", false)
		f.status(alice, "Fly-tipping reports are up this month") // a post, not a question

		tests := []struct {
			name, text string
			want       []string
		}{
			{"a rephrased local title", "What's the process for reporting fly tipping?", []string{fly.ID}},
			{"a federated question, by its HTML", "changes to bin collections", []string{bins.ID}},
			{"nothing in common", "Parking permits for visitors", nil},
			{"only common words", "how do you do it", nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.SimilarAnsweredQuestions(ctx, questions.SearchWords(tc.text), 5)
				must(t, err)
				if ids := statusIDs(got); !equalIDs(ids, tc.want) {
					t.Fatalf("similar to %q: %v, want %v", tc.text, ids, tc.want)
				}
			})
		}

		yes, no := true, false
		for _, tc := range []struct {
			name string
			f    questions.Filter
			want []string
		}{
			{"all, newest first", questions.Filter{}, []string{open.ID, bins.ID, fly.ID}},
			{"answered", questions.Filter{Answered: &yes}, []string{bins.ID, fly.ID}},
			{"unanswered", questions.Filter{Answered: &no}, []string{open.ID}},
			{"by words", questions.Filter{Query: "fly tipping"}, []string{open.ID, fly.ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.Questions(ctx, tc.f, activitypub.Page{Limit: 10})
				must(t, err)
				if ids := statusIDs(got); !equalIDs(ids, tc.want) {
					t.Fatalf("questions %+v: %v, want %v", tc.f, ids, tc.want)
				}
			})
		}

		got, err := s.StatusByID(ctx, fly.ID)
		must(t, err)
		if got.AcceptedAnswerID != flyAns.ID || got.AcceptedAnswerURI != flyAns.URI {
			t.Fatalf("accepted answer loaded as %q %q, want %q %q", got.AcceptedAnswerID, got.AcceptedAnswerURI, flyAns.ID, flyAns.URI)
		}
		facts, err := s.QuestionFacts(ctx, "", 10)
		must(t, err)
		if len(facts) != 2 || facts[0].ID != open.ID || facts[1].ID != fly.ID {
			t.Fatalf("facts %+v, want the two questions asked here, newest first", facts)
		}
		if f := facts[1]; !f.Answered || f.Answers != 1 || f.FirstAnswerAt == nil || !f.FirstAnswerAt.Equal(flyAns.CreatedAt) || f.Title != fly.Title {
			t.Fatalf("facts of the answered question %+v", f)
		}
		if f := facts[0]; f.Answered || f.AcceptedAt != nil || f.Answers != 1 {
			t.Fatalf("facts of the open question %+v", f)
		}
		people, err := s.Contributors(ctx, "", 10)
		must(t, err)
		if len(people) != 1 || people[0].ActorID != bob.ID || people[0].Answers != 2 || people[0].Accepted != 1 {
			t.Fatalf("contributors %+v, want bob with 2 answers, 1 accepted", people)
		}
		answers, err := s.Answers(ctx, fly.ID, 10)
		must(t, err)
		if ids := statusIDs(answers); !equalIDs(ids, []string{flyAns.ID}) {
			t.Fatalf("answers %v, want %v", ids, []string{flyAns.ID})
		}
	})
}

func equalIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
