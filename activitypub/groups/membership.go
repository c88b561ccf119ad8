package groups

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
)

// ReceiveFollow handles a Follow of a local group from another server: refused with a Reject
// when the group's reach does not admit the follower's server or a moderator banned the follower;
// otherwise the kernel's follow handling applies, which accepts at once for open groups and
// queues a request for approval and invite-only ones (the group's actor is locked).
func (g *Groups) ReceiveFollow(ctx context.Context, from *ap.Actor, followURI string, group *ap.Actor) error {
	const op = "groups.ReceiveFollow"
	set, ok, err := g.Settings(ctx, group)
	if err != nil {
		return ap.Wrap(op, err)
	}
	if !ok {
		return g.svc.ReceiveFollow(ctx, from, followURI, group)
	}
	admitted, err := g.admits(ctx, set, from)
	if err != nil {
		return ap.Wrap(op, err)
	}
	if !admitted {
		g.log.InfoContext(ctx, "group follow refused by reach", "group", group.Username, "follower", from.URI, "reach", set.Reach)
		return g.reject(ctx, op, group, from, followURI)
	}
	if set.Membership != Invite {
		return g.svc.ReceiveFollow(ctx, from, followURI, group)
	}
	// Invite-only: a member's repeated Follow is the kernel's to answer, an invited actor's is
	// accepted at once, anyone else's is refused.
	if member, err := g.IsMember(ctx, group.ID, from.ID); err != nil || member {
		if err != nil {
			return ap.Wrap(op, err)
		}
		return g.svc.ReceiveFollow(ctx, from, followURI, group)
	}
	invited, err := g.store.GroupInvited(ctx, group.ID, from.ID)
	if err != nil {
		return ap.Wrap(op, err)
	}
	if !invited {
		g.log.InfoContext(ctx, "group follow refused: not invited", "group", group.Username, "follower", from.URI)
		return g.reject(ctx, op, group, from, followURI)
	}
	if err := g.svc.ReceiveFollow(ctx, from, followURI, group); err != nil {
		return err
	}
	return ap.Wrap(op, g.acceptInvited(ctx, &Group{Actor: *group, Settings: *set}, from.ID))
}

// reject tells a remote follower no. An internal group's Reject is its only federation: it
// answers the follow it was sent.
func (g *Groups) reject(ctx context.Context, op string, group, to *ap.Actor, followURI string) error {
	inner := &ap.Activity{ID: followURI, Type: "Follow", Actor: to.URI, Object: group.URI}
	return ap.Wrap(op, g.svc.InTx(ctx, func(ctx context.Context) error {
		return g.svc.Enqueue(ctx, group, ap.Activity{ID: group.URI + "#rejects/follows/" + g.svc.NewID(),
			Type: "Reject", Object: followURI, To: []string{to.URI}, Inner: inner})
	}))
}

// Join makes a local account follow a local or remote group, through the kernel's follow (so a
// remote group gets a Follow). A local group's reach always admits local people. In an approval
// or invite-only local group the invited and the group's own moderators join at once; others ask
// (approval) or are refused (invite-only). Joining a remote group uses up the invitation it
// sent, if any (its server decides).
func (g *Groups) Join(ctx context.Context, by *ap.Account, groupID string) (*ap.Relationship, error) {
	const op = "groups.Join"
	a, err := g.store.ActorByID(ctx, groupID)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	set, local, err := g.Settings(ctx, a)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	if !local || set.Membership == Open {
		rel, err := g.svc.Follow(ctx, by, groupID, true, false)
		if err == nil && !local {
			_, err = g.store.DeleteGroupInvite(ctx, groupID, by.Actor.ID)
		}
		return rel, ap.Wrap(op, err)
	}
	if member, err := g.IsMember(ctx, groupID, by.Actor.ID); err != nil || member {
		if err != nil {
			return nil, ap.Wrap(op, err)
		}
		return g.svc.Relationship(ctx, by.Actor.ID, groupID)
	}
	grp := &Group{Actor: *a, Settings: *set}
	invited, err := g.store.GroupInvited(ctx, groupID, by.Actor.ID)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	if !invited && g.mayModerate(ctx, op, by, grp) != nil {
		if set.Membership == Approval {
			return g.svc.Follow(ctx, by, groupID, true, false) // a request for the moderators
		}
		return nil, ap.E(op, ap.Forbidden, "this group is by invitation only: ask one of its moderators")
	}
	if _, err := g.svc.Follow(ctx, by, groupID, true, false); err != nil {
		return nil, ap.Wrap(op, err)
	}
	if err := g.acceptInvited(ctx, grp, by.Actor.ID); err != nil {
		return nil, ap.Wrap(op, err)
	}
	return g.svc.Relationship(ctx, by.Actor.ID, groupID)
}

