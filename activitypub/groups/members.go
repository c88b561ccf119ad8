package groups

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
)

// maxMemberGroups bounds the "your groups" lists; a person in more groups finds the rest in
// the directory.
const maxMemberGroups = 200

// MemberGroups lists the groups, local or remote, that an actor is an accepted member of.
func (g *Groups) MemberGroups(ctx context.Context, actorID string) ([]*ap.Actor, error) {
	out, err := g.store.MemberGroups(ctx, actorID, maxMemberGroups)
	return out, ap.Wrap("groups.MemberGroups", err)
}

// RemoveMember ends a member's membership without banning them: they may ask to join again. A
// remote member's server hears the group's Reject of their Follow.
func (g *Groups) RemoveMember(ctx context.Context, by *ap.Account, groupID, actorID string) error {
	const op = "groups.RemoveMember"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return err
	}
	if r, err := g.role(ctx, grp.Actor.ID, actorID); err != nil {
		return ap.Wrap(op, err)
	} else if r == Owner {
		return ap.E(op, ap.Invalid, "an owner cannot be removed")
	}
	_, err = g.svc.RemoveFollower(ctx, groupAccount(grp), actorID)
	return ap.Wrap(op, err)
}

// Bans lists the actors a group banned, newest first; moderators only.
func (g *Groups) Bans(ctx context.Context, by *ap.Account, groupID string, p ap.Page) ([]*ap.Block, error) {
	const op = "groups.Bans"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return nil, err
	}
	out, err := g.svc.Blocks(ctx, groupAccount(grp), p)
	return out, ap.Wrap(op, err)
}

// MayModerate reports whether by may moderate a local group, for pages that offer the
// moderation links only to those who can use them.
func (g *Groups) MayModerate(ctx context.Context, by *ap.Account, groupID string) (bool, error) {
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return false, err
	}
	err = g.mayModerate(ctx, "groups.MayModerate", by, grp)
	switch ap.KindOf(err) {
	case ap.Forbidden, ap.Unauthorized:
		return false, nil
	}
	return err == nil, err
}
