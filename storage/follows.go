package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
)

type followRow struct {
	ID          string  `db:"id"`
	URI         *string `db:"uri"`
	FollowerID  string  `db:"follower_id"`
	FolloweeID  string  `db:"followee_id"`
	State       string  `db:"state"`
	ShowReblogs bool    `db:"show_reblogs"`
	Notify      bool    `db:"notify"`
	CreatedAt   int64   `db:"created_at"`
}

const followCols = `id, uri, follower_id, followee_id, state, show_reblogs, notify, created_at`

func (r *followRow) follow() *activitypub.Follow {
	return &activitypub.Follow{
		ID: r.ID, URI: strOf(r.URI), FollowerID: r.FollowerID, FolloweeID: r.FolloweeID,
		State: activitypub.FollowState(r.State), ShowReblogs: r.ShowReblogs, Notify: r.Notify,
		CreatedAt: fromMS(r.CreatedAt),
	}
}

func followsOf(rows []followRow) []*activitypub.Follow {
	out := make([]*activitypub.Follow, len(rows))
	for i := range rows {
		out[i] = rows[i].follow()
	}
	return out
}

// CreateFollow records a follow or follow request. A second follow between the same actors, or a
// reused activity URI, is a Conflict. An empty URI is stored as NULL: a local follow of a local
// actor has no activity.
func (s *Store) CreateFollow(ctx context.Context, f *activitypub.Follow) error {
	state := f.State
	if state == "" {
		state = activitypub.FollowPending
	}
	_, err := s.named(ctx, `INSERT INTO follows (`+followCols+`) VALUES (:id, :uri, :follower_id,
		:followee_id, :state, :show_reblogs, :notify, :created_at)`, &followRow{
		ID: f.ID, URI: nullStr(f.URI), FollowerID: f.FollowerID, FolloweeID: f.FolloweeID,
		State: string(state), ShowReblogs: f.ShowReblogs, Notify: f.Notify, CreatedAt: ms(f.CreatedAt),
	})
	return mapErr("storage.CreateFollow", err)
}

func (s *Store) followWhere(ctx context.Context, op, where string, args ...any) (*activitypub.Follow, error) {
	var r followRow
	if err := s.get(ctx, &r, `SELECT `+followCols+` FROM follows WHERE `+where, args...); err != nil {
		return nil, mapErr(op, err, "follow")
	}
	return r.follow(), nil
}

// FollowByID finds a follow by row id.
func (s *Store) FollowByID(ctx context.Context, id string) (*activitypub.Follow, error) {
	return s.followWhere(ctx, "storage.FollowByID", `id = ?`, id)
}

// FollowByURI finds a follow by its Follow activity id.
func (s *Store) FollowByURI(ctx context.Context, uri string) (*activitypub.Follow, error) {
	if uri == "" {
		return nil, notFound("storage.FollowByURI", "follow")
	}
	return s.followWhere(ctx, "storage.FollowByURI", `uri = ?`, uri)
}

// FollowBetween finds the follow (accepted or pending) of followee by follower.
func (s *Store) FollowBetween(ctx context.Context, followerID, followeeID string) (*activitypub.Follow, error) {
	return s.followWhere(ctx, "storage.FollowBetween", `follower_id = ? AND followee_id = ?`, followerID, followeeID)
}

// AcceptFollow turns a follow request into a follow; accepting twice is harmless.
func (s *Store) AcceptFollow(ctx context.Context, id string) error {
	const op = "storage.AcceptFollow"
	n, err := s.execN(ctx, `UPDATE follows SET state = 'accepted' WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "follow")
	}
	return nil
}

// DeleteFollow removes a follow or request; NotFound when there is none.
func (s *Store) DeleteFollow(ctx context.Context, id string) error {
	const op = "storage.DeleteFollow"
	n, err := s.execN(ctx, `DELETE FROM follows WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "follow")
	}
	return nil
}

func (s *Store) followPage(ctx context.Context, op, where string, arg string, p activitypub.Page) ([]*activitypub.Follow, error) {
	k := pageBy("id", p)
	var rows []followRow
	err := s.sel(ctx, &rows, `SELECT `+followCols+` FROM follows WHERE `+where+k.cond+k.tail,
		append([]any{arg}, k.args...)...)
	if err != nil {
		return nil, mapErr(op, err)
	}
	return followsOf(order(k, rows)), nil
}

// Followers lists an actor's accepted followers, newest first, paged by follow id.
func (s *Store) Followers(ctx context.Context, actorID string, p activitypub.Page) ([]*activitypub.Follow, error) {
	return s.followPage(ctx, "storage.Followers", `followee_id = ? AND state = 'accepted'`, actorID, p)
}

// Following lists whom an actor follows (accepted), newest first, paged by follow id.
func (s *Store) Following(ctx context.Context, actorID string, p activitypub.Page) ([]*activitypub.Follow, error) {
	return s.followPage(ctx, "storage.Following", `follower_id = ? AND state = 'accepted'`, actorID, p)
}

// FollowRequests lists the pending requests to follow an actor, newest first.
func (s *Store) FollowRequests(ctx context.Context, followeeID string, p activitypub.Page) ([]*activitypub.Follow, error) {
	return s.followPage(ctx, "storage.FollowRequests", `followee_id = ? AND state = 'pending'`, followeeID, p)
}

// CountFollowRequests counts the pending requests to follow an actor.
func (s *Store) CountFollowRequests(ctx context.Context, followeeID string) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM follows WHERE followee_id = ? AND state = 'pending'`, followeeID)
	return n, mapErr("storage.CountFollowRequests", err)
}

// FollowerInboxes returns the distinct inboxes of an actor's remote accepted followers, each
// follower's shared inbox when it has one, so one POST reaches every follower on a server.
func (s *Store) FollowerInboxes(ctx context.Context, actorID string) ([]string, error) {
	var out []string
	err := s.sel(ctx, &out, `SELECT DISTINCT COALESCE(NULLIF(a.shared_inbox, ''), a.inbox) AS inbox
		FROM follows f JOIN actors a ON a.id = f.follower_id
		WHERE f.followee_id = ? AND f.state = 'accepted' AND a.domain <> ''
			AND a.deleted_at IS NULL AND COALESCE(NULLIF(a.shared_inbox, ''), a.inbox) <> ''
		ORDER BY inbox`, actorID)
	return out, mapErr("storage.FollowerInboxes", err)
}

// LocalFollowerIDs returns the actor ids of an actor's local accepted followers, for fanning a
// status out to home timelines.
func (s *Store) LocalFollowerIDs(ctx context.Context, actorID string) ([]string, error) {
	var out []string
	err := s.sel(ctx, &out, `SELECT f.follower_id FROM follows f JOIN actors a ON a.id = f.follower_id
		WHERE f.followee_id = ? AND f.state = 'accepted' AND a.domain = ''
		ORDER BY f.follower_id`, actorID)
	return out, mapErr("storage.LocalFollowerIDs", err)
}
