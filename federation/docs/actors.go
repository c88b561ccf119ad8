package docs

import (
	"net/http"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
)

// localActor finds the local actor a /users/{username} route names. The instance actor lives at
// /actor only, so its id stays the one URL it is fetched from.
func (h *Handler) localActor(r *http.Request) (*ap.Actor, error) {
	a, err := h.store.ActorByUsername(r.Context(), mux.Vars(r)["username"], "")
	if err != nil {
		return nil, err
	}
	if a.URI != h.svc.ActorURI(a.Username) {
		return nil, errNotFound
	}
	return a, nil
}

// gone reports whether an actor must not be served: deleted or suspended.
func gone(a *ap.Actor) bool { return a.DeletedAt != nil || a.SuspendedAt != nil }

func (h *Handler) actor(w http.ResponseWriter, r *http.Request) error {
	a, err := h.localActor(r)
	if err != nil {
		return err
	}
	return h.serveActor(w, r, a)
}

func (h *Handler) instanceActor(w http.ResponseWriter, r *http.Request) error {
	a, err := h.svc.EnsureInstanceActor(r.Context())
	if err != nil {
		return err
	}
	return h.serveActor(w, r, a)
}

func (h *Handler) serveActor(w http.ResponseWriter, r *http.Request, a *ap.Actor) error {
	if !negotiate(w, r, a.URL) {
		return nil
	}
	if gone(a) {
		return h.writeTombstone(w, a.URI, a.DeletedAt)
	}
	doc, err := h.render.Actor(a)
	if err != nil {
		return err
	}
	return writeAS(w, http.StatusOK, doc, true)
}
