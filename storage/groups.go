package storage

import (
	"context"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

type groupSettingsRow struct {
	ActorID    string `db:"actor_id"`
	Rules      string `db:"rules"`
	Membership string `db:"membership"`
	Reach      string `db:"reach"`
	CreatedAt  int64  `db:"created_at"`
	UpdatedAt  int64  `db:"updated_at"`
}

const groupSettingsCols = `actor_id, rules, membership, reach, created_at, updated_at`

func groupSettingsToRow(g *groups.Settings) *groupSettingsRow {
	return &groupSettingsRow{ActorID: g.ActorID, Rules: g.Rules, Membership: string(g.Membership),
		Reach: string(g.Reach), CreatedAt: ms(g.CreatedAt), UpdatedAt: ms(g.UpdatedAt)}
}

// CreateGroupSettings stores the settings row of a new local group; its actor must exist. The
// new group is announced (TopicGroup), so other processes' indexes of local groups reload.
func (s *Store) CreateGroupSettings(ctx context.Context, g *groups.Settings) error {
	const op = "storage.CreateGroupSettings"
	return s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.named(ctx, `INSERT INTO group_settings (`+groupSettingsCols+`) VALUES (:actor_id,
			:rules, :membership, :reach, :created_at, :updated_at)`, groupSettingsToRow(g)); err != nil {
			return mapErr(op, err)
		}
		return mapErr(op, s.announce(ctx, TopicGroup, g.ActorID))
	})
}

// LocalGroupRefs lists the id and URI of every local group with settings, deleted or suspended
// ones included (the relay decides what to do with those, as before it had an index).
func (s *Store) LocalGroupRefs(ctx context.Context) ([]groups.Ref, error) {
	var rows []struct {
		ID  string `db:"id"`
		URI string `db:"uri"`
	}
	if err := s.sel(ctx, &rows, `SELECT a.id, a.uri FROM group_settings g JOIN actors a ON a.id = g.actor_id
		WHERE a.domain = ''`); err != nil {
		return nil, mapErr("storage.LocalGroupRefs", err)
	}
	out := make([]groups.Ref, len(rows))
	for i, r := range rows {
		out[i] = groups.Ref{ID: r.ID, URI: r.URI}
	}
	return out, nil
}

// UpdateGroupSettings rewrites a group's settings.
func (s *Store) UpdateGroupSettings(ctx context.Context, g *groups.Settings) error {
	n, err := s.execN(ctx, `UPDATE group_settings SET rules = ?, membership = ?, reach = ?, updated_at = ?
		WHERE actor_id = ?`, g.Rules, string(g.Membership), string(g.Reach), ms(g.UpdatedAt), g.ActorID)
	if err != nil {
		return mapErr("storage.UpdateGroupSettings", err)
	}
	if n == 0 {
		return activitypub.E("storage.UpdateGroupSettings", activitypub.NotFound, "group not found")
	}
	return nil
}

// GroupSettings finds the settings of a local group by its actor id.
func (s *Store) GroupSettings(ctx context.Context, actorID string) (*groups.Settings, error) {
	var r groupSettingsRow
	if err := s.get(ctx, &r, `SELECT `+groupSettingsCols+` FROM group_settings WHERE actor_id = ?`, actorID); err != nil {
		return nil, mapErr("storage.GroupSettings", err, "group")
	}
	return &groups.Settings{ActorID: r.ActorID, Rules: r.Rules, Membership: groups.Membership(r.Membership),
		Reach: groups.Reach(r.Reach), CreatedAt: fromMS(r.CreatedAt), UpdatedAt: fromMS(r.UpdatedAt)}, nil
}

// LocalGroups lists local groups, newest first; query matches handle, name or description.
func (s *Store) LocalGroups(ctx context.Context, query string, p activitypub.Page) ([]*activitypub.Actor, error) {
	return s.groupActors(ctx, "storage.LocalGroups", `domain = ''`, query, p)
}

// RemoteGroups lists groups from other servers that this instance knows, newest first.
func (s *Store) RemoteGroups(ctx context.Context, query string, p activitypub.Page) ([]*activitypub.Actor, error) {
	return s.groupActors(ctx, "storage.RemoteGroups", `domain <> ''`, query, p)
}

