package questions

import (
	"context"
	"html"
	"strings"
	"unicode/utf8"

	ap "github.com/guildhall/guildhall/activitypub"
)

// answeredPrefix starts the line an accepted answer adds to its question's text. The line is
// the question's last paragraph; changing or clearing the acceptance replaces or drops it.
const answeredPrefix = `<p class="answered">✅ Answered: `

// excerptChars bounds the answer's text quoted in the ✅ line.
const excerptChars = 80

// Accept marks answerID as the accepted answer of a local question. Only the asker or a
// moderator of the question's group may; the answer must be a live direct reply to the question.
// The question's text gains the ✅ line, a visible Update federates it with the acceptedAnswer
// property, and in a group the group boosts and pins the answer (and drops the boost and pin of
// an answer accepted before).
func (q *Questions) Accept(ctx context.Context, by *ap.Account, questionID, answerID string) (*Question, error) {
	const op = "questions.Accept"
	qs, mod, err := q.authorise(ctx, op, by, questionID)
	if err != nil {
		return nil, err
	}
	ans, err := q.store.StatusByID(ctx, answerID)
	if err != nil && !ap.IsNotFound(err) {
		return nil, ap.Wrap(op, err)
	}
	if ans == nil || ans.InReplyToID != qs.ID || ans.DeletedAt != nil || ans.ReblogOfID != "" {
		return nil, ap.E(op, ap.Invalid, "answer_id is not a reply to this question")
	}
	if ok, err := q.svc.CanSee(ctx, ap.Viewer{Actor: &by.Actor}, ans); err != nil {
		return nil, ap.Wrap(op, err)
	} else if !ok {
		return nil, ap.E(op, ap.Invalid, "answer_id is not a reply to this question")
	}
	if qs.AcceptedAnswerID == ans.ID {
		return q.present(ctx, ap.Viewer{Actor: &by.Actor}, qs)
	}
	if err := q.apply(ctx, op, by, mod, qs, ans); err != nil {
		return nil, err
	}
	now := q.svc.Now()
	q.markAccepted(ctx, qs.ID, &now)
	return q.Get(ctx, ap.Viewer{Actor: &by.Actor}, qs.ID)
}

// Clear withdraws a question's accepted answer, federated as Accept's change is.
func (q *Questions) Clear(ctx context.Context, by *ap.Account, questionID string) (*Question, error) {
	const op = "questions.Clear"
	qs, mod, err := q.authorise(ctx, op, by, questionID)
	if err != nil {
		return nil, err
	}
	if qs.AcceptedAnswerID != "" {
		if err := q.apply(ctx, op, by, mod, qs, nil); err != nil {
			return nil, err
		}
		q.markAccepted(ctx, qs.ID, nil)
	}
	return q.Get(ctx, ap.Viewer{Actor: &by.Actor}, qs.ID)
}

// authorise loads a question and checks that by may accept its answers: the asker, or a
// moderator of its group. mod says by is a moderator.
func (q *Questions) authorise(ctx context.Context, op string, by *ap.Account, questionID string) (*ap.Status, bool, error) {
	if by == nil {
		return nil, false, ap.E(op, ap.Unauthorized, "sign in first")
	}
	qs, err := q.svc.GetStatus(ctx, ap.Viewer{Actor: &by.Actor}, questionID)
	if err != nil {
		return nil, false, err
	}
	if qs.Kind != ap.KindQuestion || qs.InReplyToID != "" || qs.ReblogOfID != "" || qs.DeletedAt != nil {
		return nil, false, ap.E(op, ap.NotFound, "Record not found")
	}
	mod, err := q.moderates(ctx, by, qs.GroupID)
	if err != nil {
		return nil, false, ap.Wrap(op, err)
	}
	if qs.ActorID != by.Actor.ID && !mod {
		return nil, false, ap.E(op, ap.Forbidden, "only the asker or a moderator of the question's group may accept an answer")
	}
	if !qs.Local {
		// Only the author's server can Update a question; its moderators there accept.
		return nil, false, ap.E(op, ap.Invalid, "a question from another server is answered on its own server")
	}
	return qs, mod, nil
}

