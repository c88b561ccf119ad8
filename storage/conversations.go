package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// threadKey is a status's thread: its context, or its own URI when it has none.
const threadKey = `CASE WHEN s.context_uri = '' THEN s.uri ELSE s.context_uri END`

// involvedSQL selects (id, actor_id, deleted_at, thread) of the direct statuses a viewer wrote or
// is mentioned in, leaving out those by actors the viewer blocks or is blocked by. filter narrows
// both branches (on s); its arguments come once per branch, after the viewer's. It reads the
// statuses_actor and mentions_actor indexes: a viewer's own rows only, whatever the table size.
func involvedSQL(filter string) string {
	return `SELECT s.id AS id, s.actor_id AS actor_id, s.deleted_at AS deleted_at, ` + threadKey + ` AS thread
		FROM statuses s
		WHERE s.actor_id = ? AND s.visibility = 'direct' AND s.reblog_of_id IS NULL` + filter + `
		UNION
		SELECT s.id, s.actor_id, s.deleted_at, ` + threadKey + `
		FROM mentions m JOIN statuses s ON s.id = m.status_id
		WHERE m.actor_id = ? AND s.visibility = 'direct' AND s.reblog_of_id IS NULL
			AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.actor_id = ? AND b.target_id = s.actor_id)
				OR (b.actor_id = s.actor_id AND b.target_id = ?))` + filter
}

// involvedArgs are involvedSQL's arguments.
func involvedArgs(viewerID string, filterArgs []any) []any {
	args := append([]any{viewerID}, filterArgs...)
	args = append(args, viewerID, viewerID, viewerID)
	return append(args, filterArgs...)
}

// threadsFilter narrows involvedSQL to the given threads.
func threadsFilter(threads []string) (string, []any) {
	in := inList(len(threads))
	return ` AND (s.context_uri IN (` + in + `) OR (s.context_uri = '' AND s.uri IN (` + in + `)))`,
		append(anys(threads), anys(threads)...)
}

// summarySQL sums the involved statuses up per thread and joins the viewer's state. Its
// arguments: involvedArgs, then the viewer three times, then where's.
func summarySQL(filter, where string) string {
	return `WITH involved AS (` + involvedSQL(filter) + `),
		threads AS (
			SELECT thread, MIN(id) AS first_id,
				MAX(CASE WHEN deleted_at IS NULL THEN id END) AS last_id,
				MAX(CASE WHEN deleted_at IS NULL AND actor_id <> ? THEN id END) AS last_other_id,
				MAX(CASE WHEN actor_id = ? THEN id END) AS last_own_id
			FROM involved GROUP BY thread
		)
		SELECT t.first_id AS id, t.thread AS thread, t.last_id AS last_id,
			COALESCE(t.last_other_id, '') AS last_other_id, COALESCE(t.last_own_id, '') AS last_own_id,
			COALESCE(c.last_read_id, '') AS read_id
		FROM threads t LEFT JOIN conversation_states c ON c.user_id = ? AND c.thread = t.thread
		WHERE t.last_id IS NOT NULL` + where
}

type conversationRow struct {
	ID          string `db:"id"`
	Thread      string `db:"thread"`
	LastID      string `db:"last_id"`
	LastOtherID string `db:"last_other_id"`
	LastOwnID   string `db:"last_own_id"`
	ReadID      string `db:"read_id"`
}

func (r *conversationRow) summary() *activitypub.ConversationSummary {
	return &activitypub.ConversationSummary{ID: r.ID, Thread: r.Thread, LastStatusID: r.LastID,
		LastOtherID: r.LastOtherID, LastOwnID: r.LastOwnID, ReadID: r.ReadID}
}

