package groups

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Invitations (docs/decisions.md "Invite-only groups"). A moderator invites a person by handle,
// on this server or another. A remote invitee's server gets the group's Invite{object: group,
// target: invitee}; another Guildhall shows it to the invitee, and any server's person may simply
// follow the group: an invited actor's Follow is accepted at once and uses the invitation up.
// An invite-only group refuses (Reject) every other Follow; its moderators can still approve
// requests made before the group became invite-only.

// maxInvitations bounds the lists of invitations a page shows.
const maxInvitations = 200

// Invite invites an actor (local or remote, known here) to a group. An actor who already asked
// to join is accepted at once; a member is a Conflict.
func (g *Groups) Invite(ctx context.Context, by *ap.Account, groupID, actorID string) error {
	const op = "groups.Invite"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return err
	}
	target, err := g.store.ActorByID(ctx, actorID)
	if err != nil {
		return ap.Wrap(op, err)
	}
	if ap.AuthorGone(target) || target.Kind == ap.KindGroup {
		return ap.E(op, ap.Invalid, "only people can be invited")
	}
	if ok, err := g.admits(ctx, &grp.Settings, target); err != nil {
		return ap.Wrap(op, err)
	} else if !ok {
		return ap.E(op, ap.Forbidden, "the group's reach does not admit "+target.Domain)
	}
	f, err := g.store.FollowBetween(ctx, target.ID, grp.Actor.ID)
	switch {
	case err == nil && f.State == ap.FollowAccepted:
		return ap.E(op, ap.Conflict, "already a member")
	case err == nil:
		_, err = g.svc.AuthorizeFollowRequest(ctx, groupAccount(grp), target.ID)
		return ap.Wrap(op, err)
	case !ap.IsNotFound(err):
		return ap.Wrap(op, err)
	}
	inv := &Invitation{GroupID: grp.Actor.ID, ActorID: target.ID, InvitedBy: by.Actor.ID, CreatedAt: g.svc.Now()}
	return ap.Wrap(op, g.svc.InTx(ctx, func(ctx context.Context) error {
		if err := g.store.AddGroupInvite(ctx, inv); err != nil {
			return err
		}
		if target.Local() {
			return nil
		}
		return g.svc.Enqueue(ctx, &grp.Actor, ap.Activity{ID: grp.Actor.URI + "#invites/" + g.svc.NewID(),
			Type: "Invite", Object: grp.Actor.URI, Target: target.URI, To: []string{target.URI}})
	}))
}

// Uninvite withdraws an invitation.
func (g *Groups) Uninvite(ctx context.Context, by *ap.Account, groupID, actorID string) error {
	const op = "groups.Uninvite"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return err
	}
	_, err = g.store.DeleteGroupInvite(ctx, grp.Actor.ID, actorID)
	return ap.Wrap(op, err)
}

// Invited reports whether an actor holds an invitation to a group (local or remote).
func (g *Groups) Invited(ctx context.Context, groupID, actorID string) (bool, error) {
	ok, err := g.store.GroupInvited(ctx, groupID, actorID)
	return ok, ap.Wrap("groups.Invited", err)
}

// Invitations lists a local group's open invitations, for its moderators.
func (g *Groups) Invitations(ctx context.Context, by *ap.Account, groupID string) ([]*Invitation, error) {
	const op = "groups.Invitations"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return nil, err
	}
	out, err := g.store.GroupInvites(ctx, grp.Actor.ID, true, maxInvitations)
	return out, ap.Wrap(op, err)
}

// InvitationsFor lists the groups, here or elsewhere, that invited a local person and that they
// have not joined yet.
func (g *Groups) InvitationsFor(ctx context.Context, actorID string) ([]*ap.Actor, error) {
	const op = "groups.InvitationsFor"
	invs, err := g.store.GroupInvites(ctx, actorID, false, maxInvitations)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	ids := make([]string, 0, len(invs))
	for _, inv := range invs {
		ids = append(ids, inv.GroupID)
	}
	actors, err := g.store.ActorsByIDs(ctx, ids)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	out := actors[:0]
	for _, a := range actors {
		if a.Kind == ap.KindGroup && !ap.AuthorGone(a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// ReceiveInvite records a remote group's invitation of a local person, for the person to see
// and answer by joining. The inbox checked that the group signed it.
func (g *Groups) ReceiveInvite(ctx context.Context, group *ap.Actor, target *ap.Actor) error {
	const op = "groups.ReceiveInvite"
	if group == nil || group.Local() || group.Kind != ap.KindGroup {
		return ap.E(op, ap.Forbidden, "only a remote group sends invitations here")
	}
	if target == nil || !target.Local() || target.Kind == ap.KindGroup {
		return ap.E(op, ap.Invalid, "the invitation is not for a person on this server")
	}
	if blocked, err := g.store.Blocked(ctx, target.ID, group.ID); err != nil || blocked {
		return ap.Wrap(op, err)
	}
	return ap.Wrap(op, g.store.AddGroupInvite(ctx, &Invitation{GroupID: group.ID, ActorID: target.ID, CreatedAt: g.svc.Now()}))
}

// acceptInvited accepts the pending follow of an invited actor and uses the invitation up.
func (g *Groups) acceptInvited(ctx context.Context, grp *Group, actorID string) error {
	if _, err := g.svc.AuthorizeFollowRequest(ctx, groupAccount(grp), actorID); err != nil {
		return err
	}
	_, err := g.store.DeleteGroupInvite(ctx, grp.Actor.ID, actorID)
	return err
}
