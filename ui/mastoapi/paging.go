package mastoapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/guildhall/guildhall/activitypub"
)

// page reads max_id, since_id, min_id and limit; limit defaults to def and is capped at most.
func page(p *params, def, most int) activitypub.Page {
	limit := p.integer("limit", def)
	if limit <= 0 {
		limit = def
	}
	if limit > most {
		limit = most
	}
	return activitypub.Page{MaxID: p.str("max_id"), SinceID: p.str("since_id"), MinID: p.str("min_id"), Limit: limit}
}

// setLink sends the Link header of a page whose items are newest first: next pages back from the
// last item's cursor, prev forward from the first's. An empty page gets no links, which is how
// clients know to stop. Cursors are whatever the list is ordered by (a status id, a follow id).
func (h *Handler) setLink(w http.ResponseWriter, r *http.Request, first, last string) {
	if first == "" || last == "" {
		return
	}
	mk := func(key, val string) string {
		u := url.URL{Path: r.URL.Path}
		q := url.Values{}
		for k, vs := range r.URL.Query() {
			switch k {
			case "max_id", "since_id", "min_id", "offset":
				continue
			}
			q[k] = vs
		}
		q.Set(key, val)
		u.RawQuery = q.Encode()
		return h.base() + u.String()
	}
	w.Header().Set("Link", "<"+mk("max_id", last)+`>; rel="next", <`+mk("min_id", first)+`>; rel="prev"`)
}

// setOffsetLink is for the few lists paged by offset (search).
func (h *Handler) setOffsetLink(w http.ResponseWriter, r *http.Request, offset, limit, n int) {
	if n == 0 {
		return
	}
	q := r.URL.Query()
	q.Set("offset", strconv.Itoa(offset+n))
	q.Set("limit", strconv.Itoa(limit))
	w.Header().Set("Link", "<"+h.base()+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
}
