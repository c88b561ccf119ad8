package mastoapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

// filterV2 is Mastodon's Filter entity (API v2).
type filterV2 struct {
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	Context      []string        `json:"context"`
	ExpiresAt    *string         `json:"expires_at"`
	FilterAction string          `json:"filter_action"`
	Keywords     []filterKeyword `json:"keywords"`
	Statuses     []any           `json:"statuses"`
}

type filterKeyword struct {
	ID        string `json:"id"`
	Keyword   string `json:"keyword"`
	WholeWord bool   `json:"whole_word"`
}

// filterV1 is the v1 Filter entity: one per keyword, which is how Mastodon maps v2 filters back.
type filterV1 struct {
	ID           string   `json:"id"`
	Phrase       string   `json:"phrase"`
	Context      []string `json:"context"`
	WholeWord    bool     `json:"whole_word"`
	ExpiresAt    *string  `json:"expires_at"`
	Irreversible bool     `json:"irreversible"`
}

// filterResult is one element of a status's "filtered".
type filterResult struct {
	Filter         filterV2 `json:"filter"`
	KeywordMatches []string `json:"keyword_matches"`
	StatusMatches  []string `json:"status_matches"`
}

func presentKeyword(k activitypub.FilterKeyword) filterKeyword {
	return filterKeyword{ID: k.ID, Keyword: k.Keyword, WholeWord: k.WholeWord}
}

func presentFilter(f *activitypub.Filter) filterV2 {
	out := filterV2{ID: f.ID, Title: f.Title, Context: make([]string, 0, len(f.Contexts)),
		ExpiresAt: fmtTimePtr(f.ExpiresAt), FilterAction: string(f.Action),
		Keywords: make([]filterKeyword, 0, len(f.Keywords)), Statuses: []any{}}
	for _, c := range f.Contexts {
		out.Context = append(out.Context, string(c))
	}
	for _, k := range f.Keywords {
		out.Keywords = append(out.Keywords, presentKeyword(k))
	}
	return out
}

// filterInput reads title, context[], filter_action, expires_in ("" for never) and
// keywords_attributes.
func filterInput(p *params) preferences.FilterInput {
	in := preferences.FilterInput{Title: p.strPtr("title"), Action: p.strPtr("filter_action")}
	if p.has("context") {
		cs := p.strs("context")
		in.Contexts = &cs
	}
	if p.has("expires_in") {
		n := 0
		if s := strings.TrimSpace(p.str("expires_in")); s != "" {
			var err error
			if n, err = strconv.Atoi(s); err != nil {
				n = -1 // refused by the domain
			}
		}
		in.ExpiresIn = &n
	}
	in.Keywords = keywordInputs(p)
	return in
}

// keywordInputs reads keywords_attributes as Rails does: indexed rows
// (keywords_attributes[0][keyword], and what a JSON array becomes) or the anonymous form
// keywords_attributes[][keyword]=a&keywords_attributes[][whole_word]=true, zipped by position.
func keywordInputs(p *params) []preferences.KeywordInput {
	rows := p.indexed("keywords_attributes")
	const anon = "keywords_attributes[]["
	n := 0
	for k, vs := range p.v {
		if strings.HasPrefix(k, anon) {
			n = max(n, len(vs))
		}
	}
	for i := range n {
		row := map[string]string{}
		for k, vs := range p.v {
			if field, found := strings.CutPrefix(k, anon); found && i < len(vs) {
				row[strings.TrimSuffix(field, "]")] = vs[i]
			}
		}
		rows = append(rows, row)
	}
	out := make([]preferences.KeywordInput, 0, len(rows))
	for _, row := range rows {
		in := preferences.KeywordInput{ID: row["id"], Destroy: truthy(row["_destroy"])}
		if v, found := row["keyword"]; found {
			in.Keyword = &v
		}
		if v, found := row["whole_word"]; found {
			b := truthy(v)
			in.WholeWord = &b
		}
		out = append(out, in)
	}
	return out
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "t", "on", "yes":
		return true
	}
	return false
}

func keywordInput(p *params) preferences.KeywordInput {
	return preferences.KeywordInput{Keyword: p.strPtr("keyword"), WholeWord: p.boolPtr("whole_word")}
}

func (h *Handler) filtersV2(w http.ResponseWriter, r *http.Request, c *call) error {
	fs, err := h.filters.All(r.Context(), c.account)
	if err != nil {
		return err
	}
	out := make([]filterV2, 0, len(fs))
	for _, f := range fs {
		out = append(out, presentFilter(f))
	}
	return ok(w, out)
}