// Leave ends a local account's membership (an Undo Follow for a remote group).
func (g *Groups) Leave(ctx context.Context, by *ap.Account, groupID string) (*ap.Relationship, error) {
	return g.svc.Unfollow(ctx, by, groupID)
}

// IsMember reports whether an actor is an accepted member of a group.
func (g *Groups) IsMember(ctx context.Context, groupID, actorID string) (bool, error) {
	f, err := g.store.FollowBetween(ctx, actorID, groupID)
	if ap.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return f.State == ap.FollowAccepted, nil
}

// role returns an actor's role in a group, "" for none.
func (g *Groups) role(ctx context.Context, groupID, actorID string) (Role, error) {
	roles, err := g.store.GroupRoles(ctx, groupID)
	if err != nil {
		return "", err
	}
	for _, r := range roles {
		if r.ActorID == actorID {
			return r.Role, nil
		}
	}
	return "", nil
}

// mayModerate allows owners, moderators and administrators.
func (g *Groups) mayModerate(ctx context.Context, op string, by *ap.Account, grp *Group) error {
	if by == nil {
		return ap.E(op, ap.Unauthorized, "sign in first")
	}
	if by.User.Admin {
		return nil
	}
	r, err := g.role(ctx, grp.Actor.ID, by.Actor.ID)
	if err != nil {
		return ap.Wrap(op, err)
	}
	if r == "" {
		return ap.E(op, ap.Forbidden, "only the group's moderators may do this")
	}
	return nil
}

// groupAccount lets the group act through the kernel's use cases (accept a follow, boost, block),
// which take the acting local account.
func groupAccount(grp *Group) *ap.Account { return &ap.Account{Actor: grp.Actor} }

// Requests lists the join requests waiting for a moderator.
func (g *Groups) Requests(ctx context.Context, by *ap.Account, groupID string, p ap.Page) ([]*ap.Follow, error) {
	const op = "groups.Requests"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return nil, err
	}
	out, err := g.store.FollowRequests(ctx, grp.Actor.ID, p)
	return out, ap.Wrap(op, err)
}

// Approve accepts a join request; the follower's server gets the group's Accept.
func (g *Groups) Approve(ctx context.Context, by *ap.Account, groupID, actorID string) error {
	const op = "groups.Approve"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return err
	}
	_, err = g.svc.AuthorizeFollowRequest(ctx, groupAccount(grp), actorID)
	return ap.Wrap(op, err)
}

// Reject refuses a join request; the follower's server gets the group's Reject.
func (g *Groups) Reject(ctx context.Context, by *ap.Account, groupID, actorID string) error {
	const op = "groups.Reject"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return err
	}
	_, err = g.svc.RejectFollowRequest(ctx, groupAccount(grp), actorID)
	return ap.Wrap(op, err)
}

// Members lists a group's accepted members, newest first. Only members, moderators and
// administrators may read it.
func (g *Groups) Members(ctx context.Context, viewer *ap.Actor, admin bool, groupID string, p ap.Page) ([]*ap.Follow, error) {
	const op = "groups.Members"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if err := g.mayList(ctx, op, viewer, admin, grp); err != nil {
		return nil, err
	}
	out, err := g.store.Followers(ctx, grp.Actor.ID, p)
	return out, ap.Wrap(op, err)
}

