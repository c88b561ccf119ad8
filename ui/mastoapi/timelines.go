package mastoapi

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

func (h *Handler) homeTimeline(w http.ResponseWriter, r *http.Request, c *call) error {
	sts, err := h.svc.HomeTimeline(r.Context(), c.account, page(c.p, 20, 40))
	if err != nil {
		return err
	}
	return h.writeStatuses(w, r, c, sts)
}

func (h *Handler) publicTimeline(w http.ResponseWriter, r *http.Request, c *call) error {
	sts, err := h.svc.PublicTimeline(r.Context(), c.viewer(), c.p.boolean("local"), c.p.boolean("remote"), page(c.p, 20, 40))
	if err != nil {
		return err
	}
	return h.writeStatuses(w, r, c, sts)
}

func (h *Handler) tagTimeline(w http.ResponseWriter, r *http.Request, c *call) error {
	tag := strings.ToLower(strings.TrimPrefix(mux.Vars(r)["hashtag"], "#"))
	sts, err := h.svc.TagTimeline(r.Context(), c.viewer(), tag, c.p.boolean("local"), page(c.p, 20, 40))
	if err != nil {
		return err
	}
	return h.writeStatuses(w, r, c, sts)
}
