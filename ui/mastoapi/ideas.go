package mastoapi

import (
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/ideas"
)

// Guildhall's ideas API (docs/api.md "Ideas"): /api/guildhall/v1/ideas. Ideas are statuses too,
// so they also show in timelines, and votes are favourites (POST /api/v1/statuses/{id}/favourite).

// ideaEntity is an idea as the API shows it.
type ideaEntity struct {
	ID              string       `json:"id"`
	URI             string       `json:"uri"`
	URL             string       `json:"url"`
	Title           string       `json:"title"`
	Content         string       `json:"content"` // HTML, with the status line once it moved
	Status          string       `json:"status"`
	StatusReason    string       `json:"status_reason"`
	Votes           int          `json:"votes"`
	Voted           *bool        `json:"voted,omitempty"` // the caller's own vote; absent when anonymous
	AdoptedBy       []string     `json:"adopted_by"`
	GroupID         *string      `json:"group_id"`
	Visibility      string       `json:"visibility"`
	Local           bool         `json:"local"`
	CanChangeStatus bool         `json:"can_change_status"`
	CanAdopt        bool         `json:"can_adopt"`
	Account         account      `json:"account"`
	History         []ideaChange `json:"history"`
	CreatedAt       string       `json:"created_at"`
}

// ideaChange is one entry of an idea's status history.
type ideaChange struct {
	Status    string  `json:"status"`
	Reason    string  `json:"reason"`
	AccountID *string `json:"account_id"`
	CreatedAt string  `json:"created_at"`
}

func (h *Handler) ideasReady() error {
	if h.ideas == nil {
		return errNotFound
	}
	return nil
}

// presentIdeas renders ideas with their authors and the caller's votes from the read model.
func (h *Handler) presentIdeas(r *http.Request, c *call, list []*ideas.View) ([]ideaEntity, error) {
	sts := make([]*activitypub.Status, len(list))
	byID := make(map[string]*ideas.View, len(list))
	for i, v := range list {
		sts[i], byID[v.Status.ID] = v.Status, v
	}
	views, err := h.views.StatusViews(r.Context(), activitypub.ViewQuery{Viewer: c.account}, sts)
	if err != nil {
		return nil, err
	}
	out := make([]ideaEntity, 0, len(views))
	for _, sv := range views {
		v := byID[sv.Status.ID]
		e := ideaEntity{ID: v.Status.ID, URI: v.Status.URI, URL: v.Status.URL, Title: v.Status.Title,
			Content: v.Status.Content, Status: string(v.Idea.State), StatusReason: v.Idea.Reason, Votes: v.Votes(),
			AdoptedBy: v.AdoptedBy, Visibility: string(v.Status.Visibility), Local: v.Status.Local,
			Account: h.presentAccount(sv.Author), History: make([]ideaChange, 0, len(v.Changes)),
			CreatedAt: fmtTime(v.Status.CreatedAt)}
		if v.Status.GroupID != "" {
			e.GroupID = &v.Status.GroupID
		}
		if c.account != nil {
			voted := sv.Flags.Favourited
			e.Voted = &voted
			if e.CanChangeStatus, err = h.ideas.MayChangeStatus(r.Context(), c.account, v.Status); err != nil {
				return nil, err
			}
			e.CanAdopt = h.ideas.MayAdopt(c.account, v.Status)
		}
		for _, ch := range v.Changes {
			e.History = append(e.History, ideaChange{Status: string(ch.State), Reason: ch.Reason,
				AccountID: nullable(ch.ActorID), CreatedAt: fmtTime(ch.CreatedAt)})
		}
		out = append(out, e)
	}
	return out, nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (h *Handler) writeIdea(w http.ResponseWriter, r *http.Request, c *call, v *ideas.View) error {
	out, err := h.presentIdeas(r, c, []*ideas.View{v})
	if err != nil {
		return err
	}
	if len(out) != 1 {
		return errNotFound // the read model leaves out ideas whose author is gone
	}
	return ok(w, out[0])
}

// createIdea posts an idea: {title, content, group_id?, visibility}.
func (h *Handler) createIdea(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.ideasReady(); err != nil {
		return err
	}
	format := activitypub.FormatPlain
	if c.p.str("content_type") == "text/markdown" {
		format = activitypub.FormatMarkdown
	}
	v, err := h.ideas.Create(r.Context(), c.account, ideas.Input{Title: c.p.str("title"), Content: c.p.str("content"),
		Format: format, GroupID: c.p.str("group_id"), Visibility: activitypub.Visibility(c.p.str("visibility")),
		IdempotencyKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		return err
	}
	return h.writeIdea(w, r, c, v)
}

func (h *Handler) showIdea(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.ideasReady(); err != nil {
		return err
	}
	v, err := h.ideas.Get(r.Context(), c.viewer(), pathID(r))
	if err != nil {
		return err
	}
	return h.writeIdea(w, r, c, v)
}

// setIdeaStatus moves an idea along: {status, reason?}.
func (h *Handler) setIdeaStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.ideasReady(); err != nil {
		return err
	}
	v, err := h.ideas.SetStatus(r.Context(), c.account, pathID(r), ideas.State(c.p.str("status")), c.p.str("reason"))
	if err != nil {
		return err
	}
	return h.writeIdea(w, r, c, v)
}

// adoptIdea marks an idea from another council adopted here too.
func (h *Handler) adoptIdea(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.ideasReady(); err != nil {
		return err
	}
	v, err := h.ideas.Adopt(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return h.writeIdea(w, r, c, v)
}

// listIdeas lists ideas: ?group_id=&status=&sort=votes|newest|status&limit=&max_id=.
func (h *Handler) listIdeas(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.ideasReady(); err != nil {
		return err
	}
	list, err := h.ideas.List(r.Context(), c.viewer(), ideas.Query{GroupID: c.p.str("group_id"),
		State: ideas.State(c.p.str("status")), Sort: ideas.Sort(c.p.str("sort")),
		Limit: c.p.integer("limit", 20), MaxID: c.p.str("max_id")})
	if err != nil {
		return err
	}
	out, err := h.presentIdeas(r, c, list)
	if err != nil {
		return err
	}
	return ok(w, out)
}