// Conversations lists a viewer's direct threads newest first by their last live status, paged by
// its id, leaving out those hidden since. The whole set of the viewer's direct statuses is summed
// up for each page: people hold thousands of direct messages, not millions.
func (s *Store) Conversations(ctx context.Context, viewerID string, p activitypub.Page) ([]*activitypub.ConversationSummary, error) {
	k := pageBy("t.last_id", p)
	args := append(involvedArgs(viewerID, nil), viewerID, viewerID, viewerID)
	var rows []conversationRow
	if err := s.sel(ctx, &rows, summarySQL("", ` AND t.last_id > COALESCE(c.hidden_up_to, '')`+k.cond+k.tail),
		append(args, k.args...)...); err != nil {
		return nil, mapErr("storage.Conversations", err)
	}
	rows = order(k, rows)
	out := make([]*activitypub.ConversationSummary, len(rows))
	for i := range rows {
		out[i] = rows[i].summary()
	}
	return out, nil
}

// ConversationByID finds the viewer's conversation whose first involved status is id, hidden or
// not; NotFound when there is none or it has no live status left.
func (s *Store) ConversationByID(ctx context.Context, viewerID, id string) (*activitypub.ConversationSummary, error) {
	const op = "storage.ConversationByID"
	var thread string
	if err := s.get(ctx, &thread, `SELECT `+threadKey+` FROM statuses s WHERE s.id = ?`, id); err != nil {
		return nil, mapErr(op, err)
	}
	filter, fargs := threadsFilter([]string{thread})
	args := append(involvedArgs(viewerID, fargs), viewerID, viewerID, viewerID, thread, id)
	var rows []conversationRow
	if err := s.sel(ctx, &rows, summarySQL(filter, ` AND t.thread = ? AND t.first_id = ?`), args...); err != nil {
		return nil, mapErr(op, err)
	}
	if len(rows) == 0 {
		return nil, notFound(op, "conversation")
	}
	return rows[0].summary(), nil
}

// ConversationParticipants returns, per thread, the authors and mentioned actors of the viewer's
// live involved statuses, the viewer left out, ordered by actor id.
func (s *Store) ConversationParticipants(ctx context.Context, viewerID string, threads []string) (map[string][]string, error) {
	out := make(map[string][]string, len(threads))
	if len(threads) == 0 {
		return out, nil
	}
	filter, fargs := threadsFilter(threads)
	var rows []struct {
		Thread  string `db:"thread"`
		ActorID string `db:"actor_id"`
	}
	if err := s.sel(ctx, &rows, `WITH involved AS (`+involvedSQL(filter)+`)
		SELECT thread, actor_id FROM (
			SELECT i.thread AS thread, i.actor_id AS actor_id FROM involved i WHERE i.deleted_at IS NULL
			UNION
			SELECT i.thread, m.actor_id FROM involved i JOIN mentions m ON m.status_id = i.id
			WHERE i.deleted_at IS NULL
		) p WHERE actor_id <> ? ORDER BY thread, actor_id`,
		append(involvedArgs(viewerID, fargs), viewerID)...); err != nil {
		return nil, mapErr("storage.ConversationParticipants", err)
	}
	for _, r := range rows {
		out[r.Thread] = append(out[r.Thread], r.ActorID)
	}
	return out, nil
}

// MarkConversationRead moves the viewer's read mark of a thread forward to statusID, never back.
func (s *Store) MarkConversationRead(ctx context.Context, viewerID, thread, statusID string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO conversation_states (user_id, thread, last_read_id, updated_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, thread) DO UPDATE SET updated_at = excluded.updated_at,
			last_read_id = CASE WHEN excluded.last_read_id > conversation_states.last_read_id
				THEN excluded.last_read_id ELSE conversation_states.last_read_id END`,
		viewerID, thread, statusID, ms(at))
	return mapErr("storage.MarkConversationRead", err)
}

// HideConversation hides a thread from the viewer's list until a status newer than statusID.
func (s *Store) HideConversation(ctx context.Context, viewerID, thread, statusID string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO conversation_states (user_id, thread, hidden_up_to, updated_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, thread) DO UPDATE SET updated_at = excluded.updated_at,
			hidden_up_to = CASE WHEN excluded.hidden_up_to > conversation_states.hidden_up_to
				THEN excluded.hidden_up_to ELSE conversation_states.hidden_up_to END`,
		viewerID, thread, statusID, ms(at))
	return mapErr("storage.HideConversation", err)
}

var _ activitypub.ConversationStore = (*Store)(nil)