func (g *Groups) mayList(ctx context.Context, op string, viewer *ap.Actor, admin bool, grp *Group) error {
	if admin {
		return nil
	}
	if viewer == nil {
		return ap.E(op, ap.Forbidden, "the members list is visible to members")
	}
	member, err := g.IsMember(ctx, grp.Actor.ID, viewer.ID)
	if err != nil {
		return ap.Wrap(op, err)
	}
	if member {
		return nil
	}
	r, err := g.role(ctx, grp.Actor.ID, viewer.ID)
	if err != nil {
		return ap.Wrap(op, err)
	}
	if r == "" {
		return ap.E(op, ap.Forbidden, "the members list is visible to members")
	}
	return nil
}

// CanListMembers reports whether viewer (nil: anonymous) may read a group's members, for the
// followers collection the federation documents serve.
func (g *Groups) CanListMembers(ctx context.Context, viewer *ap.Actor, groupID string) (bool, error) {
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return false, err
	}
	err = g.mayList(ctx, "groups.CanListMembers", viewer, false, grp)
	if ap.KindOf(err) == ap.Forbidden {
		return false, nil
	}
	return err == nil, err
}

// Moderators lists the actors who own or moderate a group.
func (g *Groups) Moderators(ctx context.Context, groupID string) ([]*ap.Actor, error) {
	const op = "groups.Moderators"
	roles, err := g.store.GroupRoles(ctx, groupID)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	out := make([]*ap.Actor, 0, len(roles))
	for _, r := range roles {
		a, err := g.store.ActorByID(ctx, r.ActorID)
		if err != nil {
			return nil, ap.Wrap(op, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// SetModerator appoints (or, with remove, dismisses) a moderator, local or on another server.
// Only owners and administrators may; the last owner cannot be dismissed this way.
func (g *Groups) SetModerator(ctx context.Context, by *ap.Account, groupID, actorID string, remove bool) error {
	const op = "groups.SetModerator"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return err
	}
	if by == nil {
		return ap.E(op, ap.Unauthorized, "sign in first")
	}
	if !by.User.Admin {
		r, err := g.role(ctx, groupID, by.Actor.ID)
		if err != nil {
			return ap.Wrap(op, err)
		}
		if r != Owner {
			return ap.E(op, ap.Forbidden, "only the group's owners may appoint moderators")
		}
	}
	if _, err := g.store.ActorByID(ctx, actorID); err != nil {
		return ap.Wrap(op, err)
	}
	if remove {
		r, err := g.role(ctx, groupID, actorID)
		if err != nil {
			return ap.Wrap(op, err)
		}
		if r == Owner {
			return ap.E(op, ap.Invalid, "an owner is not dismissed as a moderator")
		}
		return ap.Wrap(op, g.store.DeleteGroupRole(ctx, grp.Actor.ID, actorID))
	}
	if r, err := g.role(ctx, groupID, actorID); err != nil || r == Owner {
		return ap.Wrap(op, err)
	}
	return ap.Wrap(op, g.store.SetGroupRole(ctx, &RoleHolder{GroupID: grp.Actor.ID, ActorID: actorID,
		Role: Moderator, CreatedAt: g.svc.Now()}))
}

// Actors loads the actors of a members or requests page, in one query.
func (g *Groups) Actors(ctx context.Context, ids []string) ([]*ap.Actor, error) {
	out, err := g.store.ActorsByIDs(ctx, ids)
	return out, ap.Wrap("groups.Actors", err)
}

// Admits reports whether viewer (nil: anonymous) may see a local group's posts and members
// documents: anyone for a federated group; for a partners group a signed fetch by a local or
// partner actor; for an internal group only local actors (so no server at all).
func (g *Groups) Admits(ctx context.Context, viewer *ap.Actor, groupID string) (bool, error) {
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return false, err
	}
	if grp.Settings.Reach == Federated {
		return true, nil
	}
	if viewer == nil {
		return false, nil
	}
	return g.admits(ctx, &grp.Settings, viewer)
}
