package mastoapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub/preferences"
)

// list is Mastodon's List entity.
type list struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func presentList(l *preferences.List) list {
	return list{ID: l.ID, Title: l.Title, RepliesPolicy: string(l.RepliesPolicy), Exclusive: l.Exclusive}
}

func presentLists(ls []*preferences.List) []list {
	out := make([]list, 0, len(ls))
	for _, l := range ls {
		out = append(out, presentList(l))
	}
	return out
}

func listInput(p *params) preferences.ListInput {
	return preferences.ListInput{Title: p.strPtr("title"), RepliesPolicy: p.strPtr("replies_policy"), Exclusive: p.boolPtr("exclusive")}
}

func (h *Handler) allLists(w http.ResponseWriter, r *http.Request, c *call) error {
	ls, err := h.lists.All(r.Context(), c.account)
	if err != nil {
		return err
	}
	return ok(w, presentLists(ls))
}

func (h *Handler) createList(w http.ResponseWriter, r *http.Request, c *call) error {
	l, err := h.lists.Create(r.Context(), c.account, listInput(c.p))
	if err != nil {
		return err
	}
	return ok(w, presentList(l))
}

func (h *Handler) showList(w http.ResponseWriter, r *http.Request, c *call) error {
	l, err := h.lists.Get(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return ok(w, presentList(l))
}

func (h *Handler) updateList(w http.ResponseWriter, r *http.Request, c *call) error {
	l, err := h.lists.Update(r.Context(), c.account, pathID(r), listInput(c.p))
	if err != nil {
		return err
	}
	return ok(w, presentList(l))
}

func (h *Handler) deleteList(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.lists.Delete(r.Context(), c.account, pathID(r)); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}

// listAccounts pages the members. limit=0 asks for every member, as in Mastodon.
func (h *Handler) listAccounts(w http.ResponseWriter, r *http.Request, c *call) error {
	p := page(c.p, 40, 80)
	if c.p.has("limit") && c.p.integer("limit", -1) == 0 {
		p.Limit = 1 << 20
	}
	ids, err := h.lists.Members(r.Context(), c.account, pathID(r), p)
	if err != nil {
		return err
	}
	return h.writeActorPage(w, r, ids, ids)
}

func (h *Handler) addListAccounts(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.lists.AddMembers(r.Context(), c.account, pathID(r), c.p.strs("account_ids")); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}

func (h *Handler) removeListAccounts(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.lists.RemoveMembers(r.Context(), c.account, pathID(r), c.p.strs("account_ids")); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}

// accountLists is GET /api/v1/accounts/:id/lists: the caller's lists that hold the account.
func (h *Handler) accountLists(w http.ResponseWriter, r *http.Request, c *call) error {
	ls, err := h.lists.WithMember(r.Context(), c.account, mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	return ok(w, presentLists(ls))
}

func (h *Handler) listTimeline(w http.ResponseWriter, r *http.Request, c *call) error {
	sts, err := h.lists.Timeline(r.Context(), c.account, pathID(r), page(c.p, 20, 40))
	if err != nil {
		return err
	}
	return h.writeStatuses(w, r, c, sts)
}