func (s *Store) groupActors(ctx context.Context, op, where, query string, p activitypub.Page) ([]*activitypub.Actor, error) {
	args := []any{}
	cond := `kind = 'Group' AND deleted_at IS NULL AND suspended_at IS NULL AND ` + where
	if q := strings.ToLower(strings.TrimSpace(query)); q != "" {
		like := "%" + strings.TrimSuffix(likePrefix(q), "%") + "%"
		cond += ` AND (lower(username) LIKE ? ESCAPE '\' OR lower(display_name) LIKE ? ESCAPE '\'
			OR lower(summary) LIKE ? ESCAPE '\')`
		args = append(args, like, like, like)
	}
	k := pageBy("id", p)
	var rows []actorRow
	if err := s.sel(ctx, &rows, `SELECT `+actorCols+` FROM actors WHERE `+cond+k.cond+k.tail,
		append(args, k.args...)...); err != nil {
		return nil, mapErr(op, err)
	}
	out, err := actorsOf(order(k, rows))
	return out, mapErr(op, err)
}

// SetGroupRole makes an actor an owner or moderator of a group, replacing any role it had.
func (s *Store) SetGroupRole(ctx context.Context, r *groups.RoleHolder) error {
	_, err := s.exec(ctx, `INSERT INTO group_roles (group_id, actor_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (group_id, actor_id) DO UPDATE SET role = excluded.role`,
		r.GroupID, r.ActorID, string(r.Role), ms(r.CreatedAt))
	return mapErr("storage.SetGroupRole", err)
}

// DeleteGroupRole takes an actor's role in a group away; having none is not an error.
func (s *Store) DeleteGroupRole(ctx context.Context, groupID, actorID string) error {
	_, err := s.exec(ctx, `DELETE FROM group_roles WHERE group_id = ? AND actor_id = ?`, groupID, actorID)
	return mapErr("storage.DeleteGroupRole", err)
}

// GroupRoles lists a group's owners and moderators, oldest first.
func (s *Store) GroupRoles(ctx context.Context, groupID string) ([]*groups.RoleHolder, error) {
	var rows []struct {
		GroupID   string `db:"group_id"`
		ActorID   string `db:"actor_id"`
		Role      string `db:"role"`
		CreatedAt int64  `db:"created_at"`
	}
	if err := s.sel(ctx, &rows, `SELECT group_id, actor_id, role, created_at FROM group_roles
		WHERE group_id = ? ORDER BY created_at, actor_id`, groupID); err != nil {
		return nil, mapErr("storage.GroupRoles", err)
	}
	out := make([]*groups.RoleHolder, len(rows))
	for i, r := range rows {
		out[i] = &groups.RoleHolder{GroupID: r.GroupID, ActorID: r.ActorID, Role: groups.Role(r.Role), CreatedAt: fromMS(r.CreatedAt)}
	}
	return out, nil
}

