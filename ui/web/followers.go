package web

import (
	"net/http"
)

// removeFollower handles "Remove from followers", on a profile and on one's own followers list:
// the person stops following without being blocked.
func (h *Handler) removeFollower(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	a, err := h.profileActor(r)
	if err != nil {
		return err
	}
	if _, err := h.svc.RemoveFollower(r.Context(), acct, a.ID); err != nil {
		return err
	}
	back := r.PostForm.Get("return")
	if back == "" {
		back = h.presenter(r).actor(a).Href
	}
	return redirect(w, r, safeReturn(back))
}
