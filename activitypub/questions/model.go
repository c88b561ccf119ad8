// Package questions is the Q&A area over the kernel: a question is a titled status of kind
// question, its answers are its direct replies from any server, votes are favourites, and the
// asker (or a moderator of the question's group) accepts one answer. Acceptance federates in three
// layers so every kind of server shows something: the acceptedAnswer extension property on the
// question (our JSON-LD context), a visible Update whose text gains a "✅ Answered: …" line, and in
// a group the group's boost and pin of the answer.
package questions

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Limits.
const (
	MaxQueryChars = 200
	maxSimilar    = 10
)

// Filter narrows a list of questions. Answered is nil for all, else answered or unanswered only.
type Filter struct {
	GroupID  string
	Answered *bool
	Query    string
}

// Store is what the area needs from storage. storage.Store satisfies it.
type Store interface {
	ap.Transactor
	StatusByID(ctx context.Context, id string) (*ap.Status, error)
	StatusByURI(ctx context.Context, uri string) (*ap.Status, error)
	ActorByID(ctx context.Context, id string) (*ap.Actor, error)
	UpdateStatus(ctx context.Context, st *ap.Status) error
	AddStatusEdit(ctx context.Context, e *ap.StatusEdit) error
	// Questions lists top-level, live, public or unlisted questions, newest first.
	Questions(ctx context.Context, f Filter, p ap.Page) ([]*ap.Status, error)
	// SimilarAnsweredQuestions ranks answered questions by how many of words their title and
	// text share, best first; words are lower-cased letters and digits.
	SimilarAnsweredQuestions(ctx context.Context, words []string, limit int) ([]*ap.Status, error)
	// Answers lists the live direct replies of a question.
	Answers(ctx context.Context, questionID string, limit int) ([]*ap.Status, error)
}

// Groups is what the area needs of the groups area, which the server wires in; nil runs
// questions without groups.
type Groups interface {
	Post(ctx context.Context, by *ap.Account, groupID string, in ap.PostInput) (*ap.Status, error)
	Moderators(ctx context.Context, groupID string) ([]*ap.Actor, error)
	Pin(ctx context.Context, by *ap.Account, groupID, statusID string, pinned bool) error
}

// Question is a question as the API and UI show it.
type Question struct {
	Status       *ap.Status
	AnswersCount int
	// Accepted is the accepted answer when it is stored here.
	Accepted *ap.Status
}

// Answered reports whether an answer was accepted.
func (q *Question) Answered() bool { return q.Status.AcceptedAnswerID != "" }
