package mastoapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

func (h *Handler) verifyCredentials(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := h.presentCredentials(r.Context(), c.account)
	if err != nil {
		return err
	}
	return ok(w, a)
}

func (h *Handler) updateCredentials(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := checkPrivacy(c); err != nil {
		return err
	}
	in := activitypub.ProfileInput{
		DisplayName: c.p.strPtr("display_name"), Note: c.p.strPtr("note"), Locked: c.p.boolPtr("locked"),
		Bot: c.p.boolPtr("bot"), Discoverable: c.p.boolPtr("discoverable"),
	}
	for _, img := range []struct {
		kind string
		dst  **string
	}{{activitypub.ProfileAvatar, &in.AvatarURL}, {activitypub.ProfileHeader, &in.HeaderURL}} {
		if !c.p.file(img.kind) {
			continue
		}
		if h.opts.Media == nil {
			return errStatus(http.StatusUnprocessableEntity, "Profile images are not supported on this server")
		}
		f, err := r.MultipartForm.File[img.kind][0].Open()
		if err != nil {
			return errStatus(http.StatusBadRequest, "the uploaded "+img.kind+" could not be read")
		}
		u, err := h.opts.Media.ProfileImage(r.Context(), c.account, img.kind, f)
		f.Close()
		if err != nil {
			return err
		}
		*img.dst = &u
	}
	if rows := c.p.indexed("fields_attributes"); len(rows) > 0 {
		fields := make([]activitypub.Field, 0, len(rows))
		for _, row := range rows {
			fields = append(fields, activitypub.Field{Name: row["name"], Value: row["value"]})
		}
		in.Fields = &fields
	}
	actor, err := h.svc.UpdateProfile(r.Context(), c.account, in)
	if err != nil {
		return err
	}
	if err := h.savePrivacy(r.Context(), c); err != nil {
		return err
	}
	acct := *c.account
	acct.Actor = *actor
	a, err := h.presentCredentials(r.Context(), &acct)
	if err != nil {
		return err
	}
	return ok(w, a)
}

// actor loads the {id} account; suspended and deleted ones are not found.
func (h *Handler) actor(ctx context.Context, id string) (*activitypub.Actor, error) {
	a, err := h.svc.ActorByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if activitypub.AuthorGone(a) {
		return nil, errNotFound
	}
	return a, nil
}

func (h *Handler) account(w http.ResponseWriter, r *http.Request, _ *call) error {
	a, err := h.actor(r.Context(), pathID(r))
	if err != nil {
		return err
	}
	return ok(w, h.presentAccount(a))
}

func (h *Handler) lookupAccount(w http.ResponseWriter, r *http.Request, c *call) error {
	username, domain, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(c.p.str("acct")), "@"), "@")
	domain = strings.ToLower(domain)
	if domain == h.svc.Domain() || domain == strings.ToLower(h.svc.Host()) {
		domain = ""
	}
	if username == "" {
		return errNotFound
	}
	a, err := h.svc.ActorByHandle(r.Context(), username, domain)
	if err != nil {
		return err
	}
	if activitypub.AuthorGone(a) {
		return errNotFound
	}
	return ok(w, h.presentAccount(a))
}

func (h *Handler) accountStatuses(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := h.actor(r.Context(), pathID(r))
	if err != nil {
		return err
	}
	f := activitypub.StatusFilter{
		ExcludeReplies: c.p.boolean("exclude_replies"), ExcludeReblogs: c.p.boolean("exclude_reblogs"),
		OnlyMedia: c.p.boolean("only_media"), Pinned: c.p.boolean("pinned"),
	}
	sts, err := h.svc.ActorStatuses(r.Context(), c.viewer(), a.ID, f, page(c.p, 20, 40))
	if err != nil {
		return err
	}
	return h.writeStatuses(w, r, c, sts)
}

