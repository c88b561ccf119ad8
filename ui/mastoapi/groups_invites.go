package mastoapi

import (
	"context"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// Invitations and removal of members (docs/api.md): moderators invite an account (local, or
// remote and known here) to a group; an invited account's join is accepted at once.

func inviteMember(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Invite(ctx, by, id, target)
}

func uninviteMember(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.Uninvite(ctx, by, id, target)
}

func removeMember(g *groups.Groups, ctx context.Context, by *activitypub.Account, id, target string) error {
	return g.RemoveMember(ctx, by, id, target)
}

// groupInvites lists the accounts a group invited, newest first, for its moderators.
func (h *Handler) groupInvites(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.groupsReady(); err != nil {
		return err
	}
	invs, err := h.groups.Invitations(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(invs))
	for _, inv := range invs {
		ids = append(ids, inv.ActorID)
	}
	actors, err := h.groups.Actors(r.Context(), ids)
	if err != nil {
		return err
	}
	out := make([]account, 0, len(actors))
	for _, a := range actors {
		out = append(out, h.presentAccount(a))
	}
	return ok(w, out)
}
