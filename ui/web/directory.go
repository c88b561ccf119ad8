package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// directoryPageSize is how many people one directory page lists.
const directoryPageSize = 30

// directoryView is the expertise directory page: the query and the people found.
type directoryView struct {
	Skill, Q, Scope string
	Done            bool
	People          []directoryPerson
	More            string // the next page's URL, when there may be one
}

// directoryPerson is one person found, with what they know.
type directoryPerson struct {
	actorView
	Role, Team string
	Skills     []directorySkill
}

// directorySkill links a skill to the directory of everyone with it.
type directorySkill struct{ Name, Href string }

// scopeOptions are the radio buttons of where to look.
var scopeOptions = []struct{ Value, Label string }{
	{"", "Everywhere"}, {"local", "This council"}, {"remote", "Other councils and servers"},
}

// ScopeOptions lists where the directory can look.
func (d directoryView) ScopeOptions() []struct{ Value, Label string } { return scopeOptions }

// directory is the expertise directory: people here and elsewhere by skill, role or team, who
// have not opted out of discovery.
func (h *Handler) directory(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	qs := r.URL.Query()
	d := directoryView{Skill: strings.TrimSpace(qs.Get("skill")), Q: strings.TrimSpace(qs.Get("q")), Scope: qs.Get("scope")}
	if d.Scope != "local" && d.Scope != "remote" {
		d.Scope = ""
	}
	offset, _ := strconv.Atoi(qs.Get("offset"))
	offset = max(offset, 0)
	v := view{Title: "Expertise directory", Section: "directory", Values: map[string]string{"skill": d.Skill, "q": d.Q}}
	es, err := h.svc.Directory(r.Context(), activitypub.DirectoryQuery{Skill: d.Skill, Q: d.Q, Scope: d.Scope,
		Limit: directoryPageSize + 1, Offset: offset})
	if err != nil {
		return err
	}
	d.Done = d.Skill != "" || d.Q != ""
	if d.Done {
		v.Title = "Expertise directory: " + strings.TrimSpace(d.Skill+" "+d.Q)
	}
	if len(es) > directoryPageSize {
		es = es[:directoryPageSize]
		next := url.Values{"skill": {d.Skill}, "q": {d.Q}, "scope": {d.Scope}, "offset": {strconv.Itoa(offset + directoryPageSize)}}
		d.More = "/directory?" + next.Encode()
	}
	pr := h.presenter(r)
	for _, e := range es {
		p := directoryPerson{actorView: pr.actor(e.Actor), Role: e.Expertise.Role, Team: e.Expertise.Team}
		for _, s := range e.Expertise.Skills {
			p.Skills = append(p.Skills, directorySkill{Name: s, Href: "/directory?" + url.Values{"skill": {s}}.Encode()})
		}
		d.People = append(d.People, p)
	}
	v.Page = d
	return h.render(w, r, http.StatusOK, "directory", v)
}
