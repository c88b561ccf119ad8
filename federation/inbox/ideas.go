package inbox

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/federation/as2"
)

// Ideas is the ideas area as the inbox needs it.
type Ideas interface {
	// ReceiveTerms applies the ideas terms of a remote status its author's server sent.
	ReceiveTerms(ctx context.Context, from *ap.Actor, st *ap.Status, t ideas.Terms) error
	// ReceiveAdoption takes another council's adoption of a local idea.
	ReceiveAdoption(ctx context.Context, from *ap.Actor, activityURI, objectURI string) error
}

// ideaTerms passes the ideas terms of a status the sender's origin vouched for (its own Create or
// Update, checked by the caller) to the ideas area, which checks the stored author again.
func (h *Handler) ideaTerms(ctx context.Context, from *ap.Actor, o *as2.ParsedObject, st *ap.Status) error {
	if h.ideas == nil || o == nil || o.Idea == nil || st == nil {
		return nil
	}
	return h.ideas.ReceiveTerms(ctx, from, st, ideas.Terms{State: ideas.State(o.Idea.Status),
		Reason: o.Idea.Reason, AdoptedBy: o.Idea.AdoptedBy})
}

// updatedIdeaTerms applies the terms of an Update once the kernel stored the new version.
func (h *Handler) updatedIdeaTerms(ctx context.Context, from *ap.Actor, o *as2.ParsedObject) error {
	if h.ideas == nil || o.Idea == nil {
		return nil
	}
	st, err := h.store.StatusByURI(ctx, o.ID)
	if ap.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return h.ideaTerms(ctx, from, o, st)
}

// adoption takes an Announce marked as an idea's adoption. The gate checked that the actor
// signed it and that its id is on the actor's host; the ideas area records the actor's own
// domain. It is not also stored as a boost: the adoption is the point, and servers without the
// extension show the boost themselves.
func (h *Handler) adoption(ctx context.Context, from *ap.Actor, act *as2.ParsedActivity) error {
	if !as2.SameOrigin(act.ID, from.URI) {
		return forbidden("an adoption's id must be on its actor's host")
	}
	return h.ideas.ReceiveAdoption(ctx, from, act.ID, act.Object.ID)
}
