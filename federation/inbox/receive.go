package inbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/federation/remote"
)

// receive runs the gate and the dispatch for one delivery. owner is the personal inbox's actor, nil
// for the shared inbox.
func (h *Handler) receive(r *http.Request, owner *ap.Actor) *outcome {
	ctx := r.Context()
	body, o := h.readBody(r)
	if o != nil {
		return o
	}
	if host := keyIDHost(r); host != "" {
		blocked, err := h.blocked(ctx, host)
		if err != nil {
			return internalFailure(err)
		}
		if blocked {
			return fail(http.StatusForbidden, "domain blocked", nil)
		}
	}
	res, err := h.verifier.Verify(ctx, r, body)
	if err != nil {
		return h.signatureFailure(body, err)
	}
	m, err := as2.Decode(body)
	if err != nil {
		return fail(http.StatusBadRequest, err.Error(), err)
	}
	act, err := as2.ParseActivity(ctx, m)
	if errors.Is(err, as2.ErrUnsupported) {
		return &outcome{code: http.StatusAccepted, msg: "ignored: " + err.Error(), err: err}
	}
	if err != nil {
		return fail(http.StatusBadRequest, "malformed incoming activity: "+err.Error(), err)
	}
	// ORI-01: whoever signed is whoever acts. An activity signed by someone else was forwarded
	// (or forged): it is believed only in the copy its origin serves (ORI-16).
	if res.Owner != act.Actor {
		fetched, o := h.fromOrigin(ctx, act)
		if o != nil {
			return o
		}
		act = fetched
	}
	// ORI-02: the activity id must be on the actor's host; checked before the id is ever recorded
	// as seen so nobody can pre-empt someone else's activity id (SIG-11).
	if !as2.SameOrigin(act.ID, act.Actor) {
		return fail(http.StatusBadRequest, "activity id is not on the actor's host", nil)
	}
	from, err := h.deref.ResolveActor(ctx, act.Actor)
	if err != nil {
		return h.domainFailure(err)
	}
	if owner != nil {
		if blocked, err := h.store.Blocked(ctx, owner.ID, from.ID); err != nil {
			return internalFailure(err)
		} else if blocked && act.Type != "Undo" && act.Type != "Delete" {
			return fail(http.StatusForbidden, "Forbidden: blocked", nil) // ORI-19a
		}
	}
	ctx = ap.WithActivityID(ctx, act.ID)
	if err := h.dispatch(ctx, owner, from, act); err != nil {
		return h.domainFailure(err)
	}
	return accepted
}

// signatureFailure maps a verification error: 401 with the verifier's safe reason, except a key
// owner that is gone (202 for its own Delete, SIG-15) and our own failures (500, so the sender
// retries).
func (h *Handler) signatureFailure(body []byte, err error) *outcome {
	if ap.KindOf(err) == ap.Unavailable {
		// Our database failed while looking up the key: not the signer's fault (a 401 would
		// tell it to give up), and the sender must retry.
		return unavailableOutcome(err)
	}
	var herr *httpsig.Error
	reason := "signature verification failed"
	if errors.As(err, &herr) {
		reason = herr.Reason
	}
	if !errors.Is(err, httpsig.ErrKeyUnavailable) {
		return fail(http.StatusUnauthorized, reason, err)
	}
	switch {
	case errors.Is(err, remote.ErrKeyFetchLimited):
		// RES-13: the signer's host used up its key fetch budget. 429 is retried by senders
		// (Mastodon treats most other 4xx as final), so a legitimate newcomer gets in later.
		return &outcome{code: http.StatusTooManyRequests, msg: "too many unknown keys from this host; retry later",
			err: err, retryAfter: 60}
	case errors.Is(err, fetch.ErrGone) || ap.KindOf(err) == ap.Gone:
		if m, perr := as2.Decode(body); perr == nil && m["type"] == "Delete" {
			return &outcome{code: http.StatusAccepted, msg: "actor gone", err: err}
		}
		return fail(http.StatusUnauthorized, "signing actor is gone", err)
	case remoteFailure(err):
		return fail(http.StatusUnauthorized, "unable to fetch or accept the signing key", err)
	default:
		return internalFailure(err)
	}
}