// AddPartnerDomain puts a domain on the instance's partner list; adding it twice is a no-op.
func (s *Store) AddPartnerDomain(ctx context.Context, domain string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO partner_domains (domain, created_at) VALUES (?, ?)
		ON CONFLICT (domain) DO NOTHING`, strings.ToLower(domain), ms(at))
	return mapErr("storage.AddPartnerDomain", err)
}

// DeletePartnerDomain takes a domain off the partner list.
func (s *Store) DeletePartnerDomain(ctx context.Context, domain string) error {
	_, err := s.exec(ctx, `DELETE FROM partner_domains WHERE domain = ?`, strings.ToLower(domain))
	return mapErr("storage.DeletePartnerDomain", err)
}

// PartnerDomains lists the partner list, sorted.
func (s *Store) PartnerDomains(ctx context.Context) ([]string, error) {
	var out []string
	err := s.sel(ctx, &out, `SELECT domain FROM partner_domains ORDER BY domain`)
	return out, mapErr("storage.PartnerDomains", err)
}

type groupPostRow struct {
	GroupID    string `db:"group_id"`
	StatusID   string `db:"status_id"`
	CreateURI  string `db:"create_uri"`
	AnnounceID string `db:"announce_id"`
	Pinned     bool   `db:"pinned"`
	Locked     bool   `db:"locked"`
	CreatedAt  int64  `db:"created_at"`
	RemovedAt  *int64 `db:"removed_at"`
}

const groupPostCols = `group_id, status_id, create_uri, announce_id, pinned, locked, created_at, removed_at`

func (r *groupPostRow) post() *groups.Post {
	return &groups.Post{GroupID: r.GroupID, StatusID: r.StatusID, CreateURI: r.CreateURI, AnnounceID: r.AnnounceID,
		Pinned: r.Pinned, Locked: r.Locked, CreatedAt: fromMS(r.CreatedAt), RemovedAt: fromMSPtr(r.RemovedAt)}
}

func groupPostToRow(p *groups.Post) *groupPostRow {
	return &groupPostRow{GroupID: p.GroupID, StatusID: p.StatusID, CreateURI: p.CreateURI, AnnounceID: p.AnnounceID,
		Pinned: p.Pinned, Locked: p.Locked, CreatedAt: ms(p.CreatedAt), RemovedAt: msPtr(p.RemovedAt)}
}

// AddGroupPost records a relayed status once: it reports false when the group already had it, so
// a post delivered twice (personal and shared inbox) is relayed once.
func (s *Store) AddGroupPost(ctx context.Context, p *groups.Post) (bool, error) {
	res, err := s.named(ctx, `INSERT INTO group_posts (`+groupPostCols+`) VALUES (:group_id, :status_id,
		:create_uri, :announce_id, :pinned, :locked, :created_at, :removed_at)
		ON CONFLICT (group_id, status_id) DO NOTHING`, groupPostToRow(p))
	if err != nil {
		return false, mapErr("storage.AddGroupPost", err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr("storage.AddGroupPost", err)
}

// GroupPost finds one relayed status of a group.
func (s *Store) GroupPost(ctx context.Context, groupID, statusID string) (*groups.Post, error) {
	var r groupPostRow
	if err := s.get(ctx, &r, `SELECT `+groupPostCols+` FROM group_posts WHERE group_id = ? AND status_id = ?`,
		groupID, statusID); err != nil {
		return nil, mapErr("storage.GroupPost", err, "group post")
	}
	return r.post(), nil
}

// UpdateGroupPost rewrites the moderation state of a relayed status.
func (s *Store) UpdateGroupPost(ctx context.Context, p *groups.Post) error {
	_, err := s.named(ctx, `UPDATE group_posts SET announce_id = :announce_id, pinned = :pinned,
		locked = :locked, removed_at = :removed_at WHERE group_id = :group_id AND status_id = :status_id`,
		groupPostToRow(p))
	return mapErr("storage.UpdateGroupPost", err)
}

// GroupPostsByStatus lists the groups that relayed a status.
func (s *Store) GroupPostsByStatus(ctx context.Context, statusID string) ([]*groups.Post, error) {
	var rows []groupPostRow
	if err := s.sel(ctx, &rows, `SELECT `+groupPostCols+` FROM group_posts WHERE status_id = ? ORDER BY group_id`,
		statusID); err != nil {
		return nil, mapErr("storage.GroupPostsByStatus", err)
	}
	out := make([]*groups.Post, len(rows))
	for i := range rows {
		out[i] = rows[i].post()
	}
	return out, nil
}

// SetStatusGroup records the group a status was posted to.
func (s *Store) SetStatusGroup(ctx context.Context, statusID, groupID string) error {
	_, err := s.exec(ctx, `UPDATE statuses SET group_id = ? WHERE id = ?`, nullStr(groupID), statusID)
	return mapErr("storage.SetStatusGroup", err)
}

var _ groups.Store = (*Store)(nil)

// GroupPosts lists the posts a group relayed and did not remove, newest first by status id.
func (s *Store) GroupPosts(ctx context.Context, groupID string, pinned bool, p activitypub.Page) ([]*groups.Post, error) {
	cond := `group_id = ? AND removed_at IS NULL`
	if pinned {
		cond += ` AND pinned = TRUE`
	}
	k := pageBy("status_id", p)
	var rows []groupPostRow
	if err := s.sel(ctx, &rows, `SELECT `+groupPostCols+` FROM group_posts WHERE `+cond+k.cond+k.tail,
		append([]any{groupID}, k.args...)...); err != nil {
		return nil, mapErr("storage.GroupPosts", err)
	}
	rows = order(k, rows)
	out := make([]*groups.Post, len(rows))
	for i := range rows {
		out[i] = rows[i].post()
	}
	return out, nil
}
