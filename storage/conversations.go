package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

// maxThreadWalkSQL bounds the walk up a reply chain in search of a thread (against cycles in
// remote data).
const maxThreadWalkSQL = "50"

// involvedCTEs defines, for one viewer, involved (the direct statuses the viewer wrote or is
// mentioned in, leaving out those by actors the viewer blocks or is blocked by) and tagged: each
// of them with its thread. Its arguments are the viewer's id four times. It reads the
// statuses_direct and mentions_actor indexes: the viewer's own rows, whatever the table size
// (CROSS JOIN makes SQLite start from mentions, as PostgreSQL's planner does by itself). Boosts
// are never direct, so no reblog_of_id test is needed (it made SQLite pick statuses_reblogs).
//
// A status's thread is its context. A status without one (a remote server that names none, or a
// local reply to such a post, which inherits the empty context) walks up its reply chain to the
// first ancestor with a context, or to the root, whose URI is then the thread: so the replies of
// a contextless remote message stay in its conversation. Only contextless statuses walk.
const involvedCTEs = `involved AS (
		SELECT s.id AS id, s.actor_id AS actor_id, s.deleted_at AS deleted_at, s.uri AS uri,
			s.context_uri AS context_uri, s.in_reply_to_id AS in_reply_to_id
		FROM statuses s
		WHERE s.actor_id = ? AND s.visibility = 'direct'
		UNION
		SELECT s.id, s.actor_id, s.deleted_at, s.uri, s.context_uri, s.in_reply_to_id
		FROM mentions m CROSS JOIN statuses s
		WHERE s.id = m.status_id AND m.actor_id = ? AND s.visibility = 'direct'
			AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.actor_id = ? AND b.target_id = s.actor_id)
				OR (b.actor_id = s.actor_id AND b.target_id = ?))
	),
	up (id, ctx, uri, parent, depth) AS (
		SELECT id, context_uri, uri, in_reply_to_id, 0 FROM involved
		UNION ALL
		SELECT u.id, p.context_uri, p.uri, p.in_reply_to_id, u.depth + 1
		FROM up u JOIN statuses p ON p.id = u.parent
		WHERE u.ctx = '' AND u.depth < ` + maxThreadWalkSQL + `
	),
	tagged AS (
		SELECT i.id AS id, i.actor_id AS actor_id, i.deleted_at AS deleted_at,
			COALESCE(CASE WHEN u.ctx <> '' THEN u.ctx ELSE u.uri END, i.uri) AS thread
		FROM involved i LEFT JOIN up u ON u.id = i.id AND (u.ctx <> '' OR u.parent IS NULL)
	)`

// summarySQL sums the involved statuses up per thread and joins the viewer's state. Its
// arguments: the viewer's id seven times, then where's.
func summarySQL(where string) string {
	return `WITH RECURSIVE ` + involvedCTEs + `,
		threads AS (
			SELECT thread, MIN(id) AS first_id,
				MAX(CASE WHEN deleted_at IS NULL THEN id END) AS last_id,
				MAX(CASE WHEN deleted_at IS NULL AND actor_id <> ? THEN id END) AS last_other_id,
				MAX(CASE WHEN actor_id = ? THEN id END) AS last_own_id
			FROM tagged GROUP BY thread
		)
		SELECT t.first_id AS id, t.thread AS thread, t.last_id AS last_id,
			COALESCE(t.last_other_id, '') AS last_other_id, COALESCE(t.last_own_id, '') AS last_own_id,
			COALESCE(c.last_read_id, '') AS read_id
		FROM threads t LEFT JOIN conversation_states c ON c.user_id = ? AND c.thread = t.thread
		WHERE t.last_id IS NOT NULL` + where
}

// viewerArgs repeats the viewer's id n times.
func viewerArgs(viewerID string, n int) []any {
	args := make([]any, n)
	for i := range args {
		args[i] = viewerID
	}
	return args
}

type conversationRow struct {
	ID          string `db:"id"`
	Thread      string `db:"thread"`
	LastID      string `db:"last_id"`
	LastOtherID string `db:"last_other_id"`
	LastOwnID   string `db:"last_own_id"`
	ReadID      string `db:"read_id"`
}

func (r *conversationRow) summary() *preferences.ConversationSummary {
	return &preferences.ConversationSummary{ID: r.ID, Thread: r.Thread, LastStatusID: r.LastID,
		LastOtherID: r.LastOtherID, LastOwnID: r.LastOwnID, ReadID: r.ReadID}
}

// Conversations lists a viewer's direct threads newest first by their last live status, paged by
// its id, leaving out those hidden since. The whole set of the viewer's direct statuses is summed
// up for each page: people hold thousands of direct messages, not millions.
func (s *Store) Conversations(ctx context.Context, viewerID string, p activitypub.Page) ([]*preferences.ConversationSummary, error) {
	k := pageBy("t.last_id", p)
	var rows []conversationRow
	if err := s.sel(ctx, &rows, summarySQL(` AND t.last_id > COALESCE(c.hidden_up_to, '')`+k.cond+k.tail),
		append(viewerArgs(viewerID, 7), k.args...)...); err != nil {
		return nil, mapErr("storage.Conversations", err)
	}
	rows = order(k, rows)
	out := make([]*preferences.ConversationSummary, len(rows))
	for i := range rows {
		out[i] = rows[i].summary()
	}
	return out, nil
}

// ConversationByID finds the viewer's conversation whose first involved status is id, hidden or
// not; NotFound when there is none or it has no live status left.
func (s *Store) ConversationByID(ctx context.Context, viewerID, id string) (*preferences.ConversationSummary, error) {
	const op = "storage.ConversationByID"
	var rows []conversationRow
	if err := s.sel(ctx, &rows, summarySQL(` AND t.first_id = ?`), append(viewerArgs(viewerID, 7), id)...); err != nil {
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
	var rows []struct {
		Thread  string `db:"thread"`
		ActorID string `db:"actor_id"`
	}
	in := inList(len(threads))
	if err := s.sel(ctx, &rows, `WITH RECURSIVE `+involvedCTEs+`
		SELECT thread, actor_id FROM (
			SELECT t.thread AS thread, t.actor_id AS actor_id FROM tagged t
			WHERE t.deleted_at IS NULL AND t.thread IN (`+in+`)
			UNION
			SELECT t.thread, m.actor_id FROM tagged t JOIN mentions m ON m.status_id = t.id
			WHERE t.deleted_at IS NULL AND t.thread IN (`+in+`)
		) p WHERE actor_id <> ? ORDER BY thread, actor_id`,
		append(append(append(viewerArgs(viewerID, 4), anys(threads)...), anys(threads)...), viewerID)...); err != nil {
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

var _ preferences.ConversationStore = (*Store)(nil)