// filtersV1 maps each keyword of every filter to a v1 filter (Tusky falls back to it).
func (h *Handler) filtersV1(w http.ResponseWriter, r *http.Request, c *call) error {
	fs, err := h.filters.All(r.Context(), c.account)
	if err != nil {
		return err
	}
	out := []filterV1{}
	for _, f := range fs {
		v2 := presentFilter(f)
		for _, k := range f.Keywords {
			out = append(out, filterV1{ID: k.ID, Phrase: k.Keyword, Context: v2.Context, WholeWord: k.WholeWord,
				ExpiresAt: v2.ExpiresAt, Irreversible: f.Action == activitypub.FilterHide})
		}
	}
	return ok(w, out)
}

func (h *Handler) createFilter(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := h.filters.Create(r.Context(), c.account, filterInput(c.p))
	if err != nil {
		return err
	}
	return ok(w, presentFilter(f))
}

func (h *Handler) showFilter(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := h.filters.Get(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return ok(w, presentFilter(f))
}

func (h *Handler) updateFilter(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := h.filters.Update(r.Context(), c.account, pathID(r), filterInput(c.p))
	if err != nil {
		return err
	}
	return ok(w, presentFilter(f))
}

func (h *Handler) deleteFilter(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.filters.Delete(r.Context(), c.account, pathID(r)); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}

func (h *Handler) filterKeywords(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := h.filters.Get(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return ok(w, presentFilter(f).Keywords)
}

// filterStatuses lists the statuses a filter names; Guildhall filters by keyword only.
func (h *Handler) filterStatuses(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := h.filters.Get(r.Context(), c.account, pathID(r)); err != nil {
		return err
	}
	return ok(w, []any{})
}

func (h *Handler) addFilterKeyword(w http.ResponseWriter, r *http.Request, c *call) error {
	k, err := h.filters.AddKeyword(r.Context(), c.account, pathID(r), keywordInput(c.p))
	if err != nil {
		return err
	}
	return ok(w, presentKeyword(*k))
}

func (h *Handler) showFilterKeyword(w http.ResponseWriter, r *http.Request, c *call) error {
	k, err := h.filters.Keyword(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return ok(w, presentKeyword(*k))
}

func (h *Handler) updateFilterKeyword(w http.ResponseWriter, r *http.Request, c *call) error {
	k, err := h.filters.UpdateKeyword(r.Context(), c.account, pathID(r), keywordInput(c.p))
	if err != nil {
		return err
	}
	return ok(w, presentKeyword(*k))
}

func (h *Handler) deleteFilterKeyword(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.filters.DeleteKeyword(r.Context(), c.account, mux.Vars(r)["id"]); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}

// routeStreaming names the streaming renderer's calls, which have no route of their own.
const routeStreaming = "streaming"

// filterPlaces says, per route, which filter context applies and whether hide filters drop
// statuses there. A single status is never dropped (it would turn into a 404), and neither is a
// notification's status (the notification would vanish with no trace).
var filterPlaces = map[string]struct {
	ctx  activitypub.FilterContext
	drop bool
}{
	"/api/v1/timelines/home":          {activitypub.FilterHome, true},
	"/api/v1/timelines/list/{id}":     {activitypub.FilterHome, true},
	routeStreaming:                    {activitypub.FilterHome, true},
	"/api/v1/timelines/public":        {activitypub.FilterPublic, true},
	"/api/v1/timelines/tag/{hashtag}": {activitypub.FilterPublic, true},
	"/api/v1/accounts/{id}/statuses":  {activitypub.FilterAccount, true},
	"/api/v1/statuses/{id}/context":   {activitypub.FilterThread, true},
	"/api/v1/statuses/{id}":           {activitypub.FilterThread, false},
	"/api/v1/notifications":           {activitypub.FilterNotifications, false},
	"/api/v1/notifications/{id}":      {activitypub.FilterNotifications, false},
}

// viewQuery is the read model's question for this call: the viewer, the filter context of the
// route, whether hide filters drop statuses there, and whether it is the home timeline (where
// exclusive lists keep their members out).
func viewQuery(c *call) activitypub.ViewQuery {
	q := activitypub.ViewQuery{Viewer: c.account}
	if place, found := filterPlaces[c.route]; found {
		q.Filter, q.DropHidden = place.ctx, place.drop
	}
	q.Home = c.route == "/api/v1/timelines/home"
	return q
}

// presentFilterResults renders the filters a status matched as its "filtered".
func presentFilterResults(rs []activitypub.FilterResult) []any {
	out := make([]any, 0, len(rs))
	for _, res := range rs {
		out = append(out, filterResult{Filter: presentFilter(res.Filter), KeywordMatches: res.KeywordMatches})
	}
	return out
}
