package inbox

import (
	"context"
	"errors"
	"net/http"

	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fetch"
)

// fromOrigin replaces an activity that a third server forwarded (its HTTP signer is not its
// actor) with the copy its origin serves (ORI-16). Mastodon forwards replies to a post's audience
// this way; the forwarder's body is never believed, LD signatures included, and FEP-8b32 proofs
// are not verified. In order:
//   - the activity is fetched from its id, on the actor's host; it must name the same actor and
//     type;
//   - failing that, a Create or Update is rebuilt from its object, fetched from its own id, which
//     must be attributed to the actor (servers serve objects more often than activities);
//   - a Delete stands only if the origin answers 410 Gone for the object: a 404 may just mean
//     we may not see it, which a forwarder could use to delete a private post.
//
// Anything else, or any failed fetch, is refused with 401 and nothing is stored.
func (h *Handler) fromOrigin(ctx context.Context, act *as2.ParsedActivity) (*as2.ParsedActivity, *outcome) {
	refused := func(msg string, err error) (*as2.ParsedActivity, *outcome) {
		return nil, fail(http.StatusUnauthorized, "forwarded activity not verified at its origin: "+msg, err)
	}
	if !as2.SameOrigin(act.ID, act.Actor) {
		return refused("activity id is not on the actor's host", nil)
	}
	if blocked, err := h.blocked(ctx, as2.Host(act.Actor)); err != nil {
		return nil, fail(http.StatusInternalServerError, "internal error", err)
	} else if blocked {
		return nil, fail(http.StatusForbidden, "domain blocked", nil)
	}
	release, err := h.deref.OriginFetchSlot(act.ID)
	if err != nil {
		return nil, &outcome{code: http.StatusTooManyRequests, msg: "too many forwarded activities from this origin; retry later",
			err: err, retryAfter: 60}
	}
	defer release()
	if act.Type == "Delete" {
		return h.forwardedDelete(ctx, act)
	}
	fetched, ferr := h.deref.FetchActivity(ctx, act.ID)
	if ferr == nil {
		if fetched.Actor != act.Actor || fetched.Type != act.Type {
			return refused("the origin's copy differs in actor or type", nil)
		}
		return fetched, nil
	}
	obj := act.Object
	if (act.Type != "Create" && act.Type != "Update") || obj == nil || !as2.SameOrigin(obj.ID, act.Actor) {
		return refused("the origin does not serve the activity", ferr)
	}
	o, err := h.deref.FetchObject(ctx, obj.ID)
	if err != nil {
		return refused("the origin does not serve the object", errors.Join(ferr, err))
	}
	if o.AttributedTo != act.Actor {
		return refused("the origin's object has another author", nil)
	}
	// The origin's object, with the origin's addressing: nothing of the forwarded body is kept
	// but the activity id, which is on the actor's host.
	return &as2.ParsedActivity{ID: act.ID, Type: act.Type, Actor: act.Actor,
		Object: &as2.ParsedRef{ID: o.ID, Type: o.Type, Object: o}, Objects: []string{o.ID},
		To: o.To, Cc: o.Cc, Audience: o.Audience, Published: o.Published}, nil
}

// forwardedDelete accepts a forwarded Delete only when the origin says the object is gone.
func (h *Handler) forwardedDelete(ctx context.Context, act *as2.ParsedActivity) (*as2.ParsedActivity, *outcome) {
	obj := act.Object
	if obj == nil || !as2.SameOrigin(obj.ID, act.Actor) {
		return nil, fail(http.StatusUnauthorized, "forwarded activity not verified at its origin: object is not on the actor's host", nil)
	}
	_, err := h.deref.FetchObject(ctx, obj.ID)
	if errors.Is(err, fetch.ErrGone) {
		return act, nil
	}
	return nil, fail(http.StatusUnauthorized, "forwarded activity not verified at its origin: the origin does not say the object is gone", err)
}
