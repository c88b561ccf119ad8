package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/ideas"
)

// The ideas pages: the list (sorted by votes, newest or status, filtered by status), an idea's
// page (vote, status history, adopted by, "adopted here too", the status form for those
// allowed) and the form for a new idea. Every action is a plain form post answered with a
// redirect, so nothing needs JavaScript.

// ideaPageRoutes are the ideas pages; without the ideas area they are not mounted.
func (h *Handler) ideaPageRoutes() []route {
	if h.ideas == nil {
		return nil
	}
	get, post := http.MethodGet, http.MethodPost
	return []route{
		{method: get, path: "/ideas", handle: h.ideasList},
		{method: get, path: "/ideas/new", handle: h.ideaForm},
		{method: post, path: "/ideas", csrf: csrfSession, handle: h.ideaCreate},
		{method: get, path: "/ideas/{id}", handle: h.ideaPage},
		{method: post, path: "/ideas/{id}/vote", csrf: csrfSession, handle: h.ideaVote},
		{method: post, path: "/ideas/{id}/status", csrf: csrfSession, handle: h.ideaStatus},
		{method: post, path: "/ideas/{id}/adopt", csrf: csrfSession, handle: h.ideaAdopt},
	}
}

// option is one choice of a select or radio group.
type option struct {
	Value, Label string
	Selected     bool
}

// ideaItem is an idea as the pages show it.
type ideaItem struct {
	ID, Href, Title     string
	Content             template.HTML // sanitised by the domain
	State, StateLabel   string
	Reason              string
	Votes               int
	Voted               bool
	AdoptedBy           []string
	AdoptedHere         bool
	AuthorName, Handle  string
	Local               bool
	Created             time.Time
	CanChange, CanAdopt bool
	History             []ideaChangeItem
}

type ideaChangeItem struct {
	Label, Reason, Who string
	At                 time.Time
}

// ideasPage is the data of the three ideas pages.
type ideasPage struct {
	Ideas      []ideaItem
	Idea       *ideaItem
	Sorts      []option
	States     []option // the filter: "" (any) first
	NewStates  []option // the status form
	Visibility []visibilityOption
	Sort       string
	State      string
	Reason     string
	Text       string
	Vis        string
	GroupID    string // the group the list or the new idea is for, "" for none
	Counts     []countItem
}

// countItem is one state's count on the list page, linking to the ideas in it.
type countItem struct {
	Label, Href string
	Count       int
}

func stateOptions(selected string, any bool) []option {
	var out []option
	if any {
		out = append(out, option{Value: "", Label: "Any status", Selected: selected == ""})
	}
	for _, s := range ideas.States() {
		out = append(out, option{Value: string(s), Label: s.Label(), Selected: string(s) == selected})
	}
	return out
}

func sortOptions(selected string) []option {
	return []option{
		{Value: "votes", Label: "Most votes", Selected: selected == "votes"},
		{Value: "newest", Label: "Newest", Selected: selected == "newest" || selected == ""},
		{Value: "status", Label: "Status", Selected: selected == "status"},
	}
}

// ideaItems renders ideas with their authors and the viewer's votes from the read model.
func (h *Handler) ideaItems(r *http.Request, list []*ideas.View) ([]ideaItem, error) {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	sts := make([]*activitypub.Status, len(list))
	byID := make(map[string]*ideas.View, len(list))
	for i, v := range list {
		sts[i], byID[v.Status.ID] = v.Status, v
	}
	svs, err := h.views.StatusViews(ctx, activitypub.ViewQuery{Viewer: acct}, sts)
	if err != nil {
		return nil, err
	}
	out := make([]ideaItem, 0, len(svs))
	for _, sv := range svs {
		v := byID[sv.Status.ID]
		st := v.Status
		it := ideaItem{ID: st.ID, Href: "/ideas/" + url.PathEscape(st.ID), Title: st.Title,
			Content: template.HTML(st.Content), State: string(v.Idea.State), StateLabel: v.Idea.State.Label(), // #nosec: sanitised by the domain
			Reason: v.Idea.Reason, Votes: v.Votes(), Voted: sv.Flags.Favourited, AdoptedBy: v.AdoptedBy,
			AdoptedHere: slices.Contains(v.AdoptedBy, h.svc.Domain()), Local: st.Local, Created: st.CreatedAt,
			AuthorName: displayName(sv.Author), Handle: handleOf(sv.Author, h.svc.Domain())}
		if acct != nil {
			if it.CanChange, err = h.ideas.MayChangeStatus(ctx, acct, st); err != nil {
				return nil, err
			}
			it.CanAdopt = h.ideas.MayAdopt(acct, st)
		}
		out = append(out, it)
	}
	return out, nil
}

