package inbox

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// dispatch turns a checked activity into the domain call. Embedded objects are believed only when
// they come from the sender's own origin and are the sender's; anything else is refetched from its
// origin (ORI-03, ORI-07) or refused.
func (h *Handler) dispatch(ctx context.Context, owner, from *ap.Actor, act *as2.ParsedActivity) error {
	obj := act.Object
	switch act.Type {
	case "Follow":
		target, err := h.localTarget(ctx, owner, obj.ID)
		if err != nil {
			return err
		}
		if target.Kind == ap.KindGroup && h.groups != nil {
			return h.groups.ReceiveFollow(ctx, from, act.ID, target)
		}
		return h.svc.ReceiveFollow(ctx, from, act.ID, target)
	case "Accept", "Reject":
		followerURI := ""
		if inner := obj.Activity; inner != nil {
			if inner.Type != "Follow" {
				return errIgnored
			}
			followerURI = inner.Actor
		}
		if act.Type == "Accept" {
			return h.svc.ReceiveAccept(ctx, from, obj.ID, followerURI)
		}
		return h.svc.ReceiveReject(ctx, from, obj.ID, followerURI)
	case "Undo":
		return h.undo(ctx, from, obj)
	case "Like":
		return h.svc.ReceiveLike(ctx, from, act.ID, obj.ID)
	case "Announce":
		if act.IdeaAdoption && h.ideas != nil {
			return h.adoption(ctx, from, act)
		}
		if from.Kind == ap.KindGroup && h.groups != nil {
			return h.groupAnnounce(ctx, from, act)
		}
		return h.announce(ctx, from, act)
	case "Create":
		return h.create(ctx, from, act)
	case "Update":
		return h.update(ctx, from, obj)
	case "Delete":
		// ORI-09: only ids on the sender's own host can be deleted by it; the domain then checks
		// the stored author.
		if !as2.SameOrigin(obj.ID, from.URI) {
			return forbidden("cannot delete an object on another host")
		}
		if err := h.svc.ReceiveDelete(ctx, from, obj.ID); err != nil || h.groups == nil {
			return err
		}
		return h.groups.AuthorDeleted(ctx, obj.ID)
	case "Block":
		target, err := h.localTarget(ctx, owner, obj.ID)
		if err != nil {
			return err
		}
		return h.svc.ReceiveBlock(ctx, from, act.ID, target)
	case "Flag":
		return h.flag(ctx, owner, from, act)
	case "Move":
		return h.move(ctx, from, act)
	case "Remove":
		// A group removing a post from itself (Lemmy's moderation), not unpinning.
		if from.Kind == ap.KindGroup && h.groups != nil && act.Target != from.FeaturedURI {
			return h.groups.ReceiveRemove(ctx, from, obj.ID)
		}
		return h.featured(ctx, from, act)
	case "Add":
		return h.featured(ctx, from, act)
	case "Invite":
		return h.groupInvite(ctx, owner, from, act)
	}
	return errIgnored
}

func (h *Handler) undo(ctx context.Context, from *ap.Actor, obj *as2.ParsedRef) error {
	// ORI-10: the undone activity must be the sender's, on its host.
	if !as2.SameOrigin(obj.ID, from.URI) {
		return forbidden("cannot undo an activity on another host")
	}
	u := ap.Undone{URI: obj.ID, Type: obj.Type}
	if inner := obj.Activity; inner != nil {
		if inner.Actor != from.URI {
			return forbidden("cannot undo another actor's activity")
		}
		if inner.Object != nil {
			u.Object = inner.Object.ID
		}
	}
	return h.svc.ReceiveUndo(ctx, from, u)
}

