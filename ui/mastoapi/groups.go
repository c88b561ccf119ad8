package mastoapi

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// Guildhall's own group API (docs/api.md): /api/guildhall/v1/groups. Groups are also accounts
// (group: true) in the Mastodon API, where following one joins it.

// groupEntity is a group as the API shows it.
type groupEntity struct {
	ID           string    `json:"id"`
	Handle       string    `json:"handle"`
	Acct         string    `json:"acct"`
	URI          string    `json:"uri"`
	URL          string    `json:"url"`
	DisplayName  string    `json:"display_name"`
	Description  string    `json:"description"` // HTML
	Rules        string    `json:"rules"`
	Avatar       string    `json:"avatar"`
	Membership   string    `json:"membership,omitempty"` // local groups only
	Reach        string    `json:"reach,omitempty"`
	Local        bool      `json:"local"`
	MembersCount int       `json:"members_count"`
	PostsCount   int       `json:"posts_count"`
	Moderators   []account `json:"moderators"`
	CreatedAt    string    `json:"created_at"`
}

func (h *Handler) presentGroup(ctx context.Context, a *activitypub.Actor) (groupEntity, error) {
	acc := h.presentAccount(a)
	g := groupEntity{ID: a.ID, Handle: a.Username, Acct: acc.Acct, URI: a.URI, URL: acc.URL, DisplayName: a.DisplayName,
		Description: a.Summary, Avatar: acc.Avatar, Local: a.Local(), MembersCount: a.FollowersCount,
		PostsCount: a.StatusesCount, Moderators: []account{}, CreatedAt: fmtTime(a.CreatedAt)}
	if !a.Local() || h.groups == nil {
		return g, nil
	}
	set, ok, err := h.groups.Settings(ctx, a)
	if err != nil || !ok {
		return g, err
	}
	g.Rules, g.Membership, g.Reach = set.Rules, string(set.Membership), string(set.Reach)
	mods, err := h.groups.Moderators(ctx, a.ID)
	if err != nil {
		return g, err
	}
	g.Moderators = h.presentActors(mods)
	return g, nil
}

func (h *Handler) writeGroup(w http.ResponseWriter, r *http.Request, id string) error {
	grp, err := h.groups.Get(r.Context(), id)
	if err != nil {
		return err
	}
	g, err := h.presentGroup(r.Context(), &grp.Actor)
	if err != nil {
		return err
	}
	return ok(w, g)
}

func groupInput(p *params) groups.Input {
	return groups.Input{Handle: p.str("handle"), DisplayName: p.str("display_name"), Description: p.str("description"),
		Rules: p.str("rules"), AvatarURL: p.str("avatar"), Membership: groups.Membership(p.str("membership")),
		Reach: groups.Reach(p.str("reach"))}
}

func (h *Handler) groupsReady() error {
	if h.groups == nil {
		return errNotFound
	}
	return nil
}

func (h *Handler) groupDirectory(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	pg := page(c.p, 20, 80)
	as, err := h.groups.Directory(r.Context(), c.p.str("q"), c.p.boolean("remote"), pg)
	if err != nil {
		return err
	}
	out := make([]groupEntity, 0, len(as))
	for _, a := range as {
		g, err := h.presentGroup(r.Context(), a)
		if err != nil {
			return err
		}
		out = append(out, g)
	}
	if len(as) > 0 {
		h.setLink(w, r, as[0].ID, as[len(as)-1].ID)
	}
	return ok(w, out)
}

func (h *Handler) createGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	grp, err := h.groups.Create(r.Context(), c.account, groupInput(c.p))
	if err != nil {
		return err
	}
	return h.writeGroup(w, r, grp.Actor.ID)
}

func (h *Handler) showGroup(w http.ResponseWriter, r *http.Request, _ *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	return h.writeGroup(w, r, pathID(r))
}

func (h *Handler) updateGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	in := groupInput(c.p)
	in.Handle = ""
	if _, err := h.groups.Update(r.Context(), c.account, pathID(r), in); err != nil {
		return err
	}
	return h.writeGroup(w, r, pathID(r))
}