func (q *Questions) moderates(ctx context.Context, by *ap.Account, groupID string) (bool, error) {
	if groupID == "" || q.groups == nil {
		return false, nil
	}
	mods, err := q.groups.Moderators(ctx, groupID)
	if ap.IsNotFound(err) {
		return false, nil // a remote group: its moderators are not ours
	}
	if err != nil {
		return false, err
	}
	for _, m := range mods {
		if m.ID == by.Actor.ID {
			return true, nil
		}
	}
	return false, nil
}

// apply sets (ans non-nil) or clears the accepted answer of a local question in one transaction:
// the old text goes to the history, the ✅ line is replaced, the Update is queued, and the
// group's boost and pin move to the new answer.
func (q *Questions) apply(ctx context.Context, op string, by *ap.Account, mod bool, qs, ans *ap.Status) error {
	asker, err := q.store.ActorByID(ctx, qs.ActorID)
	if err != nil {
		return ap.Wrap(op, err)
	}
	oldID := qs.AcceptedAnswerID
	now := q.svc.NextEditTime(qs)
	prev := &ap.StatusEdit{ID: q.svc.NewID(), StatusID: qs.ID, Content: qs.Content, Source: qs.Source,
		SpoilerText: qs.SpoilerText, Sensitive: qs.Sensitive, CreatedAt: qs.CreatedAt}
	if qs.EditedAt != nil {
		prev.CreatedAt = *qs.EditedAt
	}
	qs.Content = withoutAnsweredLine(qs.Content)
	qs.AcceptedAnswerID, qs.AcceptedAnswerURI = "", ""
	if ans != nil {
		qs.Content += answeredLine(ans)
		qs.AcceptedAnswerID, qs.AcceptedAnswerURI = ans.ID, ans.URI
	}
	qs.EditedAt = &now
	var answerAuthor *ap.Actor
	if ans != nil {
		if answerAuthor, err = q.store.ActorByID(ctx, ans.ActorID); err != nil {
			return ap.Wrap(op, err)
		}
	}
	err = q.svc.InTx(ctx, func(ctx context.Context) error {
		if err := q.store.AddStatusEdit(ctx, prev); err != nil {
			return err
		}
		if err := q.store.UpdateStatus(ctx, qs); err != nil {
			return err
		}
		group, err := q.groupActor(ctx, qs.GroupID)
		if err != nil {
			return err
		}
		if err := q.enqueueUpdate(ctx, asker, group, answerAuthor, qs); err != nil {
			return err
		}
		return q.groupFeature(ctx, by, mod, group, qs, oldID, ans)
	})
	return ap.Wrap(op, err)
}

// answeredLine is the paragraph that names the accepted answer, linking it.
func answeredLine(ans *ap.Status) string {
	href := ans.URL
	if href == "" {
		href = ans.URI
	}
	return answeredPrefix + `<a href="` + html.EscapeString(href) + `">` + html.EscapeString(Excerpt(ans.Content, excerptChars)) + `</a></p>`
}

// withoutAnsweredLine drops the ✅ line an earlier acceptance added.
func withoutAnsweredLine(content string) string {
	if i := strings.LastIndex(content, answeredPrefix); i >= 0 && strings.HasSuffix(content, "</p>") {
		return content[:i]
	}
	return content
}

// Excerpt is the first n characters of the text of sanitised HTML, on one line.
func Excerpt(content string, n int) string {
	var b strings.Builder
	in := false
	for _, r := range content {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	text := strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
	if utf8.RuneCountInString(text) > n {
		text = strings.TrimSpace(string([]rune(text)[:n-1])) + "…"
	}
	return text
}

// MayAccept reports whether by may accept an answer to a question: what the question page asks
// before offering the accept buttons.
func (q *Questions) MayAccept(ctx context.Context, by *ap.Account, qs *ap.Status) bool {
	if by == nil || !qs.Local || qs.Kind != ap.KindQuestion {
		return false
	}
	if qs.ActorID == by.Actor.ID {
		return true
	}
	mod, err := q.moderates(ctx, by, qs.GroupID)
	return err == nil && mod
}
