package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// MemberGroups lists the groups, local or remote, that an actor is an accepted member of, by
// name, at most limit of them (the web UI's "your groups" and the compose form's group choice).
func (s *Store) MemberGroups(ctx context.Context, actorID string, limit int) ([]*activitypub.Actor, error) {
	const op = "storage.MemberGroups"
	var rows []actorRow
	if err := s.sel(ctx, &rows, `SELECT `+actorCols+` FROM actors WHERE kind = 'Group'
		AND deleted_at IS NULL AND suspended_at IS NULL
		AND id IN (SELECT followee_id FROM follows WHERE follower_id = ? AND state = 'accepted')
		ORDER BY lower(display_name), id LIMIT ?`, actorID, limitOr(limit)); err != nil {
		return nil, mapErr(op, err)
	}
	out, err := actorsOf(rows)
	return out, mapErr(op, err)
}

// AddGroupInvite records an invitation to a group; inviting twice keeps the first.
func (s *Store) AddGroupInvite(ctx context.Context, inv *groups.Invitation) error {
	_, err := s.exec(ctx, `INSERT INTO group_invites (group_id, actor_id, invited_by, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (group_id, actor_id) DO NOTHING`,
		inv.GroupID, inv.ActorID, inv.InvitedBy, ms(inv.CreatedAt))
	return mapErr("storage.AddGroupInvite", err)
}

// DeleteGroupInvite withdraws or uses up an invitation; reports whether there was one.
func (s *Store) DeleteGroupInvite(ctx context.Context, groupID, actorID string) (bool, error) {
	n, err := s.execN(ctx, `DELETE FROM group_invites WHERE group_id = ? AND actor_id = ?`, groupID, actorID)
	return n > 0, mapErr("storage.DeleteGroupInvite", err)
}

// GroupInvited reports whether an actor holds an invitation to a group.
func (s *Store) GroupInvited(ctx context.Context, groupID, actorID string) (bool, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM group_invites WHERE group_id = ? AND actor_id = ?`, groupID, actorID)
	return n > 0, mapErr("storage.GroupInvited", err)
}

type groupInviteRow struct {
	GroupID   string `db:"group_id"`
	ActorID   string `db:"actor_id"`
	InvitedBy string `db:"invited_by"`
	CreatedAt int64  `db:"created_at"`
}

// GroupInvites lists a group's open invitations (byGroup) or an actor's, newest first, at most
// limit.
func (s *Store) GroupInvites(ctx context.Context, id string, byGroup bool, limit int) ([]*groups.Invitation, error) {
	col := "actor_id"
	if byGroup {
		col = "group_id"
	}
	var rows []groupInviteRow
	if err := s.sel(ctx, &rows, `SELECT group_id, actor_id, invited_by, created_at FROM group_invites
		WHERE `+col+` = ? ORDER BY created_at DESC, actor_id LIMIT ?`, id, limitOr(limit)); err != nil {
		return nil, mapErr("storage.GroupInvites", err)
	}
	out := make([]*groups.Invitation, len(rows))
	for i, r := range rows {
		out[i] = &groups.Invitation{GroupID: r.GroupID, ActorID: r.ActorID, InvitedBy: r.InvitedBy, CreatedAt: fromMS(r.CreatedAt)}
	}
	return out, nil
}
