package inbox

import (
	"context"
	"slices"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// move applies an account Move (ORI-13). The object must be the sender itself; the target is
// fetched fresh from its own origin and must list the sender in alsoKnownAs, which is the only
// proof that whoever controls the target agreed. The domain refuses self-moves and chains.
func (h *Handler) move(ctx context.Context, from *ap.Actor, act *as2.ParsedActivity) error {
	if act.Object == nil || act.Object.ID != from.URI {
		return invalid("a Move's object must be its actor")
	}
	if act.Target == "" || act.Target == from.URI {
		return invalid("a Move needs a target other than its actor")
	}
	target, aka, err := h.deref.FetchMoveTarget(ctx, act.Target)
	if err != nil {
		return err
	}
	if !slices.Contains(aka, from.URI) {
		return forbidden("the move target does not list the account in alsoKnownAs")
	}
	return h.svc.ReceiveMove(ctx, from, target)
}

// featured applies Add and Remove of a status to the sender's featured collection (pinned posts).
// Other collections (Mastodon's featured tags, anything else) are understood and ignored.
func (h *Handler) featured(ctx context.Context, from *ap.Actor, act *as2.ParsedActivity) error {
	if act.Object == nil || act.Target == "" || act.Target != from.FeaturedURI {
		return errIgnored
	}
	// The status must be the sender's: on its host (so never a local one) and, once resolved
	// from its origin or the store, attributed to it.
	if !as2.SameOrigin(act.Object.ID, from.URI) {
		return forbidden("only one's own statuses can be featured")
	}
	st, err := h.deref.ResolveStatus(ctx, act.Object.ID)
	if err != nil {
		return err
	}
	return h.svc.ReceiveFeatured(ctx, from, st, act.Type == "Add")
}