func displayName(a *activitypub.Actor) string {
	if n := strings.TrimSpace(a.DisplayName); n != "" {
		return n
	}
	return a.Username
}

func handleOf(a *activitypub.Actor, domain string) string {
	if a.Domain != "" {
		domain = a.Domain
	}
	return "@" + a.Username + "@" + domain
}

func (h *Handler) ideasList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	sort, state, group := q.Get("sort"), q.Get("status"), q.Get("group_id")
	if sort == "" {
		sort = "newest"
	}
	list, err := h.ideas.List(r.Context(), viewerOf(AccountFrom(r.Context())), ideas.Query{Sort: ideas.Sort(sort),
		State: ideas.State(state), GroupID: group, Limit: 40})
	if activitypub.KindOf(err) == activitypub.Invalid {
		return h.render(w, r, http.StatusUnprocessableEntity, "ideas", view{Title: "Ideas", Section: "ideas",
			Errors: []fieldError{{Field: "sort", Message: sentence(activitypub.Message(err))}},
			Page:   ideasPage{Sorts: sortOptions(""), States: stateOptions("", true)}})
	}
	if err != nil {
		return err
	}
	items, err := h.ideaItems(r, list)
	if err != nil {
		return err
	}
	counts, err := h.ideas.CountByState(r.Context(), group)
	if err != nil {
		return err
	}
	var cs []countItem
	for _, c := range counts {
		q := url.Values{"status": {string(c.State)}, "sort": {sort}}
		if group != "" {
			q.Set("group_id", group)
		}
		cs = append(cs, countItem{Label: c.State.Label(), Count: c.Count, Href: "/ideas?" + q.Encode()})
	}
	return h.render(w, r, http.StatusOK, "ideas", view{Title: "Ideas", Section: "ideas",
		Page: ideasPage{Ideas: items, Sorts: sortOptions(sort), States: stateOptions(state, true), Sort: sort, State: state,
			GroupID: group, Counts: cs}})
}

// ideaVisibilities are the audiences an idea may have: every one but direct.
func ideaVisibilities() []visibilityOption {
	var out []visibilityOption
	for _, o := range visibilityOptions {
		if o.Value != activitypub.Direct {
			out = append(out, o)
		}
	}
	return out
}

func (h *Handler) ideaForm(w http.ResponseWriter, r *http.Request) error {
	if AccountFrom(r.Context()) == nil {
		return redirect(w, r, signInURL(r))
	}
	return h.render(w, r, http.StatusOK, "idea_new", view{Title: "Propose an idea", Section: "ideas",
		Values: map[string]string{}, Page: ideasPage{Visibility: ideaVisibilities(), Vis: string(activitypub.Public),
			GroupID: r.URL.Query().Get("group_id")}})
}

