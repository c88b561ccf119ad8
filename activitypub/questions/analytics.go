package questions

import (
	"context"
	"slices"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Facts are what analytics reads of one question.
type Facts struct {
	ID, Title     string
	CreatedAt     time.Time
	FirstAnswerAt *time.Time // the first reply by someone other than the asker
	AcceptedAt    *time.Time // when accepted here, else the question's last edit, when answered
	Answers       int
	Answered      bool
	// ViewsAfterAccept counts the views (see View) made while an answer was accepted.
	ViewsAfterAccept int
}

// Contributor is one person's answers in the scope of a report.
type Contributor struct {
	ActorID  string
	Answers  int
	Accepted int
}

// AnalyticsStore is what the report reads. storage.Store satisfies it.
type AnalyticsStore interface {
	// QuestionFacts lists the questions asked here (groupID "") or in a group, newest first.
	QuestionFacts(ctx context.Context, groupID string, limit int) ([]Facts, error)
	// Contributors ranks the people who answered those questions, most accepted first.
	Contributors(ctx context.Context, groupID string, limit int) ([]Contributor, error)
}

// Month is one bar of the report's chart.
type Month struct {
	Start           time.Time
	Asked, Answered int
}

// Report is the analytics of the questions of an instance or a group.
type Report struct {
	GroupID                    string
	Asked, Answered, WithReply int
	// AnsweredRate is Answered / Asked, 0 when nothing was asked.
	AnsweredRate float64
	// MedianFirstAnswer and MedianAccepted are nil when no question has one.
	MedianFirstAnswer, MedianAccepted *time.Duration
	// CallsAvoided estimates helpdesk calls avoided: the sum over answered questions of their
	// views after acceptance, each a person who found the answer instead of asking
	// (docs/decisions.md, "Questions: view counting").
	CallsAvoided int
	Unanswered   []Facts // oldest first, at most 20
	Contributors []Contributor
	Months       []Month // the last twelve, oldest first
}

// maxReportQuestions bounds the questions one report reads.
const maxReportQuestions = 5000

// Analytics reports on the questions asked on this instance (groupID "", for administrators) or
// in a local group (for its moderators and administrators).
func (q *Questions) Analytics(ctx context.Context, by *ap.Account, groupID string) (*Report, error) {
	const op = "questions.Analytics"
	as, ok := q.store.(AnalyticsStore)
	if !ok {
		return nil, ap.E(op, ap.NotFound, "analytics are not available")
	}
	if by == nil {
		return nil, ap.E(op, ap.Unauthorized, "sign in first")
	}
	if !by.User.Admin {
		mod, err := q.moderates(ctx, by, groupID)
		if err != nil {
			return nil, ap.Wrap(op, err)
		}
		if !mod {
			return nil, ap.E(op, ap.Forbidden, "only administrators, and a group's moderators for their group, see analytics")
		}
	}
	facts, err := as.QuestionFacts(ctx, groupID, maxReportQuestions)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	r := summarise(facts, q.svc.Now())
	r.GroupID = groupID
	if r.Contributors, err = as.Contributors(ctx, groupID, 10); err != nil {
		return nil, ap.Wrap(op, err)
	}
	return r, nil
}

// summarise computes a report's figures from its questions (newest first).
func summarise(facts []Facts, now time.Time) *Report {
	r := &Report{Asked: len(facts)}
	var first, accepted []time.Duration
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	for i := range 12 {
		r.Months = append(r.Months, Month{Start: start.AddDate(0, i, 0)})
	}
	for i := len(facts) - 1; i >= 0; i-- {
		f := facts[i]
		if f.Answered {
			r.Answered++
			r.CallsAvoided += f.ViewsAfterAccept
		} else if len(r.Unanswered) < 20 {
			r.Unanswered = append(r.Unanswered, f)
		}
		if f.Answers > 0 {
			r.WithReply++
		}
		if f.FirstAnswerAt != nil && !f.FirstAnswerAt.Before(f.CreatedAt) {
			first = append(first, f.FirstAnswerAt.Sub(f.CreatedAt))
		}
		if f.Answered && f.AcceptedAt != nil && !f.AcceptedAt.Before(f.CreatedAt) {
			accepted = append(accepted, f.AcceptedAt.Sub(f.CreatedAt))
		}
		if m := monthIndex(start, f.CreatedAt); m >= 0 && m < 12 {
			r.Months[m].Asked++
			if f.Answered {
				r.Months[m].Answered++
			}
		}
	}
	if r.Asked > 0 {
		r.AnsweredRate = float64(r.Answered) / float64(r.Asked)
	}
	r.MedianFirstAnswer, r.MedianAccepted = median(first), median(accepted)
	return r
}

func monthIndex(start, t time.Time) int {
	t = t.UTC()
	return (t.Year()-start.Year())*12 + int(t.Month()) - int(start.Month())
}

// median is the middle duration (the mean of the two middle ones for an even count).
func median(d []time.Duration) *time.Duration {
	if len(d) == 0 {
		return nil
	}
	slices.Sort(d)
	m := d[len(d)/2]
	if len(d)%2 == 0 {
		m = (d[len(d)/2-1] + d[len(d)/2]) / 2
	}
	return &m
}
