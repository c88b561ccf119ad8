package inbox

import (
	"context"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/federation/as2"
)

// Groups is the groups area as the inbox needs it.
type Groups interface {
	ReceiveFollow(ctx context.Context, from *ap.Actor, followURI string, group *ap.Actor) error
	Relay(ctx context.Context, author *ap.Actor, createURI string, st *ap.Status, to groups.Addressed) error
	ReceiveAnnounce(ctx context.Context, group *ap.Actor, announceURI string, orig *ap.Status, published time.Time, vis ap.Visibility) error
	ReceiveRemove(ctx context.Context, group *ap.Actor, statusURI string) error
	// AuthorDeleted takes a deleted post out of the local groups that relayed it.
	AuthorDeleted(ctx context.Context, statusURI string) error
	// AuthorUpdated re-announces an edited post to the members of the local groups that relayed it.
	AuthorUpdated(ctx context.Context, statusURI string) error
	// ReceiveInvite records a remote group's invitation of a local person.
	ReceiveInvite(ctx context.Context, group, target *ap.Actor) error
}

// groupInvite takes a remote group's invitation (Invite{object: the group, target: a local
// person}). Only a group inviting to itself is believed; other invitations (to events, by
// people) are not understood here.
func (h *Handler) groupInvite(ctx context.Context, owner, from *ap.Actor, act *as2.ParsedActivity) error {
	if h.groups == nil || from.Kind != ap.KindGroup || act.Object == nil || act.Object.ID != from.URI || act.Target == "" {
		return errIgnored
	}
	target, err := h.localTarget(ctx, owner, act.Target)
	if err != nil {
		return err
	}
	return h.groups.ReceiveInvite(ctx, from, target)
}

// relay offers a post that arrived signed by its author, with the object from the author's
// origin, to the local groups it addresses. Only such posts are relayed: a group never passes on
// what it has not verified.
func (h *Handler) relay(ctx context.Context, from *ap.Actor, act *as2.ParsedActivity, o *as2.ParsedObject, st *ap.Status) error {
	if h.groups == nil || st == nil {
		return nil
	}
	to := make(groups.Addressed, 0, len(act.To)+len(act.Cc)+len(act.Audience)+len(o.To)+len(o.Cc)+len(o.Audience))
	for _, list := range [][]string{o.Audience, o.To, o.Cc, act.Audience, act.To, act.Cc} {
		to = append(to, list...)
	}
	return h.groups.Relay(ctx, from, act.ID, st, to)
}

// groupAnnounce takes a remote group's relay. The gate checked that the group signed it. The
// relayed post is never taken from the group's embedded copy: it comes from our store or from its
// author's origin (FEP-1b12 asks receivers to verify it so). Announce{Create} and Announce{Note}
// of one post store one boost; an announced Delete or Remove takes the group's boost away.
func (h *Handler) groupAnnounce(ctx context.Context, group *ap.Actor, act *as2.ParsedActivity) error {
	obj := act.Object
	objectID := obj.ID
	if inner := obj.Activity; inner != nil {
		if inner.Object == nil {
			return errIgnored
		}
		switch inner.Type {
		case "Create":
			objectID = inner.Object.ID
		case "Update":
			return h.groupUpdate(ctx, inner.Object.ID)
		case "Delete", "Remove":
			return h.groups.ReceiveRemove(ctx, group, inner.Object.ID)
		default:
			return errIgnored // announced likes, votes, follows: nothing to show
		}
	}
	var orig *ap.Status
	var err error
	if h.svc.IsLocalURI(objectID) {
		if orig, err = h.store.StatusByURI(ctx, objectID); err != nil {
			return err
		}
	} else if orig, err = h.deref.ResolveStatus(fetching(ctx), objectID); err != nil {
		return err
	}
	vis := ap.VisibilityFromAddressing(act.To, act.Cc, group.FollowersURI)
	return h.groups.ReceiveAnnounce(ctx, group, act.ID, orig, act.Published, vis)
}

// fetching is the context for storing an object an activity refers to: without the activity's
// id, which the use case applying the activity records, not the fetch that precedes it.
func fetching(ctx context.Context) context.Context { return ap.WithActivityID(ctx, "") }

// groupUpdate takes a remote group's Announce{Update}: the edited post is fetched again from its
// author's origin and applied as the author's edit. The group's embedded copy is never believed,
// and a post this server never had is not fetched because of an edit.
func (h *Handler) groupUpdate(ctx context.Context, objectID string) error {
	if h.svc.IsLocalURI(objectID) {
		return errIgnored // our own post: we know what it says
	}
	st, err := h.store.StatusByURI(ctx, objectID)
	if ap.IsNotFound(err) {
		return errIgnored
	}
	if err != nil {
		return err
	}
	author, err := h.svc.ActorByID(ctx, st.ActorID)
	if err != nil {
		return err
	}
	o, err := h.deref.FetchObject(fetching(ctx), objectID)
	if err != nil {
		return err
	}
	if o.AttributedTo != author.URI || !as2.SameOrigin(o.ID, author.URI) {
		return forbidden("the announced update is not its author's")
	}
	if err := h.svc.ReceiveUpdateStatus(ctx, author, h.deref.StatusFromObject(o, author)); err != nil {
		return err
	}
	return h.updatedIdeaTerms(ctx, author, o) // an idea's status line and terms, as from the author
}