// remoteFailure reports whether err came from the remote side (a fetch, a refused document)
// rather than from our database.
func remoteFailure(err error) bool {
	var (
		ue  *url.Error
		ne  net.Error
		se  *fetch.StatusError
		pe  *as2.ParseError
		dom *ap.Error
	)
	switch {
	case errors.As(err, &ue), errors.As(err, &ne), errors.As(err, &se), errors.As(err, &pe),
		errors.Is(err, remote.ErrKeyRefused), errors.Is(err, fetch.ErrForbiddenAddress),
		errors.Is(err, fetch.ErrForbiddenScheme), errors.Is(err, fetch.ErrTooManyRedirects),
		errors.Is(err, fetch.ErrTooLarge), errors.Is(err, fetch.ErrContentType), errors.Is(err, fetch.ErrIDMismatch):
		return true
	case errors.As(err, &dom):
		return ap.KindOf(err) != ap.Other
	}
	return false
}

// domainFailure maps what the use case said to a status for the sender.
func (h *Handler) domainFailure(err error) *outcome {
	if ap.KindOf(err) == ap.Unavailable {
		// Checked before remoteFailure: a refused database connection is a net.Error too, and
		// taking it for the remote's would answer 202 for an activity we never stored.
		return unavailableOutcome(err)
	}
	if errors.Is(err, ap.ErrAlreadySeen) {
		return &outcome{code: http.StatusAccepted, msg: "already processed"}
	}
	if remoteFailure(err) && ap.KindOf(err) == ap.Other {
		// A fetch the activity needed failed: nothing was stored; the sender may retry.
		return &outcome{code: http.StatusAccepted, msg: "ignored: referenced object unavailable", err: err}
	}
	msg := ap.Message(err)
	switch ap.KindOf(err) {
	case ap.NotFound, ap.Gone, ap.Conflict:
		return &outcome{code: http.StatusAccepted, msg: "ignored: " + msg, err: err}
	case ap.Forbidden:
		return fail(http.StatusForbidden, msg, err)
	case ap.Invalid:
		return fail(http.StatusUnprocessableEntity, msg, err)
	case ap.Unauthorized:
		return fail(http.StatusUnauthorized, msg, err)
	}
	return internalFailure(err)
}

// internalFailure is our own failure: 503 with Retry-After when the database is unreachable (the
// sender retries the same activity later), else 500.
func internalFailure(err error) *outcome {
	if ap.KindOf(err) == ap.Unavailable {
		return unavailableOutcome(err)
	}
	return fail(http.StatusInternalServerError, "internal error", err)
}

func unavailableOutcome(err error) *outcome {
	return &outcome{code: http.StatusServiceUnavailable, msg: "temporarily unavailable, retry later", err: err, retryAfter: 5}
}

// errIgnored is a dispatch outcome meaning "understood, nothing to do".
var errIgnored = ap.E("inbox", ap.NotFound, "nothing to do")

func forbidden(msg string) error { return ap.E("inbox", ap.Forbidden, msg) }
func invalid(msg string) error   { return ap.E("inbox", ap.Invalid, msg) }

// localTarget returns the local actor an activity's object names; personal inboxes only accept
// activities aimed at their owner (ORI-15).
func (h *Handler) localTarget(ctx context.Context, owner *ap.Actor, uri string) (*ap.Actor, error) {
	if !h.svc.IsLocalURI(uri) {
		return nil, invalid("object is not an actor on this server")
	}
	t, err := h.store.ActorByURI(ctx, uri)
	if err != nil {
		return nil, err
	}
	if owner != nil && t.ID != owner.ID {
		return nil, invalid("inbox owner is not the activity's object")
	}
	return t, nil
}
