package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// offerGroups fills the compose form's group choice with the groups the author is a member
// of; the form on a group's page (GroupFixed) gets its heading instead.
func (h *Handler) offerGroups(r *http.Request, c *composeView) error {
	acct := AccountFrom(r.Context())
	if h.groups == nil || acct == nil {
		return nil
	}
	if c.GroupFixed {
		a, err := h.svc.ActorByID(r.Context(), c.Group)
		if err != nil {
			return err
		}
		c.Heading = "Post in " + h.presenter(r).actor(a).Name
		return nil
	}
	mine, err := h.groups.MemberGroups(r.Context(), acct.Actor.ID)
	if err != nil {
		return err
	}
	pr := h.presenter(r)
	c.Groups = c.Groups[:0]
	for _, a := range mine {
		v := pr.actor(a)
		c.Groups = append(c.Groups, groupChoice{ID: a.ID, Name: v.Name + " (" + v.Handle + ")"})
	}
	return nil
}

// postIn publishes a post, in a group when groupID is set: a local group takes it through the
// groups area (which checks membership and relays it); a remote group gets it by mention, which
// is how every group server (Lemmy, Mbin, Guildhall) takes posts from people elsewhere.
func (h *Handler) postIn(ctx context.Context, acct *activitypub.Account, groupID string, in activitypub.PostInput) (*activitypub.Status, error) {
	if groupID == "" || h.groups == nil {
		return h.svc.Post(ctx, acct, in)
	}
	a, err := h.svc.ActorByID(ctx, groupID)
	if activitypub.IsNotFound(err) || err == nil && (a.Kind != activitypub.KindGroup || gone(a)) {
		return nil, activitypub.E("web.postIn", activitypub.Forbidden, "choose a group from the list")
	}
	if err != nil {
		return nil, err
	}
	if a.Local() {
		return h.groups.Post(ctx, acct, a.ID, in)
	}
	mention := "@" + a.Username + "@" + a.Domain
	if !strings.Contains(strings.ToLower(in.Text), strings.ToLower(mention)) {
		in.Text = mention + " " + in.Text
	}
	return h.svc.Post(ctx, acct, in)
}

// follow follows someone, or joins a local group by its own rules (an invite-only group admits
// only the invited), whichever page the button was on.
func (h *Handler) follow(ctx context.Context, acct *activitypub.Account, a *activitypub.Actor) (*activitypub.Relationship, error) {
	if h.groups != nil && a.Kind == activitypub.KindGroup && a.Local() {
		return h.groups.Join(ctx, acct, a.ID)
	}
	return h.svc.Follow(ctx, acct, a.ID, true, false)
}