func (h *Handler) ideaCreate(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	title, text := strings.TrimSpace(r.PostForm.Get("idea-title")), strings.TrimSpace(r.PostForm.Get("idea-text"))
	vis := r.PostForm.Get("visibility")
	var errs []fieldError
	if title == "" {
		errs = append(errs, fieldError{Field: "idea-title", Message: "Enter a title for your idea"})
	}
	if text == "" {
		errs = append(errs, fieldError{Field: "idea-text", Message: "Describe your idea"})
	}
	var v *ideas.View
	var err error
	if len(errs) == 0 {
		v, err = h.ideas.Create(r.Context(), acct, ideas.Input{Title: title, Content: text,
			Visibility: activitypub.Visibility(vis), GroupID: r.PostForm.Get("group_id")})
		if activitypub.KindOf(err) == activitypub.Invalid {
			errs = append(errs, fieldError{Field: "idea-text", Message: sentence(activitypub.Message(err))})
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, "idea_new", view{Title: "Propose an idea", Section: "ideas",
			Errors: errs, Values: map[string]string{"idea-title": title},
			Page: ideasPage{Visibility: ideaVisibilities(), Vis: vis, Text: text, GroupID: r.PostForm.Get("group_id")}})
	}
	return redirect(w, r, "/ideas/"+url.PathEscape(v.Status.ID))
}

// ideaPage shows one idea; errs and form re-show a refused status change.
func (h *Handler) ideaPage(w http.ResponseWriter, r *http.Request) error {
	return h.showIdea(w, r, http.StatusOK, nil, "", "")
}

func (h *Handler) showIdea(w http.ResponseWriter, r *http.Request, code int, errs []fieldError, state, reason string) error {
	ctx := r.Context()
	v, err := h.ideas.Get(ctx, viewerOf(AccountFrom(r.Context())), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	items, err := h.ideaItems(r, []*ideas.View{v})
	if err != nil {
		return err
	}
	if len(items) != 1 {
		return errNotFound
	}
	it := items[0]
	for _, c := range v.Changes {
		who := "their server"
		if c.ActorID != "" {
			if a, err := h.svc.ActorByID(ctx, c.ActorID); err == nil {
				who = displayName(a)
			}
		}
		it.History = append(it.History, ideaChangeItem{Label: c.State.Label(), Reason: c.Reason, Who: who, At: c.CreatedAt})
	}
	if state == "" {
		state = it.State
	}
	return h.render(w, r, code, "idea", view{Title: it.Title, Section: "ideas", Errors: errs,
		Page: ideasPage{Idea: &it, NewStates: stateOptions(state, false), Reason: reason}})
}

func (h *Handler) ideaVote(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	v, err := h.ideas.Get(r.Context(), viewerOf(AccountFrom(r.Context())), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	if r.PostForm.Get("undo") != "" {
		_, err = h.svc.Unfavourite(r.Context(), acct, v.Status.ID)
	} else {
		_, err = h.svc.Favourite(r.Context(), acct, v.Status.ID)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, ideaReturn(r, v.Status.ID))
}

// ideaReturn is where an action on an idea goes back to: the list it was taken from, or the
// idea's page.
func ideaReturn(r *http.Request, id string) string {
	if back := safeReturn(r.PostForm.Get("return")); back != "" {
		return back
	}
	return "/ideas/" + url.PathEscape(id) + "#votes"
}

func (h *Handler) ideaStatus(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	id := mux.Vars(r)["id"]
	state, reason := r.PostForm.Get("status"), strings.TrimSpace(r.PostForm.Get("reason"))
	_, err := h.ideas.SetStatus(r.Context(), acct, id, ideas.State(state), reason)
	if activitypub.KindOf(err) == activitypub.Invalid {
		field := "reason"
		if !ideas.State(state).Valid() {
			field = "status-" + string(ideas.Proposed)
		}
		return h.showIdea(w, r, http.StatusUnprocessableEntity,
			[]fieldError{{Field: field, Message: sentence(activitypub.Message(err))}}, state, reason)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/ideas/"+url.PathEscape(id)+"#status-heading")
}

func (h *Handler) ideaAdopt(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	id := mux.Vars(r)["id"]
	if _, err := h.ideas.Adopt(r.Context(), acct, id); err != nil {
		return err
	}
	return redirect(w, r, "/ideas/"+url.PathEscape(id)+"#adopted-heading")
}
