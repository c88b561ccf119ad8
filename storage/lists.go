package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

type listRow struct {
	ID            string `db:"id"`
	UserID        string `db:"user_id"`
	Title         string `db:"title"`
	RepliesPolicy string `db:"replies_policy"`
	Exclusive     bool   `db:"exclusive"`
	CreatedAt     int64  `db:"created_at"`
}

const listCols = `l.id, l.user_id, l.title, l.replies_policy, l.exclusive, l.created_at`

func (r *listRow) list() *preferences.List {
	return &preferences.List{ID: r.ID, OwnerID: r.UserID, Title: r.Title,
		RepliesPolicy: preferences.RepliesPolicy(r.RepliesPolicy), Exclusive: r.Exclusive, CreatedAt: fromMS(r.CreatedAt)}
}

// CreateList writes a list; its owner must be a local user.
func (s *Store) CreateList(ctx context.Context, l *preferences.List) error {
	_, err := s.exec(ctx, `INSERT INTO lists (id, user_id, title, replies_policy, exclusive, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, l.ID, l.OwnerID, l.Title, string(l.RepliesPolicy), l.Exclusive, ms(l.CreatedAt))
	return mapErr("storage.CreateList", err)
}

// UpdateList rewrites a list's title, replies policy and exclusivity.
func (s *Store) UpdateList(ctx context.Context, l *preferences.List) error {
	const op = "storage.UpdateList"
	n, err := s.execN(ctx, `UPDATE lists SET title = ?, replies_policy = ?, exclusive = ? WHERE id = ?`,
		l.Title, string(l.RepliesPolicy), l.Exclusive, l.ID)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "list")
	}
	return nil
}

// DeleteList removes a list; its members go with it (ON DELETE CASCADE).
func (s *Store) DeleteList(ctx context.Context, id string) error {
	const op = "storage.DeleteList"
	n, err := s.execN(ctx, `DELETE FROM lists WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "list")
	}
	return nil
}

// ListByID finds a list.
func (s *Store) ListByID(ctx context.Context, id string) (*preferences.List, error) {
	var r listRow
	if err := s.get(ctx, &r, `SELECT `+listCols+` FROM lists l WHERE l.id = ?`, id); err != nil {
		return nil, mapErr("storage.ListByID", err, "list")
	}
	return r.list(), nil
}

func (s *Store) lists(ctx context.Context, op, query string, args ...any) ([]*preferences.List, error) {
	var rows []listRow
	if err := s.sel(ctx, &rows, query, args...); err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]*preferences.List, len(rows))
	for i := range rows {
		out[i] = rows[i].list()
	}
	return out, nil
}

// Lists returns an owner's lists, oldest first.
func (s *Store) Lists(ctx context.Context, ownerID string) ([]*preferences.List, error) {
	return s.lists(ctx, "storage.Lists", `SELECT `+listCols+` FROM lists l WHERE l.user_id = ? ORDER BY l.id`, ownerID)
}

// ListsWithMember returns the owner's lists that contain actorID, oldest first.
func (s *Store) ListsWithMember(ctx context.Context, ownerID, actorID string) ([]*preferences.List, error) {
	return s.lists(ctx, "storage.ListsWithMember", `SELECT `+listCols+` FROM lists l
		JOIN list_members m ON m.list_id = l.id AND m.actor_id = ?
		WHERE l.user_id = ? ORDER BY l.id`, actorID, ownerID)
}

// AddListMembers adds actors to a list; members already there stay as they are.
func (s *Store) AddListMembers(ctx context.Context, listID string, actorIDs []string, at time.Time) error {
	const op = "storage.AddListMembers"
	return s.InTx(ctx, func(ctx context.Context) error {
		for _, a := range actorIDs {
			if _, err := s.exec(ctx, `INSERT INTO list_members (list_id, actor_id, created_at) VALUES (?, ?, ?)
				ON CONFLICT (list_id, actor_id) DO NOTHING`, listID, a, ms(at)); err != nil {
				return mapErr(op, err)
			}
		}
		return nil
	})
}