// writeStatuses answers a status list paged by status id.
func (h *Handler) writeStatuses(w http.ResponseWriter, r *http.Request, c *call, sts []*activitypub.Status) error {
	out, err := h.presentStatuses(r.Context(), c, sts)
	if err != nil {
		return err
	}
	if len(sts) > 0 {
		h.setLink(w, r, sts[0].ID, sts[len(sts)-1].ID)
	}
	return ok(w, out)
}

// writeActorPage answers an account list paged by the ids of the rows that link them (follows,
// blocks...), which is why clients must follow the Link header.
func (h *Handler) writeActorPage(w http.ResponseWriter, r *http.Request, cursors, actorIDs []string) error {
	actors, err := h.actorsByID(r.Context(), actorIDs)
	if err != nil {
		return err
	}
	if len(cursors) > 0 {
		h.setLink(w, r, cursors[0], cursors[len(cursors)-1])
	}
	return ok(w, h.presentActors(actors))
}

func (h *Handler) followers(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.followList(w, r, c, h.svc.Followers, func(f *activitypub.Follow) string { return f.FollowerID })
}

func (h *Handler) following(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.followList(w, r, c, h.svc.Following, func(f *activitypub.Follow) string { return f.FolloweeID })
}

func (h *Handler) followList(w http.ResponseWriter, r *http.Request, c *call,
	list func(context.Context, string, activitypub.Page) ([]*activitypub.Follow, error), other func(*activitypub.Follow) string) error {
	a, err := h.actor(r.Context(), pathID(r))
	if err != nil {
		return err
	}
	fs, err := list(r.Context(), a.ID, page(c.p, 40, 80))
	if err != nil {
		return err
	}
	cursors, ids := make([]string, 0, len(fs)), make([]string, 0, len(fs))
	for _, f := range fs {
		cursors, ids = append(cursors, f.ID), append(ids, other(f))
	}
	return h.writeActorPage(w, r, cursors, ids)
}

// relationshipAction is follow, unfollow, block... : a domain call answered with a Relationship.
func (h *Handler) relationshipAction(w http.ResponseWriter, r *http.Request, c *call,
	do func(ctx context.Context, id string) (*activitypub.Relationship, error)) error {
	a, err := h.actor(r.Context(), pathID(r))
	if err != nil {
		return err
	}
	rel, err := do(r.Context(), a.ID)
	if err != nil {
		return err
	}
	return ok(w, h.presentRelationship(rel))
}

func (h *Handler) follow(w http.ResponseWriter, r *http.Request, c *call) error {
	reblogs := !c.p.has("reblogs") || c.p.boolean("reblogs")
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		if h.groups != nil {
			if a, err := h.svc.ActorByID(ctx, id); err == nil && a.Kind == activitypub.KindGroup && a.Local() {
				return h.groups.Join(ctx, c.account, id) // the group's join rules (invite-only) apply
			}
		}
		return h.svc.Follow(ctx, c.account, id, reblogs, c.p.boolean("notify"))
	})
}

func (h *Handler) unfollow(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		return h.svc.Unfollow(ctx, c.account, id)
	})
}

func (h *Handler) block(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		return h.svc.Block(ctx, c.account, id)
	})
}

func (h *Handler) unblock(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		return h.svc.Unblock(ctx, c.account, id)
	})
}

func (h *Handler) mute(w http.ResponseWriter, r *http.Request, c *call) error {
	notifications := !c.p.has("notifications") || c.p.boolean("notifications")
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		return h.svc.Mute(ctx, c.account, id, notifications)
	})
}

func (h *Handler) unmute(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		return h.svc.Unmute(ctx, c.account, id)
	})
}

func (h *Handler) relationships(w http.ResponseWriter, r *http.Request, c *call) error {
	ids := uniq(c.p.strs("id"))
	if len(ids) > 80 {
		ids = ids[:80]
	}
	actors, err := h.actorsByID(r.Context(), ids)
	if err != nil {
		return err
	}
	out := make([]relationship, 0, len(actors))
	for _, a := range actors {
		rel, err := h.svc.Relationship(r.Context(), c.account.Actor.ID, a.ID)
		if err != nil {
			return err
		}
		out = append(out, h.presentRelationship(rel))
	}
	return ok(w, out)
}

