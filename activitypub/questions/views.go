package questions

import (
	"context"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// ViewStore counts the views of questions. storage.Store satisfies it; without it views are
// not counted.
type ViewStore interface {
	// CountQuestionView adds one view of a question, also to its views after acceptance when
	// answered is true. One UPSERT, so a page view costs one statement.
	CountQuestionView(ctx context.Context, statusID string, answered bool) error
	// SetQuestionAccepted records when a question's answer was accepted here (nil: cleared).
	SetQuestionAccepted(ctx context.Context, statusID string, at *time.Time) error
}

// markAccepted records the acceptance time for analytics; a failure is logged, as the
// acceptance itself stands and the report falls back to the question's last edit.
func (q *Questions) markAccepted(ctx context.Context, statusID string, at *time.Time) {
	if vs, ok := q.store.(ViewStore); ok {
		if err := vs.SetQuestionAccepted(ctx, statusID, at); err != nil {
			q.log.WarnContext(ctx, "questions: recording the acceptance time", "question", statusID, "err", err)
		}
	}
}

// View is Get for the question's page and GET /api/guildhall/v1/questions/:id: it counts a view
// when the viewer is a signed-in local person other than the asker (anonymous visitors, remote
// servers and the asker re-reading their own question are not someone helped). A failed count
// is logged, never shown: the reader came for the question, not the figure.
func (q *Questions) View(ctx context.Context, by *ap.Account, id string) (*Question, error) {
	v := ap.Viewer{}
	if by != nil {
		v.Actor = &by.Actor
	}
	qu, err := q.Get(ctx, v, id)
	if err != nil || by == nil || by.Actor.ID == qu.Status.ActorID {
		return qu, err
	}
	if vs, ok := q.store.(ViewStore); ok {
		if err := vs.CountQuestionView(ctx, qu.Status.ID, qu.Answered()); err != nil {
			q.log.WarnContext(ctx, "questions: counting a view", "question", qu.Status.ID, "err", err)
		}
	}
	return qu, nil
}