// create stores a new status. The embedded object is used as sent only when it is the sender's
// own, on the sender's host; otherwise it is fetched from its id and the fetched copy wins.
func (h *Handler) create(ctx context.Context, from *ap.Actor, act *as2.ParsedActivity) error {
	obj := act.Object
	if obj.Object != nil && !as2.IsStatusType(obj.Object.Type) || obj.Object == nil && obj.Type != "" && !as2.IsStatusType(obj.Type) {
		return errIgnored
	}
	if o := obj.Object; o != nil && o.AttributedTo == from.URI && as2.SameOrigin(o.ID, from.URI) {
		st, err := h.svc.ReceiveCreate(ctx, from, h.deref.StatusFromObject(o, from))
		if err != nil {
			return err
		}
		if err := h.ideaTerms(ctx, from, o, st); err != nil {
			return err
		}
		return h.relay(ctx, from, act, o, st)
	}
	// ORI-03: not the sender's to vouch for. Refetch from the origin; never store the claim.
	o, err := h.deref.FetchObject(ctx, obj.ID)
	if err != nil {
		return err
	}
	if o.AttributedTo == from.URI {
		st, err := h.svc.ReceiveCreate(ctx, from, h.deref.StatusFromObject(o, from))
		if err != nil {
			return err
		}
		if err := h.ideaTerms(ctx, from, o, st); err != nil {
			return err
		}
		return h.relay(ctx, from, act, o, st)
	}
	_, err = h.deref.ResolveStatus(ctx, o.ID)
	return err
}

// announce records a boost. The boosted status comes from the store, or from its origin; an
// embedded copy is trusted only for a self-boost (ORI-07).
func (h *Handler) announce(ctx context.Context, from *ap.Actor, act *as2.ParsedActivity) error {
	obj := act.Object
	var orig *ap.Status
	var err error
	if o := obj.Object; o != nil && o.AttributedTo == from.URI && as2.SameOrigin(o.ID, from.URI) {
		orig, err = h.svc.StoreFetchedStatus(fetching(ctx), from, h.deref.StatusFromObject(o, from))
	} else if h.svc.IsLocalURI(obj.ID) {
		orig, err = h.store.StatusByURI(ctx, obj.ID)
	} else {
		// Fetched without the Announce's id: storing the boosted status must not record the
		// Announce as processed before the boost itself is stored.
		orig, err = h.deref.ResolveStatus(fetching(ctx), obj.ID)
	}
	if err != nil {
		return err
	}
	vis := ap.VisibilityFromAddressing(act.To, act.Cc, from.FollowersURI)
	_, err = h.svc.ReceiveAnnounce(ctx, from, act.ID, orig, act.Published, vis)
	return err
}

// update applies an Update of the sender's own actor or status (ORI-08).
func (h *Handler) update(ctx context.Context, from *ap.Actor, obj *as2.ParsedRef) error {
	switch {
	case obj.Actor != nil:
		if obj.Actor.ID != from.URI {
			return forbidden("an actor may only update itself")
		}
		a, err := h.deref.ActorFromParsed(obj.Actor)
		if err != nil {
			return err
		}
		_, err = h.svc.ReceiveUpdateActor(ctx, from, a)
		return err
	case obj.Object != nil && as2.IsStatusType(obj.Object.Type):
		o := obj.Object
		if o.AttributedTo != from.URI || !as2.SameOrigin(o.ID, from.URI) {
			return forbidden("cannot update another actor's status")
		}
		if err := h.svc.ReceiveUpdateStatus(ctx, from, h.deref.StatusFromObject(o, from)); err != nil {
			return err
		}
		if err := h.updatedIdeaTerms(ctx, from, o); err != nil || h.groups == nil {
			return err
		}
		return h.groups.AuthorUpdated(ctx, o.ID) // a local group re-announces the edit to its members
	}
	return errIgnored
}

// flag files a report against the local actor the Flag names; the other objects are statuses.
func (h *Handler) flag(ctx context.Context, owner, from *ap.Actor, act *as2.ParsedActivity) error {
	var target *ap.Actor
	var statuses []string
	for _, id := range act.Objects {
		if target == nil && h.svc.IsLocalURI(id) {
			if a, err := h.store.ActorByURI(ctx, id); err == nil {
				target = a
				continue
			}
		}
		statuses = append(statuses, id)
	}
	if target == nil {
		return errIgnored
	}
	if owner != nil && owner.ID != target.ID {
		return invalid("inbox owner is not the reported account") // ORI-14
	}
	return h.svc.ReceiveFlag(ctx, from, act.ID, target, statuses, act.Content)
}