func (h *Handler) followRequests(w http.ResponseWriter, r *http.Request, c *call) error {
	fs, err := h.svc.FollowRequests(r.Context(), c.account, page(c.p, 40, 80))
	if err != nil {
		return err
	}
	cursors, ids := make([]string, 0, len(fs)), make([]string, 0, len(fs))
	for _, f := range fs {
		cursors, ids = append(cursors, f.ID), append(ids, f.FollowerID)
	}
	return h.writeActorPage(w, r, cursors, ids)
}

func (h *Handler) authorizeFollow(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		return h.svc.AuthorizeFollowRequest(ctx, c.account, id)
	})
}

func (h *Handler) rejectFollow(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		return h.svc.RejectFollowRequest(ctx, c.account, id)
	})
}

func (h *Handler) blocks(w http.ResponseWriter, r *http.Request, c *call) error {
	bs, err := h.svc.Blocks(r.Context(), c.account, page(c.p, 40, 80))
	if err != nil {
		return err
	}
	cursors, ids := make([]string, 0, len(bs)), make([]string, 0, len(bs))
	for _, b := range bs {
		cursors, ids = append(cursors, b.ID), append(ids, b.TargetID)
	}
	return h.writeActorPage(w, r, cursors, ids)
}

func (h *Handler) mutes(w http.ResponseWriter, r *http.Request, c *call) error {
	ms, err := h.svc.Mutes(r.Context(), c.account, page(c.p, 40, 80))
	if err != nil {
		return err
	}
	// A mute has no id of its own: the store pages mutes by the muted actor's id.
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.TargetID)
	}
	return h.writeActorPage(w, r, ids, ids)
}

func (h *Handler) favourites(w http.ResponseWriter, r *http.Request, c *call) error {
	fs, err := h.svc.Favourites(r.Context(), c.account, page(c.p, 20, 40))
	if err != nil {
		return err
	}
	cursors, ids := make([]string, 0, len(fs)), make([]string, 0, len(fs))
	for _, f := range fs {
		cursors, ids = append(cursors, f.ID), append(ids, f.StatusID)
	}
	return h.writeStatusPage(w, r, c, cursors, ids)
}

func (h *Handler) bookmarks(w http.ResponseWriter, r *http.Request, c *call) error {
	cursors, ids, err := h.svc.Bookmarks(r.Context(), c.account, page(c.p, 20, 40))
	if err != nil {
		return err
	}
	return h.writeStatusPage(w, r, c, cursors, ids)
}

// writeStatusPage answers a status list paged by other rows' ids (favourites, bookmarks),
// keeping their order and dropping what the viewer may no longer see.
func (h *Handler) writeStatusPage(w http.ResponseWriter, r *http.Request, c *call, cursors, statusIDs []string) error {
	sts, err := h.statusesByID(r.Context(), c, statusIDs)
	if err != nil {
		return err
	}
	out, err := h.presentStatuses(r.Context(), c, sts)
	if err != nil {
		return err
	}
	if len(cursors) > 0 {
		h.setLink(w, r, cursors[0], cursors[len(cursors)-1])
	}
	return ok(w, out)
}

// statusesByID loads statuses in the order of ids, keeping only those the caller may see.
func (h *Handler) statusesByID(ctx context.Context, c *call, ids []string) ([]*activitypub.Status, error) {
	sts, err := h.svc.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*activitypub.Status, 0, len(sts))
	for _, st := range sts {
		if seen, err := h.svc.CanSee(ctx, c.viewer(), st); err != nil {
			return nil, err
		} else if seen {
			out = append(out, st)
		}
	}
	return out, nil
}

func (h *Handler) searchAccounts(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := h.svc.Search(r.Context(), c.account, c.p.str("q"), activitypub.SearchOptions{
		Type: "accounts", Resolve: c.p.boolean("resolve"), Limit: page(c.p, 40, 80).Limit, Offset: c.p.integer("offset", 0),
	})
	if err != nil {
		return err
	}
	return ok(w, h.presentActors(res.Actors))
}