// RemoveListMembers takes actors out of a list; removing a non-member is not an error.
func (s *Store) RemoveListMembers(ctx context.Context, listID string, actorIDs []string) error {
	if len(actorIDs) == 0 {
		return nil
	}
	_, err := s.exec(ctx, `DELETE FROM list_members WHERE list_id = ? AND actor_id IN (`+inList(len(actorIDs))+`)`,
		append([]any{listID}, anys(actorIDs)...)...)
	return mapErr("storage.RemoveListMembers", err)
}

// ListMembers pages a list's member actor ids; a membership has no id of its own, so the page is
// keyed by actor id, newest first.
func (s *Store) ListMembers(ctx context.Context, listID string, p activitypub.Page) ([]string, error) {
	k := pageBy("actor_id", p)
	var ids []string
	if err := s.sel(ctx, &ids, `SELECT actor_id FROM list_members WHERE list_id = ?`+k.cond+k.tail,
		append([]any{listID}, k.args...)...); err != nil {
		return nil, mapErr("storage.ListMembers", err)
	}
	return order(k, ids), nil
}

// AllListMembers returns every member's actor id.
func (s *Store) AllListMembers(ctx context.Context, listID string) ([]string, error) {
	ids := []string{}
	err := s.sel(ctx, &ids, `SELECT actor_id FROM list_members WHERE list_id = ? ORDER BY actor_id`, listID)
	return ids, mapErr("storage.AllListMembers", err)
}

// ListTimeline lists live statuses by the list's members with the given visibilities, newest
// first, paged by status id. Replies follow the list's policy: none keeps only self-replies,
// list also replies to members (and to the owner), followed also replies to anyone the owner
// follows.
func (s *Store) ListTimeline(ctx context.Context, l *preferences.List, vis []activitypub.Visibility, p activitypub.Page) ([]*activitypub.Status, error) {
	q := `SELECT ` + statusCols + ` FROM statuses s
		JOIN list_members m ON m.actor_id = s.actor_id AND m.list_id = ?
		WHERE s.deleted_at IS NULL AND s.visibility IN (` + inList(len(vis)) + `)`
	args := append([]any{l.ID}, anys(vis)...)
	const notReply = `s.in_reply_to_uri = '' OR s.in_reply_to_actor_id = s.actor_id`
	switch l.RepliesPolicy {
	case preferences.RepliesNone:
		q += ` AND (` + notReply + `)`
	case preferences.RepliesFollowed:
		q += ` AND (` + notReply + ` OR s.in_reply_to_actor_id = ? OR s.in_reply_to_actor_id IN
			(SELECT followee_id FROM follows WHERE follower_id = ? AND state = 'accepted'))`
		args = append(args, l.OwnerID, l.OwnerID)
	default:
		q += ` AND (` + notReply + ` OR s.in_reply_to_actor_id = ? OR s.in_reply_to_actor_id IN
			(SELECT actor_id FROM list_members WHERE list_id = ?))`
		args = append(args, l.OwnerID, l.ID)
	}
	k := pageBy("s.id", p)
	list, err := s.statuses(ctx, "storage.ListTimeline", q+k.cond+k.tail, append(args, k.args...)...)
	return order(k, list), err
}

// ExclusiveMembers returns the distinct actor ids in any exclusive list of ownerID.
func (s *Store) ExclusiveMembers(ctx context.Context, ownerID string) ([]string, error) {
	ids := []string{}
	err := s.sel(ctx, &ids, `SELECT DISTINCT m.actor_id FROM list_members m
		JOIN lists l ON l.id = m.list_id WHERE l.user_id = ? AND l.exclusive = TRUE`, ownerID)
	return ids, mapErr("storage.ExclusiveMembers", err)
}

var _ preferences.ListStore = (*Store)(nil)
