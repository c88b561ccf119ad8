package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/guildhall/guildhall/activitypub/questions"
)

// reportScope narrows the questions of a report (aliased q): those asked in a group, or those
// asked on this instance.
func reportScope(groupID string) (string, []any) {
	if groupID != "" {
		return ` AND q.group_id = ?`, []any{groupID}
	}
	return ` AND q.local = TRUE`, nil
}

const reportQuestions = ` q.kind = 'question' AND q.in_reply_to_uri = '' AND q.reblog_of_id IS NULL AND q.deleted_at IS NULL`

// QuestionFacts lists the questions of a report with their first answer by someone other than
// the asker, their answer count and, for answered ones, their acceptance time (recorded here,
// else their last edit, which acceptance made), newest first.
func (s *Store) QuestionFacts(ctx context.Context, groupID string, limit int) ([]questions.Facts, error) {
	const op = "storage.QuestionFacts"
	cond, args := reportScope(groupID)
	rows, err := s.cachedQuery(ctx, `SELECT q.id, q.title, q.created_at, COALESCE(v.accepted_at, q.edited_at),
		q.accepted_answer_id IS NOT NULL,
		(SELECT MIN(r.created_at) FROM statuses r WHERE r.in_reply_to_id = q.id AND r.deleted_at IS NULL
			AND r.actor_id <> q.actor_id),
		(SELECT COUNT(*) FROM statuses r WHERE r.in_reply_to_id = q.id AND r.deleted_at IS NULL),
		COALESCE(v.after_accept, 0)
		FROM statuses q LEFT JOIN question_views v ON v.status_id = q.id WHERE`+reportQuestions+cond+` ORDER BY q.id DESC LIMIT ?`, append(args, limit))
	if err != nil {
		return nil, mapErr(op, err)
	}
	defer rows.Close()
	var out []questions.Facts
	for rows.Next() {
		var f questions.Facts
		var created int64
		var edited, first sql.NullInt64
		if err := rows.Scan(&f.ID, &f.Title, &created, &edited, &f.Answered, &first, &f.Answers, &f.ViewsAfterAccept); err != nil {
			return nil, mapErr(op, err)
		}
		f.CreatedAt, f.FirstAnswerAt = fromMS(created), nullMS(first)
		if f.Answered {
			f.AcceptedAt = nullMS(edited)
		}
		out = append(out, f)
	}
	return out, mapErr(op, rows.Err())
}

// Contributors ranks the people who answered a report's questions (their own excepted).
func (s *Store) Contributors(ctx context.Context, groupID string, limit int) ([]questions.Contributor, error) {
	const op = "storage.Contributors"
	cond, args := reportScope(groupID)
	var rows []struct {
		ActorID  string `db:"actor_id"`
		Answers  int    `db:"answers"`
		Accepted int    `db:"accepted"`
	}
	err := s.sel(ctx, &rows, `SELECT r.actor_id, COUNT(*) AS answers,
		SUM(CASE WHEN q.accepted_answer_id = r.id THEN 1 ELSE 0 END) AS accepted
		FROM statuses r JOIN statuses q ON q.id = r.in_reply_to_id
		WHERE`+reportQuestions+cond+` AND r.deleted_at IS NULL AND r.actor_id <> q.actor_id
		GROUP BY r.actor_id ORDER BY accepted DESC, answers DESC, r.actor_id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]questions.Contributor, 0, len(rows))
	for _, r := range rows {
		out = append(out, questions.Contributor{ActorID: r.ActorID, Answers: r.Answers, Accepted: r.Accepted})
	}
	return out, nil
}

// SetQuestionAccepted records (or, with nil, clears) when a question's answer was accepted.
func (s *Store) SetQuestionAccepted(ctx context.Context, statusID string, at *time.Time) error {
	var ms any
	if at != nil {
		ms = at.UnixMilli()
	}
	_, err := s.exec(ctx, `INSERT INTO question_views (status_id, accepted_at) VALUES (?, ?)
		ON CONFLICT (status_id) DO UPDATE SET accepted_at = excluded.accepted_at`, statusID, ms)
	return mapErr("storage.SetQuestionAccepted", err)
}

// CountQuestionView adds one view of a question (and one after acceptance when answered) in a
// single UPSERT.
func (s *Store) CountQuestionView(ctx context.Context, statusID string, answered bool) error {
	after := 0
	if answered {
		after = 1
	}
	_, err := s.exec(ctx, `INSERT INTO question_views (status_id, views, after_accept) VALUES (?, 1, ?)
		ON CONFLICT (status_id) DO UPDATE SET views = question_views.views + 1,
		after_accept = question_views.after_accept + excluded.after_accept`, statusID, after)
	return mapErr("storage.CountQuestionView", err)
}
