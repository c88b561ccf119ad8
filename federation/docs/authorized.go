package docs

import (
	"context"
	"errors"
	"net/http"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/httpsig"
)

// viewerKey carries the viewer the gate already verified, so handlers do not verify twice.
type viewerKey struct{}

// gate runs before every ActivityPub document except the instance actor and the discovery
// documents. A signed request from a blocked domain gets 403 before any lookup or key fetch, the
// same answer whether or not the document exists. In authorized-fetch mode (Mastodon's secure
// mode) every request for ActivityStreams JSON must carry a valid signature of a non-blocked,
// non-suspended actor; browsers asking for HTML still get the redirect to the public page.
func (h *Handler) gate(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !wantsActivity(r) {
			return fn(w, r)
		}
		ctx := r.Context()
		signed := r.Header.Get("Signature") != ""
		if signed && h.o.DomainBlocked != nil {
			if host := httpsig.KeyIDHost(r); host != "" {
				blocked, err := h.o.DomainBlocked(ctx, host)
				if err != nil {
					return err
				}
				if blocked {
					return errForbidden
				}
			}
		}
		if !h.o.AuthorizedFetch {
			return fn(w, r)
		}
		w.Header().Add("Vary", "Signature")
		if !signed || h.verify == nil {
			return httpError(http.StatusUnauthorized, "Request not signed")
		}
		v, err := h.signedViewer(ctx, r)
		if err != nil {
			return err
		}
		return fn(w, r.WithContext(context.WithValue(ctx, viewerKey{}, v)))
	}
}

var errForbidden = httpError(http.StatusForbidden, "Forbidden")

// signedViewer verifies a signed GET strictly: an unverifiable key is a refusal, not an
// anonymous viewer, and the signer must be allowed by federation policy and not suspended.
func (h *Handler) signedViewer(ctx context.Context, r *http.Request) (ap.Viewer, error) {
	res, err := h.verify.Verify(ctx, r, nil)
	if err != nil {
		var se *httpsig.Error
		if errors.As(err, &se) {
			return ap.Viewer{}, httpError(http.StatusUnauthorized, se.Reason)
		}
		return ap.Viewer{}, httpError(http.StatusUnauthorized, "signature verification failed")
	}
	if h.o.DomainBlocked != nil {
		blocked, err := h.o.DomainBlocked(ctx, as2.Host(res.Owner))
		if err != nil {
			return ap.Viewer{}, err
		}
		if blocked {
			return ap.Viewer{}, errForbidden
		}
	}
	a, err := h.store.ActorByURI(ctx, res.Owner)
	if err != nil {
		if ap.IsNotFound(err) {
			return ap.Viewer{}, httpError(http.StatusUnauthorized, "signer unknown")
		}
		return ap.Viewer{}, err
	}
	if a.SuspendedAt != nil || a.DeletedAt != nil {
		return ap.Viewer{}, errForbidden
	}
	return ap.Viewer{Actor: a}, nil
}