// followAccounts presents the followers of a page of follows, with the Link header.
func (h *Handler) followAccounts(w http.ResponseWriter, r *http.Request, fs []*activitypub.Follow) error {
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		ids = append(ids, f.FollowerID)
	}
	actors, err := h.groups.Actors(r.Context(), ids)
	if err != nil {
		return err
	}
	byID := make(map[string]*activitypub.Actor, len(actors))
	for _, a := range actors {
		byID[a.ID] = a
	}
	out := make([]account, 0, len(fs))
	for _, id := range ids {
		if a := byID[id]; a != nil {
			out = append(out, h.presentAccount(a))
		}
	}
	if len(fs) > 0 {
		h.setLink(w, r, fs[0].ID, fs[len(fs)-1].ID)
	}
	return ok(w, out)
}

func (h *Handler) groupMembers(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	fs, err := h.groups.Members(r.Context(), &c.account.Actor, c.account.User.Admin, pathID(r), page(c.p, 40, 80))
	if err != nil {
		return err
	}
	return h.followAccounts(w, r, fs)
}

func (h *Handler) groupRequests(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	fs, err := h.groups.Requests(r.Context(), c.account, pathID(r), page(c.p, 40, 80))
	if err != nil {
		return err
	}
	return h.followAccounts(w, r, fs)
}

// groupAction runs a moderation step named by the route on {id} and {target}, answering with
// the group.
func (h *Handler) groupAction(fn func(g *groups.Groups, ctx context.Context, by *activitypub.Account, groupID, target string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		if err := h.groupsReady(); err != nil {
			return err
		}
		if err := fn(h.groups, r.Context(), c.account, pathID(r), mux.Vars(r)["target"]); err != nil {
			return err
		}
		return h.writeGroup(w, r, pathID(r))
	}
}

func approveRequest(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Approve(ctx, by, id, target)
}

func rejectRequest(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Reject(ctx, by, id, target)
}

func addModerator(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.SetModerator(ctx, by, id, target, false)
}

func removeModerator(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.SetModerator(ctx, by, id, target, true)
}

func banMember(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Ban(ctx, by, id, target)
}

func unbanMember(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Unban(ctx, by, id, target)
}

func removePost(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.RemovePost(ctx, by, id, target)
}

func pinPost(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Pin(ctx, by, id, target, true)
}

func unpinPost(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Pin(ctx, by, id, target, false)
}

func lockPost(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Lock(ctx, by, id, target, true)
}

func unlockPost(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Lock(ctx, by, id, target, false)
}

func (h *Handler) joinGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	rel, err := h.groups.Join(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return ok(w, h.presentRelationship(rel))
}

func (h *Handler) leaveGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	rel, err := h.groups.Leave(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return ok(w, h.presentRelationship(rel))
}

// postToGroup publishes a member's post in the group; the body is that of POST /api/v1/statuses.
func (h *Handler) postToGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	format := activitypub.FormatPlain
	if c.p.str("content_type") == "text/markdown" {
		format = activitypub.FormatMarkdown
	}
	st, err := h.groups.Post(r.Context(), c.account, pathID(r), activitypub.PostInput{
		Text: c.p.str("status"), Format: format, Visibility: activitypub.Visibility(c.p.str("visibility")),
		InReplyToID: c.p.str("in_reply_to_id"), SpoilerText: c.p.str("spoiler_text"), Sensitive: c.p.boolean("sensitive"),
		Language: c.p.str("language"), Title: c.p.str("title"), AttachmentIDs: c.p.strs("media_ids"),
	})
	if err != nil {
		return err
	}
	return h.writeStatus(w, r, c, st)
}

// groupStatuses lists the posts the group relayed, newest first.
func (h *Handler) groupStatuses(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	posts, err := h.groups.Posts(r.Context(), pathID(r), page(c.p, 20, 40))
	if err != nil {
		return err
	}
	var sts []*activitypub.Status
	for _, p := range posts {
		st, err := h.svc.GetStatus(r.Context(), c.viewer(), p.StatusID)
		if activitypub.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		sts = append(sts, st)
	}
	out, err := h.presentStatuses(r.Context(), c, sts)
	if err != nil {
		return err
	}
	if len(posts) > 0 {
		h.setLink(w, r, posts[0].StatusID, posts[len(posts)-1].StatusID)
	}
	return ok(w, out)
}
