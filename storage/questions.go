package storage

import (
	"context"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/questions"
)

// questionsWhere is what every list of questions shares: live, top-level, not boosts, and
// visible beyond their author's followers (the domain checks each for the viewer).
const questionsWhere = ` s.kind = 'question' AND s.in_reply_to_uri = '' AND s.reblog_of_id IS NULL
	AND s.deleted_at IS NULL AND s.visibility IN ('public', 'unlisted', 'local')`

// Questions lists questions newest first, narrowed by group, answered or not, and a full-text
// query whose words must all match.
func (s *Store) Questions(ctx context.Context, f questions.Filter, p activitypub.Page) ([]*activitypub.Status, error) {
	const op = "storage.Questions"
	var join, cond string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		var arg any
		join, cond, arg = s.dialect.searchStatuses(q)
		cond = " AND " + cond
		args = append(args, arg)
	}
	if f.GroupID != "" {
		cond += " AND s.group_id = ?"
		args = append(args, f.GroupID)
	}
	if f.Answered != nil {
		if *f.Answered {
			cond += " AND s.accepted_answer_id IS NOT NULL"
		} else {
			cond += " AND s.accepted_answer_id IS NULL"
		}
	}
	k := pageBy("s.id", p)
	list, err := s.statuses(ctx, op, `SELECT `+statusCols+` FROM statuses s`+join+` WHERE`+questionsWhere+cond+k.cond+k.tail,
		append(args, k.args...)...)
	return order(k, list), err
}

// SimilarAnsweredQuestions ranks answered questions by the words they share with words, best
// first: FTS5's bm25 over prefix terms in SQLite, ts_rank over prefix lexemes in PostgreSQL.
// Any one word matching is enough; the ranking puts questions sharing more words first.
func (s *Store) SimilarAnsweredQuestions(ctx context.Context, words []string, limit int) ([]*activitypub.Status, error) {
	const op = "storage.SimilarAnsweredQuestions"
	words = searchable(words)
	if len(words) == 0 {
		return nil, nil
	}
	var query string
	var arg any
	switch s.dialect.name() {
	case Postgres:
		arg = strings.Join(words, ":* | ") + ":*"
		query = `SELECT ` + statusCols + ` FROM statuses s WHERE` + questionsWhere + `
			AND s.accepted_answer_id IS NOT NULL AND s.search @@ to_tsquery('simple', ?)
			ORDER BY ts_rank(s.search, to_tsquery('simple', ?)) DESC, s.id DESC LIMIT ?`
		return s.statuses(ctx, op, query, arg, arg, limit)
	default:
		arg = `"` + strings.Join(words, `"* OR "`) + `"*`
		query = `SELECT ` + statusCols + ` FROM statuses s JOIN status_search x ON x.status_id = s.id
			JOIN statuses_fts f ON f.rowid = x.rowid WHERE` + questionsWhere + `
			AND s.accepted_answer_id IS NOT NULL AND statuses_fts MATCH ?
			ORDER BY bm25(statuses_fts), s.id DESC LIMIT ?`
		return s.statuses(ctx, op, query, arg, limit)
	}
}

// searchable keeps the words made only of letters and digits, so that neither FTS5 nor
// to_tsquery can read any of them as syntax.
func searchable(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		ok := w != ""
		for _, r := range w {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127 && r != '\u00a0') {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, w)
		}
	}
	return out
}

// Answers lists the live direct replies of a question, oldest first.
func (s *Store) Answers(ctx context.Context, questionID string, limit int) ([]*activitypub.Status, error) {
	return s.statuses(ctx, "storage.Answers", `SELECT `+statusCols+` FROM statuses s
		WHERE s.in_reply_to_id = ? AND s.deleted_at IS NULL AND s.reblog_of_id IS NULL
		ORDER BY s.id LIMIT ?`, questionID, limit)
}

// loadAcceptedAnswers fills AcceptedAnswerURI for the questions of a page that have an accepted
// answer; pages without one cost no query.
func (s *Store) loadAcceptedAnswers(ctx context.Context, list []*activitypub.Status) error {
	byAnswer := map[string][]*activitypub.Status{}
	for _, st := range list {
		if st.AcceptedAnswerID != "" {
			byAnswer[st.AcceptedAnswerID] = append(byAnswer[st.AcceptedAnswerID], st)
		}
	}
	if len(byAnswer) == 0 {
		return nil
	}
	ids := make([]any, 0, len(byAnswer))
	for id := range byAnswer {
		ids = append(ids, id)
	}
	var rows []struct {
		ID  string `db:"id"`
		URI string `db:"uri"`
	}
	if err := s.sel(ctx, &rows, `SELECT id, uri FROM statuses WHERE id IN (`+inList(len(ids))+`)`, ids...); err != nil {
		return err
	}
	for _, r := range rows {
		for _, st := range byAnswer[r.ID] {
			st.AcceptedAnswerURI = r.URI
		}
	}
	return nil
}
