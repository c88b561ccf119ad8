package mastoapi

import (
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
)

func (h *Handler) search(w http.ResponseWriter, r *http.Request, c *call) error {
	typ := c.p.str("type")
	switch typ {
	case "", "accounts", "statuses", "hashtags":
	default:
		typ = ""
	}
	limit := page(c.p, 20, 40).Limit
	offset := max(c.p.integer("offset", 0), 0)
	res, err := h.svc.Search(r.Context(), c.account, c.p.str("q"), activitypub.SearchOptions{
		Type: typ, Resolve: c.p.boolean("resolve"), Limit: limit, Offset: offset,
	})
	if err != nil {
		return err
	}
	sts, err := h.presentStatuses(r.Context(), c, res.Statuses)
	if err != nil {
		return err
	}
	out := searchResults{Accounts: h.presentActors(res.Actors), Statuses: sts, Hashtags: h.presentTags(res.Tags)}
	if typ != "" {
		h.setOffsetLink(w, r, offset, limit, len(out.Accounts)+len(out.Statuses)+len(out.Hashtags))
	}
	return ok(w, out)
}
