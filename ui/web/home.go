package web

import "net/http"

// home is the signed-in landing page; for now it says who you are.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	if AccountFrom(r.Context()) == nil {
		return redirect(w, r, signInURL(r))
	}
	return h.render(w, r, http.StatusOK, "home", view{Title: "Home"})
}
